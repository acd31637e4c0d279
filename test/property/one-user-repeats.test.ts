// An input whose records all share one user, in chunks of one record sent with concurrency above 1, through
// the report-truth scenario runner (its checks: one outcome per record, an imported record stored with its
// values, the last imported record of a repeated key held by the vendor, no duplicate job): the vendor must get
// a user's records in input order whatever is lost, retried, replayed or resumed.
import { describe, expect, it } from "vitest";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDOR_NAMES, vendorNamed, type VendorName } from "../../src/vendors.js";
import { useScenarioRunner, type Action, type Scenario } from "../support/report-truth.js";

const runScenario = useScenarioRunner();

/** Four chunks in flight, or as many as the vendor allows (Userpilot: one job at a time). */
const concurrencyOf = (name: VendorName): number => {
  const vendor = vendorNamed(name)!;
  const adapter = vendor.createAdapter(vendor.createClient(simulatorSettings(vendor), {}), {});
  return Math.min(4, adapter.limits.maxConcurrency ?? 4);
};
/** `actions` for each operation that writes users (`VendorModule.writes`), as a scenario's plan. */
const onWrites = (vendor: VendorName, actions: readonly Action[]): Scenario["plan"] =>
  Object.fromEntries(vendorNamed(vendor)!.writes.map((operation) => [operation, actions]));
const SIZE = 50;

function oneUser(vendor: VendorName, extra: Partial<Scenario> = {}): Scenario {
  return {
    seed: 7,
    size: SIZE,
    broken: [],
    refused: [],
    chunkRecords: 1,
    concurrency: concurrencyOf(vendor),
    plan: {},
    // Every record repeats the one before it: all have record 0's key.
    repeats: Array.from({ length: SIZE - 1 }, (_, i) => i + 1),
    variant: 1,
    // Retries and replays wait a little, so that the chunks after a faulted one go out first.
    waitMs: 10,
    ...extra,
  };
}

async function check(vendor: VendorName, scenario: Scenario) {
  const { report, problems } = await runScenario(vendor, scenario);
  // The Userpilot simulator takes two jobs of the same user_ids for a duplicate, whatever their values: here
  // every job holds the one user, so every job after the first is one. A job holds a record at least, so
  // more than SIZE - 1 of them means a chunk made two jobs.
  const explained = (p: string) =>
    vendor === "userpilot" && Number(/^simulator counts (\d+) duplicates$/.exec(p)?.[1]) < SIZE;
  expect(problems.filter((p) => !explained(p))).toEqual([]);
  expect(report.total).toBe(SIZE);
  expect(report.outcomes.map((o) => o.index)).toEqual([...Array(SIZE).keys()]);
  return report;
}

const lost = (n: number, action: Action = "lost_answer"): Action[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? action : "none"));

describe.each(VENDOR_NAMES)("%s: 50 records of one user, chunks of 1", (vendor) => {
  it("all are imported, and the vendor holds the last one's values", async () => {
    const report = await check(vendor, oneUser(vendor));
    if (vendor !== "slashid") expect(report.imported).toBe(SIZE);
  }, 60_000);

  it("with the answers of every other write lost", async () => {
    await check(vendor, oneUser(vendor, { plan: onWrites(vendor, lost(20)) }));
  }, 60_000);

  it("with connections dropped and 5xx answers near the end (retried after later records went)", async () => {
    const plan = Array.from({ length: 60 }, (_, i): Action =>
      i + 1 === 47 ? "drop" : i + 1 === 48 ? "5xx" : "none",
    );
    await check(vendor, oneUser(vendor, { plan: onWrites(vendor, plan) }));
  }, 60_000);

  it("with gateway pages and cut answers, one attempt a chunk", async () => {
    await check(
      vendor,
      oneUser(vendor, {
        chunkAttempts: 1,
        plan: onWrites(vendor, ["gw504", "cut", "none", "html200", "gw502", "drop"]),
      }),
    );
  }, 60_000);

  it("with a 401 mid-import", async () => {
    // Propeller takes a 401 for an expired token and fetches another; the others stop the import.
    await check(
      vendor,
      oneUser(vendor, { plan: onWrites(vendor, ["none", "none", "none", "auth401"]) }),
    );
  }, 60_000);

  it.each([2, 5, 9])(
    "aborted at call %i, then resumed from the journal",
    async (abortAt) => {
      await check(vendor, oneUser(vendor, { abortAt, plan: onWrites(vendor, lost(6)) }));
    },
    60_000,
  );

  it("the same user refused by the vendor in the middle", async () => {
    await check(vendor, oneUser(vendor, { refused: [20] }));
  }, 60_000);
});

describe("with the vendors' limits (the property's TRUTH_HARD variants)", () => {
  const hard = async (vendor: VendorName, scenario: Scenario) => {
    process.env.TRUTH_HARD = "1";
    try {
      await check(vendor, scenario);
    } finally {
      delete process.env.TRUTH_HARD;
    }
  };

  it("FullStory with 2 jobs in progress at most, 2 in flight, answers lost", async () => {
    // variant 1: maxInProgressJobs 2.
    await hard(
      "fullstory",
      oneUser("fullstory", { concurrency: 2, variant: 1, plan: { createBatchImport: lost(20) } }),
    );
  }, 60_000);

  it.each([0, 3, 6])(
    "Userpilot, one job at a time, chunks of 3 cut by bytes (variant %i), answers lost",
    async (variant) => {
      await hard(
        "userpilot",
        oneUser("userpilot", {
          chunkRecords: 3,
          variant,
          plan: { bulkIdentifyUsers: lost(10), getBackgroundJob: lost(4, "drop") },
        }),
      );
    },
    60_000,
  );
});
