// What a caller's callbacks and callback options do to an import, for every vendor.
// - An async `onOutcome`/`onProgress` (a natural `async (o) => db.insert(o)`) that rejects is a throw: the
//   import stops and rejects with it. It was left unhandled (which ends a Node process by default), one per
//   call, and the import resolved as if nothing went wrong.
// - A callback option that is not a function is refused by name before anything is read or sent. A
//   non-function `onOutcome` let the import send every chunk, then reject with "callback is not a function"
//   and no report; a non-function `precheck` rejected every record as `<vendor>.unreadable_record`.
// - The outcome `onOutcome` gets is the caller's own: a JavaScript callback that changed it changed the
//   report.
// - `onProgress` under faults: its counts only grow (but `sent`), and its last call, before the import
//   resolves and none after, has the report's counts. So too with the calls made while chunks wait on a
//   vendor's job or to be sent again: they count no more chunks waiting than are out, and nothing waits in
//   the last call.
import { afterEach, describe, expect, it } from "vitest";
import type { ImportProgress, ImportReport } from "../../src/core/engine/report.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { serveSimulator, type RunningSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { simulatorSettings, type VendorModule } from "../../src/vendor-module.js";
import { VENDOR_NAMES, vendorNamed, type VendorName } from "../../src/vendors.js";
import { IMPORTERS } from "../support/importers.js";
import { matching } from "../support/matchers.js";

type Rec = Record<string, unknown>;
// Every vendor of src/vendors.ts: a vendor added there has its callbacks held to the same.
const VENDORS = VENDOR_NAMES;

let served: RunningSimulator | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** A vendor's importUsers on its simulator served on loopback, with 3 valid records. */
async function setup(
  name: VendorName,
  world: { faults?: FaultOptions; client?: object; simulator?: object } = {},
) {
  const vendor = vendorNamed(name) as unknown as VendorModule<
    VendorName,
    unknown,
    Rec,
    VendorSimulator,
    object
  >;
  const samples = await vendor.samples(7);
  const records = ["k0", "k1", "k2"].map((k) => samples.record(k));
  const create = await vendor.simulator();
  const sim = create({
    settings: simulatorSettings(vendor),
    faults: world.faults ?? {},
    options: {
      ...(name === "userpilot"
        ? { stepMs: 0 }
        : name === "fullstory"
          ? { processingPolls: 0 }
          : {}),
      ...world.simulator,
    },
  }) as VendorSimulator & { users?: () => unknown[]; persons?: () => unknown[] };
  served = await serveSimulator(sim);
  const client = vendor.createClient(simulatorSettings(vendor), {
    baseUrl: served.url,
    maxRetries: 0,
    ...world.client,
  });
  const stored = () => (sim.users ?? sim.persons)!.call(sim).length;
  const run = (options: object): Promise<ImportReport> =>
    IMPORTERS[name](client, records, { pollIntervalMs: 1, maxPollIntervalMs: 1, ...options });
  return { run, stored };
}

/** The unhandled rejections while `body` runs, and a little after. */
async function unhandledDuring(
  body: () => Promise<unknown>,
): Promise<{ settled: string; unhandled: string[] }> {
  const unhandled: string[] = [];
  const on = (reason: unknown) => unhandled.push(String(reason));
  process.on("unhandledRejection", on);
  let settled: string;
  try {
    await body();
    settled = "resolved";
  } catch (error) {
    settled = `rejected: ${String(error)}`;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off("unhandledRejection", on);
  return { settled, unhandled };
}

describe("an async callback that rejects stops the import, as a throw does", () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: onOutcome`, async () => {
      const { run } = await setup(vendor);
      const result = await unhandledDuring(() =>
        run({
          onOutcome: async () => {
            await Promise.resolve();
            throw new Error("outcome store down");
          },
        }),
      );
      expect(result).toEqual({ settled: "rejected: Error: outcome store down", unhandled: [] });
    });

    it(`${vendor}: onProgress`, async () => {
      const { run } = await setup(vendor);
      const result = await unhandledDuring(() =>
        run({
          onProgress: async () => {
            await Promise.resolve();
            throw new Error("progress sink down");
          },
        }),
      );
      expect(result).toEqual({ settled: "rejected: Error: progress sink down", unhandled: [] });
    });
  }

  it("an async onOutcome that resolves is waited for: none is still running when the import settles", async () => {
    const { run } = await setup("propeller");
    let running = 0;
    await run({
      onOutcome: async () => {
        running += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    });
    expect(running).toBe(0);
  });
});

describe("the outcome onOutcome gets is the caller's own", () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: changing it leaves the report as the vendor answered`, async () => {
      const { run } = await setup(vendor);
      const report = await run({
        onOutcome: (outcome: Rec) => {
          outcome.outcome = "rejected";
          outcome.key = "changed";
        },
      });
      // Each vendor's key holds the sample's `k<index>` (an email, a source id).
      expect(report.outcomes.map((o) => [o.key.includes(`k${o.index}`), o.outcome])).toEqual([
        [true, "imported"],
        [true, "imported"],
        [true, "imported"],
      ]);
    });
  }
});

