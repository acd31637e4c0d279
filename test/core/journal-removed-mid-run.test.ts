// A journal removed (or put in another file's place) while a run uses it. The next line used to create a
// new file at its path, without a header: the run went on, and every later run refused that file ("a state
// line before the header line"). The run now stops at the first line it cannot add, naming why.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { containing } from "../support/matchers.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = () =>
  Array.from({ length: 6 }, () => ({ id: faker.string.uuid(), name: faker.person.fullName() }));

/** The ways the file at the journal's path stops being the one the run opened, as the run's error words them. */
const CHANGES: [string, (journal: string) => void][] = [
  ["removed", (journal) => rmSync(journal)],
  [
    "replaced, or written by another process,",
    (journal) => {
      rmSync(journal);
      writeFileSync(journal, "");
    },
  ],
];

describe("a journal that stops being the file the run opened", () => {
  it.each(CHANGES)(
    "%s while the run sends: it stops, and writes no line at its path",
    async (what, change) => {
      const journal = journalFile("journal-removed");
      let sends = 0;
      const adapter = testAdapter<{ id: string; name: string }>((chunk) => {
        sends += 1;
        if (sends === 2) change(journal);
        return importEvery(chunk);
      });

      const report = await runImport(adapter, users(), { journal });

      expect(report.fatal).toContain(
        `journal ${journal} cannot be written: it was ${what} while this run used it`,
      );
      expect(sends).toBe(2);
      // For a caller's closing words, which the reasons' cannot stand in for (a CLI's "to resume …").
      expect(report.journalLost).toBe(what === "removed" ? "removed" : "replaced");
      // Removed: nothing at its path; replaced: the other file as it was put there.
      const left = existsSync(journal) ? readFileSync(journal, "utf8") : undefined;
      expect(left).toBe(what === "removed" ? undefined : "");
    },
  );
});

describe("a journal that stops being the file the run opened while a resume reads it", () => {
  // A resume reads each settled chunk's outcomes from the file when it reaches the chunk. The file gone (or
  // another in its place), that read threw out of the run: it rejected with the file system's error (or a
  // JournalError), and the records of that chunk and after it got no outcome.
  it.each(CHANGES)(
    "%s: it stops, and every record still gets its outcome",
    async (what, change) => {
      const journal = journalFile("journal-removed");
      const records = users();
      let sends = 0;
      const adapter = testAdapter<{ id: string; name: string }>((chunk) => {
        sends += 1;
        return importEvery(chunk);
      });
      const first = await runImport(adapter, records, { journal });
      expect(first.imported).toBe(6);
      expect(first).not.toHaveProperty("journalLost");
      sends = 0;

      let seen = 0;
      const report = await runImport(adapter, records, {
        journal,
        onOutcome: () => {
          if (++seen === 2) change(journal);
        },
      });

      const stopped = `journal ${journal} cannot be read: it was ${what} while this run used it`;
      expect(report.fatal).toContain(stopped);
      expect(sends).toBe(0);
      expect(report.outcomes.map((o) => o.outcome)).toEqual([
        ...["imported", "imported"],
        ...Array<string>(4).fill("failed"),
      ]);
      for (const failed of report.outcomes.slice(2)) {
        expect(failed).toMatchObject({ code: "fatal", reason: containing(stopped) });
        // The earlier run settled those chunks: the vendor may hold the records, and the report says so.
        expect(failed).toMatchObject({
          reason: containing("test may hold this record"),
          vendorMayHold: true,
        });
        // Not "the same journal": a re-run with its path reads nothing of those chunks either. Nor "this
        // run's sends": the earlier run sent them.
        expect(failed).toMatchObject({
          reason: containing(`it again: the journal was ${what} while this run used it`),
        });
        expect(failed).toMatchObject({ reason: containing("nothing of the chunk's sends") });
        expect(failed).not.toMatchObject({ reason: containing("this run's sends") });
      }
      expect(report.vendorMayHold).toBe(4);
    },
  );
});

