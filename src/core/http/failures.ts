import type { OAuthErrorCode } from "../errors/api-error.js";

/**
 * What a refused response said, for the failures that come from one (`redirect`, `too_large`), and for a
 * token request's answer that gave no token (`auth`, `network`): that answer's status.
 */
export interface FailureResponse {
  readonly httpStatus: number;
  /** The redirect's `Location` header as sent (null when it had none). */
  readonly location?: string | null;
  /**
   * Set when the caller's fetch followed the redirect itself: `httpStatus` is then its last answer's, and
   * `location` the URL that answer came from.
   */
  readonly followed?: true;
  /** The body cap that was passed. */
  readonly maxBytes?: number;
  /**
   * The OAuth2 `error` code of a token request's 400 or 401 (see the `auth` variant's `oauthError`); absent
   * when the client secret is that code.
   */
  readonly oauthError?: OAuthErrorCode;
}

/**
 * What the transport throws when no usable response came back (or, kind `auth`, when no credentials could be
 * obtained to send the request with; kinds `redirect` and `too_large`, when the response is one the library
 * refuses to use). The operation layer turns each into its typed variant; carrying no request data, none of
 * them can hold a credential, except a `location` a vendor echoed one into (scrubbed before it leaves).
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: "network" | "timeout" | "aborted" | "auth" | "redirect" | "too_large",
    message: string,
    /**
     * False only when no try of the call can have reached the vendor (the connection was refused, the host
     * not found, no credentials to send it with, the caller stopped it before it went out); true when it was
     * sent, or may have been (this try or an earlier one), so a request without an idempotency guarantee may
     * have been processed.
     */
    readonly mayHaveArrived: boolean,
    readonly timeoutMs?: number,
    readonly response?: FailureResponse,
  ) {
    super(message);
    this.name = "TransportFailure";
  }

  /** Set when the failure was not retried only because the request may have reached the vendor. */
  withheld = false;

  /**
   * Set, where no try of the call may have been acted on, when an earlier one reached the vendor and was
   * turned away unprocessed (a 429, a 503, a 401 before a renewed token): the request was sent, though nothing
   * of it was written.
   */
  turnedAway = false;

  /** This failure, saying the request may have arrived: an earlier try of the same call may have. */
  afterArrivedTry(): TransportFailure {
    return this.mayHaveArrived ? this : this.#saying(true, false);
  }

  /** This failure, saying an earlier try of the call reached the vendor and was turned away unprocessed. */
  afterTurnedAwayTry(): TransportFailure {
    return this.mayHaveArrived || this.turnedAway ? this : this.#saying(false, true);
  }

  /** A copy of this failure that says so of the call's earlier tries. */
  #saying(mayHaveArrived: boolean, turnedAway: boolean): TransportFailure {
    const failure = new TransportFailure(
      this.kind,
      this.message,
      mayHaveArrived,
      this.timeoutMs,
      this.response,
    );
    failure.withheld = this.withheld;
    failure.turnedAway = turnedAway;
    return failure;
  }

  /** Whether another attempt would meet the same answer (so it is never retried). */
  get repeats(): boolean {
    return this.kind === "redirect" || this.kind === "too_large";
  }

  /** What a report adds to the failure's words: why it was not retried, when that is the reason. */
  withheldNote(): string {
    return this.withheld
      ? "; not retried by the client: the request may have reached the vendor, and only the vendor's replay semantics make sending it again safe"
      : "";
  }
}

/** The caller's abort of a call; `mayHaveArrived` when a try of the call may have gone out before it. */
export function abortedByCaller(mayHaveArrived = false): TransportFailure {
  return new TransportFailure("aborted", "aborted by the caller", mayHaveArrived);
}
