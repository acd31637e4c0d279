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
 * Ms on a clock that only moves forward, whatever is done to the wall clock (NTP stepping it, an operator
 * setting it back, a VM restored): what durations, timeouts and pauses are measured on. Never a date.
 */
export function monotonicNow(): number {
  return performance.now();
}
