// A done line holds one outcome per record of its chunk. One changed by hand to hold fewer (or more) was
// trusted: the records it lost failed `no_outcome`, "the vendor reported no outcome", on every re-run,
// though the vendor held them. Such a journal is refused, as one of other input is; and the engine records
// one outcome per record whatever its adapter answered, so a journal it wrote is never refused so.
import { readFileSync, writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { expect, it } from "vitest";
import type { Chunk, ChunkResult, ItemOutcome } from "../../src/core/engine/adapter.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
  name: string;
}

const usersOf = (n: number): User[] =>
  Array.from({ length: n }, () => ({ id: faker.string.uuid(), name: faker.person.fullName() }));

/** The journal's lines with chunk `seq`'s done line given `count` outcomes (its first, repeated). */
function withOutcomes(text: string, seq: number, count: number): string {
  return text
    .split("\n")
    .map((line) => {
      if (line === "") return line;
      const parsed = JSON.parse(line) as { kind: string; seq?: number; outcomes?: unknown[] };
      if (parsed.kind !== "done" || parsed.seq !== seq) return line;
      return JSON.stringify({ ...parsed, outcomes: Array(count).fill(parsed.outcomes?.[0]) });
    })
    .join("\n");
}

it.each([1, 3])(
  "a done line changed to hold %i outcomes for 2 records is refused",
  async (count) => {
    const users = usersOf(6);
    const journal = journalFile("done-line-edited");
    let sent = 0;
    const adapter = testAdapter<User>((chunk) => {
      sent += 1;
      return importEvery(chunk);
    });
    expect((await runImport(adapter, users, { journal })).imported).toBe(6);
    writeFileSync(journal, withOutcomes(readFileSync(journal, "utf8"), 1, count));
    sent = 0;

    const outcomes: RecordOutcome[] = [];
    await expect(
      runImport(adapter, users, { journal, onOutcome: (o) => outcomes.push(o) }),
    ).rejects.toThrow(
      new JournalError(
        `journal ${journal}: chunk 1 has ${count} outcomes recorded for its 2 records: the journal was changed since the run that wrote it, so restore it or start a new journal`,
      ),
    );
    expect(sent).toBe(0);
    const chunk1 = outcomes.filter((o) => o.index === 2 || o.index === 3);
    expect(chunk1).toHaveLength(2);
    for (const outcome of chunk1) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(/chunk 1 has \d outcomes recorded for its 2 records/),
      });
    }
  },
);

const refused = ApiError.of(
  { status: 401, body: { message: "no" }, headers: {} },
  { operation: "op", method: "POST", path: "/x" },
  new SecretSet(),
);

it.each([
  ["the journal's refusal stops the run", importEvery, () => importEvery],
  [
    "a fatal answer stops the run, which reads on",
    // Chunk 0 left unsettled, so that the re-run sends it, and is answered fatal before chunk 1.
    (chunk: Chunk<User>) =>
      chunk.seq === 0
        ? Promise.resolve<ChunkResult<string>>({
            kind: "done",
            outcomes: chunk.items.map(() => ({
              ok: false,
              code: "timeout",
              reason: "no answer",
              transient: true,
            })),
          })
        : importEvery(chunk),
    () => () => Promise.resolve<ChunkResult<string>>({ kind: "fatal", error: refused }),
  ],
])(
  "a done line changed by hand does not make the records after it held by the vendor: %s",
  async (_, earlier, later) => {
    // The same input, records appended after the earlier run's last (full) chunk: the changed line holds the
    // very records that run sent, so none of them was moved into a chunk it never sent.
    const users = usersOf(6);
    const journal = journalFile("done-line-edited-after");
    await runImport(testAdapter<User>(earlier), users.slice(0, 4), { journal });
    writeFileSync(journal, withOutcomes(readFileSync(journal, "utf8"), 1, 1));

    const outcomes: RecordOutcome[] = [];
    await runImport(testAdapter<User>(later()), users, {
      journal,
      onOutcome: (o) => outcomes.push(o),
    }).catch((error: unknown) => expect(error).toBeInstanceOf(JournalError));
    const appended = outcomes.filter((o) => o.index >= 4);
    expect(appended.length).toBeGreaterThan(0);
    for (const outcome of appended) {
      expect(outcome).toMatchObject({ outcome: "failed" });
      expect(outcome).not.toHaveProperty("vendorMayHold");
    }
  },
);

it.each([1, 3])(
  "an adapter that answers %i outcomes for 2 records leaves a journal a re-run resumes",
  async (count) => {
    const users = usersOf(2);
    const journal = journalFile("done-line-adapter-count");
    const answering = testAdapter<User>(() =>
      Promise.resolve({ kind: "done", outcomes: Array(count).fill({ ok: true }) }),
    );
    const first = await runImport(answering, users, { journal });
    const again = await runImport(answering, users, { journal });

    expect(again.chunks.resumed).toBe(1);
    const expected = count === 1 ? ["imported", "failed"] : ["imported", "imported"];
    for (const report of [first, again]) {
      expect(report.outcomes.map((o) => o.outcome)).toEqual(expected);
    }
  },
);

it("an adapter that answers undefined for a record: that record fails no_outcome, the others stand", async () => {
  const users = usersOf(2);
  const holed = testAdapter<User>(() =>
    Promise.resolve({
      kind: "done",
      outcomes: [{ ok: true }, undefined as unknown as ItemOutcome],
    }),
  );
  const report = await runImport(holed, users, { journal: journalFile("done-line-hole") });

  expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
    "imported",
    "no_outcome",
  ]);
});
