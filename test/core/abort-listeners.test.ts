// A signal many calls wait on at once keeps one abort listener: an import with many chunks in flight hangs
// one on the caller's signal and one on the client's `signal` option, not one per call and pause, which
// passed Node's limit of 10 and printed "MaxListenersExceededWarning: Possible EventTarget memory leak" on
// the console of every CLI run at `--concurrency 6` or more.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { abortableBy, abortableSleep } from "../../src/core/time.js";
import { whenAborted } from "../../src/core/when-aborted.js";
import { serveSimulator, type RunningSimulator } from "../../src/testing/index.js";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDORS } from "../../src/vendors.js";
import { IMPORTERS } from "../support/importers.js";

const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("whenAborted", () => {
  it("holds one listener for any number of followers, and none once all let go", () => {
    const controller = new AbortController();
    const releases = Array.from({ length: 50 }, () => whenAborted(controller.signal, () => {}));
    expect(listeners(controller.signal)).toBe(1);
    for (const release of releases) release();
    expect(listeners(controller.signal)).toBe(0);
  });

  it("runs the followers still held, in order, once", () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const releases = [0, 1, 2, 3].map((i) => whenAborted(controller.signal, () => ran.push(i)));
    releases[1]?.();
    controller.abort();
    controller.abort();
    expect(ran).toEqual([0, 2, 3]);
    expect(listeners(controller.signal)).toBe(0);
  });

  it("runs at once for a signal already aborted", () => {
    let ran = 0;
    whenAborted(AbortSignal.abort(), () => (ran += 1));
    expect(ran).toBe(1);
  });

  it("twelve pauses on one signal: one listener, and each rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const pauses = Array.from({ length: 12 }, () => abortableSleep(60_000, controller.signal));
    expect(listeners(controller.signal)).toBe(1);
    controller.abort(new Error("stop"));
    const settled = await Promise.allSettled(pauses);
    expect(settled.map((s) => s.status === "rejected" && (s.reason as Error).message)).toEqual(
      Array(12).fill("stop"),
    );
  });
});

// A pause that ends lets go of its signal: an integrator's long-lived signal (a server's shutdown signal)
// would otherwise keep a follower per pause of every import run under it, for the life of the process.
describe("a pause that ends lets go of its signal", () => {
  it("abortableSleep, once its time is up", async () => {
    const controller = new AbortController();
    await Promise.all(Array.from({ length: 3 }, () => abortableSleep(1, controller.signal)));
    expect(listeners(controller.signal)).toBe(0);
  });

  it("a caller's sleep, whether it resolves, rejects or throws at once", async () => {
    const controller = new AbortController();
    const ends = [
      () => Promise.resolve(),
      () => Promise.reject(new Error("timer store down")),
      () => {
        throw new Error("no timers here");
      },
    ];
    const settled = await Promise.allSettled(
      ends.map((end) => abortableBy<AbortSignal>(end)(5, controller.signal)),
    );
    expect(
      settled.map((s) => (s.status === "rejected" ? (s.reason as Error).message : s.status)),
    ).toEqual(["fulfilled", "timer store down", "no timers here"]);
    expect(listeners(controller.signal)).toBe(0);
  });

  it("a caller's sleep with no signal is still the wait: called with the ms, and waited for", async () => {
    const asked: number[] = [];
    let done = false;
    const sleep = abortableBy<undefined>(async (ms) => {
      asked.push(ms);
      await new Promise((resolve) => setTimeout(resolve, 5));
      done = true;
    });
    await sleep(250, undefined);
    expect({ asked, done }).toEqual({ asked: [250], done: true });
  });
});

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))("%s", (_name, vendor) => {
  it("an import at its highest concurrency up to 16 hangs one listener on each signal, and warns of no leak", async () => {
    const caller = new AbortController();
    const clientSignal = new AbortController();
    const most = { caller: 0, client: 0 };
    const create = await vendor.simulator();
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: {
        script: () => {
          most.caller = Math.max(most.caller, listeners(caller.signal));
          most.client = Math.max(most.client, listeners(clientSignal.signal));
          return undefined;
        },
      },
    });
    const served = await serveSimulator(sim);
    running.push(served);
    const client = vendor.createClient(simulatorSettings(vendor), {
      baseUrl: served.url,
      signal: clientSignal.signal,
    });
    const concurrency = Math.min(16, vendor.createAdapter(client, {}).limits.maxConcurrency ?? 16);
    const samples = await vendor.samples(11);
    const records = Array.from({ length: 160 }, (_, i) => samples.record(`many-${i}`));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const report = await IMPORTERS[vendor.name](client, records, {
        signal: caller.signal,
        chunkRecords: 5,
        concurrency,
        ...(vendor.polls && { pollIntervalMs: 1 }),
      });
      expect(report.imported).toBe(records.length);
      // A warning is emitted on the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    // The caller's: the import's own, and one for whatever the run is waiting on.
    expect(most.caller).toBeLessThanOrEqual(2);
    expect(most.client).toBeLessThanOrEqual(1);
  });

  it("twelve imports at once through one client, under one signal (a server's shutdown signal), hang one listener on it", async () => {
    const shared = new AbortController();
    let most = 0;
    const create = await vendor.simulator();
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: {
        script: () => {
          most = Math.max(most, listeners(shared.signal));
          return undefined;
        },
      },
    });
    const served = await serveSimulator(sim);
    running.push(served);
    const client = vendor.createClient(simulatorSettings(vendor), {
      baseUrl: served.url,
      signal: shared.signal,
    });
    const samples = await vendor.samples(12);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const reports = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          IMPORTERS[vendor.name](
            client,
            [0, 1, 2].map((i) => samples.record(`at-once-${n}-${i}`)),
            {
              signal: shared.signal,
              chunkRecords: 2,
              // Userpilot's one job at a time: the imports wait for each other's jobs.
              ...(vendor.polls && { pollIntervalMs: 1, maxPollIntervalMs: 5, conflictWaitMs: 1 }),
            },
          ),
        ),
      );
      expect(reports.map((report) => report.imported)).toEqual(Array(12).fill(3));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    // One for the imports, one for whatever they and the client wait on.
    expect(most).toBeLessThanOrEqual(2);
    expect(listeners(shared.signal)).toBe(0);
  });
});
