// One vendor's soak: records imported into its simulator, served on 127.0.0.1 in this process, with a fifth
// of the requests faulted (lost answers among them: the vendor acted, the client never heard) and 1% of the
// records refused by the vendor; then every check of the issue. No check allows for a lost answer: the
// import must converge within the run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import type { RetryEvent } from "../../src/core/http/transport.js";
import { settingsOf, type JobTuning, type VendorModule } from "../../src/vendor-module.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { serveSimulator, type SimulatorStats } from "../../src/testing/index.js";
import { vendorNamed } from "../../src/vendors.js";
import { SOAK_PROFILES, type SoakWorld } from "./profiles.js";
import { INVALID_EVERY, indexOf, soakRecords, type VendorName } from "./records.js";

export interface SoakSettings {
  readonly records: number;
  readonly faults: FaultOptions;
  readonly client: CommonClientOptions;
  readonly dir: string;
}

/** What the soak runs: a vendor, and for SlashID the world it models for a person that already exists. */
export interface SoakTarget extends SoakWorld {
  readonly vendor: VendorName;
  /** The label in the summary, e.g. `slashid (refuse)`. */
  readonly label: string;
}

export interface VendorResult {
  readonly vendor: VendorName;
  readonly label: string;
  readonly records: number;
  readonly durationMs: number;
  readonly report: Omit<ImportReport, "outcomes">;
  readonly failedByCode: Record<string, number>;
  readonly rejectedByRule: Record<string, number>;
  readonly simulator: SimulatorStats & {
    readonly faultShare: number;
    readonly requestCount: number;
  };
  readonly retries: Record<string, number>;
  /** Reported imported, but not stored by the vendor: lost. */
  readonly importedButMissing: number;
  /** Stored by the vendor, but reported failed: a lost answer the import did not recover from. */
  readonly storedButReportedFailed: number;
  /** Stored by the vendor, but reported rejected by the client or the vendor: must not happen. */
  readonly storedButRejected: number;
  readonly vendorRejectionsReported: number;
  readonly checks: Readonly<Record<string, boolean>>;
  readonly problems: readonly string[];
}

/** Records per request: small enough that every vendor gets about a hundred writes to lose answers to. */
const CHUNK = 500;

/** The simulators' jobs end by their third status poll, on no clock: polls and waits for one are short. */
// Each simulator is the soak's own: its truth checks then hold the jobs taken for lost requests unwarned.
const TUNING: JobTuning = {
  pollIntervalMs: 10,
  maxPollIntervalMs: 50,
  conflictWaitMs: 20,
  soleImporter: true,
};

const SECRET = (name: string) => `soak-${name}-secret-${Math.random().toString(36).slice(2, 14)}`;

/** The vendor's module: every soak target names one in the list. */
export function moduleOf(target: SoakTarget): VendorModule<VendorName> {
  const module = vendorNamed(target.vendor);
  if (module === undefined) throw new Error(`no vendor ${target.vendor}`);
  return module;
}

