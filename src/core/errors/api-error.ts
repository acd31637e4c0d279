import { TransportFailure } from "../http/failures.js";
import type { SecretSet } from "./secrets.js";
import { vendorMessage } from "./vendor-message.js";

/** The most characters of a vendor's own words a message quotes. */
const VENDOR_WORDS = 300;

/** Where a failed call was going: never its headers or body, which may hold credentials. */
export interface RequestTarget {
  /** The spec's operationId, e.g. `createBatchImport`. */
  readonly operation: string;
  /** The HTTP method, in upper case (`POST`). */
  readonly method: string;
  /** The URL's path, with its parameters filled in (never the host or query). */
  readonly path: string;
}

/** The variants every operation shares besides its documented statuses. */
export type TransportVariant =
  | {
      /**
       * The vendor answered with a status its documentation does not list for this operation. The error's
       * message quotes what the body says in words (its `message`, `error`, `detail`, `title`, or a list of
       * `messages` or `errors`; at most 300 characters), when it says something.
       */
      readonly status: "undocumented";
      /** The status the vendor answered with. */
      readonly httpStatus: number;
      /**
       * The body parsed as JSON, or else its start as text (at most 512 characters); undefined when empty.
       * Scrubbed of the client's secrets.
       */
      readonly body: unknown;
      /** The response's headers, names in lower case, scrubbed of the client's secrets. */
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      /** The vendor answered, but not with what the spec says: HTML, truncated JSON, wrong media type. */
      readonly status: "malformed";
      /** The status of the unusable answer. */
      readonly httpStatus: number;
      /** What is wrong with it, e.g. `body is not valid JSON` or `content type text/html, expected …`. */
      readonly reason: string;
      /** The start of the body (at most 512 characters), scrubbed of secrets before it was cut. */
      readonly bodyText: string;
      /** The response's headers, names in lower case, scrubbed of the client's secrets. */
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      /**
       * No usable response: connection refused or dropped, DNS failure, a body cut off mid-way; or no access
       * token to send the request with, the token endpoint down for a while (its retries spent).
       */
      readonly status: "network";
      /**
       * The HTTP status of the token endpoint's answer that gave no token (a 429, a 503), when one came: the
       * request itself was never sent, so no answer of the vendor's to it is meant.
       */
      readonly httpStatus?: number;
    }
  | {
      /** No response within `timeoutMs` on the last attempt. */
      readonly status: "timeout";
      /** The time one attempt was allowed, in ms (the client's `timeoutMs`). */
      readonly timeoutMs: number;
    }
  | {
      /** The caller's `signal` aborted the call. */
      readonly status: "aborted";
    }
  | {
      /** No credentials to send: e.g. the OAuth2 token request was refused. `reason` says why. */
      readonly status: "auth";
      /** Why no credentials could be had (e.g. the token endpoint's refusal), scrubbed of secrets. */
      readonly reason: string;
      /**
       * The HTTP status of the token endpoint's answer that gave no token, when one came: 401 when it
       * refused the credentials, a 404 when the URL is no token endpoint.
       */
      readonly httpStatus?: number;
      /**
       * The OAuth2 `error` code of that answer, when it was a 400 or 401 whose JSON body had one of those
       * RFC 6749 §5.2 registers (`invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
       * `unsupported_grant_type`, `invalid_scope`), never the answer's own words. With it, a 400 that refused
       * the client (`invalid_client`) is told from one that refused the request's form, and from a host that
       * is no token endpoint (its 400 has no such code, whatever its `error` says: `bad_request`). Absent
       * too when the client secret is that code: the code would show it.
       */
      readonly oauthError?: OAuthErrorCode;
    }
  | {
      /**
       * The vendor (or something in front of it) answered with a 3xx. Redirects are never followed, so no
       * credential reaches the origin it names; not retried, and not transient: it would only repeat. Also
       * when a client's own `fetch` followed one itself (which it must not): its answer is not read.
       */
      readonly status: "redirect";
      /** The 3xx status the answer had; of a redirect the client's `fetch` followed, its last answer's. */
      readonly httpStatus: number;
      /**
       * The `Location` it named, scrubbed of secrets; null when it named none. Of a redirect the client's
       * `fetch` followed, the URL it ended at, scrubbed (null when its answer has none).
       */
      readonly location: string | null;
    }
  | {
      /**
       * The response body was larger than the client's `maxResponseBytes` (see its `@default`): it was cancelled
       * unread, as soon as its `Content-Length` or the bytes streamed in passed the cap. Not retried.
       */
      readonly status: "too_large";
      /** The status of the answer whose body was too large. */
      readonly httpStatus: number;
      /** The cap the body passed, in bytes: the client's `maxResponseBytes`. */
      readonly maxBytes: number;
    };

