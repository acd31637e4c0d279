import { ApiError, answerOAuthErrorOf, httpStatusOf } from "../errors/api-error.js";
import type { SecretSet } from "../errors/secrets.js";
import { isTooLargeLostAnswer, isTransient, isUnreadableSuccess } from "../errors/transient.js";
import { abortedByCaller, TransportFailure } from "../http/failures.js";
import { answersAfterArrivedTry, markAfterArrivedTry, type Transport } from "../http/transport.js";
import { carryDeadline } from "../http/deadline.js";
import { SharedRequestWaits } from "../http/request-waits.js";
import { durationOption } from "../options.js";
import { monotonicNow } from "../time.js";
import { routePath } from "./path-segment.js";

/** A freshly issued access token and how many seconds it lives. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSec: number;
}

export interface TokenCacheOptions {
  /**
   * Renew this many ms before expiry (at most half the token's lifetime, for short-lived tokens).
   * @default 60000
   */
  refreshBeforeMs?: number;
  /**
   * Our wall clock, in ms. A token's age is the older of its age on this clock and on a monotonic one: a
   * clock set back, or a machine suspended (which a monotonic clock does not see), never makes a lapsed token
   * look fresh. @default Date.now
   */
  now?: () => number;
}

/** The token in hand: when it was issued, on our wall clock and on a monotonic one, and how long it lives. */
interface HeldToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly issuedAtMonotonic: number;
  readonly lifetimeMs: number;
  /** How long before expiry it is renewed. */
  readonly earlyMs: number;
  /** Its age when an early renewal last failed: the next waits a while, the token being good meanwhile. */
  renewalFailedAtAge?: number;
}

/**
 * How long a token that is no longer the current one stays among the client's secrets after the later of its
 * expiry and the end of the last call that sent it. A call holds each token its tries sent to the end of its
 * last try, whose answer is read within it (see {@link TokenCache.hold}); what is left is in memory: the
 * answer parsed, scrubbed into an error or a chunk's outcomes. The hour is for that, and for a token the
 * vendor would still take a while past its `expires_in`, so none that may work is ever let go of.
 */
const KEPT_AFTER_LAST_USE_MS = 3_600_000;

/** A token issued, while it is among the client's secrets. */
interface Issued {
  /** How many times the endpoint issued it (each added it to the secrets once). */
  issues: number;
  /** How many calls that sent it are under way. */
  sending: number;
  /** The later of its expiry and the end of the last call that sent it, on the monotonic clock. */
  lastUseMonotonic: number;
}

/** One token request in flight, and how many calls wait for it. */
interface SharedRequest {
  readonly token: Promise<string>;
  readonly controller: AbortController;
  waiting: number;
  /**
   * Tells the calls waiting for it of its waits (a 429's `Retry-After`, a backoff): each waits to retry a
   * request as much as the call that began it (an import counts each one's chunk).
   */
  readonly waits: SharedRequestWaits;
}

/**
 * An OAuth2 token held for reuse: fetched on first use, renewed before it expires (and still used until then
 * should the renewal fail), dropped when a request with it is refused. Concurrent callers share one token
 * request; a caller whose signal aborts stops waiting for it at once, and the request itself is aborted once
 * no caller waits for it.
 */
export class TokenCache {
  #current: HeldToken | undefined;
  #pending: SharedRequest | undefined;
  /**
   * Every token issued that is still a secret, the current one included: one no call may quote any more is
   * let go of (see {@link KEPT_AFTER_LAST_USE_MS}), so a client living for months holds a few, not one per
   * renewal.
   */
  readonly #issued = new Map<string, Issued>();
  readonly #now: () => number;
  readonly #refreshBeforeMs: number;

