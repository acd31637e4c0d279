import { callSignal } from "./call-signal.js";
import { abortedByCaller, TransportFailure } from "./failures.js";
import {
  DEFAULT_RETRY,
  backoffDelay,
  isReplaySafe,
  isRetryableStatus,
  retryAfterOf,
  type RetryOptions,
} from "./retry-policy.js";
import { abortableBy, abortableSleep, duration, monotonicNow } from "../time.js";
import { RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";
import { deadlineOf, type CallDeadline } from "./deadline.js";
import { outsideRequestWaits, requestWaits } from "./request-waits.js";
import { whenAborted as followAbort } from "../when-aborted.js";

/** Why an attempt is being retried, for logs and progress displays. */
export interface RetryEvent {
  /** Which retry this is: 1 for the first, after the call's first try failed. */
  readonly attempt: number;
  /** How long the call waits before it, in ms: the vendor's `Retry-After` (capped), else the backoff. */
  readonly delayMs: number;
  /** What failed: the failure's kind (`network`, `timeout`, …) or the status, as `HTTP 503`. */
  readonly reason: string;
  /** The request's HTTP method (`POST`). */
  readonly method: string;
  /** The URL's path (never the host or query). */
  readonly path: string;
}

export interface TransportOptions {
  /**
   * The fetch to send with. It must not follow redirects (send each request as given, `redirect: "manual"`):
   * an answer it followed a redirect to (`redirected`, or a `url` of another origin) fails with kind
   * `redirect`, unread, though the request may have gone there.
   * @default `globalThis.fetch`, looked up at call time (so msw can intercept)
   */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Ms one attempt may take, from sending to the last byte of the response.
   * @default 30000 ({@link DEFAULT_TIMEOUT_MS})
   */
  timeoutMs?: number;
  /**
   * How failed attempts are retried.
   * @default {} (see {@link RetryOptions} for each setting's default)
   */
  retry?: RetryOptions;
  /**
   * Aborts every call made through this transport.
   * @default none
   */
  signal?: AbortSignal;
  /**
   * Called before each retry, outside the call's async context: a call it makes is not the retried call's (an
   * import does not count its waits for the chunk).
   * @default none
   */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Whether a request may be replayed after an ambiguous failure; a client whose calls are harmless to repeat
   * (an OAuth2 token request) can say so.
   * @default `isReplaySafe`: idempotent methods, and requests with an `Idempotency-Key`
   */
  replaySafe?: (request: Request) => boolean;
  /**
   * Waits between attempts; replaceable so tests can observe delays without waiting them. Called outside the
   * call's async context, as `onRetry` is, with a signal of its own that aborts with the call's.
   * @default a timer
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The largest response body read, in bytes. A larger one (by `Content-Length`, or once that many bytes have
   * streamed in) is cancelled and fails with kind `too_large`.
   * @default 16777216, 16 MiB ({@link DEFAULT_MAX_RESPONSE_BYTES})
   */
  maxResponseBytes?: number;
  /**
   * The limiter every call of this transport shares: after a 429 it spaces requests (and makes every one
   * wait out a `Retry-After`), then speeds up again while answers are good; `false` sends without one.
   * @default {} (a limiter with its defaults, which limits nothing until the first 429)
   */
  rateLimit?: RateLimiterOptions | false;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * What the layer handing a call to the transport asks of each try the transport makes of it (see
 * {@link Transport}).
 */
export interface EachTry {
  /**
   * The `Authorization` header of try `attempt` (0 for the first), asked for after the wait before the try (a
   * retry's), before it takes its turn of the rate limit, and again after each wait for that turn; the try
   * carries the last given: a call's retries and their waits (a `Retry-After`, a backoff) may outlast a
   * credential that lapses (an OAuth2 token), which a try must not carry once lapsed. It is all that
   * differs between the tries. A rejection ends the call with it, this try unsent and not retried (a
   * `TransportFailure` then says a try may have arrived when an earlier one may have).
   */
  authorization(attempt: number): Promise<string>;
}

/** Sends a call, with {@link EachTry} when a layer above sets a header of each try itself. */
export type Transport = (request: Request, eachTry?: EachTry) => Promise<Response>;

/**
 * A fetch with per-attempt timeouts and retries, for openapi-fetch's `fetch` option. The request body is read
 * once and every attempt is a fresh Request with the same bytes and headers, so a retried call is byte-for-
 * byte the call that was first sent (which an `Idempotency-Key` replay requires), but for the
 * `Authorization` header {@link EachTry} gives each attempt when the caller passes one. Responses are read
 * whole inside the attempt, so the timeout covers the body and a body cut off mid-way counts as a network
 * failure.
 * Redirects are never followed (a credential header would go to whatever origin a `Location` names): a 3xx
 * fails with kind `redirect`; a body over `maxResponseBytes` fails with kind `too_large`. Neither is retried.
 */
export function createTransport(options: TransportOptions = {}): Transport {
  const retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const given = options.sleep;
  const sleep =
    given === undefined
      ? abortableSleep
      : abortableBy((ms: number, signal?: AbortSignal) => callersSleep(given, ms, signal));
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit);
  // The limiter's clock: the end of a wait is handed to it.
  const now = (options.rateLimit === false ? undefined : options.rateLimit?.now) ?? monotonicNow;

  return async (request, eachTry) => {
    const bytes = request.body === null ? null : await request.arrayBuffer();
    const replaySafe = (options.replaySafe ?? isReplaySafe)(request);
    // The client's signal lives as long as the client: the call follows it through one listener it takes off
    // again, so a long import leaves nothing on it (see callSignal).
    const client = callSignal(options.signal);
    const callerSignal = anySignal([client.signal, request.signal]);
    const path = new URL(request.url).pathname;
    try {
      const deadline = deadlineOf(request.signal);
      return await attemptAll(request, bytes, replaySafe, callerSignal, path, deadline, eachTry);
    } finally {
      client.release();
    }
  };

  async function attemptAll(
    request: Request,
    bytes: ArrayBuffer | null,
    replaySafe: boolean,
    callerSignal: AbortSignal | undefined,
    path: string,
    deadline: CallDeadline | undefined,
    eachTry: EachTry | undefined,
  ): Promise<Response> {
    const send = options.fetch ?? ((r: Request) => globalThis.fetch(r));
    /** The time this call knows it is at least: the end of its last wait (a test's sleep returns at once). */
    let clock = 0;
    // The same on the deadline's clock, which a limiter's own `now` need not be.
    const started = monotonicNow();
    let waited = 0;
    let earlierMayHaveArrived = false;
    // A try was answered without being acted on (a 429, a 503): the request reached the vendor.
    let earlierTurnedAway = false;
    // What the caller learns of the whole call, not of the last try alone.
    const ofTheCall = (failure: TransportFailure) =>
      earlierMayHaveArrived
        ? failure.afterArrivedTry()
        : earlierTurnedAway
          ? failure.afterTurnedAwayTry()
          : failure;
    // Stopped between tries: only an earlier try can have reached the vendor.
    // `why` names the wait, for the reason of a call the deadline ends.
    const pause = async (ms: number, why: (wait: string) => string) => {
      // A wait that would end past the call's deadline is not begun: the time is up now (a Retry-After of
      // minutes must not hold a job's follow-through past its timeout), and the call ends as its signal's.
      // The caller's abort is checked first: it is the caller's, and no timeout.
      if (
        callerSignal?.aborted !== true &&
        deadline !== undefined &&
        Math.max(monotonicNow(), started + waited) + ms > deadline.at
      ) {
        deadline.expire(why(duration(ms)));
        throw ofTheCall(abortedByCaller());
      }
      // Waited from a time at least `clock`: a sleep that returns at once must still move the clock on, or a
      // call whose clock is ahead of real time would be told to wait the same rest of a pause for ever.
      const until = Math.max(clock, now()) + ms;
      // An import hears of it (its chunk counts as waiting to retry a request): a wait of minutes here is
      // otherwise a chunk out with nothing said of it.
      const waits = requestWaits(request.signal);
      waits?.began();
      await sleep(ms, callerSignal)
        .catch((error: unknown) => {
          // A sleep rejects when the caller aborts; a caller's sleep that failed otherwise is no abort, and
          // fails the call with its own error, as one that throws at once does.
          if (callerSignal?.aborted !== true) throw error;
          throw ofTheCall(abortedByCaller());
        })
        .finally(() => waits?.ended());
      clock = Math.max(clock, until);
      waited += ms;
    };
    for (let attempt = 0; ; attempt++) {
      if (callerSignal?.aborted) throw ofTheCall(abortedByCaller());
      let turn: { readonly waitMs: number; readonly slot: number } | undefined;
      let outcome: Response | TransportFailure | undefined;
      // Only what befell the try once it went out is weighed for a retry: a failure before (a wait's, the
      // credential's) ends the call.
      let sending = false;
      try {
        // Asked for after the retry's wait, and before the try takes its turn: a wait for the credential (a
        // token's renewal) holding a turn would count for the limiter as time the vendor was sent requests,
        // and the tries of every call waiting for it would go out together once it came, past their spacing
        // and a Retry-After answered to another call meanwhile.
        let authorization = await eachTry?.authorization(attempt);
        turn = limiter?.reserve(clock);
        // A Retry-After that came while this call waited for its turn is waited out too, and the later time
        // its turn was put at then.
        for (
          let wait = turn?.waitMs ?? 0;
          wait > 0;
          wait = limiter?.pending(clock, turn?.slot) ?? 0
        ) {
          await pause(wait, (ms) => `the client's rate limit (after a 429) would hold a try ${ms}`);
          // Asked again after a wait for the turn, which may have outlasted a token.
          if (eachTry !== undefined) authorization = await eachTry.authorization(attempt);
        }
        sending = true;
        // The chunk whose call this is hears that its records may be going out; a shared call (a token
        // request) carries none, and tells no chunk.
        if (!READS.has(request.method)) requestWaits(request.signal)?.writing?.();
        outcome = await attemptOnce(
          send,
          request,
          bytes,
          timeoutMs,
          callerSignal,
          maxBytes,
          authorization,
        );
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error;
        if (!sending) throw ofTheCall(error);
        outcome = error;
      } finally {
        // A try that never went tells nothing of the vendor: its caller gave up while it waited for its turn,
        // or its credential could not be had after that wait.
        if (turn !== undefined && limiter !== undefined) {
          if (sending) tellLimiter(limiter, turn.slot, outcome, retry.maxRetryAfterMs);
          else limiter.giveBack(turn.slot);
        }
      }
      if (outcome instanceof TransportFailure && (outcome.kind === "aborted" || outcome.repeats))
        throw ofTheCall(outcome);

      const decision = nextStep(outcome, replaySafe, retry);
      if (decision === undefined || attempt >= retry.maxRetries) {
        if (outcome instanceof TransportFailure) {
          if (decision === undefined) outcome.withheld = true;
          throw ofTheCall(outcome);
        }
        if (earlierMayHaveArrived) AFTER_ARRIVED_TRY.add(outcome);
        return outcome;
      }
      earlierMayHaveArrived ||= mayHaveBeenProcessed(outcome);
      if (!(outcome instanceof TransportFailure)) earlierTurnedAway = true;
      const delayMs = decision.retryAfterMs ?? backoffDelay(attempt, retry);
      const retrying = options.onRetry;
      // The caller's: a call it makes (a lookup, a report) waits for the caller, not for this call's chunk.
      if (retrying !== undefined)
        outsideRequestWaits(() =>
          retrying({
            attempt: attempt + 1,
            delayMs,
            reason: decision.reason,
            method: request.method,
            path,
          }),
        );
      await pause(delayMs, (ms) => `a retry after ${decision.reason} would wait ${ms}`);
    }
  }
}

/**
 * The caller's `sleep`, called inside the waiting call: a call it makes (a report of the wait) is the
 * caller's, not the waiting call's. So it runs outside the call's async context (an import would count the
 * report's waits for the call's chunk), and is handed a signal of its own that aborts with the call's: the
 * call's carries its deadline and, for a shared token request, what finds the calls waiting for it, which a
 * call made with it would take along (a report's `Retry-After` would end the call's time, or be counted as
 * the wait of every chunk waiting for the token).
 */
async function callersSleep(
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) return outsideRequestWaits(() => sleep(ms));
  const own = new AbortController();
  const release = followAbort(signal, () => own.abort(signal.reason));
  try {
    await outsideRequestWaits(() => sleep(ms, own.signal));
  } finally {
    release();
  }
}

