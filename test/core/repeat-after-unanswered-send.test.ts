// A user repeated in a later chunk, after the chunk of its earlier record got no answer to a send and was
// replayed: whether the vendor may still act on that unanswered request after the later record went (and keep
// the earlier values) depends on the replay. Under an idempotency key the vendor acts on the key once, so a
// replay that imported the chunk settles the lost send too; a vendor that writes anew on every send may not.
import { describe, expect, it } from "vitest";
import type { ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
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
