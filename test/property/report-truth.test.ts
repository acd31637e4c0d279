// Property: under any bounded sequence of faults a fault script can throw at a vendor simulator, the report of
// `importUsers` is the truth: one outcome per input record (imported + failed + rejected = input); an
// `imported` record is stored at the vendor with its values; a record the vendor refused for good is not stored,
// and one reported failed for another reason is stored only if it is marked `vendorMayHold`; no job is
// duplicated (`stats().duplicates === 0`); without any fault every valid, unrefused record is imported. The
// faults: 429, 5xx, dropped connections, answers lost after the vendor acted (dropped, a gateway page, an HTML
// 200, a body cut off, and with TRUTH_LATE=1 an answer after the client's timeout), a proxy answering in the
// vendor's place, and a 401 (a key revoked mid-import). One property per vendor of src/vendors.ts, seeded.
//
// Knobs (environment), for exploring beyond the seeded runs: TRUTH_RUNS (default 100), TRUTH_SEED,
// TRUTH_VENDOR (one vendor only), TRUTH_FAULTS (most faulted calls per operation, default 3), TRUTH_AUTH=0
// (no 401s), TRUTH_ABORT=1 (a first run with a journal aborted at a random call, then a re-run with the same
// journal), TRUTH_ATTEMPTS=1 (chunkAttempts 1–3 in every run; 0: in none; unset: in a quarter),
// TRUTH_WAIT=1 (real waits of 0–15 ms: retried and replayed chunks go after later ones), TRUTH_RUN_TIMEOUT
// (ms one run may take before it counts as hung), and the runner's own (test/support/report-truth.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { scenarioOf, useScenarioRunner } from "../support/report-truth.js";

const runScenario = useScenarioRunner();

const RUNS = Number(process.env.TRUTH_RUNS ?? 100);
const SEED = Number(process.env.TRUTH_SEED ?? 20261130);
const ONLY = process.env.TRUTH_VENDOR;

describe("the report is the truth under any bounded sequence of faults", () => {
  for (const vendor of VENDOR_NAMES) {
    it.skipIf(ONLY !== undefined && ONLY !== vendor)(
      vendor,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            scenarioOf(vendor, Number(process.env.TRUTH_FAULTS ?? 3)),
            async (scenario) => {
              const { problems } = await runScenario(vendor, scenario);
              expect(problems).toEqual([]);
            },
          ),
          {
            numRuns: RUNS,
            seed: SEED,
            endOnFailure: false,
            verbose: 1,
            // A run that hangs fails instead of holding the test until its timeout.
            ...(process.env.TRUTH_RUN_TIMEOUT !== undefined && {
              timeout: Number(process.env.TRUTH_RUN_TIMEOUT),
            }),
          },
        );
      },
      600_000,
    );
  }
});
