// The engine's outcome invariant where an input is cut short with a journal, aborts come at the same
// moment, and keys look like the ones the engine makes up for records without one.
import { describe, expect, it } from "vitest";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
} from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";

interface TestUser {
  id: string;
  name?: unknown;
}

function scripted(
  behaviour?: (chunk: Chunk<TestUser>, context: ChunkContext) => ChunkResult | Promise<ChunkResult>,
) {
  const sent: Chunk<TestUser>[] = [];
  const adapter: ImportAdapter<TestUser> = {
    vendor: "test",
    replay: { by: "none", why: "the test vendor could import twice" },
    limits: { maxRecords: 100 },
    defaults: { chunkRecords: 10, concurrency: 2 },
    keyOf: (user) => user.id,
    validate: (user) =>
      typeof user.name === "string"
        ? { ok: true, item: user }
        : { ok: false, problems: [{ rule: "test.name", message: "name: must be a string" }] },
    serialize: (user) => JSON.stringify(user),
    scrub: (text) => text,
    async send(chunk, context) {
      sent.push(chunk);
      await new Promise((resolve) => setImmediate(resolve));
      if (behaviour) return await behaviour(chunk, context);
      return {
        kind: "done",
        outcomes: chunk.items.map((u) => ({ ok: true, id: `vendor-${u.id}` })),
      };
    },
  };
  return { adapter, sent };
}

const users = (n: number, from = 0): TestUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u${from + i}`, name: `User ${from + i}` }));

function* brokenAfter(n: number, from = 0) {
  yield* users(n, from);
  throw new Error(`line ${n + 1}: unexpected end of file`);
}

describe("an input cut short with a journal", () => {
  it("a last chunk the journal holds as done (same records) is taken from the journal, not sent again", async () => {
    const journal = journalFile("engine4");
    // First run: the whole input, 15 records; its last chunk (5 records) is imported and recorded as done.
    const first = scripted();
    const whole = await runImport(first.adapter, users(15), { journal });
    expect(whole.imported).toBe(15);
    // Re-run with the same records, but the input now breaks right after them (a torn trailing line).
    const second = scripted();
    const report = await runImport(second.adapter, brokenAfter(15), { journal });
    expectEveryRecordOnce(report, 15);
    // Nothing is sent twice: the journal holds every chunk's outcomes.
    expect(second.sent.flatMap((c) => c.keys)).toEqual([]);
    expect(report.imported).toBe(15);
    expect(report.chunks.resumed).toBe(2);
  });

  it("aborted at the moment the input broke, inside a chunk an earlier run sent without an answer: its records may be held", async () => {
    const journal = journalFile("engine4");
    const controller = new AbortController();
    // First run: chunk 1 (records 10..19) is sent, saves a job id, and the run is aborted before its answer.
    const crashed = scripted((chunk, context) => {
      if (chunk.seq === 1) {
        context.checkpoint({ jobId: "job-1" });
        controller.abort();
      }
      return {
        kind: "done",
        outcomes: chunk.items.map(() =>
          chunk.seq === 1 ? { ok: false, code: "aborted", reason: "aborted" } : { ok: true },
        ),
      };
    });
    await runImport(crashed.adapter, users(20), {
      journal,
      signal: controller.signal,
      concurrency: 1,
    });
    // Re-run: the input breaks after 15 records, and the caller aborts at the same moment.
    const again = new AbortController();
    function* broken() {
      yield* users(15);
      again.abort();
      throw new Error("line 16: unexpected end of file");
    }
    const { adapter, sent } = scripted();
    const report = await runImport(adapter, broken(), { journal, signal: again.signal });
    expectEveryRecordOnce(report, 15);
    expect(sent).toEqual([]);
    // Records 10..14 were in the chunk the earlier run sent: the vendor may hold them.
    for (const index of [10, 14]) {
      expect(report.outcomes[index]).toMatchObject({
        outcome: "failed",
        reason: matching(/may hold this record/),
      });
    }
  });
});

describe("keys that look like made-up ones", () => {
  it("a real key equal to `#<its index>` is still checked for duplicates", async () => {
    const { adapter } = scripted();
    const input: TestUser[] = [
      ...users(5),
      { id: "#5", name: "first" },
      ...users(3, 6),
      { id: "#5", name: "second" },
    ];
    const report = await runImport(adapter, input);
    expectEveryRecordOnce(report, 10);
    expect(report.events["duplicate_keys"]).toBe(1);
    expect(report.outcomes[9]).toMatchObject({
      outcome: "imported",
      warning: matching(/record 5 of the input has the same key \(#5\)/),
    });
  });
});
