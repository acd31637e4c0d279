// `onProgress` while an import waits: it went silent for as long as a vendor's job ran (minutes at times), a
// chunk waited to be sent again, or a client waited out a long Retry-After, so a dashboard or health check
// fed by it could not tell a waiting import from a hung one. It is called as each wait begins (after each
// status poll of a job still running: `waitingOnVendor`; before a replay: `waitingToRetry`) and, when
// `progressHeartbeatMs` goes by without a call, again (`unchangedForMs` growing); never after the import
// resolved, and with nothing waiting in its last call. A heartbeat call that throws stops the import as any
// call does: the import rejects with its error, which never escapes from the timer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { createTransport } from "../../src/core/http/transport.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { serveSimulator, type RunningSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { simulatorSettings, type VendorModule } from "../../src/vendor-module.js";
import { VENDOR_NAMES, vendorNamed, type VendorName } from "../../src/vendors.js";
import { IMPORTERS } from "../support/importers.js";
import { importEvery, sendingThrough, testAdapter } from "../support/test-adapter.js";

let served: RunningSimulator | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await served?.close();
  served = undefined;
});

/** The calls `onProgress` got before the import resolved, and after (none is due). */
function recorder() {
  const seen: ImportProgress[] = [];
  const late: ImportProgress[] = [];
  let resolved = false;
  return {
    seen,
    late,
    onProgress: (progress: ImportProgress) => (resolved ? late : seen).push(progress),
    resolved: () => (resolved = true),
  };
}

/** The calls that came while a chunk waited on the vendor. */
const waitingOnVendor = (calls: readonly ImportProgress[]) =>
  calls.filter((p) => p.waitingOnVendor > 0);

/** `name`'s vendor module, its record and simulator types widened so one test body serves every vendor. */
const moduleOf = (name: VendorName) =>
  vendorNamed(name) as unknown as VendorModule<
    VendorName,
    unknown,
    Record<string, unknown>,
    VendorSimulator,
    object
  >;

/** One chunk of 3 records into `name`'s simulator served on loopback, its job running for `options`. */
async function importOneJob(name: VendorName, simulator: object) {
  const vendor = moduleOf(name);
  const samples = await vendor.samples(7);
  const records = ["k0", "k1", "k2"].map((k) => samples.record(k));
  const create = await vendor.simulator();
  const sim = create({ settings: simulatorSettings(vendor), faults: {}, options: simulator });
  served = await serveSimulator(sim);
  const client = vendor.createClient(simulatorSettings(vendor), { baseUrl: served.url });
  const calls = recorder();
  const report = await IMPORTERS[name](client, records, {
    // The waits between polls pass at once: the job's clock is its polls.
    sleep: () => Promise.resolve(),
    onProgress: calls.onProgress,
  });
  calls.resolved();
  // Anything left running (a timer, a wait) would call it now.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const statusPolls = Object.entries(sim.stats().requests)
    .filter(([route]) => /^GET .*(batch|jobs)\/\{job_id\}$/.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
  return { report, ...calls, statusPolls };
}

describe("onProgress while a vendor's job runs", () => {
  it.each([
    ["fullstory", { processingPolls: 4 }, 4],
    // Three steps (queued, validating, processing) of two polls each, then completed.
    ["userpilot", { pollsPerStep: 2 }, 5],
  ] as const)(
    "%s: a job running %j is reported after each poll that finds it running",
    async (name, simulator, running) => {
      const { report, seen, late, statusPolls } = await importOneJob(name, simulator);
      expect(report).toMatchObject({ total: 3, imported: 3 });
      // Each poll but the last found the job running.
      expect(statusPolls).toBe(running + 1);
      const waiting = waitingOnVendor(seen);
      expect(waiting).toHaveLength(running);
      for (const call of waiting) {
        // Counts unchanged while the job runs: the chunk is sent, nothing is confirmed yet.
        expect(call).toMatchObject({ validated: 3, sent: 3, confirmed: 0, waitingOnVendor: 1 });
        expect(call.waitingToRetry).toBe(0);
      }
      // The calls stop with the import: its last one says nothing waits, and none comes after it resolved.
      expect(seen.at(-1)).toMatchObject({ confirmed: 3, waitingOnVendor: 0, waitingToRetry: 0 });
      expect(late).toEqual([]);
    },
  );
});

describe("onProgress while a chunk waits to be sent again", () => {
  it("is called as the wait begins, with waitingToRetry, which is 0 once the chunk settled", async () => {
    let sends = 0;
    const adapter = testAdapter<{ id: string }>(
      (chunk) => {
        sends += 1;
        return sends === 1
          ? Promise.resolve({
              kind: "done",
              outcomes: chunk.items.map(() => ({
                ok: false,
                code: "network",
                reason: "lost",
                transient: true,
              })),
            })
          : importEvery(chunk);
      },
      { replay: { by: "upsert", why: "the test vendor keeps one user per id" } },
    );
    const calls = recorder();
    const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], {
      replayDelayMs: 0,
      onProgress: calls.onProgress,
    });
    calls.resolved();
    expect(report.imported).toBe(2);
    const retrying = calls.seen.filter((p) => p.waitingToRetry > 0);
    expect(retrying).toEqual([
      expect.objectContaining({ sent: 2, confirmed: 0, waitingToRetry: 1 }),
    ]);
    expect(calls.seen.at(-1)).toMatchObject({
      confirmed: 2,
      waitingToRetry: 0,
      waitingOnVendor: 0,
    });
  });
});

