// `cat fifo > out` as a process of its own: the reader an operator starts before a run whose --report is a
// named pipe.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, constants, createReadStream, openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface FifoReader {
  /** Ends with cat's exit code: once every writer of the pipe closed it, the run's and the test's own. */
  readonly ended: Promise<number | null>;
  /** Closes the test's own writer, held from the moment cat was known to be reading. */
  release(): void;
}

const running: ChildProcess[] = [];
const held: number[] = [];
/**
 * Ends the readers still running and closes the writers still held, should a test have failed before it did:
 * each test file passes it to its own `afterEach` (a helper's, registered once per worker, would not run
 * after every file's tests).
 */
export function endFifoReaders(): void {
  for (const fd of held.splice(0)) closeSync(fd);
  for (const reader of running.splice(0)) if (reader.exitCode === null) reader.kill();
}

/**
 * Starts `cat fifo > out` and resolves once it has the pipe open: a writer that does not wait (O_NONBLOCK)
 * opens only then. That writer stays open until {@link FifoReader.release}, so its close is not the end of
 * the pipe to cat, and so that a run started after this sees the reader there.
 */
export async function catInto(fifo: string, out: string): Promise<FifoReader> {
  const reader = spawn("sh", ["-c", 'exec cat "$0" > "$1"', fifo, out], { stdio: "ignore" });
  running.push(reader);
  const ended = new Promise<number | null>((resolve) => reader.once("exit", resolve));
  for (;;) {
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      held.push(fd);
      const release = () => {
        const at = held.indexOf(fd);
        if (at !== -1) closeSync(held.splice(at, 1)[0]!);
      };
      return { ended, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
      await sleep(5);
    }
  }
}

/**
 * Reads `fifo` as a reader that lags: a few KiB at a time, a pause after each, so that a report longer than
 * the pipe holds meets a full pipe again and again (its non-blocking descriptor must wait there, not fail
 * with EAGAIN). Resolves with all it read once the pipe ends.
 */
export function readSlowly(fifo: string): Promise<string> {
  const reading = createReadStream(fifo, { highWaterMark: 4096 });
  let read = "";
  reading.on("data", (chunk) => {
    read += String(chunk);
    reading.pause();
    setTimeout(() => reading.resume(), 1);
  });
  return new Promise((resolve) => reading.once("end", () => resolve(read)));
}
