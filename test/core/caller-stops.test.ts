// How a caller stops an import: its signal (even while the input waits for its next record) and its own
// callbacks when they throw. Whatever stops the run, every record taken from the input gets exactly one
// outcome, and the import settles only after what it sent settled: nothing of the run happens after.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import type { ChunkContext, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";

interface User {
  id: string;
  email: string;
}

const users = (n: number): User[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u${i}`, email: faker.internet.email() }));

/**
 * An adapter whose vendor imports every record; `hold(seq)` may keep a chunk's answer back until a promise
 * settles. It counts the sends under way, so a test can tell whether any is still out.
 */
function vendor(hold: (seq: number, context: ChunkContext) => Promise<void> = async () => {}) {
  const state = { sends: 0, active: 0 };
  const adapter: ImportAdapter<User> = {
    vendor: "test",
    replay: { by: "none", why: "the test vendor could import twice" },
    limits: { maxRecords: 100 },
    defaults: { chunkRecords: 10, concurrency: 1 },
    keyOf: (user) => user.id,
    validate: (user) => ({ ok: true, item: user }),
    scrub: (text) => text,
    async send(chunk, context) {
      state.sends += 1;
      state.active += 1;
      try {
        await hold(chunk.seq, context);
        // An answer comes back in a later turn of the event loop, as from a real vendor.
        await new Promise((resolve) => setImmediate(resolve));
        return { kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) };
      } finally {
        state.active -= 1;
      }
    },
  };
  return { adapter, state };
}

/** Each outcome given to `onOutcome`, and whether the import had settled when it came. */
function outcomeLog() {
  const seen: RecordOutcome[] = [];
  const late: RecordOutcome[] = [];
  let settled = false;
  return {
    seen,
    late,
    onOutcome: (outcome: RecordOutcome) => (settled ? late : seen).push(outcome),
    settle: () => (settled = true),
  };
}

/** Enough turns of the event loop for anything still running to show itself. */
async function afterSomeTurns(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("an onProgress that throws", () => {
  it("while a chunk settles: stops the run, rejects with its error, and records no record twice", async () => {
    const { adapter } = vendor();
    const log = outcomeLog();
    const failing = new Error("the progress sink is closed");
    let calls = 0;
    let thrown = false;
    await expect(
      runImport(adapter, users(30), {
        onOutcome: log.onOutcome,
        onProgress: (progress) => {
          calls += 1;
          if (progress.imported > 0 && !thrown) {
            thrown = true;
            throw failing;
          }
        },
      }),
    ).rejects.toBe(failing);
    const callsAtThrow = calls;
    log.settle();
    const indexes = log.seen.map((o) => o.index).sort((a, b) => a - b);
    expect(new Set(indexes).size).toBe(indexes.length);
    // The first chunk's records stand as the vendor answered them.
    expect(log.seen.filter((o) => o.outcome === "imported").map((o) => o.index)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    expect(log.seen.filter((o) => o.outcome === "failed").every((o) => o.code === "aborted")).toBe(
      true,
    );
    // Not called again once it threw.
    expect(calls).toBe(callsAtThrow);
  });

  it("while reading: settles only after the chunk it sent settled, and nothing happens after", async () => {
    let threw!: () => void;
    const progressThrew = new Promise<void>((resolve) => (threw = resolve));
    // The first chunk stays out until reading reaches the throw.
    const { adapter, state } = vendor((seq) => (seq === 0 ? progressThrew : Promise.resolve()));
    const log = outcomeLog();
    const failing = new Error("the progress sink is closed");
    const outcome = await runImport(adapter, users(40), {
      progressEvery: 5,
      onOutcome: log.onOutcome,
      onProgress: (progress) => {
        // The record at index 15: the first chunk is out, the second filling.
        if (progress.validated === 16) {
          threw();
          throw failing;
        }
      },
    }).then(
      () => "resolved",
      (error: unknown) => error,
    );
    log.settle();
    const atSettle = { sends: state.sends, active: state.active };
    expect(outcome).toBe(failing);
    expect(atSettle).toEqual({ sends: 1, active: 0 });
    // Every record read (0 to 15) has its one outcome; those not yet sent (10 to 15) are aborted.
    expect(log.seen.map((o) => o.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, i) => i),
    );
    const unsent = log.seen.filter((o) => o.index >= 10);
    expect(unsent.every((o) => o.outcome === "failed" && o.code === "aborted")).toBe(true);
    await afterSomeTurns();
    expect(log.late).toEqual([]);
    expect(state.sends).toBe(atSettle.sends);
  });
});

describe("the caller's signal", () => {
  it("aborted while an async input waits for its next record: settles with the records read", async () => {
    const controller = new AbortController();
    const input = users(5);
    let waiting!: () => void;
    const stalled = new Promise<void>((resolve) => (waiting = resolve));
    let closeAsked = false;
    // A cursor whose next page never comes, and whose closing never finishes either.
    const cursor: AsyncIterable<User> = {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => {
            const user = input[i++];
            if (user !== undefined) return Promise.resolve({ done: false, value: user });
            waiting();
            return new Promise<IteratorResult<User>>(() => {});
          },
          return: () => {
            closeAsked = true;
            return new Promise<IteratorResult<User>>(() => {});
          },
        };
      },
    };
    const { adapter } = vendor();
    const run = runImport(adapter, cursor, { signal: controller.signal, chunkRecords: 2 });
    await stalled;
    controller.abort();
    const report = await run;
    expect(report.aborted).toBe(true);
    expectEveryRecordOnce(report, 5);
    // The last record never filled a chunk before the abort: it is failed, not lost.
    expect(report.outcomes[4]).toMatchObject({ key: "u4", outcome: "failed", code: "aborted" });
    expect(closeAsked).toBe(true);
  });

  it("aborted as the input hands over a record: that record is reported, failed `aborted`", async () => {
    const controller = new AbortController();
    const input = users(20);
    const taken: string[] = [];
    // A queue that removes each record as it hands it over; the caller aborts while the 8th is on its way.
    const queue: AsyncIterable<User> = {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: async () => {
            await new Promise((resolve) => setImmediate(resolve));
            const user = input[i++];
            if (user === undefined) return { done: true, value: undefined };
            if (taken.length === 7) controller.abort();
            taken.push(user.id);
            return { done: false, value: user };
          },
        };
      },
    };
    const { adapter } = vendor();
    const report = await runImport(adapter, queue, { signal: controller.signal, chunkRecords: 5 });
    expect(report.aborted).toBe(true);
    expect(taken).toHaveLength(8);
    expectEveryRecordOnce(report, 8);
    expect(report.outcomes.map((o) => o.key)).toEqual(taken);
    expect(report.outcomes[7]).toMatchObject({ outcome: "failed", code: "aborted" });
    expect(outcomesWith(report, "imported").map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
