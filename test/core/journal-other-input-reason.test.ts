// A journal of other input stops the run at the first chunk that differs. The records read after it (the
// next chunk's first, read to find that chunk full) were not sent because the journal refused the input,
// not because anyone aborted the import, and their reason must say so, as the differing chunk's records do.
import { faker } from "@faker-js/faker";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { matching } from "../support/matchers.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
  name: string;
}

const adapter = testAdapter<User>(importEvery);

/**
 * Imports six users with `journal`, then the same users with the one at `index` renamed: that run is refused
 * at the chunk that differs. The second run's outcomes from record 2 on (chunk 1, of two records, and after).
 */
async function rerunEdited(
  via: typeof adapter,
  journal: string,
  index: number,
): Promise<{ first: Awaited<ReturnType<typeof runImport>>; notSent: RecordOutcome[] }> {
  const users: User[] = Array.from({ length: 6 }, () => ({
    id: faker.string.uuid(),
    name: faker.person.fullName(),
  }));
  const first = await runImport(via, users, { journal });
  const edited = users.map((u, i) => (i === index ? { ...u, name: `${u.name} (edited)` } : u));
  const outcomes: RecordOutcome[] = [];
  await expect(
    runImport(via, edited, { journal, onOutcome: (o) => outcomes.push(o) }),
  ).rejects.toThrow(JournalError);
  return { first, notSent: outcomes.filter((o) => o.index >= 2) };
}

it("the records read after the chunk that differs name the journal's refusal, not an abort", async () => {
  const { first, notSent } = await rerunEdited(adapter, journalFile("other-input"), 2);
  expect(first.imported).toBe(6);
  expect(notSent.length).toBeGreaterThan(2);
  for (const outcome of notSent) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(/chunk 1 holds different records/),
    });
    expect(outcome).not.toMatchObject({ reason: matching(/the import was aborted/) });
  }
});

it("records at the place of a chunk an earlier run imported say the vendor may hold them", async () => {
  // An operator fixes one user's name and re-runs with the journal of the finished import: the run is
  // refused, but the edited chunk's users (and the next one's, read before the refusal) are at the vendor.
  const { first, notSent } = await rerunEdited(adapter, journalFile("other-input-held"), 3);
  expect(first.imported).toBe(6);
  expect(notSent.map((o) => o.index)).toEqual(expect.arrayContaining([2, 3, 4]));
  for (const outcome of notSent) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(
        /chunk 1 holds different records.*test may hold this record: an earlier run with this journal sent a chunk in its place$/,
      ),
    });
  }
});

it("records at the place of a chunk the vendor refused whole are not said to be held by it", async () => {
  // The earlier run's chunk was sent (its job saved) and every user of it refused: the vendor holds none of
  // them, so nothing says these records may be at the vendor.
  const refusing = testAdapter<User>((chunk, context) => {
    context.checkpoint({ jobId: `job-${chunk.seq}` });
    return Promise.resolve<ChunkResult<string>>({
      kind: "done",
      outcomes: chunk.items.map(() => ({ ok: false, code: "invalid", reason: "refused" })),
    });
  });
  const { first, notSent } = await rerunEdited(refusing, journalFile("other-input-refused"), 3);
  expect(first.failed).toBe(6);
  expect(notSent.map((o) => o.index)).toEqual(expect.arrayContaining([2, 3, 4]));
  for (const outcome of notSent) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(/chunk 1 holds different records/),
    });
    expect(outcome).not.toMatchObject({ reason: matching(/may hold/) });
  }
});

it.each([
  [
    "in the engine's words",
    "refused; a try of this request got no answer that said what became of it and may have reached the vendor, which may hold this record",
  ],
  [
    "in an adapter's words",
    "refused, yet the job's imports list names this user: the vendor may hold this user",
  ],
  [
    "as unknown",
    "refused by a failed row that matches two persons, so whether this person was imported is unknown",
  ],
])(
  "records at the place of a chunk refused whole, a refusal doubted %s, say the vendor may hold them",
  async (_, doubted) => {
    // Refused, yet the earlier run could not tell whether the vendor holds one of them: neither can this run.
    const refusing = testAdapter<User>((chunk, context) => {
      context.checkpoint({ jobId: `job-${chunk.seq}` });
      return Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map((_, i) => ({
          ok: false,
          code: "invalid",
          reason: i === 1 ? doubted : "refused",
          // The adapter's mark says it; the words say why.
          ...(i === 1 && { vendorMayHold: true as const }),
        })),
      });
    });
    const journal = journalFile("other-input-doubted");
    const { first, notSent } = await rerunEdited(refusing, journal, 3);
    expect(first.failed).toBe(6);
    expect(notSent.map((o) => o.index)).toEqual(expect.arrayContaining([2, 3, 4]));
    for (const outcome of notSent.filter((o) => o.index < 4))
      expect(outcome).toMatchObject({
        reason: matching(
          /test may hold this record: an earlier run with this journal sent a chunk in its place$/,
        ),
      });
  },
);