/** The vendor's settings for the soak: each secret a fresh random one, the rest what a simulator takes. */
export function soakSettings(module: VendorModule) {
  const secrets = new Map<string, string>();
  const settings = settingsOf(module, (setting) => {
    if (setting.secret !== true) return setting.simulator;
    const secret = secrets.get(setting.flag) ?? SECRET(module.name);
    secrets.set(setting.flag, secret);
    return secret;
  });
  return { settings, secrets: () => [...secrets.values()] };
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/**
 * Runs one vendor's soak and checks it; `output` collects every text the run produced, for the secrets scan.
 */
export async function soakVendor(
  target: SoakTarget,
  settings: SoakSettings,
  seed: number,
  output: string[],
): Promise<VendorResult> {
  const name = target.vendor;
  const module = moduleOf(target);
  const profile = SOAK_PROFILES[name];
  const soak = soakSettings(module);
  const v = await profile.start(
    { settings: soak.settings, faults: { ...settings.faults, seed } },
    target,
  );
  const samples = await module.samples(seed);
  const running = await serveSimulator(v.simulator);
  const seen = new Uint8Array(settings.records);
  let outOfRange = 0;
  const retries: Record<string, number> = {};
  const journal = join(settings.dir, `${target.label.replace(/\W+/g, "-")}.journal`);
  const started = performance.now();
  // Node's own warnings, such as a MaxListenersExceededWarning: each one also goes to the integrator's
  // console.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);
  let report: ImportReport;
  try {
    const client = module.createClient(soak.settings, {
      ...settings.client,
      baseUrl: running.url,
      onRetry: (event: RetryEvent) => {
        count(retries, event.reason);
        output.push(JSON.stringify(event));
      },
    });
    report = await runImport(
      module.createAdapter(client, TUNING),
      soakRecords(samples, settings.records),
      {
        chunkRecords: target.wide?.chunkRecords ?? CHUNK,
        ...(target.wide !== undefined && { concurrency: target.wide.concurrency }),
        // The checks ask for convergence within the run, not within the default budget of 5 sends: here a
        // Propeller send (no idempotency key: only a 429 or 503 is retried within it) fails about 1 time in
        // 7, so all 5 sends of a chunk fail for about 1 chunk in 22,000, some 2% of the 500-chunk runs,
        // whose records then end failed, the vendor may hold them (a true report of attempts run out). At
        // 10, about 1 run in a million: a failure is then a replay that does not converge.
        chunkAttempts: 10,
        journal,
        keepOutcomes: "all",
        onOutcome: (o: RecordOutcome) => {
          if (o.index >= 0 && o.index < seen.length)
            seen[o.index] = Math.min(255, seen[o.index]! + 1);
          else outOfRange += 1;
        },
      },
    );
  } finally {
    await running.close();
    // A warning is emitted on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
  }
  const durationMs = performance.now() - started;
  output.push(JSON.stringify(report));
  output.push(readFileSync(journal, "utf8"));

  const failedByCode: Record<string, number> = {};
  const rejectedByRule: Record<string, number> = {};
  const outcomeOf = new Array<RecordOutcome | undefined>(settings.records);
  for (const o of report.outcomes) {
    outcomeOf[o.index] = o;
    if (o.outcome === "failed") count(failedByCode, o.code);
    if (o.outcome === "rejected") count(rejectedByRule, o.rule);
  }

  // What the vendor stored, matched back to the records.
  let importedButMissing = 0;
  let storedButReportedFailed = 0;
  let storedButRejected = 0;
  let foreignKeys = 0;
  const stored = new Uint8Array(settings.records);
  for (const key of v.stored()) {
    const index = indexOf(key);
    if (index === undefined || index >= settings.records) foreignKeys += 1;
    else stored[index] = 1;
  }
  for (let i = 0; i < settings.records; i++) {
    const o = outcomeOf[i];
    if (o?.outcome === "imported" && stored[i] === 0) importedButMissing += 1;
    if (o?.outcome === "failed" && stored[i] === 1) storedButReportedFailed += 1;
    if (o?.outcome === "rejected" && stored[i] === 1) storedButRejected += 1;
  }

  const stats = v.simulator.stats();
  const requestCount = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const faultCount = Object.values(stats.faults).reduce((a, b) => a + b, 0);
  const vendorRejectionsReported = failedByCode[profile.vendorRejection] ?? 0;
  const expectedRejected = Math.floor(settings.records / INVALID_EVERY);

  const text = output.join("\n");
  const leaked = [...soak.secrets(), ...v.secrets()].filter((secret) => text.includes(secret));
  // Any trace of an issued token, not only whole ones.
  if (text.includes("sim-token-")) leaked.push("sim-token-…");

  const lostAnswers = stats.faults["lost_answer"] ?? 0;
  const checks = {
    "every record has exactly one outcome":
      outOfRange === 0 && seen.every((n) => n === 1) && report.outcomes.length === settings.records,
    "report invariant total = imported + failed + rejected":
      report.total === settings.records &&
      report.total === report.imported + report.failed + report.rejected,
    "answers were lost (so the checks below are tested against them)": lostAnswers > 0,
    "imported = total - rejected by the client - refused by the vendor":
      report.imported === settings.records - report.rejected - stats.rejected,
    "nothing stored is reported failed": storedButReportedFailed === 0,
    "nothing reported imported is missing at the vendor": importedButMissing === 0,
    "no duplicate at the vendor (simulator duplicates 0)": stats.duplicates === 0,
    "nothing rejected is stored": storedButRejected === 0 && foreignKeys === 0,
    "the client rejected exactly the invalid records": report.rejected === expectedRejected,
    // Userpilot refuses whole jobs: each record of a refused job is failed with job_failed.
    "the vendor refused records (so the next check is not vacuous)": stats.rejected > 0,
    "every vendor refusal is reported, and only those fail":
      vendorRejectionsReported === stats.rejected && report.failed === stats.rejected,
    "no secret in any output": leaked.length === 0,
    "no warning from Node (a listener leak, a deprecation)": warnings.length === 0,
    "the import ran to its end": report.fatal === undefined && !report.aborted,
  };
  const problems = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([check]) => check);
  if (leaked.length > 0) problems.push(`secrets found: ${leaked.length}`);
  if (warnings.length > 0) problems.push(`warnings: ${[...new Set(warnings)].join(", ")}`);
  const { outcomes: _outcomes, ...summary } = report;
  return {
    vendor: name,
    label: target.label,
    records: settings.records,
    durationMs,
    report: summary,
    failedByCode,
    rejectedByRule,
    simulator: {
      ...stats,
      faultShare: requestCount === 0 ? 0 : faultCount / requestCount,
      requestCount,
    },
    retries,
    importedButMissing,
    storedButReportedFailed,
    storedButRejected,
    vendorRejectionsReported,
    checks,
    problems,
  };
}
