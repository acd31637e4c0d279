// The first Ctrl-C or SIGTERM stops the run; the next one of either ends the process at once, by the
// signal's default action, which needs the listeners of both gone. Each signal had its own once-listener:
// after a SIGTERM (a service manager, `timeout`), the Ctrl-C of a person waiting for a run stuck on a stalled
// pipe was caught and did nothing; after a Ctrl-C, a SIGTERM (`kill <pid>`) did nothing either.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { relayStopSignals, whatStoppingDoes } from "../../src/cli/stop-signals.js";
import { CollectingStream } from "./helpers.js";

describe("relayStopSignals", () => {
  for (const [first, second] of [
    ["SIGTERM", "SIGINT"],
    ["SIGINT", "SIGTERM"],
    ["SIGINT", "SIGINT"],
  ] as const) {
    it(`${first}, then ${second}: the first aborts the run, the second finds no listener (the default action)`, () => {
      const signals = new EventEmitter();
      const controller = new AbortController();
      relayStopSignals(controller, signals);
      expect(controller.signal.aborted).toBe(false);

      signals.emit(first);

      expect(controller.signal.aborted).toBe(true);
      expect(signals.listenerCount(second)).toBe(0);
    });
  }
});

// The first signal's run may take a while to end (an input from a FIFO whose writer stalls): said nothing,
// the operator pressed Ctrl-C again, which ends the process at once, the report without its summary line.
describe("relayStopSignals: the first signal is acknowledged on stderr", () => {
  const IMPORT = whatStoppingDoes(["import", "fullstory", "users.ndjson"]);

  function relayed(tty = false) {
    const signals = new EventEmitter();
    const controller = new AbortController();
    const stderr = new CollectingStream(tty);
    relayStopSignals(controller, signals, { stderr, doing: IMPORT });
    return { signals, controller, stderr };
  }

  it("Ctrl-C: one line at once, saying what stopping does and that Ctrl-C again ends the process", () => {
    const { signals, stderr } = relayed();
    expect(stderr.text).toBe("");

    signals.emit("SIGINT");

    expect(stderr.text).toBe(
      `bulk-user-import: stopping (SIGINT): ${IMPORT}; press Ctrl-C again to end at once\n`,
    );
  });

  it("SIGTERM: the line names it, and says another SIGTERM or a Ctrl-C ends the process", () => {
    const { signals, stderr } = relayed();

    signals.emit("SIGTERM");

    expect(stderr.text).toBe(
      `bulk-user-import: stopping (SIGTERM): ${IMPORT}; another SIGTERM (or a Ctrl-C) ends it at once\n`,
    );
  });

  for (const [first, second] of [
    ["SIGINT", "SIGINT"],
    ["SIGINT", "SIGTERM"],
    ["SIGTERM", "SIGINT"],
  ] as const) {
    it(`${first}, then ${second}: written at the first only`, () => {
      const { signals, stderr } = relayed();
      signals.emit(first);
      const once = stderr.text;

      signals.emit(second);

      expect(once).toMatch(/^bulk-user-import: stopping \(SIG(INT|TERM)\): /);
      expect(stderr.text).toBe(once);
      expect(stderr.text.split("\n")).toHaveLength(2);
    });
  }

  it("on a terminal the line starts a row of its own, not after the progress bar drawn without a line end", () => {
    const { signals, stderr } = relayed(true);
    stderr.write("\r[####----] fullstory: 4/8 confirmed\u001b[K");

    signals.emit("SIGINT");

    expect(stderr.text).toContain("\u001b[K\nbulk-user-import: stopping (SIGINT): ");
  });
});

describe("whatStoppingDoes: the acknowledgement's words, as each command stops", () => {
  it("import: nothing more read or sent, requests under way cut short, unsettled records failed [aborted]", () => {
    const words = whatStoppingDoes(["import", "fullstory", "users.ndjson", "--api-key", "k"]);

    expect(words).toBe(
      "nothing more is read or sent, requests under way are cut short, and the records not yet settled fail [aborted] (the vendor may hold those of a chunk that was out); the summary follows",
    );
  });

  // Said at the signal from the command line alone, before the run's end says what became of its journal
  // (removed or replaced mid-run: a re-run with its path starts anew, or reads another file), the words
  // promised a resume that the journal's state may already rule out; the summary's closing lines say which.
  it("import with --report and --journal: the report follows too, and the journal keeps what was settled unless the summary says otherwise", () => {
    const words = whatStoppingDoes([
      ...["import", "slashid", "users.csv"],
      ...["--report", "out.ndjson", "--journal", "run.journal"],
    ]);

    expect(words).toMatch(
      /; the report and the summary follow, and --journal keeps what was settled for a re-run, unless the summary says otherwise$/,
    );
    expect(words).not.toContain("resumes");
  });

  it("import from stdin with --journal: a re-run needs the same records piped again", () => {
    // The journal matches chunks by their records: the same command piped other records starts over.
    const words = whatStoppingDoes([
      ...["import", "slashid", "-", "--format", "csv", "--journal", "run.journal"],
    ]);

    expect(words).toMatch(
      /, and --journal keeps what was settled for a re-run, given the same records piped in the same order, unless the summary says otherwise$/,
    );
  });

  it("a dry run: reading stops and the counts so far are printed", () => {
    expect(whatStoppingDoes(["import", "fullstory", "users.csv", "--dry-run"])).toBe(
      "reading stops, and the counts of the records checked so far are printed",
    );
  });

  it("demo: the import under way stops, the vendors after it are not run", () => {
    expect(whatStoppingDoes(["demo", "--users", "50"])).toBe(
      "the import under way stops, its requests cut short, and the vendors after it are not run",
    );
  });

  it("simulate: the simulator closes and prints its counts", () => {
    expect(whatStoppingDoes(["simulate", "userpilot", "--port", "4010"])).toBe(
      "the simulator closes, and prints what it counted",
    );
  });
});
