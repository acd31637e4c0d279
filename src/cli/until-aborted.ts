/** What a wait gives when the signal came before the input's next record. */
const STOPPED = Symbol("stopped");

/**
 * The records until `signal` aborts, then none: the reading stops even while the input waits for its next
 * record (a named pipe whose writer stalls), as an import's does. `onStopped` is called when the signal
 * ended the reading before the input's end.
 */
export async function* untilAborted<T>(
  records: AsyncIterable<T>,
  signal: AbortSignal,
  onStopped: () => void,
): AsyncGenerator<T> {
  const iterator = records[Symbol.asyncIterator]();
  // One listener for the whole reading, waking whichever wait is current: a race per record against one
  // promise would keep a reaction per record on it, memory growing with the input.
  let giveUp: (() => void) | undefined;
  const onAbort = () => giveUp?.();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) break;
      const answer = await new Promise<IteratorResult<T> | typeof STOPPED>((resolve, reject) => {
        giveUp = () => resolve(STOPPED);
        // Handled even when it settles after the wait gave up, so a late rejection is not unhandled.
        iterator.next().then(resolve, reject);
      });
      if (answer === STOPPED) break;
      if (answer.done === true) return;
      yield answer.value;
    }
    onStopped();
    // Asked to close, not waited for: its pending read may never end.
    iterator.return?.().then(undefined, () => undefined);
  } finally {
    giveUp = undefined;
    signal.removeEventListener("abort", onAbort);
  }
}