/** Methods that read only: a try of one carries no records to the vendor. */
const READS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** Answers to a call an earlier try of which may have reached the vendor (its own answer was lost). */
const AFTER_ARRIVED_TRY = new WeakSet<Response>();

/**
 * Marks `response` as answering a call an earlier try of which may have reached the vendor: for a layer that
 * sends a call again itself (a bearer token renewed after a 401) and knows its first send's history.
 */
export function markAfterArrivedTry(response: Response): void {
  AFTER_ARRIVED_TRY.add(response);
}

/**
 * Whether the vendor may have acted on an earlier try of the call `response` answers: that try timed out or
 * lost its connection after the request went out, or met a 408 or a 5xx other than 503 (see
 * mayHaveBeenProcessed). A refusal now (a 401) then does not say that nothing was written.
 */
export function answersAfterArrivedTry(response: Response): boolean {
  return AFTER_ARRIVED_TRY.has(response);
}

/**
 * Whether a retried try may have been processed: sent and unanswered, or a 408 or a 5xx other than 503. A 408
 * is the same answer whether a retry follows it or not, and as the last answer it counts as may have written
 * (unprocessedBy): a proxy in front of the vendor may send it after it forwarded the request, so it does not
 * say, as a 429 or 503 does, that the vendor acted on nothing.
 */
