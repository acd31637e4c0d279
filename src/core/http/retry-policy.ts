/** How the transport retries; the defaults are also {@link DEFAULT_RETRY}. */
export interface RetryOptions {
  /**
   * Retries after the first attempt (0 turns retrying off).
   * @default 4
   */
  maxRetries?: number;
  /**
   * First backoff step in ms; each retry doubles it, with full jitter.
   * @default 500
   */
  baseDelayMs?: number;
  /**
   * Ceiling of one backoff step in ms.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Ceiling on a vendor's `Retry-After` in ms: a longer one is waited only this long.
   * @default 120000
   */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

const REPLAY_SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Whether the request's method is idempotent, so that a replay cannot act twice. */
export function hasIdempotentMethod(request: Request): boolean {
  return REPLAY_SAFE_METHODS.has(request.method);
}

/**
 * A request may be replayed after an ambiguous failure when its method is idempotent or it carries an
 * `Idempotency-Key` (the vendor then answers a replay with the stored first result). For a transport that
 * talks to an endpoint known to honour the key; a vendor client narrows it to its keyed operations.
 */
export function isReplaySafe(request: Request): boolean {
  return hasIdempotentMethod(request) || request.headers.has("idempotency-key");
}

/**
 * Which HTTP statuses are retried. A replay-safe request: 408, 429 and every 5xx. Any other request: only
 * 429 and 503, which say the request was not processed. Other 4xx are never retried.
 */
export function isRetryableStatus(status: number, replaySafe: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return replaySafe && (status === 408 || status >= 500);
}

const SECONDS = /^\d+(\.\d+)?$/;
const DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/** The three forms of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, and asctime (which is GMT). */
const HTTP_DATES: readonly [RegExp, (text: string) => string][] = [
  [new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`), (text) => text],
  [new RegExp(`^${DAY}[a-z]*, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`), (text) => text],
  [new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`), (text) => `${text} GMT`],
];

/**
 * Seconds (`120`) or an HTTP-date, as milliseconds from `now`; undefined when absent or unreadable (the
 * caller then backs off). A header the vendor or a proxy sent twice arrives joined (`7, 7`, or two dates whose
 * own commas fetch's join cannot be told from by splitting alone): the longest of its readable delays is
 * kept, and one it cannot read is passed over (`5, -1` is 5 s: a proxy's bad header does not undo the
 * vendor's own ask); none readable is unreadable. Only the HTTP-date forms are read as dates: `Date.parse`
 * takes almost any text for one (`-5`, `1.`), which would make every retry go at once.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") return undefined;
  // Each part trimmed, not split at /\s*,\s*/ (trim() takes what \s does): the engine ran through a run of
  // blanks from each of them looking for a comma, quadratic (16 KiB of spaces, as much as fetch takes in its
  // headers by default: 0.15 s; 64 KiB, where a fetch takes more: 2 to 5 s).
  const parts = trimmed.split(",").map((part) => part.trim());
  const delays: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (SECONDS.test(part)) {
      delays.push(Number(part) * 1000);
      continue;
    }
    // An asctime date holds no comma; the other two forms hold one, after the day's name.
    let date = dateOf(part, now);
    if (date === undefined && i + 1 < parts.length) {
      date = dateOf(`${part}, ${parts[i + 1]!}`, now);
      if (date !== undefined) i += 1;
    }
    if (date !== undefined) delays.push(date);
  }
  if (delays.length === 0) return undefined;
  // Not Math.max(...delays): spread as arguments, some 125,000 parts (a header of 250 KB, which a fetch with
  // raised header limits takes) overflow the stack.
  return Math.round(delays.reduce((longest, delay) => Math.max(longest, delay), -Infinity));
}

/**
 * An answer's `Retry-After` in ms, a date in it counted from the answer's own `Date` where that is an
 * HTTP-date: both are the vendor's clock, so ours being set back or ahead neither stretches the wait to the
 * ceiling nor cuts it to nothing. Without a `Date`, from our clock.
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const sent = dateOf(headers.get("date")?.trim() ?? "", 0);
  return parseRetryAfter(headers.get("retry-after"), sent ?? Date.now());
}

/** An HTTP-date in one of its three forms, as milliseconds from `now` (none before now). */
function dateOf(text: string, now: number): number | undefined {
  const form = HTTP_DATES.find(([pattern]) => pattern.test(text));
  const date = form === undefined ? Number.NaN : Date.parse(form[1](text));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(maxDelay, base * 2^retry)]. */
export function backoffDelay(retry: number, options: Required<RetryOptions>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.round(Math.random() * ceiling);
}
