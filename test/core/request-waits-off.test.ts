// While the library's async context store is on, Node 20 and 22 run a hook for every promise of the
// integrator's whole process (promise-heavy code ran about 3 times slower): it is on only while a send runs.
// Node 24 keeps async context in frames by default, with no such hook, and there disable() clears the store
// only in the context it is called in: a call a send left running still carries it, which the chunk's closed
// waits then ignore (progress-while-waiting.test.ts: nothing is said of a call that waits after its chunk).
import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import {
  requestWaits,
  withRequestWaits,
  type RequestWaits,
} from "../../src/core/http/request-waits.js";
import { createTransport } from "../../src/core/http/transport.js";
import { sendingThrough, testAdapter } from "../support/test-adapter.js";

const waits = (): RequestWaits => ({ began() {}, ended() {} });

/** Waits that count the waits they are told of as they begin. */
function counting(): { waits: RequestWaits; told: () => number } {
  let began = 0;
  return { waits: { began: () => (began += 1), ended() {} }, told: () => began };
}

/** Whether disable() leaves a context captured before it seeing the store: Node keeps it in frames. */
function contextInFrames(): boolean {
  const probe = new AsyncLocalStorage<number>();
  const captured = probe.run(1, () => AsyncLocalStorage.snapshot());
  probe.disable();
  return captured(() => probe.getStore()) !== undefined;
}

/** A promise and the function that settles it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("the store of a send's waits", () => {
  it.skipIf(contextInFrames())(
    "is off once no send runs, where Node hooks promises: a call a send left running no longer carries it",
    async () => {
      const later = held();
      // Left running by the send, as an adapter's call may be.
      const seen = withRequestWaits(waits(), () =>
        Promise.resolve({ left: later.promise.then(() => requestWaits()) }),
      );
      const { left } = await seen;
      later.release();
      expect(await left).toBeUndefined();
    },
  );

  it("stays on while another send runs, for that send's calls", async () => {
    const first = held();
    const second = held();
    const other = counting();
    const mine = counting();
    const a = withRequestWaits(other.waits, () => first.promise);
    const b = withRequestWaits(mine.waits, async () => {
      await second.promise;
      requestWaits()?.began();
    });
    first.release();
    await a;
    second.release();
    await b;
    expect([other.told(), mine.told()]).toEqual([0, 1]);
  });
});

describe("a send's waits once it settled", () => {
  it("hear nothing of a call it left running, while another send keeps the store on", async () => {
    const later = held();
    const other = held();
    const mine = counting();
    // Another send runs on, so the store stays on (Node 20 and 22 hook promises while it is).
    const running = withRequestWaits(waits(), () => other.promise);
    // Left running by the send, as an adapter's call may be: its wait begins after the send settled.
    const { left } = await withRequestWaits(mine.waits, () =>
      Promise.resolve({ left: later.promise.then(() => requestWaits()?.began()) }),
    );
    later.release();
    await left;
    other.release();
    await running;
    expect(mine.told()).toBe(0);
  });
});

describe("the store switched off and on again", () => {
  it("is on for the next send once the last one switched it off, in that send's later calls too", async () => {
    await withRequestWaits(waits(), () => Promise.resolve());
    expect(requestWaits()).toBeUndefined();
    const mine = counting();
    await withRequestWaits(mine.waits, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return Promise.resolve().then(() => requestWaits()?.began());
    });
    expect(mine.told()).toBe(1);
  });

  it("counts a later chunk's client wait after the sends before it all ended", async () => {
    // Chunk 1 is taken, its send ends and no other runs (the store goes off); chunk 2's write is answered 429
    // with a Retry-After, which the client waits out: the import says so as the wait begins.
    const answers = [
      new Response("{}", { status: 200 }),
      new Response("{}", { status: 429, headers: { "Retry-After": "60" } }),
      new Response("{}", { status: 200 }),
    ];
    const seenAsWaitBegan: number[] = [];
    const calls: ImportProgress[] = [];
    const transport = createTransport({
      fetch: () => Promise.resolve(answers.shift() ?? new Response("{}", { status: 500 })),
      rateLimit: false,
      sleep: () => {
        seenAsWaitBegan.push(calls.at(-1)?.waitingToRetryRequest ?? -1);
        return Promise.resolve();
      },
    });
    const adapter = testAdapter(sendingThrough(transport, "PUT"), {
      defaults: { chunkRecords: 1, concurrency: 1 },
    });
    const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], {
      onProgress: (progress) => calls.push(progress),
    });
    expect(report.imported).toBe(2);
    expect(seenAsWaitBegan).toEqual([1]);
    expect(calls.at(-1)).toMatchObject({ confirmed: 2, waitingToRetryRequest: 0 });
  });
});
