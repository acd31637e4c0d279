// Property: two imports at once through ONE client (one account, one process), batches disjoint or sharing
// users, under any bounded sequence of faults over both imports' calls (lost answers above all: the vendor
// acted, the answer never came, and the adapter's replay or search runs), with or without a journal each:
// each import's report is the truth for its own records, and neither claims a job, a row or an outcome of
// the other's. Knobs (environment): SHARED_RUNS (default 25 per vendor), SHARED_SEED, SHARED_VENDOR.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { ACTIONS, type Action } from "../support/report-truth.js";
import { useSharedClientRunner, type SharedScenario } from "../support/shared-client.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";

const run = useSharedClientRunner();

const RUNS = Number(process.env.SHARED_RUNS ?? 25);
const SEED = Number(process.env.SHARED_SEED ?? 20261204);
const ONLY = process.env.SHARED_VENDOR;

// A 401 stops an import (report.fatal): checked on its own below. `late` needs real time.
const FAULTS = ACTIONS.filter((a) => a !== "none" && a !== "auth401" && a !== "late");

const scenarioOf = (vendor: VendorName): fc.Arbitrary<SharedScenario> =>
  fc
    .record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      sizes: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })),
      overlap: fc.integer({ min: 0, max: 12 }),
      chunkRecords: fc.integer({ min: 1, max: 5 }),
      concurrency: fc.integer({ min: 1, max: VENDOR_PROFILES[vendor].truth.maxConcurrency }),
      plan: fc.record(
        Object.fromEntries(
          VENDOR_PROFILES[vendor].truth.operations.map((op) => [
            op,
            fc.array(
              fc.oneof(
                { weight: 3, arbitrary: fc.constant<Action>("none") },
                { weight: 2, arbitrary: fc.constantFrom(...FAULTS) },
              ),
              { maxLength: 10 },
            ),
          ]),
        ) as Record<string, fc.Arbitrary<Action[]>>,
      ),
      journals: fc.boolean(),
      variant: fc.integer({ min: 0, max: 8 }),
      hard: fc.boolean(),
      // Userpilot's soleImporter: no other process writes to the account (imports through this client may).
      tuning: vendor === "userpilot" ? fc.record({ soleImporter: fc.boolean() }) : fc.constant({}),
    })
    .map((s) => ({ ...s, overlap: Math.min(s.overlap, s.sizes[0], s.sizes[1]) }));

describe("two imports through one client: each report is the truth", () => {
  for (const vendor of VENDOR_NAMES) {
    it.skipIf(ONLY !== undefined && ONLY !== vendor)(
      vendor,
      async () => {
        await fc.assert(
          fc.asyncProperty(scenarioOf(vendor), async (scenario) => {
            const { problems } = await run(vendor, scenario);
            expect(problems).toEqual([]);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true, verbose: 1 },
        );
      },
      600_000,
    );
  }
});