describe("a journal found replaced by a resume while another chunk is out", () => {
  it("the chunk out says the run stopped at a journal that could not be read, not at a write", async () => {
    const journal = journalFile("journal-removed");
    const records = users();
    // The first run leaves chunk 0 unfinished (a failure that may pass) and settles the others.
    const first = testAdapter<{ id: string; name: string }>((chunk) =>
      chunk.seq === 0
        ? Promise.resolve({
            kind: "done",
            outcomes: chunk.items.map(() => ({
              ok: false,
              code: "timeout",
              reason: "no answer",
              transient: true,
            })),
          })
        : importEvery(chunk),
    );
    await runImport(first, records, { journal });

    // The resume sends chunk 0, which waits until the run stops; the journal is removed meanwhile, and
    // reading chunk 1's outcomes from it fails.
    const resume = testAdapter<{ id: string; name: string }>(
      (chunk, context) =>
        new Promise((resolve) => {
          rmSync(journal);
          context.signal.addEventListener("abort", () =>
            resolve({
              kind: "done",
              outcomes: chunk.items.map(() => ({
                ok: false,
                code: "aborted",
                reason: "import: aborted by the caller",
                transient: true,
              })),
            }),
          );
        }),
    );
    const report = await runImport(resume, records, { journal, concurrency: 2 });

    expect(report.fatal).toContain(`journal ${journal} cannot be read`);
    const out = report.outcomes.slice(0, 2);
    for (const failed of out) {
      expect(failed).toMatchObject({ outcome: "failed", code: "aborted" });
      // Before: "(at a vendor's fatal answer or a journal write that failed: …)", though none was written.
      expect(failed).toMatchObject({
        reason: containing(
          "stopped by the import, not the caller (at a vendor's fatal answer or a journal that could not be written or read",
        ),
      });
    }
  });
});

describe("what the records say of a re-run once the journal stopped being the run's file", () => {
  // Each said "a re-run with the same journal settles it" (or "tries again"): a re-run with that path starts
  // anew where the journal was removed, and sends the chunk again; where it was replaced, it reads the file
  // now there, which may or may not hold this run's sends.
  const UPSERT = { by: "upsert", why: "the test vendor updates the user it has" } as const;

  /** A run of 4 chunks: chunk 0 is out until the run stops; chunk 1's send changes the journal, imported. */
  async function stoppedWithAChunkOut(change: (journal: string) => void) {
    const journal = journalFile("journal-removed");
    const adapter = testAdapter<{ id: string; name: string }>(
      (chunk, context) => {
        if (chunk.seq !== 0) {
          if (chunk.seq === 1) change(journal);
          return importEvery(chunk);
        }
        return new Promise((resolve) => {
          context.signal.addEventListener("abort", () =>
            resolve({
              kind: "done",
              outcomes: chunk.items.map(() => ({
                ok: false,
                code: "aborted",
                reason: "import: aborted by the caller",
                transient: true,
              })),
            }),
          );
        });
      },
      { replay: UPSERT },
    );
    const records = [...users(), ...users()].slice(0, 8);
    return runImport(adapter, records, { journal, concurrency: 2 });
  }

  it.each([
    ["removed", "a re-run sends it again", "a re-run sends it"],
    [
      "replaced, or written by another process,",
      "a re-run may send it again",
      "a re-run sends it, unless",
    ],
  ] as const)(
    "%s while a chunk is out: that chunk's records may be at the vendor and are sent again; the rest are sent",
    async (what, out, unsent) => {
      const [, change] = CHANGES.find(([name]) => name === what)!;
      const report = await stoppedWithAChunkOut(change);

      expect(report.fatal).toContain(`it was ${what} while this run used it`);
      expect(report.outcomes.map((o) => o.outcome)).toEqual([
        ...["failed", "failed", "imported", "imported"],
        ...Array<string>(4).fill("failed"),
      ]);
      for (const o of report.outcomes.slice(0, 2))
        expect(o).toMatchObject({
          vendorMayHold: true,
          // What the adapter's replay says of a chunk sent again: an upsert writes the same values.
          reason: containing(
            `test may hold this record, and ${out} (the test vendor updates the user it has): the journal was ${what} while this run used it`,
          ),
        });
      for (const o of report.outcomes.slice(4)) {
        expect(o).toMatchObject({ code: "fatal", reason: containing(`; ${unsent}`) });
        expect(o).not.toHaveProperty("vendorMayHold");
      }
      expect(JSON.stringify(report.outcomes)).not.toContain("same journal");
    },
  );

  it("removed with no line written after it: the chunk's failure still says a re-run sends it again", async () => {
    const journal = journalFile("journal-removed");
    // A failure that may pass leaves the chunk unfinished: no line is written, so nothing stops the run.
    const adapter = testAdapter<{ id: string; name: string }>((chunk) => {
      rmSync(journal);
      return Promise.resolve({
        kind: "done",
        outcomes: chunk.items.map(() => ({
          ok: false,
          code: "timeout",
          reason: "no answer",
          transient: true,
          vendorMayHold: true,
        })),
      });
    });

    const report = await runImport(adapter, users().slice(0, 2), { journal });

    expect(report.fatal).toBeUndefined();
    for (const o of report.outcomes)
      expect(o).toMatchObject({
        outcome: "failed",
        reason: containing(
          "not sent again in this run (the test vendor could import twice): a re-run sends it again: the journal was removed while this run used it, so a re-run with its path starts a new journal, which knows nothing of the chunk's sends",
        ),
      });
  });
});

