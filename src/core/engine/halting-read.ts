// Reading an input that may stall (a cursor, a stream, a named pipe) so that a stop ends the reading at once:
// the engine's reader and the CLI's dry run read so.

/** What {@link haltable}'s wait gives when reading halted before the input answered. */
export const HALTED = Symbol("halted");

/**
 * Waits for an async input's answer, or for `halted`: an input may wait for its next record forever (a cursor
 * or a stream that stalls). An answer that comes by the next turn of the event loop still wins: the input
 * may have taken the record from its source already (a queue, a stream not replayed), and it is reported.
 */
export function haltable(
  halted: AbortSignal,
): <T>(next: PromiseLike<T>) => Promise<T | typeof HALTED> {
  // One listener for the run, waking whichever wait is current: none is added per record.
  let giveUp: (() => void) | undefined;
  halted.addEventListener("abort", () => giveUp?.(), { once: true });
  return <T>(next: PromiseLike<T>) =>
    new Promise<T | typeof HALTED>((resolve, reject) => {
      giveUp = () => setImmediate(resolve, HALTED);
      if (halted.aborted) giveUp();
      // Handled even when it settles after the wait gave up, so a late rejection is not unhandled.
      next.then(resolve, reject);
    });
}

/** Asks an input to close, without waiting: its closing (a pending read, a `finally`) may never end. */
export function closeUnawaited(iterator: Iterator<unknown> | AsyncIterator<unknown>): void {
  try {
    const closed = iterator.return?.();
    if (closed !== undefined && isThenable(closed)) closed.then(undefined, () => undefined);
  } catch {
    // The reading stops either way; an input that cannot be closed has nothing more to give it.
  }
}

/** Whether `value` is a promise (or any thenable), whatever else it may be. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