function mayHaveBeenProcessed(outcome: Response | TransportFailure): boolean {
  if (outcome instanceof TransportFailure)
    return outcome.kind !== "aborted" && outcome.mayHaveArrived;
  return outcome.status === 408 || (outcome.status >= 500 && outcome.status !== 503);
}

/**
 * What became of a turn whose try went out, for the limiter: an answer; a failure after the request may have
 * arrived; or a request that never reached the vendor (undefined: an error other than a transport failure).
 */
function tellLimiter(
  limiter: RateLimiter,
  slot: number,
  outcome: Response | TransportFailure | undefined,
  maxRetryAfterMs: number,
): void {
  if (outcome === undefined || outcome instanceof TransportFailure) {
    if (outcome !== undefined && outcome.kind !== "aborted" && outcome.mayHaveArrived)
      limiter.answered(slot, undefined);
    else limiter.release(slot);
    return;
  }
  const retryAfter = outcome.status === 429 ? retryAfterOf(outcome.headers) : undefined;
  const capped = retryAfter === undefined ? undefined : Math.min(retryAfter, maxRetryAfterMs);
  limiter.answered(slot, outcome.status, capped);
}

function nextStep(
  outcome: Response | TransportFailure,
  replaySafe: boolean,
  retry: Required<RetryOptions>,
): { reason: string; retryAfterMs?: number } | undefined {
  if (outcome instanceof TransportFailure) {
    // Without idempotency, replay only what cannot have reached the vendor. A timeout or a connection lost
    // after the request went out is ambiguous: the vendor may be processing it, and a replay would import twice.
    if (!replaySafe && outcome.mayHaveArrived) return undefined;
    return { reason: outcome.kind };
  }
  if (!isRetryableStatus(outcome.status, replaySafe)) return undefined;
  const retryAfter = retryAfterOf(outcome.headers);
  const reason = `HTTP ${outcome.status}`;
  return retryAfter === undefined
    ? { reason }
    : { reason, retryAfterMs: Math.min(retryAfter, retry.maxRetryAfterMs) };
}

