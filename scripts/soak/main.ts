// `npm run soak`: the fault soak. Not part of `npm test`.
//
//   node dist/scripts/soak/main.js [--records 50000] [--kill-records 6000]
//       [--only <vendor>,…,kill,journal]   (the vendors of src/vendors.ts; default all, the kill test and
//       the journal check)
//
// 1. Each vendor (SlashID twice: a person that already exists refused, or upserted; FullStory and Propeller
//    twice: at their defaults, and 32 chunks of 100 records in flight): --records records into
//    its simulator (served on 127.0.0.1 in this process) with 20% of the requests faulted (429 with
//    Retry-After, 500/503, dropped connections, timeouts, and lost answers: the vendor acted, then the answer
//    was dropped or replaced by a gateway page) and 1% of the records refused by the vendor, each chunk given
//    10 sends (see vendors.ts). Checked, with no allowance for lost answers: every record ends in exactly one
//    outcome; imported = total − rejected by the client − refused by the vendor; nothing stored is reported
//    failed; nothing reported imported is missing; no duplicate at the vendor; every vendor refusal reported;
//    no secret in any output; no warning from Node (a MaxListenersExceededWarning, say).
// 2. For every vendor (SlashID in both worlds, the others at their defaults), the CLI killed with SIGKILL
//    mid-import (twice) and re-run with the same journal: users, jobs and per-record outcomes must equal an
//    uninterrupted run's.
// 3. A journal past 512 MiB (a resume of 5,000,000 refusals) opens and hands each chunk its outcomes once.
// Exits 1 when a check fails, 2 for a name --only does not know (before anything runs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { arg } from "../bench/child.js";
import { VENDORS } from "../../src/vendors.js";
import { journalCapacity, type JournalCapacityResult } from "./journal-capacity.js";
import { killTest, type KillResult } from "./kill.js";
import { SOAK_PROFILES } from "./profiles.js";
import { soakVendor, type SoakTarget, type VendorResult } from "./vendors.js";

const RECORDS = Number(arg("records") ?? 50_000);
const KILL_RECORDS = Number(arg("kill-records") ?? 6_000);
const only = arg("only")?.split(",");
const NAMES = [...VENDORS.map((vendor) => vendor.name), "kill", "journal"];
const unknown = only?.filter((name) => !NAMES.includes(name)) ?? [];
if (unknown.length > 0) {
  // Run on, a misspelt name ran nothing and said "soak passed" (exit 0).
  process.stderr.write(
    `[soak] --only: nothing is called ${unknown.map((name) => JSON.stringify(name)).join(", ")}; ` +
      `the names are ${NAMES.join(", ")}\n`,
  );
  process.exit(2);
}
const wanted = (name: string) => only === undefined || only.includes(name);

/**
 * A fifth of all requests faulted (lost answers hit writes only); the slow ones outlast the client's timeout.
 */