it.each([
  [
    "a refusal whose own reason is unknown",
    "SlashID counted all 2 persons in this file failed, none imported, but its failed_csv could not be read, so its reason is unknown",
  ],
  ["a vendor's refusal in like words", "refused: attribute plan is unknown"],
])(
  "records at the place of a chunk refused whole, %s, are not said to be held by the vendor",
  async (_, reason) => {
    // "is unknown" of something else than whether the user was imported leaves no user at the vendor.
    const refusing = testAdapter<User>((chunk, context) => {
      context.checkpoint({ jobId: `job-${chunk.seq}` });
      return Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map(() => ({ ok: false, code: "invalid", reason })),
      });
    });
    const journal = journalFile("other-input-reason-unknown");
    const { first, notSent } = await rerunEdited(refusing, journal, 3);
    expect(first.failed).toBe(6);
    expect(notSent.map((o) => o.index)).toEqual(expect.arrayContaining([2, 3, 4]));
    for (const outcome of notSent)
      expect(outcome).not.toMatchObject({ reason: matching(/may hold/) });
  },
);

describe("a journal that stops a run after the run sent chunks", () => {
  // Chunk 0's line is gone from the journal (an earlier run stopped with it in flight): this run sends it,
  // then meets chunk 1, which differs. Chunk 0's users are at the vendor, so the error carries the report.
  it("rejects with the report of what the run did: the sent chunk imported, the rest not sent", async () => {
    const users: User[] = Array.from({ length: 6 }, () => ({
      id: faker.string.uuid(),
      name: faker.person.fullName(),
    }));
    const journal = journalFile("other-input-after-send");
    await runImport(adapter, users, { journal, chunkRecords: 2 });
    const lines = readFileSync(journal, "utf8").split("\n");
    writeFileSync(journal, lines.filter((line) => !line.includes('"seq":0,')).join("\n"));
    const edited = users.map((u, i) => (i === 3 ? { ...u, name: `${u.name} (edited)` } : u));

    const error: unknown = await runImport(adapter, edited, { journal, chunkRecords: 2 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(JournalError);
    const report = (error as JournalError).report;
    expect(report).toMatchObject({ aborted: true, imported: 2, chunks: { sent: 1 } });
    expect(report?.outcomes.slice(0, 2).map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(report?.outcomes[2]).toMatchObject({
      outcome: "failed",
      reason: matching(/chunk 1 holds different records/),
    });
  });

  it("carries no report when the run sent nothing", async () => {
    const journal = journalFile("other-input-nothing-sent");
    const users: User[] = [{ id: "a", name: "Ann" }];
    await runImport(adapter, users, { journal });
    const error: unknown = await runImport(adapter, [{ id: "a", name: "Bob" }], { journal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).report).toBeUndefined();
  });
});

describe("records the input moved to another chunk than the earlier run sent them in", () => {
  // The input was edited by adding or removing records, so from the chunk that differs on, a record may
  // stand in another chunk than the one the earlier run sent it in: the chunk at its place says nothing
  // of it, and any chunk of the earlier run from there on may have held it.
  const users = (n: number): User[] =>
    Array.from({ length: n }, (_, i) => ({ id: `u${i}`, name: faker.person.fullName() }));
  const notSentOf = async (journal: string, via: typeof adapter, input: User[]) => {
    const outcomes: RecordOutcome[] = [];
    await expect(
      runImport(via, input, { journal, onOutcome: (o) => outcomes.push(o) }),
    ).rejects.toThrow(JournalError);
    return outcomes.filter((o) => o.outcome !== "imported");
  };

  it("one pushed past the journal's last chunk by a record inserted before it", async () => {
    const journal = journalFile("other-input-pushed-past");
    const earlier = users(10);
    expect((await runImport(adapter, earlier, { journal })).imported).toBe(10);
    // One user added before the last: the last one (imported by the earlier run) now opens a chunk 5,
    // which the journal has no line of.
    const input = [...earlier.slice(0, 9), { id: "added", name: "Added" }, earlier[9]!];
    const last = (await notSentOf(journal, adapter, input)).find((o) => o.key === "u9");
    expect(last).toMatchObject({
      outcome: "failed",
      reason: matching(/test may hold this record: an earlier run with this journal sent/),
      vendorMayHold: true,
    });
  });

  it("one moved into the place of a chunk the vendor refused whole, from a chunk it imported", async () => {
    const journal = journalFile("other-input-moved-into-refused");
    // Chunk 1 (u2, u3) refused whole, chunk 2 (u4, u5) imported.
    const refusingTwo = testAdapter<User>((chunk) =>
      Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map((u) =>
          u.id === "u2" || u.id === "u3"
            ? { ok: false, code: "invalid", reason: "refused" }
            : { ok: true },
        ),
      }),
    );
    const earlier = users(8);
    expect((await runImport(refusingTwo, earlier, { journal })).imported).toBe(6);
    // The refused users dropped from the file: u4 and u5 now make chunk 1.
    const input = earlier.filter((u) => u.id !== "u2" && u.id !== "u3");
    const moved = (await notSentOf(journal, refusingTwo, input)).filter((o) =>
      ["u4", "u5"].includes(o.key),
    );
    expect(moved).toHaveLength(2);
    for (const outcome of moved) expect(outcome).toMatchObject({ vendorMayHold: true });
  });

  it("one moved into the place of a chunk the vendor refused whole, from a chunk sent with no answer", async () => {
    const journal = journalFile("other-input-moved-from-unanswered");
    // Chunk 1 (u2, u3) refused whole; chunk 2 (u4, u5) sent, its job saved, when the earlier run was killed.
    const refusingOne = testAdapter<User>((chunk, context) => {
      context.checkpoint({ jobId: `job-${chunk.seq}` });
      return Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map((u) =>
          u.id === "u2" || u.id === "u3"
            ? { ok: false, code: "invalid", reason: "refused" }
            : { ok: true },
        ),
      });
    });
    const earlier = users(6);
    expect((await runImport(refusingOne, earlier, { journal })).imported).toBe(4);
    const lines = readFileSync(journal, "utf8").split("\n");
    writeFileSync(
      journal,
      lines.filter((line) => !line.includes('"kind":"done","seq":2,')).join("\n"),
    );
    // The refused users dropped from the file: u4 and u5 now make chunk 1.
    const input = earlier.filter((u) => u.id !== "u2" && u.id !== "u3");
    const moved = (await notSentOf(journal, refusingOne, input)).filter((o) =>
      ["u4", "u5"].includes(o.key),
    );
    expect(moved).toHaveLength(2);
    for (const outcome of moved)
      expect(outcome).toMatchObject({
        vendorMayHold: true,
        reason: matching(/sent chunks of other input from chunk 1 on/),
      });
  });

  it("one moved into the place of a chunk the vendor refused whole, from chunks it imported in part", async () => {
    const journal = journalFile("other-input-moved-from-mixed");
    // Chunk 1 (u2, u3) refused whole; of chunks 2 and 3 (u4 to u7), u4 and u7 imported, u5 and u6 refused.
    const refused = new Set(["u2", "u3", "u5", "u6"]);
    const partly = testAdapter<User>((chunk) =>
      Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map((u) =>
          refused.has(u.id) ? { ok: false, code: "invalid", reason: "refused" } : { ok: true },
        ),
      }),
    );
    const earlier = users(8);
    expect((await runImport(partly, earlier, { journal })).imported).toBe(4);
    // The users of chunk 1 dropped from the file: u4 and u5 now make chunk 1.
    const input = earlier.filter((u) => u.id !== "u2" && u.id !== "u3");
    const moved = (await notSentOf(journal, partly, input)).filter((o) =>
      ["u4", "u5"].includes(o.key),
    );
    expect(moved).toHaveLength(2);
    for (const outcome of moved) expect(outcome).toMatchObject({ vendorMayHold: true });
  });

  it("one a fatal answer left past the journal's last chunk, read on to the input's end", async () => {
    const journal = journalFile("other-input-fatal-past");
    // The earlier run left chunk 0 unsettled (no answer) and imported chunks 1 and 2.
    const earlierRun = testAdapter<User>((chunk, context) => {
      context.checkpoint({ sent: "1" });
      return Promise.resolve<ChunkResult<string>>({
        kind: "done",
        outcomes: chunk.items.map(() =>
          chunk.seq === 0
            ? { ok: false, code: "timeout", reason: "no answer", transient: true }
            : { ok: true },
        ),
      });
    });
    const earlier = users(6);
    expect((await runImport(earlierRun, earlier, { journal })).imported).toBe(4);
    // This run's credentials are refused at chunk 0; the input, one user added, is read on to its end.
    const refused = ApiError.of(
      { status: 401, body: { message: "no" }, headers: {} },
      { operation: "op", method: "POST", path: "/x" },
      new SecretSet(),
    );
    const fatal = testAdapter<User>(() =>
      Promise.resolve<ChunkResult<string>>({ kind: "fatal", error: refused }),
    );
    const input = [...earlier.slice(0, 2), { id: "added", name: "Added" }, ...earlier.slice(2)];
    const report = await runImport(fatal, input, { journal });
    expect(report.outcomes.find((o) => o.key === "u5")).toMatchObject({
      outcome: "failed",
      code: "fatal",
      vendorMayHold: true,
    });
  });
});