async function attemptOnce(
  send: (request: Request) => Promise<Response>,
  original: Request,
  bytes: ArrayBuffer | null,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  maxBytes: number,
  authorization: string | undefined,
): Promise<Response> {
  // Node's timer takes whole ms only (a fraction throws): rounded up, it never cuts an attempt short.
  const timeout = AbortSignal.timeout(Math.ceil(timeoutMs));
  const signal = anySignal([callerSignal, timeout]) ?? timeout;
  const request = new Request(original.url, {
    method: original.method,
    headers: original.headers,
    body: bytes,
    signal,
    // undici then hands back the 3xx itself, with nothing sent to the origin it names.
    redirect: "manual",
  });
  // The one header a try may not share with the others (see EachTry).
  if (authorization !== undefined) request.headers.set("Authorization", authorization);
  // The attempt ends when its signal aborts, whether or not the fetch honours it: a caller's `fetch` may not
  // pass the signal on, and msw's never errors a body that stalls, which would hold the call past its
  // timeout and the caller's abort for ever.
  const stop = whenAborted(signal);
  try {
    let response: Response;
    // A caller's fetch that throws instead of rejecting fails the call as one that rejects does, not the caller.
    const sent = new Promise<Response>((resolve) => resolve(send(request)));
    try {
      response = await Promise.race([sent, stop.aborted]);
    } catch (error) {
      // An answer that still comes is not read.
      void sent.then(
        (late: Response | undefined) => discard(late?.body ?? null),
        () => undefined,
      );
      throw classify(error, timeout, callerSignal, timeoutMs, !neverConnected(error));
    }
    // A caller's fetch typed loosely (plain JavaScript) may resolve to nothing, whose status cannot be read.
    const answer: unknown = response;
    if (answer === null || typeof answer !== "object")
      throw new TransportFailure("network", "fetch resolved without a response", true);
    // `redirect: "manual"` binds fetch alone: a caller's fetch may follow a redirect itself (or send with a
    // library that does). What went there cannot be called back, but its answer is not the vendor's, and a
    // retry would send the credentials there again. Checked before a 3xx is taken for the vendor's own:
    // the origin it went to may answer with one too, and the call must not say nothing was followed.
    if (followedRedirect(response, request.url)) {
      discard(response.body);
      throw followedElsewhere(response);
    }
    // A browser's fetch hides a manual redirect behind an opaque status-0 response.
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      discard(response.body);
      throw redirected(response);
    }
    try {
      const body = await readCapped(response, maxBytes, stop.aborted);
      return new Response(body.byteLength === 0 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (error instanceof TransportFailure) throw error;
      throw classify(error, timeout, callerSignal, timeoutMs, true);
    }
  } finally {
    stop.release();
  }
}

