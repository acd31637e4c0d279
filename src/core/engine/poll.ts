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
  let wait = options.initialMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return { timedOut: false, value };
    if (options.timeoutMs !== undefined && Date.now() - started + wait > options.timeoutMs)
      return { timedOut: true };
    await sleep(wait);
    wait = Math.min(options.maxMs, wait * (options.factor ?? 1.5));
  }
}
