import type { RateLimiterOptions } from "../http/rate-limiter.js";
import type { RetryEvent } from "../http/transport.js";

/**
 * Options every vendor client takes, each checked when the client is made. Durations are ms up to about 24.8
 * days (`MAX_TIMER_MS`): `timeoutMs` from 1, the retry delays from 0; counts are whole numbers: `maxRetries`
 * from 0, `maxResponseBytes` from 1. Anything else throws a RangeError naming the option; a callback that is
 * not a function, a `signal` that is not an AbortSignal, a `rateLimit` neither `false` nor an object, a
 * `userAgent` no header can carry or a `baseUrl` the client refuses, a TypeError.
 */
export interface CommonClientOptions {
  /**
   * Replaces the vendor's host (a simulator, a proxy, an enterprise host). It must not hold a user name or
   * password (`user:password@`): the client refuses such a URL when it is created, since it would print it.
   * @default the vendor's own host
   */
  baseUrl?: string | undefined;
  /**
   * The fetch to send with. It must not follow redirects: it gets each request with `redirect: "manual"`,
   * and should send it so (a 3xx is then the `redirect` variant, nothing sent where it points). One that
   * follows a redirect itself sends the credentials on to the origin the `Location` names, which the client
   * cannot stop; it notices the answer (`redirected`, or a `url` of another origin), fails the call with the
   * `redirect` variant without reading it, and does not retry it.
   * @default `globalThis.fetch`, looked up on each call
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /**
   * Ms one attempt may take, including reading the response.
   * @default 30000
   */
  timeoutMs?: number | undefined;
  /**
   * Retries after the first attempt; 0 turns retrying off.
   * @default 4
   */
  maxRetries?: number | undefined;
  /**
   * First backoff step in ms, doubled per retry with full jitter.
   * @default 500
   */
  retryBaseDelayMs?: number | undefined;
  /**
   * Ceiling of one backoff step in ms.
   * @default 30000
   */
  retryMaxDelayMs?: number | undefined;
  /**
   * Ceiling on a vendor's `Retry-After` in ms.
   * @default 120000
   */
  maxRetryAfterMs?: number | undefined;
  /**
   * Aborts every call of this client.
   * @default none
   */
  signal?: AbortSignal | undefined;
  /**
   * Appended to the `User-Agent` (`bulk-user-import/<version> <userAgent>`) to name your integration.
   * @default none
   */
  userAgent?: string | undefined;
  /**
   * Called before each retry, e.g. to log rate limiting. The event is scrubbed of the client's secrets. A
   * call it makes through a client is not the retried call's: an import does not count its waits for the
   * chunk.
   * @default none
   */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /**
   * The largest response body the client reads, in bytes. A larger one is cancelled as soon as its
   * `Content-Length` or the bytes streamed in pass the cap, and the call fails with the `too_large` variant
   * (never retried). Bytes are counted as fetch inflates a compressed body, so a decompression bomb stops
   * at the cap too.
   * @default 16777216 (16 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * The client's rate limiter, shared by all its calls: after a vendor's 429 it lowers the request rate (and
   * every call waits out the `Retry-After`), then raises it slowly while answers are good; `false` turns it
   * off. It limits nothing until the first 429. The calls a `Retry-After` held go spaced as it ends: at the
   * lowered rate, or with none measured yet (a 429 among the first answers), a round trip of the 429 apart
   * (at most a second, and all within as long again as the pause).
   * @default on, as `{}`: each setting at its own default (see {@link RateLimiterOptions})
   */
  rateLimit?: RateLimiterOptions | false | undefined;
  /**
   * Waits between attempts (and the rate limiter's waits); tests replace it to observe delays without
   * waiting. An abort ends the wait even when this ignores its signal. A call it makes through a client is
   * not the waiting call's, even made with the signal it is given (which aborts with that call's): an import
   * does not count its waits for the chunk, nor is it held to the waiting call's time.
   * @default a timer
   */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}