/** A promise that rejects once `signal` aborts (never before), and how to stop listening to the signal. */
function whenAborted(signal: AbortSignal): {
  readonly aborted: Promise<never>;
  readonly release: () => void;
} {
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Error("the attempt's signal aborted", { cause: signal.reason }));
  });
  // Raced only while the attempt waits: an abort after that rejects it unheard.
  aborted.catch(() => undefined);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return { aborted, release: () => signal.removeEventListener("abort", onAbort) };
}

/**
 * Cancels a body the client will not read, without waiting for the cancel to settle: a body that is one
 * branch of a tee (msw tees every response; so does a fetch that answers with `response.clone()`) settles its
 * cancel only once the other branch is cancelled too, which may be never.
 */
function discard(body: { cancel(): Promise<void> } | null): void {
  void body?.cancel().catch(() => undefined);
}

function redirected(response: Response): TransportFailure {
  const location = response.headers.get("location");
  return new TransportFailure(
    "redirect",
    `HTTP ${response.status} redirect${location === null ? "" : ` to ${location}`}, not followed`,
    true,
    undefined,
    { httpStatus: response.status, location },
  );
}

/**
 * Whether `response` is the end of a redirect its fetch followed: it says so, or it came from another
 * origin than the request's. A Response a fetch built itself (`new Response(…)`, a test double) has no URL
 * and says nothing of where it came from.
 */
function followedRedirect(response: Response, sentTo: string): boolean {
  const { redirected, url } = response as { redirected?: unknown; url?: unknown };
  if (redirected === true) return true;
  return (
    typeof url === "string" && URL.canParse(url) && new URL(url).origin !== new URL(sentTo).origin
  );
}

