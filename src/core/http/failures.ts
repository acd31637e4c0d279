/**
 * What the transport throws when no usable response came back (or, kind `auth`, when no credentials could be
 * obtained to send the request with). The operation layer turns each into its
 * typed variant; carrying no request data, none of them can hold a credential.
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: "network" | "timeout" | "aborted" | "auth",
    message: string,
    /**
     * False only when the request cannot have reached the vendor (the connection was refused, the host not
     * found, no credentials to send it with); true when it was sent, or may have been, so a request without
     * an idempotency guarantee may have been processed.
     */
    readonly mayHaveArrived: boolean,
    readonly timeoutMs?: number,
  ) {
    super(message);
    this.name = "TransportFailure";
  }

  /** Set when the failure was not retried only because the request may have reached the vendor. */
  withheld = false;

  /** What a report adds to the failure's words: why it was not retried, when that is the reason. */
  withheldNote(): string {
    return this.withheld
      ? "; not retried: the request may have reached the vendor, which does not make a replay safe"
      : "";
  }
}
