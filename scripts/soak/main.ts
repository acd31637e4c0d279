// `npm run soak`: the fault soak. Not part of `npm test`.
//
//   node dist/scripts/soak/main.js [--records 200000] [--only fullstory,slashid,propeller,userpilot,kill]
//
// 1. Each vendor: 200,000 records into its simulator (served on 127.0.0.1 in this process) with 20% of the
//    requests faulted (429 with Retry-After, 500/503, dropped connections, timeouts) and 1% of the records
//    refused by the vendor. Checked: every record ends in exactly one outcome, none is imported twice (the
//    simulator counts), the report's invariant holds, nothing reported imported is missing, and no secret
//    appears in any output.
// 2. The CLI killed with SIGKILL mid-import (twice) and re-run with the same journal: the final state must equal
//    an uninterrupted run's.
// Exits 1 when a check fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { arg } from "../bench/child.js";
import { killTest, type KillResult } from "./kill.js";
import type { VendorName } from "./records.js";
import { soakVendor, type VendorResult } from "./vendors.js";

const RECORDS = Number(arg("records") ?? 200_000);
const only = arg("only")?.split(",");
const wanted = (name: string) => only === undefined || only.includes(name);

/** A fifth of all requests faulted; the slow ones outlast the client's timeout. */
const FAULTS: FaultOptions = {
  rate429: 0.06,
  retryAfterSeconds: 1,
  rate5xx: 0.06,
  rateDrop: 0.05,
  rateSlow: 0.03,
  slowMs: 1500,
  rejectRate: 0.01,
};
const CLIENT: CommonClientOptions = {
  timeoutMs: 1000,
  maxRetries: 6,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 200,
  // Retry-After: 1 is waited 100 ms.
  maxRetryAfterMs: 100,
  userAgent: "bulk-user-import-soak",
};

const log = (line: string) => process.stderr.write(`[soak] ${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "bulk-user-import-soak-"));
const output: string[] = [];
const results: VendorResult[] = [];
const vendors: VendorName[] = ["fullstory", "slashid", "propeller", "userpilot"];
const began = performance.now();

for (const [n, vendor] of vendors.entries()) {
  if (!wanted(vendor)) continue;
  log(
    `${vendor}: ${RECORDS.toLocaleString("en-US")} records, 20% of requests faulted, 1% refused…`,
  );
  const result = await soakVendor(
    vendor,
    { records: RECORDS, faults: FAULTS, client: CLIENT, dir },
    101 + n,
    output,
  );
  results.push(result);
  log(
    `  ${Math.round(result.durationMs / 1000)} s, ${result.problems.length === 0 ? "all checks hold" : `FAILED: ${result.problems.join("; ")}`}`,
  );
}

let kill: KillResult | undefined;
if (wanted("kill")) {
  log("kill: the CLI killed with SIGKILL mid-import, twice, then re-run with the same journal…");
  kill = await killTest({
    records: 30_000,
    dir,
    seed: 202,
    faults: { rate429: 0.04, retryAfterSeconds: 0, rate5xx: 0.04, rateDrop: 0.03 },
    output,
  });
  log(kill.problems.length === 0 ? "  all checks hold" : `  FAILED: ${kill.problems.join("; ")}`);
}

const lines: string[] = [];
const pct = (n: number) => `${(100 * n).toFixed(1)}%`;
for (const r of results) {
  const s = r.simulator;
  lines.push(
    `${r.vendor}: ${r.records.toLocaleString("en-US")} records in ${(r.durationMs / 1000).toFixed(1)} s — ` +
      `${r.report.imported} imported, ${r.report.failed} failed, ${r.report.rejected} rejected; ` +
      `${s.requestCount} requests, ${pct(s.faultShare)} faulted ${JSON.stringify(s.faults)}; ` +
      `vendor stored ${s.users}, refused ${s.rejected}, imported twice ${s.duplicateWrites}`,
    `  failed by code ${JSON.stringify(r.failedByCode)}; rejected by rule ${JSON.stringify(r.rejectedByRule)}; retries ${JSON.stringify(r.retries)}`,
    `  reported imported but missing at the vendor: ${r.importedButMissing}; stored but reported failed: ${r.storedButReportedFailed}; stored but rejected: ${r.storedButRejected}`,
    ...Object.entries(r.checks).map(([check, ok]) => `  [${ok ? "ok" : "FAIL"}] ${check}`),
  );
}
if (kill !== undefined) {
  lines.push(
    `kill: ${kill.records.toLocaleString("en-US")} records; runs ${JSON.stringify(kill.runs)}; ` +
      `final ${JSON.stringify(kill.report)}, ${kill.resumedChunks} chunks resumed from the journal; ` +
      `interrupted simulator: ${kill.interrupted.users} users, ${kill.interrupted.jobs} jobs, ${kill.interrupted.replays} idempotent replays, ${kill.interrupted.duplicateWrites} imported twice; ` +
      `uninterrupted: ${kill.uninterrupted.users} users, ${kill.uninterrupted.jobs} jobs, ${kill.uninterrupted.duplicateWrites} imported twice`,
    ...Object.entries(kill.checks).map(([check, ok]) => `  [${ok ? "ok" : "FAIL"}] ${check}`),
  );
}
const summary = lines.join("\n");
// The summary is output too: scan it with the rest.
const secretsInSummary = /soak-[a-z]+-secret-|sim-token-/.test(summary);
const failed =
  results.some((r) => r.problems.length > 0) ||
  (kill?.problems.length ?? 0) > 0 ||
  secretsInSummary;
process.stdout.write(
  `\n${summary}\n\n${failed ? "SOAK FAILED" : "soak passed"} in ${((performance.now() - began) / 1000).toFixed(0)} s\n`,
);
if (!failed) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`journals, inputs and reports kept in ${dir}\n`);
process.exitCode = failed ? 1 : 0;