  /**
   * @param issue asks for a new token; it must stop (and send nothing more) when its signal aborts.
   * @throws RangeError when `refreshBeforeMs` is not a duration in ms from 0.
   */
  constructor(
    private readonly issue: (signal: AbortSignal) => Promise<IssuedToken>,
    private readonly secrets: SecretSet,
    options: TokenCacheOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#refreshBeforeMs = durationOption("refreshBeforeMs", options.refreshBeforeMs, 60_000, {
      min: 0,
    });
  }

  /**
   * The current token, or a new one. Rejects with a `TransportFailure` of kind `aborted` as soon as `signal`
   * aborts, whether or not other callers go on waiting for the same token request.
   */
  async get(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw abortedByCaller();
    const current = this.#current;
    if (current !== undefined && this.#usableWithoutRenewal(current)) return current.token;
    const shared = (this.#pending ??= this.#request());
    shared.waiting += 1;
    const leave = shared.waits.join();
    try {
      return await untilAborted(shared.token, signal);
    } catch (error) {
      // A renewal ahead of expiry that failed (the token endpoint down for a moment) leaves the token in hand,
      // still good until it expires: failing the call instead would fail whole chunks the vendor would take. A
      // token a 401 refused was forgotten (`invalidate`), so it is never sent again this way.
      const held = this.#current;
      const aborted = error instanceof TransportFailure && error.kind === "aborted";
      if (aborted || held === undefined) throw error;
      const age = this.#age(held);
      if (age >= held.lifetimeMs) throw error;
      held.renewalFailedAtAge = age;
      return held.token;
    } finally {
      leave();
      shared.waiting -= 1;
      // Nobody left to use the token: no more requests carrying the client secret go out for it.
      if (shared.waiting === 0 && signal?.aborted) this.#abandon(shared);
    }
  }

  /** Forgets `token` if it is still the current one, so the next `get` fetches a new token. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  #request(): SharedRequest {
    const controller = new AbortController();
    // Made before the request, which finds it by its signal.
    const waits = new SharedRequestWaits(controller.signal);
    const token = this.issue(controller.signal).then(({ accessToken, expiresInSec }) => {
      this.secrets.add(accessToken);
      const lifetimeMs = expiresInSec * 1000;
      this.#current = {
        token: accessToken,
        issuedAt: this.#now(),
        issuedAtMonotonic: monotonicNow(),
        lifetimeMs,
        earlyMs: Math.min(this.#refreshBeforeMs, lifetimeMs / 2),
      };
      this.#letGoOfUnused(accessToken, this.#current.issuedAtMonotonic + lifetimeMs);
      return accessToken;
    });
    const shared: SharedRequest = { token, controller, waiting: 0, waits };
    // Also handles the rejection of a request every caller has given up on.
    const settled = () => {
      if (this.#pending === shared) this.#pending = undefined;
    };
    token.then(settled, settled);
    return shared;
  }

  /**
   * Whether `held` serves a call as it is: before its renewal window; or in it, while a renewal is under way
   * (one call waits for it, not every call), or soon after one failed. Were every call of the window to wait
   * for a renewal of its own, with the token endpoint down each would pay that request's retries: 7 chunks
   * made 35 token requests and waited 25 s.
   */
  #usableWithoutRenewal(held: HeldToken): boolean {
    const age = this.#age(held);
    if (age < held.lifetimeMs - held.earlyMs) return true;
    if (age >= held.lifetimeMs) return false;
    if (this.#pending !== undefined) return true;
    const failedAt = held.renewalFailedAtAge;
    // Tried again after a quarter of the time the token had left, and at least a second later.
    return (
      failedAt !== undefined && age < failedAt + Math.max(1000, (held.lifetimeMs - failedAt) / 4)
    );
  }

  /**
   * Runs `send`, a call that sends `token`, which stays among the client's secrets while it is under way and
   * {@link KEPT_AFTER_LAST_USE_MS} after it ends.
   */
  async sending<T>(token: string, send: () => Promise<T>): Promise<T> {
    const release = this.hold(token);
    try {
      return await send();
    } finally {
      release();
    }
  }

  /**
   * Holds `token`, which a call under way sends, among the client's secrets until the function returned is
   * called (once the call ended), and {@link KEPT_AFTER_LAST_USE_MS} after: for a call whose tries send
   * tokens they take as they go (see {@link withBearerAuth}), which {@link TokenCache.sending} cannot wrap.
   */
  hold(token: string): () => void {
    const issued = this.#issued.get(token);
    if (issued === undefined) return () => {};
    issued.sending += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      issued.sending -= 1;
      issued.lastUseMonotonic = Math.max(issued.lastUseMonotonic, monotonicNow());
    };
  }

  /**
   * Counts `token` issued, and takes out of the client's secrets every other token no call sent for an hour
   * and that lapsed an hour ago: as many times as it was issued, so a text given as a secret otherwise too
   * (the client secret) stays one. On the monotonic clock alone: a wall clock stepped forward would let go of
   * the token calls still send; a suspended machine, which that clock does not see, only keeps them longer.
   */
  #letGoOfUnused(token: string, expiresAtMonotonic: number): void {
    const issued = this.#issued.get(token);
    if (issued === undefined)
      this.#issued.set(token, { issues: 1, sending: 0, lastUseMonotonic: expiresAtMonotonic });
    else {
      issued.issues += 1;
      issued.lastUseMonotonic = Math.max(issued.lastUseMonotonic, expiresAtMonotonic);
    }
    const now = monotonicNow();
    for (const [held, { issues, sending, lastUseMonotonic }] of this.#issued) {
      if (held === token || sending > 0 || now - lastUseMonotonic < KEPT_AFTER_LAST_USE_MS)
        continue;
      this.#issued.delete(held);
      for (let n = 0; n < issues; n++) this.secrets.delete(held);
    }
  }

  #age(held: HeldToken): number {
    return Math.max(this.#now() - held.issuedAt, monotonicNow() - held.issuedAtMonotonic);
  }

  #abandon(shared: SharedRequest): void {
    if (this.#pending === shared) this.#pending = undefined;
    shared.controller.abort();
  }
}