/** The fields a documented error status carries. */
export interface StatusVariantFields<S extends number, B> {
  /** The documented HTTP status the vendor answered with. */
  readonly status: S;
  /** The parsed body, typed by the spec's schema for this status. */
  readonly body: B;
  /** The response's headers, names in lower case, scrubbed of the client's secrets. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What {@link ApiError.of} takes for a variant: its `status` and the fields it carries. */
export type ApiErrorVariant = {
  /** A documented HTTP status, or a transport variant's name (`network`, `timeout`, …). */
  readonly status: number | string;
} & Record<string, unknown>;

/**
 * The error side of every operation's result. Narrow it with `switch (error.status)`: a documented status
 * is its number, anything else one of `undocumented`, `malformed`, `network`, `timeout`, `aborted`, `auth`,
 * `redirect` (a 3xx, never followed) or `too_large` (a body over `maxResponseBytes`).
 */
export class ApiError extends Error {
  /** Always `ApiError`: the name `toJSON` and `String(error)` give it. */
  override readonly name = "ApiError";
  /** The variant: a documented HTTP status, or `undocumented`, `malformed`, `network`, `redirect`, … */
  declare readonly status: number | TransportVariant["status"];
  /** The spec's operationId of the failed call (`raw` for a `raw` call to a path the spec lacks). */
  readonly operation: string;
  /** The HTTP method, in upper case (`POST`). */
  readonly method: string;
  /**
   * The URL's path with its parameters filled in (never the host or query); `of` scrubs it of secrets and of
   * any run of 6 or more of a secret's characters.
   */
  readonly path: string;
  /**
   * Set when an earlier try of this call may have reached the vendor and its answer was lost (a timeout, a
   * connection lost after sending, a 5xx other than 503), or a caller's middleware replaced the answer the
   * vendor gave it: the vendor may have acted, whatever this answer says.
   */
  declare readonly afterArrivedTry?: true;
  /**
   * Set when a caller's middleware (added with `raw.use`) answered in place of the vendor's answer: by an
   * `onRequest` before the request went out, an `onError` after a transport failure, or an `onResponse`
   * replacing the vendor's answer. What this error says is that answer's, not necessarily the vendor's: a
   * refusal in it is not the vendor's word. Whether a try may have reached the vendor is said apart from it,
   * by `afterArrivedTry`.
   */
  declare readonly replacedAnswer?: true;
  /**
   * Set when no try of this call can have reached the vendor: no connection was made, no credentials could
   * be had to send it with, or the caller stopped it before it went out (see `TransportFailure.mayHaveArrived`).
   */
  declare readonly cannotHaveArrived?: true;
  /**
   * Set when the vendor acted on no try of this call, though one reached it: turned away unprocessed (a 429,
   * a 503, a 401 before a renewed token), and the tries after it failed before they reached the vendor.
   */
  declare readonly turnedAwayOnly?: true;

  constructor(message: string, target: RequestTarget, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = target.operation;
    this.method = target.method;
    this.path = target.path;
  }