describe("onProgress under the vendor's faults", () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: counts only grow (but sent), stay within the input, and end at the report's, before it resolves`, async () => {
      const { run } = await setup(vendor, {
        // Refusals, 429s, 5xx and lost answers, none retried by the client: chunks fail, or are replayed.
        faults: {
          rate429: 0.2,
          retryAfterSeconds: 0,
          rate5xx: 0.2,
          rateLostAnswer: 0.2,
          rejectRate: 0.3,
          seed: 11,
        },
        // Jobs that run for a poll or more, so that progress is called while they run.
        simulator:
          vendor === "fullstory"
            ? { processingPolls: 2 }
            : vendor === "userpilot"
              ? { stepMs: 60_000 }
              : {},
      });
      const seen: ImportProgress[] = [];
      let resolved = false;
      const late: ImportProgress[] = [];
      // Each wait of the import (between a job's polls, before a replay) passes at once, no clock involved:
      // the calls made before it began are noted.
      const callsBeforeWait: number[] = [];
      const report = await run({
        chunkRecords: 1,
        replayDelayMs: 0,
        sleep: () => {
          callsBeforeWait.push(seen.length);
          return Promise.resolve();
        },
        onProgress: (progress: ImportProgress) => (resolved ? late : seen).push(progress),
      });
      resolved = true;
      const grow = [
        ...["validated", "rejected", "confirmed", "resumed"],
        ...["imported", "warned", "failed", "vendorMayHold"],
      ] as const;
      for (const [i, now] of seen.entries()) {
        for (const count of [...grow, "sent"] as const)
          expect(now[count]).toSatisfy((n: number) => n >= 0 && n <= 3);
        expect(now.confirmed).toBe(now.imported + now.failed + now.rejected);
        expect(now.warned).toBeLessThanOrEqual(now.imported);
        expect(now.vendorMayHold).toBeLessThanOrEqual(now.failed);
        // Chunks of one record: no more wait than there are records.
        const waits = ["waitingOnVendor", "waitingToRetry", "waitingToRetryRequest"] as const;
        for (const count of [...waits, "unchangedForMs"] as const)
          expect(now[count]).toSatisfy(Number.isSafeInteger);
        for (const count of waits) expect(now[count]).toSatisfy((n: number) => n >= 0);
        expect(
          now.waitingOnVendor + now.waitingToRetry + now.waitingToRetryRequest,
        ).toBeLessThanOrEqual(3);
        expect(now.unchangedForMs).toBeGreaterThanOrEqual(0);
        const before = seen[i - 1];
        if (before !== undefined)
          for (const count of grow) expect(now[count]).toBeGreaterThanOrEqual(before[count]);
      }
      // Each wait began with a call of its own that counts it (on the vendor's job, or before a replay), so
      // a chunk sent again was announced as waiting to be; a vendor without jobs has none to wait on.
      for (const [i, before] of callsBeforeWait.entries()) {
        expect(before).toBeGreaterThan(callsBeforeWait[i - 1] ?? 0);
        const call = seen[before - 1]!;
        expect(call.waitingOnVendor + call.waitingToRetry).toBeGreaterThan(0);
      }
      if (report.chunks.replayed > 0) expect(seen.some((p) => p.waitingToRetry > 0)).toBe(true);
      if (vendor === "slashid" || vendor === "propeller")
        expect(seen.every((p) => p.waitingOnVendor === 0)).toBe(true);
      expect(seen.at(-1)).toMatchObject({
        validated: report.total,
        confirmed: report.total,
        imported: report.imported,
        warned: report.warned,
        failed: report.failed,
        vendorMayHold: report.vendorMayHold,
        rejected: report.rejected,
        resumed: 0,
        waitingOnVendor: 0,
        waitingToRetry: 0,
        waitingToRetryRequest: 0,
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(late).toEqual([]);
    });
  }
});

