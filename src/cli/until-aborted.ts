import { closeUnawaited, haltable, HALTED } from "../core/engine/halting-read.js";

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
  const nextOrHalt = haltable(signal);
  for (;;) {
    const answer = signal.aborted ? HALTED : await nextOrHalt(iterator.next());
    if (answer === HALTED) break;
    if (answer.done === true) return;
    yield answer.value;
  }
  onStopped();
  closeUnawaited(iterator);
}
