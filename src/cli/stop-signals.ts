import { parseArgs } from "node:util";
import { pipedAgain } from "./piped-again.js";
import { OPTIONS } from "./run.js";

/** The signals that stop a run: Ctrl-C, and the SIGTERM of `kill`, `timeout` or a service manager. */
const STOPPING = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof STOPPING)[number];

/** What {@link relayStopSignals} listens on: the process, or a stand-in for it. */
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

/** Where {@link relayStopSignals} says that the run is stopping, and what stopping does in this command. */
export interface StopNotice {
  stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** What the run does now, as {@link whatStoppingDoes} words it for the command. */
  doing: string;
}

/**
 * Aborts `controller` at the first SIGINT or SIGTERM, which stops the run cleanly (records end as failed,
 * the journal keeps the rest); the next one of either ends the process at once. The listeners of both go at
 * the first, so the signal's default action is back, which the kernel carries out: process.exit() would
 * first wait for reads still pending in the thread pool, forever on an input (a FIFO) whose writer stalls.
 * A listener per signal, each once, kept the other's: a SIGTERM, then Ctrl-C, did not end the process.
 *
 * With `notice`, the first signal is acknowledged on its stderr: without a word, an operator whose run has
 * yet to end (an input from a FIFO whose writer stalls) took the Ctrl-C for unheard and pressed it again,
 * which ends the process before the report gets its summary line.
 */
export function relayStopSignals(
  controller: AbortController,
  source: SignalSource = process,
  notice?: StopNotice,
): void {
  // One listener per signal, to name the one that came; both go at the first.
  const listeners = STOPPING.map((signal) => [signal, () => stop(signal)] as const);
  const stop = (signal: StopSignal) => {
    for (const [other, listener] of listeners) source.off(other, listener);
    notice?.stderr.write(acknowledgement(signal, notice));
    controller.abort();
  };
  for (const [signal, listener] of listeners) source.on(signal, listener);
}

function acknowledgement(signal: StopSignal, { stderr, doing }: StopNotice): string {
  const again =
    signal === "SIGINT"
      ? "press Ctrl-C again to end at once"
      : "another SIGTERM (or a Ctrl-C) ends it at once";
  // On a terminal the line would follow the progress bar (drawn without a line end) and the echoed ^C.
  const lineOfItsOwn = stderr.isTTY === true ? "\n" : "";
  return `${lineOfItsOwn}bulk-user-import: stopping (${signal}): ${doing}; ${again}\n`;
}

/**
 * What the first stop signal does in the command `argv` runs, as the commands do it: an import's requests
 * under way are cut short (not waited for), so its end comes soon unless its input's reading blocks. It is
 * read from the command line alone, and promises no resume: the run's journal may be lost by then.
 */
export function whatStoppingDoes(argv: readonly string[]): string {
  let command: string | undefined;
  let input: string | undefined;
  let values: Record<string, unknown> = {};
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    command = parsed.positionals[0];
    input = parsed.positionals[2];
    values = parsed.values;
  } catch {
    // A command line the run refuses at once: nothing is under way to describe.
  }
  if (command === "import" && values["dry-run"] === true)
    return "reading stops, and the counts of the records checked so far are printed";
  if (command === "import")
    return (
      "nothing more is read or sent, requests under way are cut short, and the records not yet settled " +
      "fail [aborted] (the vendor may hold those of a chunk that was out); " +
      (typeof values["report"] === "string"
        ? "the report and the summary follow"
        : "the summary follows") +
      // Worded before the run, to hold whatever befalls the journal by its end (removed, replaced, left
      // unwritable): the closing lines then say so, and what a re-run does. "Resumes" promised more.
      (typeof values["journal"] === "string"
        ? `, and --journal keeps what was settled for a re-run${pipedAgain(input === "-")}, unless the ` +
          "summary says otherwise"
        : "")
    );
  if (command === "demo")
    return "the import under way stops, its requests cut short, and the vendors after it are not run";
  if (command === "simulate") return "the simulator closes, and prints what it counted";
  return "the run stops";
}
