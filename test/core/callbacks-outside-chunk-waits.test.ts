// A chunk counts as waiting to retry a request (`waitingToRetryRequest`) while a call of its own send waits
// in the client (a Retry-After), found by the async context the call runs in. The caller's callbacks are called
// from inside that context at times (`onProgress` as a wait begins, its heartbeat, the engine's `sleep`, a
// client's `onRetry`): a lookup they make through a client, which waits out a Retry-After of its own, was
// counted as the chunk's wait (and told as one in a progress call), though the chunk waited on the vendor, or
// on nothing. A caller's callback runs outside every chunk's context, and so does the heartbeat's timer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { createTransport, type TransportOptions } from "../../src/core/http/transport.js";
import { importEvery, sendingThrough, testAdapter } from "../support/test-adapter.js";

afterEach(() => {
  vi.useRealTimers();
});

/**
 * The integrator's own client, another than the import's: its first request is answered 429 with a
 * Retry-After of a minute, whose wait is held until `release`; every later one 200.
 */
function lookupClient() {
  let turnedAway = false;
  let release = () => {};
  let began = () => {};
  const waiting = new Promise<void>((resolve) => (began = resolve));
  const transport = createTransport({
    fetch: () => {
      if (turnedAway) return Promise.resolve(new Response("{}", { status: 200 }));
      turnedAway = true;
      return Promise.resolve(new Response("{}", { status: 429, headers: { "Retry-After": "60" } }));
    },
    rateLimit: false,
    sleep: () => {
      began();
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  let answered: Promise<Response> | undefined;
  return {
    /** Looks a user up (once; later calls are the first's). */
    lookup: () => (answered ??= transport(new Request("http://127.0.0.1/lookup"))),
    /** Resolves once the lookup waits out its Retry-After. */
    waiting,
    release: () => release(),
    answered: () => answered,
  };
}

/** A promise and the function that resolves it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** An adapter whose chunk waits on the vendor (30 s, its `sleep`) before it is imported. */
const waitsOnVendor = () =>
  testAdapter<{ id: string }>(async (chunk, context) => {
    await context.sleep(30_000);
    return importEvery(chunk);
  });

const retryingRequest = (calls: readonly ImportProgress[]) =>
  calls.filter((p) => p.waitingToRetryRequest > 0);

describe("a caller's callback called while a chunk's send runs: its calls' waits are not the chunk's", () => {
  it("onProgress, called as the chunk's wait on the vendor begins", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const other = lookupClient();
    const vendor = held();
    const calls: ImportProgress[] = [];
    const done = runImport(waitsOnVendor(), [{ id: "a" }], {
      sleep: () => vendor.promise,
      onProgress: (progress) => {
        calls.push(progress);
        // A dashboard that looks something up as the chunk begins to wait.
        if (progress.waitingOnVendor === 1) void other.lookup();
      },
    });
    await other.waiting;
    // The lookup waits out its Retry-After: the chunk still waits on the vendor, and no call said otherwise.
    expect(retryingRequest(calls)).toEqual([]);
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.slice(before)).toEqual([
      expect.objectContaining({ waitingOnVendor: 1, waitingToRetryRequest: 0 }),
    ]);
    other.release();
    expect((await other.answered())?.status).toBe(200);
    vendor.release();
    expect((await done).imported).toBe(1);
    expect(retryingRequest(calls)).toEqual([]);
  });

  it("onProgress, called by the heartbeat a chunk's wait armed", async () => {
    // Node's own timers: a fake one runs in the test's context, whatever context set it.
    const other = lookupClient();
    const vendor = held();
    const calls: ImportProgress[] = [];
    const done = runImport(waitsOnVendor(), [{ id: "a" }], {
      sleep: () => vendor.promise,
      progressHeartbeatMs: 1,
      onProgress: (progress) => {
        calls.push(progress);
        // A health check that looks something up when the counts stood still.
        if (progress.unchangedForMs > 0) void other.lookup();
      },
    });
    await other.waiting;
    // Heartbeats go on while the lookup waits: each says the chunk waits on the vendor.
    const before = calls.length;
    while (calls.length < before + 2) await new Promise((resolve) => setTimeout(resolve, 1));
    for (const beat of calls.slice(before))
      expect(beat).toMatchObject({ waitingOnVendor: 1, waitingToRetryRequest: 0 });
    other.release();
    vendor.release();
    expect((await done).imported).toBe(1);
    expect(retryingRequest(calls)).toEqual([]);
  });

  it("the import's sleep, called for the chunk's wait on the vendor", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const other = lookupClient();
    const vendor = held();
    const calls: ImportProgress[] = [];
    const done = runImport(waitsOnVendor(), [{ id: "a" }], {
      // A sleep that reports each wait to a service of the caller's, then waits.
      sleep: () => {
        void other.lookup();
        return vendor.promise;
      },
      onProgress: (progress) => calls.push(progress),
    });
    await other.waiting;
    expect(retryingRequest(calls)).toEqual([]);
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.slice(before)).toEqual([
      expect.objectContaining({ waitingOnVendor: 1, waitingToRetryRequest: 0 }),
    ]);
    other.release();
    vendor.release();
    expect((await done).imported).toBe(1);
  });

  it.each([
    [
      "onRetry, called before the chunk's call waits out a Retry-After of its own",
      // A logger that looks something up as each retry is announced.
      (lookup: () => void): Partial<TransportOptions> => ({
        sleep: () => Promise.resolve(),
        onRetry: () => lookup(),
      }),
    ],
    [
      "sleep, called for the chunk's call's own wait: a lookup it leaves running is no chunk's",
      // A sleep that reports each wait to a service of the caller's, and does not wait (a test's, say).
      (lookup: () => void): Partial<TransportOptions> => ({
        sleep: () => {
          lookup();
          return Promise.resolve();
        },
      }),
    ],
  ])("a client's %s", async (_name, callbacks) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const other = lookupClient();
    // The chunk's request is answered 429 with a Retry-After of 5 s, waited out at once; its second try is
    // held until the test answers it.
    const second = held();
    let tries = 0;
    let tried = () => {};
    const triedAgain = new Promise<void>((resolve) => (tried = resolve));
    const transport = createTransport({
      fetch: async () => {
        tries += 1;
        if (tries === 1)
          return new Response("{}", { status: 429, headers: { "Retry-After": "5" } });
        tried();
        await second.promise;
        return new Response("{}", { status: 200 });
      },
      rateLimit: false,
      ...callbacks(() => void other.lookup()),
    });
    const adapter = testAdapter(sendingThrough(transport));
    const calls: ImportProgress[] = [];
    const done = runImport(adapter, [{ id: "a" }], { onProgress: (p) => calls.push(p) });
    await Promise.all([other.waiting, triedAgain]);
    // The chunk's own wait is over (its request is out again); the lookup's goes on, and is not the chunk's.
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.slice(before)).toEqual([
      expect.objectContaining({ sent: 1, confirmed: 0, waitingToRetryRequest: 0 }),
    ]);
    second.release();
    other.release();
    expect((await done).imported).toBe(1);
  });
});

describe("callbacks the engine calls outside every chunk's send", () => {
  it("onOutcome and precheck: a lookup they make waits as no chunk's", async () => {
    const other = lookupClient();
    const vendor = held();
    let sends = 0;
    // Two chunks at once: the second waits on the vendor while the first's outcomes are reported.
    const adapter = testAdapter<{ id: string }>(
      async (chunk, context) => {
        sends += 1;
        if (sends === 2) await context.sleep(30_000);
        return importEvery(chunk);
      },
      { defaults: { chunkRecords: 1, concurrency: 2 } },
    );
    const calls: ImportProgress[] = [];
    const done = runImport(adapter, [{ id: "a" }, { id: "b" }, { id: "c" }], {
      sleep: () => vendor.promise,
      onProgress: (progress) => calls.push(progress),
      onOutcome: () => void other.lookup(),
      precheck: () => {
        void other.lookup();
        return undefined;
      },
    });
    await other.waiting;
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(retryingRequest(calls)).toEqual([]);
    other.release();
    vendor.release();
    expect((await done).imported).toBe(3);
    expect(retryingRequest(calls)).toEqual([]);
  });
});