/** `promise`, or a rejection with an `aborted` failure as soon as `signal` aborts (at once if it has). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  // Aborted since `get` checked: joining a token request that waits tells the call's import, whose
  // `onProgress` may stop the run. No abort event comes again, and the call waited out the token request's
  // Retry-After (minutes) before failing, holding the stopped import open.
  if (signal.aborted) return Promise.reject(abortedByCaller());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedByCaller());
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Sends each request with `Authorization: Bearer <token>`, each try of it (the transport's retries) with the
 * token current as it goes out: a call's waits (a 429's `Retry-After`, the backoff after 5xx) may outlast a
 * token, and the vendor refuses a lapsed one. On a 401, renews the token once and resends.
 * A token refused becomes a `TransportFailure` of kind `auth` (the operation's `auth` variant), one the
 * endpoint could not give for a while (a 429, a 5xx: its retries spent) of kind `network`, each with the
 * token answer's status; a request whose signal aborts while it waits for a token fails `aborted` at once.
 * Requests to `tokenUrl` itself go out as they are: the token endpoint takes client credentials, not a token.
 * `transport` must take each try's header from the `EachTry` it is handed, as `createTransport`'s does.
 */
export function withBearerAuth(
  transport: Transport,
  tokens: TokenCache,
  tokenUrl: string,
): Transport {
  // Compared as URL parsing spells it (a host in lower case, no default port), its path as servers route it
  // (`/oauth2/%74oken`, `/oauth2/token/`: see routePath) and without a query: the text of a base URL such
  // as `https://API.example:443` is never a request's URL, and the endpoint's own 401 must not be taken for a
  // token's refusal.
  const endpoint = withoutQuery(tokenUrl);
  return async (request) => {
    if (withoutQuery(request.url) === endpoint) return transport(request);
    const bytes = request.body === null ? null : await request.arrayBuffer();
    // Every token a try of the call sent stays among the secrets until the call ends: the answer to any try
    // may quote it, and the call's last answer is read within it.
    const held = new Map<string, () => void>();
    /** The token the call's last try carried: the one a 401 refuses. */
    let last: string | undefined;
    const send = (resend: boolean) => {
      // Said as a token wait says it: the transport's own check would only say "aborted by the caller".
      if (request.signal.aborted)
        throw new TransportFailure("aborted", resend ? NOT_RESENT : NOT_SENT, false);
      const sent = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: bytes,
        signal: request.signal,
      });
      carryDeadline(request.signal, sent.signal);
      return transport(sent, {
        authorization: async (attempt) => {
          const aborted = attempt > 0 ? NOT_RETRIED : resend ? NOT_RESENT : NOT_SENT;
          const token = await tokenOrFail(tokens, request.signal, aborted);
          if (!held.has(token)) held.set(token, tokens.hold(token));
          last = token;
          return `Bearer ${token}`;
        },
      });
    };
    try {
      const response = await send(false);
      if (response.status !== 401 || last === undefined) return response;
      tokens.invalidate(last);
      // The 401 says the vendor acted on nothing, but a try before it whose answer was lost may have been
      // acted on: what the resend meets must not hide that.
      const arrived = answersAfterArrivedTry(response);
      try {
        // Its tries take their tokens as the first send's did, none older than the one dropped: a 401 to the
        // resend is the call's answer, with no renewal left to try.
        const resent = await send(true);
        if (arrived) markAfterArrivedTry(resent);
        return resent;
      } catch (error) {
        // The 401 reached the vendor: a resend that never did was not the request's only send.
        if (!(error instanceof TransportFailure)) throw error;
        throw arrived ? error.afterArrivedTry() : error.afterTurnedAwayTry();
      }
    } finally {
      for (const release of held.values()) release();
    }
  };
}