describe("onProgress while the client waits to retry a request", () => {
  it("is called as the wait begins; each heartbeat meanwhile counts it: waitingToRetryRequest", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    // A vendor that answers 429 with a Retry-After of a minute, then takes the chunk; the client's wait for
    // it is held until the test lets it go.
    const answers = [
      new Response("{}", { status: 429, headers: { "Retry-After": "60" } }),
      new Response("{}", { status: 200 }),
    ];
    const asked: number[] = [];
    let release = () => {};
    let entered = () => {};
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    const transport = createTransport({
      fetch: () => Promise.resolve(answers.shift() ?? new Response("{}", { status: 500 })),
      rateLimit: false,
      sleep: (ms) => {
        asked.push(ms);
        entered();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const adapter = testAdapter(sendingThrough(transport));
    const calls = recorder();
    const done = runImport(adapter, [{ id: "a" }, { id: "b" }], { onProgress: calls.onProgress });
    await waiting;
    expect(asked).toEqual([60_000]);
    // The call made as the wait began says what waits, the counts as they were (sent, nothing confirmed).
    expect(calls.seen.at(-1)).toMatchObject({
      sent: 2,
      confirmed: 0,
      waitingToRetryRequest: 1,
      waitingToRetry: 0,
      waitingOnVendor: 0,
      unchangedForMs: 0,
    });
    const before = calls.seen.length;
    await vi.advanceTimersByTimeAsync(25_000);
    const beats = calls.seen.slice(before);
    expect(beats.map((p) => [p.unchangedForMs, p.waitingToRetryRequest])).toEqual([
      [10_000, 1],
      [20_000, 1],
    ]);
    release();
    const report = await done;
    calls.resolved();
    expect(report.imported).toBe(2);
    expect(calls.seen.at(-1)).toMatchObject({ confirmed: 2, waitingToRetryRequest: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.late).toEqual([]);
  });

  it("says nothing of a call a send left running, which waits after its chunk settled", async () => {
    let answer = (_: Response) => {};
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    const asked: number[] = [];
    const transport = createTransport({
      fetch: () => answered,
      rateLimit: false,
      retry: { maxRetries: 1 },
      sleep: (ms) => {
        asked.push(ms);
        return Promise.resolve();
      },
    });
    const adapter = testAdapter<{ id: string }>((chunk, context) => {
      // Not awaited: an adapter's call that outlives its attempt (a request it no longer needs).
      void transport(
        new Request("http://127.0.0.1/ping", {
          method: "POST",
          body: "{}",
          signal: context.signal,
        }),
      ).catch(() => undefined);
      return importEvery(chunk);
    });
    const calls = recorder();
    const report = await runImport(adapter, [{ id: "a" }], { onProgress: calls.onProgress });
    calls.resolved();
    answer(new Response("{}", { status: 429, headers: { "Retry-After": "5" } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The call waited, after the import resolved: no call came of it, and none counted the wait.
    expect(asked).toEqual([5_000]);
    expect(report.imported).toBe(1);
    expect(calls.late).toEqual([]);
    expect(calls.seen.every((p) => p.waitingToRetryRequest === 0)).toBe(true);
  });

  it("counts a chunk on the vendor again once a call of it made at once ends its wait", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    // As FullStory reads a job's two result lists at once: one list is not ready (the adapter waits on the
    // vendor, for 30 s), the other's page is answered 429 with a Retry-After of 5 s, which the client waits
    // out itself. Each wait is held until the test lets it go.
    const answers = [
      new Response("{}", { status: 429, headers: { "Retry-After": "5" } }),
      new Response("{}", { status: 200 }),
    ];
    let retried = () => {};
    let retryBegan = () => {};
    const retrying = new Promise<void>((resolve) => (retryBegan = resolve));
    const transport = createTransport({
      fetch: () => Promise.resolve(answers.shift() ?? new Response("{}", { status: 500 })),
      rateLimit: false,
      sleep: () => {
        retryBegan();
        return new Promise<void>((resolve) => (retried = resolve));
      },
    });
    let vendorDone = () => {};
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      const results = context.sleep(30_000);
      const page = transport(
        new Request("http://127.0.0.1/errors", { method: "GET", signal: context.signal }),
      );
      await Promise.all([results, page]);
      return importEvery(chunk);
    });
    const calls = recorder();
    const done = runImport(adapter, [{ id: "a" }, { id: "b" }], {
      onProgress: calls.onProgress,
      sleep: () => new Promise<void>((resolve) => (vendorDone = resolve)),
    });
    await retrying;
    expect(calls.seen.at(-1)).toMatchObject({ waitingToRetryRequest: 1, waitingOnVendor: 0 });
    retried();
    await vi.advanceTimersByTimeAsync(0);
    // The page is asked again and read; the other list is still not ready: the chunk waits on the vendor,
    // which the next call (a heartbeat) says. None came as the client's wait ended.
    const before = calls.seen.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.seen.slice(before)).toEqual([
      expect.objectContaining({
        sent: 2,
        confirmed: 0,
        waitingOnVendor: 1,
        waitingToRetryRequest: 0,
        unchangedForMs: 10_000,
      }),
    ]);
    vendorDone();
    const report = await done;
    calls.resolved();
    expect(report.imported).toBe(2);
    expect(calls.seen.at(-1)).toMatchObject({ waitingOnVendor: 0, waitingToRetryRequest: 0 });
  });

  it.each(VENDOR_NAMES)(
    "%s: a write its simulator answers 429 with Retry-After is announced as the client's wait begins",
    async (name) => {
      const vendor = moduleOf(name);
      const samples = await vendor.samples(7);
      const records = ["k0", "k1", "k2"].map((k) => samples.record(k));
      const create = await vendor.simulator();
      // The first write is turned away with a Retry-After of 30 s, which the client waits out itself.
      const sim = create({
        settings: simulatorSettings(vendor),
        faults: {
          retryAfterSeconds: 30,
          script: ({ operation, attempt }) =>
            vendor.writes.includes(operation) && attempt === 1 ? "429" : undefined,
        },
        options: {},
      });
      served = await serveSimulator(sim);
      const calls = recorder();
      // The client's waits pass at once; each notes the calls made before it began and what it waits.
      const clientWaits: { ms: number; calls: number }[] = [];
      const client = vendor.createClient(simulatorSettings(vendor), {
        baseUrl: served.url,
        sleep: (ms) => {
          clientWaits.push({ ms, calls: calls.seen.length });
          return Promise.resolve();
        },
      });
      const report = await IMPORTERS[name](client, records, {
        sleep: () => Promise.resolve(),
        onProgress: calls.onProgress,
      });
      calls.resolved();
      expect(report).toMatchObject({ total: 3, imported: 3 });
      const retryAfter = clientWaits.filter((wait) => wait.ms === 30_000);
      expect(retryAfter.length).toBeGreaterThan(0);
      for (const wait of retryAfter) {
        // The call just before the wait is the one made as it began: the chunk is out, nothing confirmed.
        expect(calls.seen[wait.calls - 1]).toMatchObject({
          sent: 3,
          confirmed: 0,
          waitingToRetryRequest: 1,
        });
      }
      expect(calls.seen.at(-1)).toMatchObject({ confirmed: 3, waitingToRetryRequest: 0 });
      expect(calls.late).toEqual([]);
    },
  );
});

describe("onProgress while nothing changes for progressHeartbeatMs", () => {
  /** An import of one chunk whose send waits until `finish` is called (or the import is aborted). */
  function heldImport(
    options: {
      progressHeartbeatMs?: number;
      signal?: AbortSignal;
      onProgress?: (progress: ImportProgress) => unknown;
    } = {},
  ) {
    let finish = () => {};
    let entered = () => {};
    const sending = new Promise<void>((resolve) => (entered = resolve));
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      entered();
      await new Promise<void>((resolve, reject) => {
        finish = resolve;
        context.signal.addEventListener("abort", () => reject(context.signal.reason as Error));
      });
      return importEvery(chunk);
    });
    const calls = recorder();
    const { onProgress = () => undefined, ...rest } = options;
    const done = runImport(adapter, [{ id: "a" }], {
      ...rest,
      onProgress: (progress) => {
        calls.onProgress(progress);
        // Whatever it returns, a promise too, is the engine's to handle.
        return onProgress(progress) as void;
      },
    }).then((report) => {
      calls.resolved();
      return report;
    });
    return { calls, done, sending, finish: () => finish() };
  }

  it("comes every progressHeartbeatMs, the counts unchanged, and not after the import resolved", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const { calls, done, sending, finish } = heldImport();
    await sending;
    const before = calls.seen.length;
    // The default: one call per 10 s of silence, not more.
    await vi.advanceTimersByTimeAsync(35_000);
    const beats = calls.seen.slice(before);
    expect(beats.map((p) => p.unchangedForMs)).toEqual([10_000, 20_000, 30_000]);
    for (const beat of beats) expect(beat).toMatchObject({ validated: 1, sent: 1, confirmed: 0 });
    finish();
    const report = await done;
    expect(calls.seen.at(-1)).toMatchObject({ confirmed: report.total, unchangedForMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.late).toEqual([]);
  });

  it("counts unchangedForMs from the last change of any count: a record read, a chunk sent", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    // An input that waits before its second record and before its end, each wait held until the test lets
    // it go: the second record changes only `validated`, and the end, which sends the chunk, only `sent`.
    const gates: (() => void)[] = [];
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    async function* records() {
      yield { id: "a" };
      await gate();
      yield { id: "b" };
      await gate();
    }
    const calls = recorder();
    const done = runImport(testAdapter(importEvery), records(), {
      chunkRecords: 2,
      progressEvery: 1,
      onProgress: calls.onProgress,
    });
    await vi.advanceTimersByTimeAsync(25_000);
    gates.shift()!();
    await vi.advanceTimersByTimeAsync(25_000);
    gates.shift()!();
    const report = await done;
    calls.resolved();
    expect(report.imported).toBe(2);
    const sentAt = calls.seen.findIndex((p) => p.sent === 2);
    expect(
      calls.seen
        .slice(0, sentAt + 1)
        .map((p) => [p.validated, p.sent, p.confirmed, p.unchangedForMs]),
    ).toEqual([
      [1, 0, 0, 0],
      [1, 0, 0, 10_000],
      [1, 0, 0, 20_000],
      // 25 s on, the second record read: nothing else changed, and the wait counts from here.
      [2, 0, 0, 0],
      [2, 0, 0, 10_000],
      [2, 0, 0, 20_000],
      // The input's end sends the chunk: nothing confirmed yet, and the wait counts from here again.
      [2, 2, 0, 0],
    ]);
  });

  it("after an abort, none comes once the import resolved", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const stop = new AbortController();
    const { calls, done, sending } = heldImport({
      progressHeartbeatMs: 1_000,
      signal: stop.signal,
    });
    await sending;
    await vi.advanceTimersByTimeAsync(2_500);
    expect(calls.seen.filter((p) => p.unchangedForMs > 0)).toHaveLength(2);
    stop.abort();
    expect((await done).aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.late).toEqual([]);
  });

  it("0 turns it off", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const { calls, done, sending, finish } = heldImport({ progressHeartbeatMs: 0 });
    await sending;
    const before = calls.seen.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.seen.length).toBe(before);
    finish();
    await done;
  });

  it("waits the whole interval after a callback slower than it, rather than calling again as it returns", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    let slow = true;
    const { calls, done, sending, finish } = heldImport({
      progressHeartbeatMs: 1_000,
      onProgress: (progress) => {
        if (progress.unchangedForMs === 0 || !slow) return;
        slow = false;
        // A dashboard call that blocks for 5 s: the clock moves on while it runs.
        vi.advanceTimersByTime(5_000);
      },
    });
    await sending;
    await vi.advanceTimersByTimeAsync(1_000);
    // One heartbeat, the slow one; none fired while it ran or as it returned.
    expect(calls.seen.filter((p) => p.unchangedForMs > 0).map((p) => p.unchangedForMs)).toEqual([
      1_000,
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.seen.filter((p) => p.unchangedForMs > 0)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.seen.filter((p) => p.unchangedForMs > 0).map((p) => p.unchangedForMs)).toEqual([
      1_000, 7_000,
    ]);
    finish();
    await done;
  });

  it.each(["throws", "rejects, being async"])(
    "a heartbeat call that %s stops the import, which rejects with its error; none comes after",
    async (how) => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const { calls, done, sending } = heldImport({
        progressHeartbeatMs: 1_000,
        onProgress: (progress) => {
          if (progress.unchangedForMs === 0) return undefined;
          if (how === "throws") throw new Error("dashboard down");
          return Promise.reject(new Error("dashboard down"));
        },
      });
      const settled = done.then(
        () => "resolved",
        (error: unknown) => error,
      );
      await sending;
      await vi.advanceTimersByTimeAsync(1_000);
      // The import stopped the held chunk and rejected with the caller's own error.
      expect(await settled).toEqual(new Error("dashboard down"));
      const heard = calls.seen.length;
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10_000);
      // Not called again once it threw, nor after the import settled.
      expect(calls.seen.length).toBe(heard);
      expect(calls.seen.filter((p) => p.unchangedForMs > 0)).toHaveLength(1);
    },
  );
});
