// A user repeated in a later chunk, after the chunk of its earlier record got no answer to a send and was
// replayed: whether the vendor may still act on that unanswered request after the later record went (and keep
// the earlier values) depends on the replay. Under an idempotency key the vendor acts on the key once, so a
// replay that imported the chunk settles the lost send too; a vendor that writes anew on every send may not.
import { describe, expect, it } from "vitest";
import type { ChunkResult, ImportAdapter, ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
  name: string;
}

const LANDS_LATE = /a request that got no answer, which the vendor may still act on after this one/;

/** Chunk 0's first send gets no answer; every other send imports its chunk. */
function unansweredOnce(replay: ImportAdapter<User>["replay"]): ImportAdapter<User> {
  let first = true;
  return testAdapter<User>(
    (chunk) => {
      const lost = chunk.seq === 0 && first;
      if (chunk.seq === 0) first = false;
      return Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: chunk.items.map(() =>
          lost
            ? { ok: false, code: "network", reason: "no answer came", transient: true }
            : { ok: true },
        ),
      });
    },
    { replay, defaults: { chunkRecords: 1, concurrency: 2 } },
  );
}

const input: User[] = [
  { id: "u1", name: "Old" },
  { id: "u1", name: "New" },
];

describe("a repeated user after its earlier record's send got no answer", () => {
  it("an idempotency key's replay settles the lost send: the later record's import carries no doubt", async () => {
    const adapter = unansweredOnce({ by: "idempotency-key", why: "test" });
    const report = await runImport(adapter, input, { replayDelayMs: 0 });
    expect(report).toMatchObject({ total: 2, imported: 2 });
    // Warned of the repeat alone (the vendor keeps the values written last: record 1's, sent after the replay).
    expect(report.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: matching(/^record 0 of the input has the same key \(u1\)/),
    });
    expect(report.outcomes[1]).not.toMatchObject({ warning: matching(LANDS_LATE) });
  });

  it("a vendor that writes on every send may still act on the lost one: the later import says so", async () => {
    const adapter = unansweredOnce({ by: "upsert", why: "test" });
    const report = await runImport(adapter, input, { replayDelayMs: 0 });
    expect(report).toMatchObject({ total: 2, imported: 2 });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: matching(LANDS_LATE),
    });
  });
});

describe("a chunk holding a repeated user and one it does not repeat", () => {
  it("only the repeated user's import says the unanswered send may land after it", async () => {
    const adapter = unansweredOnce({ by: "upsert", why: "test" });
    const records: User[] = [
      { id: "u1", name: "Old" },
      { id: "u2", name: "Once" },
      { id: "u1", name: "New" },
      { id: "u3", name: "Once" },
    ];
    const report = await runImport(adapter, records, { chunkRecords: 2, replayDelayMs: 0 });
    expect(report).toMatchObject({ total: 4, imported: 4 });
    expect(report.outcomes[2]).toMatchObject({ key: "u1", warning: matching(LANDS_LATE) });
    // u3 went in the same chunk as u1's later record, but none of its records went unanswered.
    expect(report.outcomes[3]).toEqual({ index: 3, key: "u3", outcome: "imported" });
  });
});

describe("a repeated user after its earlier record's job was not seen to end", () => {
  const running: ItemOutcome = {
    ok: false,
    code: "job_timeout",
    reason: "the job did not finish in time",
    transient: true,
    later: true,
    vendorMayHold: true,
  };
  /** Chunk 0 makes job j0 (or, resumed, only polls it), which never ends; chunk 1 meets `second`. */
  const jobNeverEnds = (second: ItemOutcome) =>
    testAdapter<User>(
      (chunk, context) => {
        if (chunk.seq === 0) {
          if (context.resumed?.["job"] === undefined) context.checkpoint({ job: "j0" });
          else context.followedUpOnly?.();
        }
        return Promise.resolve<ChunkResult>({
          kind: "done",
          outcomes: chunk.items.map(() => (chunk.seq === 0 ? running : second)),
        });
      },
      {
        replay: { by: "idempotency-key", why: "test" },
        defaults: { chunkRecords: 1, concurrency: 2 },
      },
    );

  it("a resumed run, which only polls that job, doubts the later import as a fresh run does", async () => {
    const fresh = await runImport(jobNeverEnds({ ok: true }), input, { replayDelayMs: 0 });
    expect(fresh.outcomes[1]).toMatchObject({ outcome: "imported", warning: matching(LANDS_LATE) });

    // The earlier run leaves both chunks unfinished: the re-run polls job j0 again, then sends record 1.
    const journal = journalFile("repeat-after-job-not-seen-to-end");
    await runImport(jobNeverEnds(running), input, { journal, replayDelayMs: 0 });
    const resumed = await runImport(jobNeverEnds({ ok: true }), input, {
      journal,
      replayDelayMs: 0,
    });
    // Job j0 may still write record 0's values after record 1's.
    expect(resumed.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: matching(LANDS_LATE),
    });
  });
});