/** A URL's origin and path, as URL parsing spells them, the path as a route is compared (see routePath). */
function withoutQuery(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${routePath(pathname)}`;
}

/** What an abort while waiting for a token tells a report: whether the vendor can hold anything of the call. */
const NOT_SENT =
  "aborted by the caller while waiting for an access token: the request was not sent";
const NOT_RESENT =
  "aborted by the caller while waiting for a renewed access token: the request was refused with 401, and not sent again";
const NOT_RETRIED =
  "aborted by the caller while waiting for a renewed access token to retry the request: not sent again";

/**
 * A token, or the failure of a call that goes no further. Said of this try alone: the transport, then the
 * resend after a 401, add that an earlier try may have arrived.
 */
async function tokenOrFail(
  tokens: TokenCache,
  signal: AbortSignal,
  abortedSaying: string,
): Promise<string> {
  try {
    return await tokens.get(signal);
  } catch (error) {
    if (error instanceof TransportFailure && error.kind === "aborted")
      throw new TransportFailure("aborted", abortedSaying, false);
    const reason = error instanceof Error ? error.message : String(error);
    // The token endpoint's status tells a refusal of the credentials (401) from a wrong URL (404), and a rate
    // limit (429, which a report counts under its own code) from an endpoint that is down.
    const httpStatus = error instanceof ApiError ? httpStatusOf(error) : undefined;
    // RFC 6749 §5.2: the endpoint's refusal is a 400 or 401 whose `error` says what it refused (the client,
    // or the request's form); a 400 of a host that is no token endpoint has no such code.
    const oauthError =
      error instanceof ApiError && (httpStatus === 400 || httpStatus === 401)
        ? answerOAuthErrorOf(error)
        : undefined;
    const response =
      httpStatus === undefined
        ? undefined
        : { httpStatus, ...(oauthError === undefined ? {} : { oauthError }) };
    // Only a refusal means the credentials are wrong; a token endpoint that is down (a 408, 429 or 5xx, even
    // one too large to read: a gateway's huge error page) is a passing failure. A 200 that cannot be read (a
    // captive portal's page) or is too large to read gave no token, and will give none to the next chunk.
    const passing =
      error instanceof ApiError &&
      ((isTransient(error) && !isUnreadableSuccess(error)) ||
        (isTooLargeLostAnswer(error) && (httpStatus ?? 0) >= 300));
    if (passing) {
      throw new TransportFailure(
        "network",
        `no access token: ${reason}`,
        false,
        undefined,
        response,
      );
    }
    throw new TransportFailure("auth", reason, false, undefined, response);
  }
}
