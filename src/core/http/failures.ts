/**
 * What the transport throws when no usable response came back (or, kind `auth`, when no credentials could be
 * obtained to send the request with). The operation layer turns each into its
 * typed variant; carrying no request data, none of them can hold a credential.
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: "network" | "timeout" | "aborted" | "auth",
    message: string,
    /** True when the response had started to arrive, so a non-idempotent request may have been processed. */
    readonly responseStarted: boolean,
    readonly timeoutMs?: number,
  ) {
    super(message);
    this.name = "TransportFailure";
  }
}