  /** Builds the error for one variant, scrubbing every string it carries against the client's secrets. */
  static of<V extends ApiErrorVariant>(
    variant: V,
    target: RequestTarget,
    secrets: SecretSet,
    cause?: unknown,
  ): ApiError & V {
    // Of runs of a secret too, as the message naming it is: a vendor's id in it may echo one cut short.
    const safeTarget = { ...target, path: secrets.scrubRuns(target.path) };
    // OAuth2 codes, the answer's and the one an `auth` failure carries, are read before the scrub, which
    // takes out of a word any run of 6 a secret shares with it: a client secret `acme_client_…` made
    // `invalid_client` `invalid[REDACTED]`, and the code was lost. Only a word RFC 6749 registers is taken,
    // and not one a secret is in whole; any other text of the answer's is scrubbed as before.
    const answerCode = unlessSecret(oauthErrorCode(errorField(variant["body"])), secrets);
    const authCode = unlessSecret(oauthErrorCode(variant["oauthError"]), secrets);
    const safeVariant = secrets.scrubDeep(variant);
    if (authCode !== undefined) Object.assign(safeVariant, { oauthError: authCode });
    // Described from the scrubbed variant: a body cut short must not cut a secret into an unmatched fragment.
    // Of runs of a secret too: a vendor's words or a runtime's message may quote one cut short.
    const message = secrets.scrubRuns(describe(safeVariant, safeTarget, cause, secrets));
    const error = new ApiError(message, safeTarget, cause === undefined ? undefined : { cause });
    Object.assign(error, safeVariant);
    if (answerCode !== undefined) answerCodes.set(error, answerCode);
    if (cause instanceof TransportFailure && !cause.mayHaveArrived)
      Object.assign(
        error,
        cause.turnedAway ? { turnedAwayOnly: true } : { cannotHaveArrived: true },
      );
    return error as ApiError & V;
  }