describe("a callback option that is not a function is refused by name, before anything is sent", () => {
  for (const vendor of VENDORS) {
    it.each([
      ["onOutcome", "log"],
      ["onProgress", 5],
      ["precheck", true],
      ["sleep", "x"],
    ])(`${vendor}: %s`, async (option, value) => {
      const { run, stored } = await setup(vendor);
      await expect(run({ [option]: value })).rejects.toThrow(
        new TypeError(
          `${option}: expected a function, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
        ),
      );
      expect(stored()).toBe(0);
    });
  }
});

// The request that carries the records, the module's write; Userpilot's job is followed by its status.
const writeOf = (vendor: VendorName): string | undefined =>
  vendor === "userpilot" ? "getBackgroundJob" : vendorNamed(vendor)?.writes[0];

describe("a callback that throws while a chunk is out leaves its records possibly held, not plainly failed", () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: onRetry throws after the vendor acted`, async () => {
      const { run, stored } = await setup(vendor, {
        // The write's answer is lost after the vendor acted, then a 429 asks for a retry (Userpilot's job
        // status is turned away once): the client's onRetry throws at the first retry either makes.
        faults: {
          script: ({ operation, attempt }) =>
            operation !== writeOf(vendor)
              ? undefined
              : attempt === 1 && vendor !== "userpilot"
                ? { after: () => gatewayPage(502) }
                : attempt <= 2
                  ? "429"
                  : undefined,
          retryAfterSeconds: 0,
        },
        client: {
          maxRetries: 1,
          onRetry: () => {
            throw new Error("log sink down");
          },
        },
      });
      const report = await run({ chunkAttempts: 2, replayDelayMs: 0 });
      expect(stored()).toBe(3);
      expect(report.outcomes).toHaveLength(3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          reason: matching(/may hold this record/),
        });
        expect(outcome).not.toMatchObject({ code: "aborted" });
      }
    });
  }

  it("fullstory: the import's sleep throws while the job is polled", async () => {
    const { run, stored } = await setup("fullstory", { simulator: { processingPolls: 2 } });
    const report = await run({
      sleep: () => Promise.reject(new Error("timer broke")),
    });
    expect(stored()).toBe(3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "chunk_failed",
        reason: matching(/^timer broke; .*may hold this record/),
      });
    }
  });

  it("userpilot: the import's sleep throws while another job turns the chunk away (409)", async () => {
    const conflict = { error: "conflict", message: "A bulk job is already in progress" };
    const { run, stored } = await setup("userpilot", {
      faults: {
        script: ({ operation }) =>
          operation === "bulkIdentifyUsers"
            ? { answer: () => Response.json({ errors: [conflict] }, { status: 409 }) }
            : undefined,
      },
    });
    const report = await run({ sleep: () => Promise.reject(new Error("timer broke")) });
    expect(stored()).toBe(0);
    for (const outcome of report.outcomes) {
      // Not `aborted` (nothing aborted), which the journal kept as final: a re-run would never send them.
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "chunk_failed",
        reason: matching(/^timer broke; /),
      });
    }
  });
});

describe("a sleep of the caller's that ignores its signal: the caller's abort still ends the import", () => {
  // A wait that never ends unless its signal is heeded: the aborted import waited for it, for ever.
  const endless = (stop: AbortController) => () => {
    setImmediate(() => stop.abort());
    return new Promise<void>(() => {});
  };
  it.each([
    ["fullstory", "the import's, polling the job"],
    ["userpilot", "the import's, polling the job"],
    ["slashid", "the client's, waiting out a 429"],
    ["propeller", "the client's, waiting out a 429"],
  ] as const)("%s: %s", async (vendor, which) => {
    const stop = new AbortController();
    const byClient = which.startsWith("the client's");
    const { run } = await setup(vendor, {
      // Jobs that are still running at their first poll.
      simulator:
        vendor === "fullstory"
          ? { processingPolls: 2 }
          : vendor === "userpilot"
            ? { stepMs: 60_000 }
            : {},
      ...(byClient && {
        faults: {
          script: ({ operation, attempt }) =>
            operation === writeOf(vendor) && attempt === 1 ? "429" : undefined,
        },
        client: { maxRetries: 1, sleep: endless(stop) },
      }),
    });
    const report = await run({
      signal: stop.signal,
      ...(!byClient && { sleep: endless(stop) }),
    });
    expect(report.aborted).toBe(true);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["failed", "failed", "failed"]);
  });
});
