import { createHash } from "node:crypto";

/**
 * A client that can say where it sends: its base URL and the account, without any secret; and when the vendor
 * accepts its credential.
 */
export interface Destined {
  /**
   * `<base URL> <account>`: the account is an org or client id, or a fingerprint of the key; a credential in
   * the base URL is redacted.
   */
  readonly destination: string;
  /**
   * Calls `listener` once, as the first answer from now on that accepts the client's credential (a 2xx, to
   * any call) comes back, before the call that asked for it reads it; returns a function that drops the
   * listener uncalled. A throw of the listener (or a rejection, from one that returns a promise) is ignored:
   * the answer stays the call's. The engine gives it to a journal resumed after a credential was rotated,
   * which names the new account only then (see `journalAccountWas` in `ImportOptions`).
   */
  whenCredentialAccepted(listener: () => void): () => void;
}

/** `<base URL> <account>`, the form every client's `destination` takes. */
export function destinationOf(baseUrl: string, account: string): string {
  return `${baseUrl.replace(TRAILING_SLASHES, "")} ${account}`;
}

/**
 * The slashes that end a text, found from the first of them only (the lookbehind): `/\/+$/` ran to the end
 * from every slash of a run before a last character that is none, quadratic (a base URL of 64,000 slashes
 * took 2 s).
 */
export const TRAILING_SLASHES = /(?<!\/)\/+$/;

/**
 * A header value as fetch sends it: without the HTTP whitespace (tab, LF, CR, space) fetch strips from its
 * edges, and nothing more. `String.prototype.trim` also strips a no-break space, which fetch sends, so two
 * keys that differ by one would be taken for one account.
 */
export function asSentInHeader(value: string): string {
  return value.replace(HTTP_BLANKS_AT_EDGES, "");
}

/**
 * HTTP's blanks at either edge of a text; those at its end from the first of them only (the lookbehind):
 * without it, the engine ran to the end from every blank of a run inside the text, quadratic (a key holding
 * 64,000 spaces took 3 s to fingerprint, 128,000 some 10).
 */
export const HTTP_BLANKS_AT_EDGES = /^[\t\n\r ]+|(?<![\t\n\r ])[\t\n\r ]+$/g;

/**
 * A short, one-way fingerprint of an API key (`key:` and 12 hex digits of a SHA-256 under a fixed label), to
 * tell accounts apart in a journal without storing the key or anything it can be recovered from. Of the key
 * as it is sent ({@link asSentInHeader}): read with its line end, it is the same account.
 */
export function keyFingerprint(apiKey: string): string {
  const digest = createHash("sha256")
    .update("bulk-user-import destination\0")
    .update(asSentInHeader(apiKey));
  return `key:${digest.digest("hex").slice(0, 12)}`;
}