describe("the last chunk of an input that broke off once the journal stopped being the run's file", () => {
  // Said "…; a re-run with this journal and the whole input sends it; a re-run sends it": the journal's
  // path, and the note on its loss said after it, again.
  it.each([
    ["removed", "a re-run with the whole input sends it"],
    [
      "replaced, or written by another process,",
      "a re-run with the whole input sends it, unless the file now at the journal's path (it was replaced, or written by another process, while this run used it) holds its chunk's outcomes",
    ],
  ] as const)("%s: its records say once what a re-run does", async (what, reRun) => {
    const [, change] = CHANGES.find(([name]) => name === what)!;
    const journal = journalFile("journal-removed");
    const [a, b, c] = users();
    let settled!: () => void;
    const firstChunkSettled = new Promise<void>((resolve) => (settled = resolve));
    let outcomes = 0;
    async function* broken() {
      yield* [a!, b!, c!];
      // The first chunk's line is written first: its write would stop the run before the input breaks.
      await firstChunkSettled;
      change(journal);
      throw new Error("broken input");
    }
    const adapter = testAdapter<{ id: string; name: string }>(importEvery);

    const report = await runImport(adapter, broken(), {
      journal,
      chunkRecords: 2,
      onOutcome: () => {
        if (++outcomes === 2) settled();
      },
    });

    expect(report.inputError).toContain("broken input");
    expect(report.fatal).toBeUndefined();
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "failed"]);
    expect(report.outcomes[2]).toMatchObject({
      code: "aborted",
      reason: `not sent: reading the input stopped (${report.inputError}) before this record's chunk was full; ${reRun}`,
    });
  });
});

describe("the report a journal's error carries, once the journal stopped being the run's file", () => {
  // Built without journalLost, which a caller's closing words read (a CLI's "to resume …"): only the report
  // a run resolves with had it.
  it.each(CHANGES)(
    "%s as the last record settled, before chunks past this input's end are found: it says so",
    async (what, change) => {
      const journal = journalFile("journal-removed-past-input");
      const records = users();
      // The first run settles chunks 0 and 1, and is aborted with chunk 2 out, its send on record.
      const controller = new AbortController();
      const first = testAdapter<{ id: string; name: string }>(async (chunk, context) => {
        if (chunk.seq < 2) return importEvery(chunk);
        context.checkpoint({ jobId: "job-2" });
        controller.abort();
        return Promise.resolve({
          kind: "done",
          outcomes: chunk.items.map(() => ({
            ok: false,
            code: "aborted",
            reason: "import: aborted by the caller",
            transient: true,
          })),
        });
      });
      await runImport(first, records, { journal, chunkRecords: 2, signal: controller.signal });

      let seen = 0;
      const error: unknown = await runImport(
        testAdapter<{ id: string; name: string }>(importEvery),
        records.slice(0, 4),
        {
          journal,
          chunkRecords: 2,
          onOutcome: () => {
            if (++seen === 4) change(journal);
          },
        },
      ).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(JournalError);
      expect((error as Error).message).toContain("past this input's last chunk");
      expect((error as JournalError).report).toMatchObject({
        imported: 4,
        journalLost: what === "removed" ? "removed" : "replaced",
      });
    },
  );

  it.each(CHANGES)(
    "%s as a chunk that differs from the journal's stops the run, another chunk out: it says so",
    async (what, change) => {
      const journal = journalFile("journal-removed-mismatch");
      const records = users();
      await runImport(testAdapter<{ id: string; name: string }>(importEvery), records, {
        journal,
        chunkRecords: 2,
      });
      // Chunk 0's line gone (an earlier run stopped with it out): this run sends it, then meets chunk 1,
      // which differs.
      const lines = readFileSync(journal, "utf8").split("\n");
      writeFileSync(journal, lines.filter((line) => !line.includes('"seq":0,')).join("\n"));
      const edited = records.map((u, i) => (i === 3 ? { ...u, name: `${u.name} (edited)` } : u));
      // Chunk 0 is out as chunk 1 is compared (which reads the journal), and the journal changes as the
      // difference stops the run.
      const adapter = testAdapter<{ id: string; name: string }>(
        (chunk, context) =>
          new Promise((resolve) =>
            context.signal.addEventListener("abort", () => {
              change(journal);
              resolve(importEvery(chunk));
            }),
          ),
      );

      const error: unknown = await runImport(adapter, edited, {
        journal,
        chunkRecords: 2,
        concurrency: 2,
      }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(JournalError);
      expect((error as Error).message).toContain("chunk 1 holds different records");
      expect((error as JournalError).report).toMatchObject({
        chunks: { sent: 1 },
        journalLost: what === "removed" ? "removed" : "replaced",
      });
    },
  );
});