function followedElsewhere(response: Response): TransportFailure {
  const url: unknown = response.url;
  const location = typeof url === "string" && url !== "" ? url : null;
  return new TransportFailure(
    "redirect",
    `the client's fetch followed a redirect${location === null ? "" : ` to ${location}`} (a fetch given to a client must not follow redirects): the request and its credentials may have gone there; its HTTP ${response.status} answer is not read`,
    true,
    undefined,
    { httpStatus: response.status, location, followed: true },
  );
}

/**
 * The body's bytes, read chunk by chunk so no more than `maxBytes` (plus one chunk) is ever held; a declared
 * or streamed length over the cap cancels the body and fails with kind `too_large`. Rejects as soon as
 * `aborted` does, the body cancelled.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  aborted: Promise<never>,
): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new TransportFailure(
      "too_large",
      `HTTP ${response.status} response body larger than ${maxBytes} bytes (maxResponseBytes)`,
      true,
      undefined,
      { httpStatus: response.status, maxBytes },
    );
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (response.body === null) return new Uint8Array(0);
  if (declared > maxBytes) {
    discard(response.body);
    throw tooLarge();
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await Promise.race([reader.read(), aborted]);
    } catch (error) {
      discard(reader);
      throw error;
    }
    const { done, value } = read;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      discard(reader);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function classify(
  error: unknown,
  timeout: AbortSignal,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  mayHaveArrived: boolean,
): TransportFailure {
  if (callerSignal?.aborted) return abortedByCaller(mayHaveArrived);
  if (timeout.aborted) {
    return new TransportFailure(
      "timeout",
      `no response within ${timeoutMs} ms`,
      // A timeout may have struck while connecting, but nothing tells that apart from a vendor still working.
      true,
      timeoutMs,
    );
  }
  const message = error instanceof Error ? error.message : "fetch failed";
  const cause = describeCause(error);
  return new TransportFailure(
    "network",
    cause === undefined ? message : `${message} (${cause})`,
    mayHaveArrived,
  );
}

/**
 * What undici's `cause` says about a failed fetch, e.g. `ECONNREFUSED 127.0.0.1:4010` or `ENOTFOUND
 * api.example.com`: its code and the address it tried (never a URL, so never a credential in one).
 */
function describeCause(error: unknown): string | undefined {
  let at = (error as { cause?: unknown } | null)?.cause;
  // Without a code (undici's "bad port"), the first cause's own message is what there is to say.
  const first = at instanceof Error && at.message !== "" ? at.message : undefined;
  for (let depth = 0; depth < 4 && at !== null && typeof at === "object"; depth++) {
    const { code, cause } = at as { code?: unknown; cause?: unknown };
    if (typeof code === "string") {
      // Connecting to several addresses of a host fails as an AggregateError of one error per address.
      const attempts: unknown[] = at instanceof AggregateError ? at.errors : [at];
      return [code, ...new Set(attempts.map(whereOf).filter((w) => w !== undefined))].join(" ");
    }
    at = cause;
  }
  return first;
}

function whereOf(attempt: unknown): string | undefined {
  const { address, port, hostname } = (attempt ?? {}) as Record<string, unknown>;
  if (typeof address === "string") return typeof port === "number" ? `${address}:${port}` : address;
  return typeof hostname === "string" ? hostname : undefined;
}

/** Error codes of a connection that was never made: the request cannot have reached anyone. */
const NOT_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether fetch failed before any connection was made: an error in its `cause` chain with one of those codes
 * or undici's `bad port`, or raised by the `connect` or `getaddrinfo` call itself (a connect timeout of one
 * of several addresses is `ETIMEDOUT` from `connect`), or an AggregateError whose every attempt failed so.
 */
function neverConnected(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === "string" && NOT_CONNECTED.has(code)) return true;
  // Undici refuses a port the fetch standard blocks (1, 22, 25, …) before connecting, with no code.
  if (error instanceof Error && code === undefined && error.message === "bad port") return true;
  if (syscall === "connect" || syscall === "getaddrinfo") return true;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((e) => neverConnected(e, depth + 1));
  }
  return neverConnected((error as { cause?: unknown }).cause, depth + 1);
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
