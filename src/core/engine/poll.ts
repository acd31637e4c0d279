/** How often to ask whether a vendor's job is done. */
export interface PollOptions {
  /** First wait in ms. */
  initialMs: number;
  /** Ceiling of one wait in ms. */
  maxMs: number;
  /** Each wait is the previous one times this. Default 1.5. */
  factor?: number;
  /** Give up after this many ms in all. Default: never. */
  timeoutMs?: number;
}

/**
 * Calls `check` until it returns a value (not undefined), waiting between calls with a growing interval.
 * Returns `{ timedOut: true }` when `timeoutMs` runs out first.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
  sleep: (ms: number) => Promise<void>,
): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  const started = Date.now();
  let waited = 0;
  let wait = options.initialMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return { timedOut: false, value };
    // Count the time waited too: a replaced `sleep` that returns at once must still reach the timeout.
    const elapsed = Math.max(Date.now() - started, waited);
    if (options.timeoutMs !== undefined && elapsed + wait > options.timeoutMs)
      return { timedOut: true };
    await sleep(wait);
    waited += wait;
    wait = Math.min(options.maxMs, wait * (options.factor ?? 1.5));
  }
}
