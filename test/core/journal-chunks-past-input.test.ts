// A journal holding chunks past this run's last: an earlier run sent them, and this input made no chunk to
// compare with them (its records were removed from the input's end, or this version rejects them). The run
// must not end as if nothing were amiss: the vendor may hold records the report calls rejected, or does not
// list at all.
import { describe, expect, it } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { Journal, JournalError } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
}

const users = (ids: string[]) => ids.map((id) => ({ id }));

/** Validates as a version that refuses a key of blanks only. */
const stricter = testAdapter<User>(importEvery, {
  validate: (record) =>
    record.id.trim() === ""
      ? { ok: false, problems: [{ rule: "test.required", message: "id: must not be blank" }] }
      : { ok: true, item: record },
});

/** The error the second run rejects with (undefined when it resolves), and its report if it resolved. */
async function outcomeOf(run: Promise<unknown>) {
  return run.then(
    (report) => ({ error: undefined, report }),
    (error: unknown) => ({ error, report: undefined }),
  );
}

describe("a journal holding chunks this input did not make", () => {
  it("names the records this version rejected after its last chunk, which the vendor may hold", async () => {
    // Chunks of two: [a, b] [" ", "\u00a0"] [" "] were sent; now [a, b] is the only chunk.
    const journal = journalFile("rejected-at-end");
    const input = users(["a", "b", " ", "\u00a0", "  "]);
    const first = await runImport(testAdapter<User>(importEvery), input, { journal });
    expect(first.imported).toBe(5);
    const { error } = await outcomeOf(runImport(stricter, input, { journal }));
    expect(error).toBeInstanceOf(JournalError);
    expect((error as Error).message).toBe(
      `journal ${journal}: an earlier run with this journal sent chunks 1 to 2, past this input's last ` +
        "chunk, and test may hold records of them that this input does not hold (records removed from its " +
        "end), or the records 2, 3 and 4 this run rejected after its last chunk, which that run may have " +
        "sent (a version that validated otherwise); resume with the input and version that wrote the " +
        "journal, or start a new journal",
    );
    // Found once the run was done: its report is whole, and says what it did.
    const report = (error as JournalError).report;
    expect(report).toMatchObject({ total: 5, imported: 2, rejected: 3, aborted: false });
    expect(report?.chunks).toMatchObject({ resumed: 1, sent: 0 });
  });

  it("says so when every record is rejected now", async () => {
    const journal = journalFile("all-rejected");
    await runImport(testAdapter<User>(importEvery), users([" ", " "]), { journal });
    await expect(runImport(stricter, users([" ", " "]), { journal })).rejects.toThrow(
      "sent chunk 0, past this input's last chunk, and test may hold records of it that this input does " +
        "not hold (records removed from its end), or the records 0 and 1 this run rejected after its last " +
        "chunk",
    );
  });

  it("says the vendor may hold records removed from the input's end", async () => {
    const journal = journalFile("removed-at-end");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d", "e"]), { journal });
    await expect(
      runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), { journal }),
    ).rejects.toThrow(
      `journal ${journal}: an earlier run with this journal sent chunk 2, past this input's last chunk, ` +
        "and test may hold records of it that this input does not hold (records removed from its end); " +
        "resume with the input that wrote the journal, or start a new journal",
    );
  });

  it("does not blame a version alone: records removed from the end may be what it holds", async () => {
    // Both runs reject the blank key; the first ran with two more records, which the vendor holds.
    const journal = journalFile("removed-and-rejected");
    await runImport(stricter, users(["a", "b", "c", "d", " "]), { journal });
    await expect(runImport(stricter, users(["a", "b", " "]), { journal })).rejects.toThrow(
      `journal ${journal}: an earlier run with this journal sent chunk 1, past this input's last chunk, ` +
        "and test may hold records of it that this input does not hold (records removed from its end), " +
        "or the record 2 this run rejected after its last chunk, which that run may have sent",
    );
  });

  it("names only the chunks the vendor may hold records of, not one that never went out", async () => {
    // A run with concurrency 2 killed while chunk 1 waited: chunks 2 and 4 went out, chunk 3 was refused
    // whole, chunk 5's one request wrote nothing (its state says so), and chunk 1 was never recorded.
    const journal = journalFile("gaps");
    const written = Journal.open(journal, { vendor: "test", chunkRecords: 2, maxBytes: null });
    written.done(2, "f2", [{ ok: true }, { ok: true }]);
    written.done(3, "f3", [
      { ok: false, code: "invalid", reason: "refused by the vendor" },
      { ok: false, code: "invalid", reason: "refused by the vendor" },
    ]);
    written.checkpoint(4, "f4", { sent: "1" });
    written.checkpoint(5, "f5", { sent: "" });
    written.close();
    const { error } = await outcomeOf(
      runImport(testAdapter<User>(importEvery), users(["a", "b"]), { journal }),
    );
    expect((error as Error).message).toContain(
      "an earlier run with this journal sent chunks 2 and 4, past this input's last chunk, and test may " +
        "hold records of them",
    );
    expect((error as JournalError).report).toMatchObject({ total: 2, imported: 2, aborted: false });
  });

  it("names the one chunk that went out, not the one before it that was never recorded", async () => {
    const journal = journalFile("one-of-two");
    const written = Journal.open(journal, { vendor: "test", chunkRecords: 2, maxBytes: null });
    written.done(2, "f2", [{ ok: true }, { ok: true }]);
    written.close();
    await expect(
      runImport(testAdapter<User>(importEvery), users(["a", "b"]), { journal }),
    ).rejects.toThrow(
      `journal ${journal}: an earlier run with this journal sent chunk 2, past this input's last chunk, ` +
        "and test may hold records of it that this input does not hold",
    );
  });

  it("calls onProgress, every record settled, before it rejects, never after; the journal is let go", async () => {
    const journal = journalFile("progress-and-lock");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c"]), { journal });
    const calls: ImportProgress[] = [];
    let settled = false;
    const run = runImport(testAdapter<User>(importEvery), users(["a", "b"]), {
      journal,
      onProgress: (progress) => {
        expect(settled).toBe(false);
        calls.push(progress);
      },
    });
    const { error } = await outcomeOf(run);
    settled = true;
    expect(error).toBeInstanceOf(JournalError);
    expect(calls.at(-1)).toMatchObject({ validated: 2, imported: 2, resumed: 2 });
    // The lock is given up: the run with the input that wrote the journal resumes it.
    const whole = await runImport(testAdapter<User>(importEvery), users(["a", "b", "c"]), {
      journal,
    });
    expect(whole.chunks).toMatchObject({ resumed: 2, sent: 0 });
  });

  it("lets the run end when the vendor refused every record of those chunks", async () => {
    const journal = journalFile("refused-at-end");
    const refusingC = testAdapter<User>((chunk) =>
      Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map((item) =>
          item.id === "c"
            ? { ok: false, code: "invalid", reason: "refused by the vendor" }
            : { ok: true },
        ),
      }),
    );
    await runImport(refusingC, users(["a", "b", "c"]), { journal });
    const { error, report } = await outcomeOf(runImport(refusingC, users(["a", "b"]), { journal }));
    expect(error).toBeUndefined();
    expect(report).toMatchObject({ total: 2, imported: 2 });
  });

  it("lets the same input resume, and a longer one send its new chunks", async () => {
    const journal = journalFile("same-and-longer");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), { journal });
    const same = await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), {
      journal,
    });
    expect(same.chunks).toMatchObject({ resumed: 2, sent: 0 });
    const longer = await runImport(
      testAdapter<User>(importEvery),
      users(["a", "b", "c", "d", "e"]),
      { journal },
    );
    expect(longer.chunks).toMatchObject({ resumed: 2, sent: 1 });
  });

  it("does not stop a run the caller aborted before the input's end", async () => {
    const journal = journalFile("aborted-before-end");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), { journal });
    const report = await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), {
      journal,
      signal: AbortSignal.abort(new Error("stopped by the caller")),
    });
    expect(report.aborted).toBe(true);
  });

  it("leaves an input that broke off to its own error: the rest was not read", async () => {
    const journal = journalFile("broke-off");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), { journal });
    function* breaking() {
      yield* users(["a", "b"]);
      throw new Error("file cut short");
    }
    const report = await runImport(testAdapter<User>(importEvery), breaking(), { journal });
    expect(report).toMatchObject({ total: 2, imported: 2, inputError: "file cut short" });
  });
});
