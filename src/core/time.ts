import { whenAborted } from "./when-aborted.js";

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Thrown in the executor, the reason rejects the promise as is.
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      release?.();
      resolve();
    }, ms);
    const release =
      signal &&
      whenAborted(signal, () => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller aborted with, as fetch does
        reject(signal.reason);
      });
  });
}

/**
 * A caller's `sleep` option, made to reject with the signal's reason as soon as it aborts, as the default
 * does: one that ignores its signal (a test's fake timer, a wait of the caller's own) would otherwise hold an
 * aborted import or call until it ends, and one that never ends, for ever.
 */
export function abortableBy<Signal extends AbortSignal | undefined>(
  sleep: (ms: number, signal: Signal) => Promise<void>,
): (ms: number, signal: Signal) => Promise<void> {
  return (ms, signal) => {
    if (signal === undefined) return sleep(ms, signal);
    return new Promise((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as abortableSleep's
      const release = whenAborted(signal, () => reject(signal.reason));
      if (signal.aborted) return;
      // One that throws at once rejects as one that rejects does.
      new Promise<void>((waited) => waited(sleep(ms, signal)))
        .then(resolve, reject)
        .finally(release);
    });
  };
}

/**
 * Ms on a clock that only moves forward, whatever is done to the wall clock (NTP stepping it, an operator
 * setting it back, a VM restored): what durations, timeouts and pauses are measured on. Never a date.
 */
export function monotonicNow(): number {
  return performance.now();
}

/**
 * `ms` as a reason shows it: whole ms under a second (a wait of 400 ms is no "0 s"), whole seconds, or whole
 * minutes from two minutes on.
 */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