const FAULTS: FaultOptions = {
  rate429: 0.05,
  retryAfterSeconds: 1,
  rate5xx: 0.05,
  rateDrop: 0.03,
  rateSlow: 0.02,
  slowMs: 1500,
  rateLostAnswer: 0.05,
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
const targets: SoakTarget[] = VENDORS.flatMap((vendor) =>
  (SOAK_PROFILES[vendor.name].worlds ?? [{}]).map((world) => ({
    ...world,
    vendor: vendor.name,
    label: world.label === undefined ? vendor.name : `${vendor.name} (${world.label})`,
  })),
);
const began = performance.now();

for (const [n, target] of targets.entries()) {
  if (!wanted(target.vendor)) continue;
  log(
    `${target.label}: ${RECORDS.toLocaleString("en-US")} records, 20% of requests faulted (lost answers too), 1% refused…`,
  );
  const result = await soakVendor(
    target,
    { records: RECORDS, faults: FAULTS, client: CLIENT, dir },
    101 + n,
    output,
  );
  results.push(result);
  log(
    `  ${Math.round(result.durationMs / 1000)} s, ${result.problems.length === 0 ? "all checks hold" : `FAILED: ${result.problems.join("; ")}`}`,
  );
}

const kills: KillResult[] = [];
if (wanted("kill")) {
  for (const [n, target] of targets.entries()) {
    if (target.wide !== undefined) continue;
    log(
      `kill ${target.label}: the CLI killed with SIGKILL mid-import, twice, then re-run with the same journal…`,
    );
    const kill = await killTest({
      target,
      records: KILL_RECORDS,
      dir,
      seed: 202 + n,
      faults: {
        rate429: 0.04,
        retryAfterSeconds: 0,
        rate5xx: 0.04,
        rateDrop: 0.03,
        rateLostAnswer: 0.03,
      },
      output,
    });
    kills.push(kill);
    log(kill.problems.length === 0 ? "  all checks hold" : `  FAILED: ${kill.problems.join("; ")}`);
  }
}

let capacity: JournalCapacityResult | undefined;
if (wanted("journal")) {
  log("journal: a journal past 512 MiB (5,000,000 refusals) opened for a resume…");
  capacity = journalCapacity(dir);
  log(
    capacity.problems.length === 0
      ? "  all checks hold"
      : `  FAILED: ${capacity.problems.join("; ")}`,
  );
}

const lines: string[] = [];
const pct = (n: number) => `${(100 * n).toFixed(1)}%`;
for (const r of results) {
  const s = r.simulator;
  lines.push(
    `${r.label}: ${r.records.toLocaleString("en-US")} records in ${(r.durationMs / 1000).toFixed(1)} s — ` +
      `${r.report.imported} imported, ${r.report.failed} failed, ${r.report.rejected} rejected; ` +
      `${s.requestCount} requests, ${pct(s.faultShare)} faulted ${JSON.stringify(s.faults)}; ` +
      `vendor stored ${s.users}, refused ${s.rejected}, duplicates ${s.duplicates}, rewrites ${s.rewrites}`,
    `  failed by code ${JSON.stringify(r.failedByCode)}; rejected by rule ${JSON.stringify(r.rejectedByRule)}; retries ${JSON.stringify(r.retries)}`,
    `  reported imported but missing at the vendor: ${r.importedButMissing}; stored but reported failed: ${r.storedButReportedFailed}; stored but rejected: ${r.storedButRejected}`,
    ...Object.entries(r.checks).map(([check, ok]) => `  [${ok ? "ok" : "FAIL"}] ${check}`),
  );
}
for (const kill of kills) {
  const side = (s: KillResult["interrupted"]) =>
    `${s.users} users, ${s.jobs ?? "no"} jobs, ${s.duplicates} duplicates, ${s.rewrites} rewrites`;
  lines.push(
    `kill ${kill.label}: ${kill.records.toLocaleString("en-US")} records; runs ${JSON.stringify(kill.runs)}; ` +
      `final ${JSON.stringify(kill.report)}, ${kill.resumedChunks} chunks resumed from the journal; ` +
      `interrupted simulator: ${side(kill.interrupted)}; uninterrupted: ${side(kill.uninterrupted)}`,
    ...Object.entries(kill.checks).map(([check, ok]) => `  [${ok ? "ok" : "FAIL"}] ${check}`),
  );
}
if (capacity !== undefined)
  lines.push(
    `journal: ${(capacity.bytes / 2 ** 20).toFixed(0)} MiB opened in ${(capacity.openMs / 1000).toFixed(1)} s`,
    `  [${capacity.problems.length === 0 ? "ok" : "FAIL"}] opens past 512 MiB and hands each chunk its outcomes once`,
  );
const summary = lines.join("\n");
// The summary is output too: scan it with the rest.
const secretsInSummary = /soak-[a-z]+-secret-|sim-token-/.test(summary);
const failed =
  results.some((r) => r.problems.length > 0) ||
  kills.some((k) => k.problems.length > 0) ||
  (capacity?.problems.length ?? 0) > 0 ||
  secretsInSummary;
process.stdout.write(
  `\n${summary}\n\n${failed ? "SOAK FAILED" : "soak passed"} in ${((performance.now() - began) / 1000).toFixed(0)} s\n`,
);
if (!failed) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`journals, inputs and reports kept in ${dir}\n`);
process.exitCode = failed ? 1 : 0;
