// Once `importUsers` settles, nothing of the import runs on, however it ended: no request starts, no timer of
// its own is left (a pause, a poll's wait, a Retry-After), and the caller's signal keeps no listener, so the
// process can exit at once. Each vendor is served on loopback; a chunk or token request that hangs waits for
// the import to drop it, with no timer of the simulator's own in the way of the count.
import { createHook } from "node:async_hooks";
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { abortableSleep } from "../../src/core/time.js";
import { DropConnection, serveSimulator, type RunningSimulator } from "../../src/testing/index.js";
import type { FaultCall, ScriptAction } from "../../src/testing/faults.js";
import { simulatorSettings, type VendorModule } from "../../src/vendor-module.js";
import { VENDORS, type VendorName } from "../../src/vendors.js";
import { IMPORTERS } from "../support/importers.js";

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

// Each vendor's 401 body, by vendor name: a vendor without one would have its scripted 401 throw instead.
const UNAUTHORIZED: Record<VendorName, unknown> = {
  fullstory: { code: "unauthorized", message: "no" },
  slashid: { errors: [{ message: "no", httpcode: 401 }] },
  propeller: { error: { code: 401, status: "UNAUTHENTICATED", message: "no" } },
  userpilot: { detail: "Invalid token." },
};

/** An answer that never comes: the connection is dropped once the client gives the request up. */
const hang = (call: FaultCall): ScriptAction => ({
  answer: () =>
    new Promise<Response>((_resolve, reject) =>
      call.request.signal.addEventListener("abort", () => reject(new DropConnection())),
    ),
});

interface Case {
  /** Decides each simulator call; `stop` aborts the import. */
  script(
    call: FaultCall,
    stop: () => void,
    vendor: VendorModule<VendorName>,
  ): ScriptAction | undefined;
  /** Whether the run is expected to end aborted (else by the vendor's 401). */
  aborted: boolean;
  /** Jobs that never end, for a wait between polls. */
  endlessJobs?: boolean;
  /** Retry-After of the simulator's 429s, in seconds. */
  retryAfter?: number;
  /** Aborts once a wait of the client (between tries) or of the import (between polls) began. */
  abortIn?: "client wait" | "import wait";
  vendors?: readonly string[];
}

const isWrite = (call: FaultCall, vendor: VendorModule) => vendor.writes.includes(call.operation);

const CASES: Record<string, Case> = {
  "the caller aborts while a chunk is out": {
    aborted: true,
    script: (call, stop, vendor) => {
      if (!isWrite(call, vendor) || call.attempt !== 2) return undefined;
      setImmediate(stop);
      return hang(call);
    },
  },
  "the caller aborts while the client waits out a Retry-After": {
    aborted: true,
    retryAfter: 60,
    abortIn: "client wait",
    script: (call, _stop, vendor) =>
      isWrite(call, vendor) && call.attempt === 2 ? "429" : undefined,
  },
  "the caller aborts between two polls of a job": {
    aborted: true,
    endlessJobs: true,
    abortIn: "import wait",
    vendors: ["fullstory", "userpilot"],
    script: () => undefined,
  },
  "the caller aborts while Propeller's token request is out": {
    aborted: true,
    vendors: ["propeller"],
    script: (call, stop) => {
      if (call.operation !== "getAccessToken") return undefined;
      setImmediate(stop);
      return hang(call);
    },
  },
  "the vendor answers 401 mid-import": {
    aborted: false,
    // Propeller renews its token once after a 401: the refusals go on from the 3rd write.
    script: (call, _stop, vendor) =>
      isWrite(call, vendor) && call.attempt >= 3
        ? {
            answer: Response.json(UNAUTHORIZED[vendor.name], { status: 401 }),
          }
        : undefined,
  },
};

/**
 * Runs `work`, and gives what it resolved to with the timers the library set meanwhile (by their stack: set
 * from a file under src/ but the simulators') that are still due and would hold the process open.
 */
async function withTimersLeft<T>(
  work: () => Promise<T>,
): Promise<{ value: T; left: () => number }> {
  const set: NodeJS.Timeout[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type !== "Timeout") return;
      const stack = new Error().stack ?? "";
      if (/\/src\/(?!testing\/)/.test(stack)) set.push(resource as NodeJS.Timeout);
    },
  });
  hook.enable();
  try {
    const value = await work();
    // A timer that fired or was cleared is destroyed (Node's own mark of it).
    const pending = (t: NodeJS.Timeout) =>
      !(t as { _destroyed?: boolean })._destroyed && t.hasRef();
    return { value, left: () => set.filter(pending).length };
  } finally {
    hook.disable();
  }
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))("%s", (_name, vendor) => {
  const cases = Object.entries(CASES).filter(
    ([, c]) => c.vendors === undefined || c.vendors.includes(vendor.name),
  );
  it.each(cases)("%s: once the import settled, nothing of it runs on", async (_title, c) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    const create = await vendor.simulator();
    // FullStory's and Userpilot's own options (the module's type hides them): jobs that end at once, or never.
    const endless = c.endlessJobs === true ? 1_000_000 : 0;
    const jobs = { processingPolls: endless, pollsPerStep: endless || 1 };
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: {
        script: (call) => c.script(call, stop, vendor),
        retryAfterSeconds: c.retryAfter ?? 1,
      },
      ...(vendor.polls && { options: jobs as never }),
    });
    const served = await serveSimulator(sim);
    running.push(served);
    // The real timer waits, aborted once one began.
    const waitThenStop = (ms: number, signal?: AbortSignal) => {
      setImmediate(stop);
      return abortableSleep(ms, signal);
    };
    let settled = false;
    const late: string[] = [];
    const client = vendor.createClient(simulatorSettings(vendor), {
      baseUrl: served.url,
      retryBaseDelayMs: 1,
      ...(c.abortIn === "client wait" && { sleep: waitThenStop }),
      fetch: (request) => {
        if (settled) late.push(`${request.method} ${new URL(request.url).pathname}`);
        return globalThis.fetch(request);
      },
    });
    const samples = await vendor.samples(7);
    const records = Array.from({ length: 40 }, (_, i) => samples.record(`left-${i}`));

    const { value: report, left } = await withTimersLeft(() =>
      IMPORTERS[vendor.name](client, records, {
        signal: controller.signal,
        chunkRecords: 10,
        ...(c.abortIn === "import wait" && { sleep: waitThenStop }),
        ...(vendor.polls && { pollIntervalMs: c.endlessJobs === true ? 60_000 : 1 }),
      }),
    );
    settled = true;

    expect(report.aborted).toBe(c.aborted);
    if (!c.aborted) expect(report.fatal).toMatch(/401/);
    await turns(20);
    expect(late).toEqual([]);
    expect(left()).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
