// A journal written by a version that sent a record this version rejects (a blank match key, refused since
// 2026-12-05): the same input then makes other chunks, and the run stops at the first. Its refusal must not
// send the operator back to "the same input", which they gave, and must say the vendor may hold the record
// this run reports rejected: the run that wrote the journal sent it.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
}

/** Validates as the version after the change: a key of blanks only is refused. */
const stricter = testAdapter<User>(importEvery, {
  validate: (record) =>
    record.id.trim() === ""
      ? { ok: false, problems: [{ rule: "test.required", message: "id: must not be blank" }] }
      : { ok: true, item: record },
});

/** Imports `users` with the earlier version's validation, then runs them again with the stricter one. */
async function rerunStricter(users: User[], tag: string) {
  const journal = journalFile(tag);
  const first = await runImport(testAdapter<User>(importEvery), users, { journal });
  const outcomes: RecordOutcome[] = [];
  const error = await runImport(stricter, users, {
    journal,
    onOutcome: (o) => outcomes.push(o),
  }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return { first, error, outcomes };
}

const users = (ids: string[]) => ids.map((id) => ({ id }));

describe("a journal whose chunk held a record this run rejects", () => {
  it("names that record, says the vendor may hold it, and does not ask for the same input", async () => {
    // Chunks of two: [a, " "] [c, d] were sent; now [a, c] differs from chunk 0.
    const { first, error, outcomes } = await rerunStricter(
      users(["a", " ", "c", "d"]),
      "rejected-inside",
    );
    expect(first.imported).toBe(4);
    expect(error).toBeInstanceOf(JournalError);
    const message = (error as Error).message;
    expect(message).toContain("chunk 0 holds different records than in the run that wrote it");
    expect(message).toContain(
      "this run rejected record 1 at its place, which that run may have sent (a version that validated " +
        "otherwise: test may hold it); resume with the input and version that wrote the journal, or start " +
        "a new journal",
    );
    expect(message).not.toContain("resume with the same input");
    expect(outcomes.find((o) => o.index === 1)).toMatchObject({ outcome: "rejected" });
    expect(outcomes.find((o) => o.index === 0)).toMatchObject({
      outcome: "failed",
      reason: expect.stringContaining("this run rejected record 1 at its place") as unknown,
    });
  });

  it("counts a record rejected between the chunk before and this one's first record", async () => {
    // [a, b] [" ", "\u00a0"] [e, f] [g] were sent; now [a, b] fits and [e, f] differs from chunk 1.
    const { error } = await rerunStricter(
      users(["a", "b", " ", "\u00a0", "e", "f", "g"]),
      "rejected-before",
    );
    expect((error as Error).message).toContain(
      "chunk 1 holds different records than in the run that wrote it; " +
        "this run rejected records 2 and 3 at its place",
    );
  });

  it("counts a record rejected after the input's last chunk, at that chunk's place", async () => {
    // [a, b] [c, " "] were sent; now [a, b] fits and [c] differs from chunk 1, record 3 read after it.
    const { error } = await rerunStricter(users(["a", "b", "c", " "]), "rejected-after-last");
    expect((error as Error).message).toContain(
      "chunk 1 holds different records than in the run that wrote it; " +
        "this run rejected record 3 at its place",
    );
  });

  it("names the first three of many records rejected at its place, and counts the others", async () => {
    // [a, b] [" ", nbsp] ["  ", tab] ["   ", e] were sent; now [a, b] fits and [e] differs from chunk 1.
    const { error } = await rerunStricter(
      users(["a", "b", " ", "\u00a0", "  ", "\t", "   ", "e"]),
      "rejected-many",
    );
    expect((error as Error).message).toContain(
      "chunk 1 holds different records than in the run that wrote it; " +
        "this run rejected records 2, 3, 4 and 2 more at its place",
    );
  });

  it("still asks for the same input when this run rejected none there", async () => {
    const journal = journalFile("edited");
    await runImport(testAdapter<User>(importEvery), users(["a", "b", "c", "d"]), { journal });
    await expect(runImport(stricter, users(["a", "b", "c", "x"]), { journal })).rejects.toThrow(
      "chunk 1 holds different records than in the run that wrote it; " +
        "resume with the same input (its records, and each record's fields, in the same order), " +
        "or start a new journal",
    );
  });
});