  /** Plain data for logs and reports: name, message, target and the variant's fields; never a cause. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, stack: _stack, ...fields } = Object.fromEntries(Object.entries(this));
    return { name: this.name, message: this.message, ...fields };
  }
}

/**
 * The HTTP status the answer really had: the documented status, or the one a transport variant carries
 * (`malformed`, `undocumented`, `redirect`, `too_large`); undefined when no answer came. An `auth` or
 * `network` failure may carry one too, the token endpoint's: the request itself was never answered, and so
 * was not turned away (see `unprocessedBy`).
 */
export function httpStatusOf(error: ApiError): number | undefined {
  if (typeof error.status === "number") return error.status;
  const httpStatus: unknown = "httpStatus" in error ? error.httpStatus : undefined;
  return typeof httpStatus === "number" ? httpStatus : undefined;
}

/**
 * An error code RFC 6749 §5.2 registers for a token endpoint's refusal: `invalid_client`,
 * `unauthorized_client` and `invalid_grant` refuse the client and its credentials, the others the request as
 * it was made.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope";

/**
 * The error codes RFC 6749 §5.2 registers for a token endpoint's refusal. Only these are one: a host that is
 * no token endpoint answers 400 with an `error` of the same shape (`bad_request`, `not_found`), which says
 * nothing of the credentials.
 */
const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set<OAuthErrorCode>([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
]);

/** Of {@link OAUTH_ERROR_CODES}, those that refuse the client or its grant: the credentials. */
const CREDENTIAL_REFUSALS: ReadonlySet<OAuthErrorCode> = new Set<OAuthErrorCode>([
  "invalid_client",
  "unauthorized_client",
  "invalid_grant",
]);

/**
 * Whether a token endpoint's refusal with `code` refused the client or its grant: the credentials. The other
 * codes refuse the request as it was made, which no credential the operator gives would change.
 */
export function refusesCredentials(code: OAuthErrorCode): boolean {
  return CREDENTIAL_REFUSALS.has(code);
}

function isOAuthErrorCode(value: unknown): value is OAuthErrorCode {
  return typeof value === "string" && OAUTH_ERROR_CODES.has(value);
}

/**
 * `value` when it is an OAuth2 error code (see {@link OAUTH_ERROR_CODES}), else undefined: whatever else an
 * answer's `error` holds is another service's word or free text, which may quote the request, and is never
 * carried as a code.
 */
function oauthErrorCode(value: unknown): OAuthErrorCode | undefined {
  return isOAuthErrorCode(value) ? value : undefined;
}

/**
 * The OAuth2 error code an `auth` failure carries (see its `oauthError`), else undefined. Checked again: an
 * adapter may hand the engine an `ApiError` of its own making, whose field holds any text.
 */
export function oauthErrorOf(error: ApiError): OAuthErrorCode | undefined {
  if (error.status !== "auth") return undefined;
  return oauthErrorCode("oauthError" in error ? error.oauthError : undefined);
}

/**
 * The OAuth2 error code of the answer each error was built from (see {@link answerOAuthErrorOf}). Kept out of
 * the error's fields: an error of a documented status carries those its spec gives, in logs and reports.
 */
const answerCodes = new WeakMap<ApiError, OAuthErrorCode>();

/**
 * The OAuth2 error code (see {@link OAUTH_ERROR_CODES}) the `error` field of the answer's JSON body held as
 * it came, before {@link ApiError.of} scrubbed the body the error carries; else undefined, also when a secret
 * is in it whole. Whatever the status: only a token endpoint's 400 or 401 makes it a refusal, which gives
 * an `auth` failure its `oauthError`.
 */
export function answerOAuthErrorOf(error: ApiError): OAuthErrorCode | undefined {
  return answerCodes.get(error);
}

/**
 * `code` unless a secret is in it whole, as {@link SecretSet.scrub} finds one (a client secret that is
 * `invalid_client`): the code would show it. Not a run a secret shares with it: `acme_client_secret_123`
 * shares `_client` with `invalid_client`, whose code tells nothing of the rest.
 */
function unlessSecret(
  code: OAuthErrorCode | undefined,
  secrets: SecretSet,
): OAuthErrorCode | undefined {
  return code !== undefined && secrets.scrub(code) === code ? code : undefined;
}

/** The `error` field of a JSON body, else undefined. */
function errorField(body: unknown): unknown {
  return typeof body === "object" && body !== null && "error" in body ? body.error : undefined;
}

function describe(
  variant: ApiErrorVariant,
  target: RequestTarget,
  cause: unknown,
  secrets: SecretSet,
): string {
  const where = `${target.operation} (${target.method} ${target.path})`;
  const note = cause instanceof TransportFailure ? cause.withheldNote() : "";
  switch (variant.status) {
    case "undocumented": {
      // No spec says what this status means, so the vendor's own words are all the reader gets.
      const words = vendorMessage(variant["body"], VENDOR_WORDS);
      const said = words === undefined ? "" : `: ${secrets.clip(words, VENDOR_WORDS)}`;
      return `${where}: undocumented HTTP status ${String(variant["httpStatus"])}${said}`;
    }
    case "malformed":
      return `${where}: HTTP ${String(variant["httpStatus"])} with a malformed body: ${String(variant["reason"])}`;
    case "network":
      return `${where}: network failure, no usable response${cause instanceof Error ? ` (${cause.message}${note})` : ""}`;
    case "timeout":
      return `${where}: no response within ${String(variant["timeoutMs"])} ms${note}`;
    case "aborted":
      // Where the call was when it stopped (e.g. before its request went out), when the failure says.
      return `${where}: ${cause instanceof TransportFailure && cause.kind === "aborted" ? cause.message : "aborted by the caller"}`;
    case "auth":
      return `${where}: could not obtain credentials: ${String(variant["reason"])}`;
    case "redirect": {
      const location = variant["location"];
      const to = typeof location === "string" ? ` to ${secrets.clip(location, 300)}` : "";
      if (cause instanceof TransportFailure && cause.response?.followed === true)
        return `${where}: the client's fetch followed a redirect${to} (a fetch given to a client must not follow redirects): the request and its credentials may have gone there; its HTTP ${String(variant["httpStatus"])} answer is not read`;
      return `${where}: HTTP ${String(variant["httpStatus"])} redirect${to}, not followed`;
    }
    case "too_large":
      return `${where}: HTTP ${String(variant["httpStatus"])} with a body over ${String(variant["maxBytes"])} bytes (maxResponseBytes), not read`;
    default: {
      const body = variant["body"];
      const detail = body === undefined ? "" : `: ${secrets.clip(JSON.stringify(body), 300)}`;
      return `${where}: HTTP ${String(variant.status)}${detail}`;
    }
  }
}
