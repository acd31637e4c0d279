// How a caller stops an import: its signal (even while the input waits for its next record) and its own
// callbacks when they throw. Whatever stops the run, every record taken from the input gets exactly one
// outcome, and the import settles only after what it sent settled: nothing of the run happens after.
import { getEventListeners } from "node:events";
import { PassThrough } from "node:stream";
import { faker } from "@faker-js/faker";
import { describe, expect, it, vi } from "vitest";
import type { ChunkContext, ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

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

describe("the caller's signal after a fatal answer", () => {
  it("stops the reading the fatal answer left going on: the report says the input was not read to its end", async () => {
    const controller = new AbortController();
    const unauthorized = ApiError.of(
      { status: 401, body: { message: "no" }, headers: {} },
      { operation: "op", method: "POST", path: "/x" },
      new SecretSet(),
    );
    const adapter = testAdapter<User>(() =>
      Promise.resolve<ChunkResult>({ kind: "fatal", error: unauthorized }),
    );
    // A long input, read on after the fatal answer to fail each record, until the caller has seen enough.
    async function* input() {
      for (const user of users(500)) yield await Promise.resolve(user);
    }
    const report = await runImport(adapter, input(), {
      signal: controller.signal,
      onOutcome: (outcome) => {
        if (outcome.index === 20) controller.abort();
      },
    });
    expect(report.fatal).toMatch(/HTTP 401/);
    expect(report.total).toBeLessThan(500);
    expectEveryRecordOnce(report);
    expect(report.aborted).toBe(true);
  });
});

describe("the caller's signal, given a sync input that sends nothing", () => {
  // Read in one go, such an input never let the event loop run: an abort from a timer or an event could not
  // stop it, and an endless one (a generator of ids) held the process for ever.
  const unauthorized = ApiError.of(
    { status: 401, body: { message: "no" }, headers: {} },
    { operation: "op", method: "POST", path: "/x" },
    new SecretSet(),
  );
  it.each([
    [
      "read on after a fatal answer",
      testAdapter<User>(() => Promise.resolve<ChunkResult>({ kind: "fatal", error: unauthorized })),
    ],
    [
      "whose every record is rejected",
      testAdapter<User>(importEvery, {
        validate: () => ({ ok: false, problems: [{ rule: "test.bad", message: "bad" }] }),
      }),
    ],
  ])("%s: an abort from outside the run stops an endless input", async (_, adapter) => {
    const controller = new AbortController();
    const LIMIT = 200_000;
    function* endless() {
      for (let i = 0; i < LIMIT; i++) {
        // Aborted once the event loop runs: by a timer, an event, a request of the caller's.
        if (i === 20) setImmediate(() => controller.abort());
        yield { id: `u${i}`, email: "" };
      }
      throw new Error("read on past the caller's abort");
    }
    const report = await runImport(adapter, endless(), {
      signal: controller.signal,
      keepOutcomes: "none",
    });
    expect(report).toMatchObject({ aborted: true });
    expect(report.inputError).toBeUndefined();
    expect(report.total).toBeLessThan(LIMIT);
  });
});

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
  it("one signal over twelve imports (a server's shutdown signal): one abort stops each, whatever it waits on", async () => {
    const controller = new AbortController();
    const { signal } = controller;
    let waiting = 0;
    const waits = () => (waiting += 1);
    // Four with a chunk out, whose vendor answers only once the import's own signal aborts.
    const out = Array.from({ length: 4 }, () =>
      runImport(
        vendor((_seq, context) => {
          waits();
          return new Promise((resolve) =>
            context.signal.addEventListener("abort", () => resolve()),
          );
        }).adapter,
        users(2),
        { signal },
      ),
    );
    // Four whose input waits for its next record.
    const reading = Array.from({ length: 4 }, () => {
      const cursor: AsyncIterable<User> = {
        [Symbol.asyncIterator]: () => ({
          next: () => (waits(), new Promise<IteratorResult<User>>(() => {})),
        }),
      };
      return runImport(vendor().adapter, cursor, { signal });
    });
    // Four waiting to send a chunk again (a job's poll waits alike), a wait that would never end of itself.
    const pausing = Array.from({ length: 4 }, () =>
      runImport(
        testAdapter<User>(
          (chunk) =>
            Promise.resolve({
              kind: "done",
              outcomes: chunk.keys.map(() => ({
                ok: false,
                code: "timeout",
                reason: "no answer",
                transient: true,
              })),
            }),
          { replay: { by: "upsert", why: "the test vendor upserts" } },
        ),
        users(2),
        { signal, sleep: () => (waits(), new Promise<void>(() => {})) },
      ),
    );
    // One that ended before the abort.
    const log = outcomeLog();
    const done = await runImport(vendor().adapter, users(3), { signal, onOutcome: log.onOutcome });
    log.settle();
    await vi.waitFor(() => expect(waiting).toBe(12));
    controller.abort();
    for (const report of await Promise.all([...out, ...reading, ...pausing]))
      expect(report.aborted).toBe(true);
    await afterSomeTurns();
    expect(done).toMatchObject({ aborted: false, imported: 3 });
    expect(log.late).toEqual([]);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("aborted before the import starts: the report says so, nothing is sent, and no listener is left", async () => {
    const signal = AbortSignal.abort();
    const { adapter, state } = vendor();
    const report = await runImport(adapter, users(3), { signal });
    expect(report.aborted).toBe(true);
    expect(state.sends).toBe(0);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

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

  it("aborted between two records of an input whose closing never finishes: still settles", async () => {
    const controller = new AbortController();
    const input = users(10);
    let closeAsked = false;
    // Hands each record over at once, and the caller aborts as the 3rd is taken.
    const cursor: AsyncIterable<User> = {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => {
            const user = input[i++];
            if (i === 3) controller.abort();
            return Promise.resolve(
              user === undefined ? { done: true, value: undefined } : { value: user },
            );
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

    const report = await Promise.race([run, afterSomeTurns().then(() => "still running")]);

    expect(report).toMatchObject({ aborted: true, total: 3 });
    expect(closeAsked).toBe(true);
  });

  it.each([
    ["its default reason", undefined],
    ["a reason of the caller's", new Error("the caller stopped the import")],
  ])(
    "aborted with %s, which the caller's own reader rejects with: an abort, not a broken input",
    async (_name, reason) => {
      const controller = new AbortController();
      const input = users(3);
      let waiting!: () => void;
      const stalled = new Promise<void>((resolve) => (waiting = resolve));
      // A reader that watches the same signal, as a stream or a fetch given it does.
      const reader: AsyncIterable<User> = {
        [Symbol.asyncIterator]: () => {
          let i = 0;
          return {
            next: () => {
              const user = input[i++];
              if (user !== undefined) return Promise.resolve({ done: false, value: user });
              waiting();
              const { signal } = controller;
              return new Promise<IteratorResult<User>>((_resolve, reject) =>
                signal.addEventListener("abort", () => reject(signal.reason as Error), {
                  once: true,
                }),
              );
            },
          };
        },
      };
      const { adapter } = vendor();
      const run = runImport(adapter, reader, { signal: controller.signal, chunkRecords: 2 });
      await stalled;
      controller.abort(reason);
      const report = await run;

      expect(report.aborted).toBe(true);
      expect(report.inputError).toBeUndefined();
      expectEveryRecordOnce(report, 3);
      expect(report.outcomes[2]).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: "the import was aborted before this chunk was sent",
      });
    },
  );

  /** An input of three users whose 4th read ends as `fail` says, given the caller's controller. */
  function failingReader(fail: (controller: AbortController) => Promise<never>) {
    const controller = new AbortController();
    const input = users(3);
    const reader: AsyncIterable<User> = {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => {
            const user = input[i++];
            return user !== undefined
              ? Promise.resolve({ done: false, value: user })
              : fail(controller);
          },
        };
      },
    };
    return { controller, reader };
  }

  it("an input that fails for its own reason as the caller aborts: the report keeps its inputError", async () => {
    // The disk fails as the operator presses Ctrl-C: the failure is the input's, and a re-run meets it again.
    const { controller, reader } = failingReader((controller) => {
      controller.abort();
      return Promise.reject(new Error("users.ndjson: EIO: i/o error, read"));
    });
    const { adapter } = vendor();

    const report = await runImport(adapter, reader, { signal: controller.signal, chunkRecords: 2 });

    expect(report.aborted).toBe(true);
    expect(report.inputError).toBe("users.ndjson: EIO: i/o error, read");
    expectEveryRecordOnce(report, 3);
  });

  it("a reader's own AbortError, caused by the caller's abort (a stream given the signal): the stop", async () => {
    const { controller, reader } = failingReader((controller) => {
      controller.abort();
      const error = new Error("The operation was aborted", { cause: controller.signal.reason });
      return Promise.reject(Object.assign(error, { name: "AbortError" }));
    });
    const { adapter } = vendor();

    const report = await runImport(adapter, reader, { signal: controller.signal, chunkRecords: 2 });

    expect(report.aborted).toBe(true);
    expect(report.inputError).toBeUndefined();
  });
  it.each([
    [
      "its own error caused by the caller's abort, under another name",
      (controller: AbortController) =>
        new Error("the read was cancelled", { cause: controller.signal.reason }),
    ],
    [
      "an AbortError without a cause (a web stream's reader)",
      () => new DOMException("This operation was aborted", "AbortError"),
    ],
  ])("a reader that rejects with %s as the caller aborts: the stop", async (_name, error) => {
    const { controller, reader } = failingReader((controller) => {
      controller.abort();
      return Promise.reject(error(controller));
    });
    const { adapter } = vendor();

    const report = await runImport(adapter, reader, { signal: controller.signal, chunkRecords: 2 });

    expect(report.aborted).toBe(true);
    expect(report.inputError).toBeUndefined();
    expectEveryRecordOnce(report, 3);
  });

  it("a stream the caller destroys as it aborts (its reading rejects with a premature close): the stop", async () => {
    const controller = new AbortController();
    const stream = new PassThrough({ objectMode: true });
    for (const user of users(3)) stream.write(user);
    // The caller's own listener, added before the run's: the stream is gone before the run halts.
    controller.signal.addEventListener("abort", () => stream.destroy());
    const { adapter } = vendor();
    const settled = runImport(adapter, stream as AsyncIterable<User>, {
      signal: controller.signal,
      chunkRecords: 2,
    });
    setTimeout(() => controller.abort(), 20);

    const report = await settled;

    expect(report.aborted).toBe(true);
    expect(report.inputError).toBeUndefined();
    expectEveryRecordOnce(report, 3);
  });
});

describe("a callback that throws a value that cannot be printed (an object without a prototype)", () => {
  it("onOutcome: the run stops and rejects, and no record is recorded twice", async () => {
    const { adapter, state } = vendor();
    const log = outcomeLog();
    const unprintable = Object.create(null) as object;
    const outcome = await runImport(adapter, users(30), {
      onOutcome: (o) => {
        log.onOutcome(o);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a caller's code may throw anything
        if (o.index === 3) throw unprintable;
      },
    }).then(
      () => "resolved",
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ message: "onOutcome threw a value that cannot be printed" });
    expect(log.seen.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(state.sends).toBe(1);
  });

  it("an async onOutcome that rejects so: the run stops, and no rejection is left unhandled", async () => {
    const { adapter, state } = vendor();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      // An async callback, as a caller may give where the type says it returns nothing.
      const options = {
        onOutcome: async () => {
          await Promise.resolve();
          throw Object.create(null);
        },
      };
      const outcome = await runImport(adapter, users(50), options).then(
        () => "resolved",
        (error: unknown) => error,
      );
      await afterSomeTurns();
      expect(outcome).toMatchObject({ message: "onOutcome threw a value that cannot be printed" });
      expect(state.sends).toBeLessThan(5);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("a callback that throws in a run resumed from a journal", () => {
  // The same records in both runs: a journal is bound to its input.
  const input = users(4);

  /** A journal whose chunk 0 (u0, u1) is left to a re-run, and whose chunk 1 (u2, u3) came to `second`. */
  async function journalWith(second: "imported" | "sent without an answer"): Promise<string> {
    const journal = journalFile("caller-stops");
    const later: ChunkResult = {
      kind: "done",
      outcomes: [0, 1].map(() => ({
        ok: false,
        code: "timeout",
        reason: "no answer",
        transient: true,
        later: true,
      })),
    };
    const adapter = testAdapter<User>(async (chunk, context) => {
      if (chunk.seq === 0) return later;
      if (second === "imported") return importEvery(chunk);
      context.checkpoint({ job: "job-1" });
      return later;
    });
    await runImport(adapter, input, { journal });
    return journal;
  }

  // Chunk 0 is sent again; chunk 1 waits for its slot, and the callback throws as chunk 0 settles.
  const stoppedAtFirstImport = (journal: string) => {
    const log = outcomeLog();
    const run = runImport(testAdapter<User>(importEvery), input, {
      journal,
      onOutcome: log.onOutcome,
      onProgress: (progress) => {
        if (progress.imported > 0) throw new Error("the progress sink is closed");
      },
    });
    return { run, log };
  };

  it("a chunk the journal holds as done keeps its outcomes, as when the caller's signal stops the run", async () => {
    const { run, log } = stoppedAtFirstImport(await journalWith("imported"));
    await expect(run).rejects.toThrow("the progress sink is closed");
    expect(log.seen.map((o) => [o.key, o.outcome])).toEqual([
      ["u0", "imported"],
      ["u1", "imported"],
      ["u2", "imported"],
      ["u3", "imported"],
    ]);
  });

  it("a chunk an earlier run sent without an answer: its records say the vendor may hold them", async () => {
    const { run, log } = stoppedAtFirstImport(await journalWith("sent without an answer"));
    await expect(run).rejects.toThrow("the progress sink is closed");
    const unsent = log.seen.filter((o) => o.index >= 2);
    expect(unsent).toHaveLength(2);
    for (const outcome of unsent)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: matching(/may hold this record: an earlier run with this journal sent its chunk/),
      });
  });
});
