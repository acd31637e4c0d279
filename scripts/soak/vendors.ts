// One vendor's soak: records imported into its simulator, served on 127.0.0.1 in this process, with a fifth
// of the requests faulted (lost answers among them: the vendor acted, the client never heard) and 1% of the
// records refused by the vendor; then every check of the issue. No check allows for a lost answer: the
// import must converge within the run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { ImportOptions } from "../../src/core/engine/engine.js";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import type { RetryEvent } from "../../src/core/http/transport.js";
import {
  createFullStoryClient,
  importUsers as importFullStory,
} from "../../src/fullstory/index.js";
import {
  createPropellerClient,
  importUsers as importPropeller,
} from "../../src/propeller/index.js";
import { createSlashIdClient, importUsers as importSlashId } from "../../src/slashid/index.js";
import {
  createUserpilotClient,
  importUsers as importUserpilot,
} from "../../src/userpilot/index.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
  serveSimulator,
  type SimulatorStats,
  type VendorSimulator,
} from "../../src/testing/index.js";
import { INVALID_EVERY, indexOf, soakRecords, type VendorName } from "./records.js";

export interface SoakSettings {
  readonly records: number;
  readonly faults: FaultOptions;
  readonly client: CommonClientOptions;
  readonly dir: string;
}

/** What the soak runs: a vendor, and for SlashID the world it models for a person that already exists. */
export interface SoakTarget {
  readonly vendor: VendorName;
  /** The label in the summary, e.g. `slashid (refuse)`. */
  readonly label: string;
  readonly existingPersons?: "upsert" | "refuse";
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

interface Vendor {
  readonly simulator: VendorSimulator;
  /** The keys of the records the vendor stored. */
  stored(): (string | undefined)[];
  readonly secrets: () => string[];
  /** The failure code of a record the vendor refused (the `rejectRate` fault). */
  readonly vendorRejection: string;
  run(baseUrl: string, client: CommonClientOptions, options: ImportOptions): Promise<ImportReport>;
}

/** Records per request: small enough that every vendor gets about a hundred writes to lose answers to. */
const CHUNK = 500;

const SECRET = (name: string) => `soak-${name}-secret-${Math.random().toString(36).slice(2, 14)}`;

function vendor(target: SoakTarget, settings: SoakSettings, seed: number): Vendor {
  const { records, faults } = settings;
  const faultsOf = { ...faults, seed };
  switch (target.vendor) {
    case "fullstory": {
      const apiKey = SECRET("fullstory");
      const simulator = createFullStorySimulator({ apiKey, faults: faultsOf });
      return {
        simulator,
        stored: () => simulator.users().map((u) => u.uid),
        secrets: () => [apiKey],
        vendorRejection: "simulated_rejection",
        run: (baseUrl, client, options) =>
          importFullStory(
            createFullStoryClient({ ...client, apiKey, baseUrl }),
            soakRecords("fullstory", records, seed),
            { ...options, chunkRecords: CHUNK, pollIntervalMs: 10, maxPollIntervalMs: 50 },
          ),
      };
    }
    case "slashid": {
      const apiKey = SECRET("slashid");
      const simulator = createSlashIdSimulator({
        apiKey,
        orgId: "soak-org",
        faults: faultsOf,
        existingPersons: target.existingPersons ?? "refuse",
      });
      return {
        simulator,
        stored: () => simulator.persons().map((p) => p.emails[0]?.split("@")[0]),
        secrets: () => [apiKey],
        vendorRejection: "rejected_by_vendor",
        run: (baseUrl, client, options) =>
          importSlashId(
            createSlashIdClient({ ...client, apiKey, orgId: "soak-org", baseUrl }),
            soakRecords("slashid", records, seed),
            { ...options, chunkRecords: CHUNK },
          ),
      };
    }
    case "propeller": {
      const clientSecret = SECRET("propeller");
      const simulator = createPropellerSimulator({
        clientId: "soak-client",
        clientSecret,
        faults: faultsOf,
      });
      return {
        simulator,
        stored: () => simulator.users().map((u) => String(u.sourceId)),
        // The access tokens it issued are secrets too.
        secrets: () => [clientSecret, ...simulator.tokensIssued().map((t) => t.token)],
        vendorRejection: "rejected_by_vendor",
        run: (baseUrl, client, options) =>
          importPropeller(
            createPropellerClient({ ...client, clientId: "soak-client", clientSecret, baseUrl }),
            soakRecords("propeller", records, seed),
            { ...options, chunkRecords: CHUNK },
          ),
      };
    }
    case "userpilot": {
      const apiKey = SECRET("userpilot");
      // Userpilot refuses whole jobs, and a 1% roll per job may refuse none of a soak's 100 jobs (50,000
      // records in chunks of 500): one job in every 100 (the 3rd, 103rd, …) is refused instead, so about 1%
      // of the records are in a full run, and a small run still has a refusal to report.
      const simulator = createUserpilotSimulator({
        apiKey,
        faults: { ...faultsOf, rejectRate: 0 },
        failJobs: (job) => job.index % 100 === 3,
      });
      return {
        simulator,
        stored: () => simulator.users().map((u) => u.user_id),
        secrets: () => [apiKey],
        vendorRejection: "job_failed",
        run: (baseUrl, client, options) =>
          importUserpilot(
            createUserpilotClient({ ...client, apiKey, baseUrl }),
            soakRecords("userpilot", records, seed),
            {
              ...options,
              chunkRecords: CHUNK,
              pollIntervalMs: 10,
              maxPollIntervalMs: 50,
              conflictWaitMs: 20,
            },
          ),
      };
    }
  }
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Runs one vendor's soak and checks it; `output` collects every text the run produced, for the secrets scan. */
export async function soakVendor(
  target: SoakTarget,
  settings: SoakSettings,
  seed: number,
  output: string[],
): Promise<VendorResult> {
  const name = target.vendor;
  const v = vendor(target, settings, seed);
  const running = await serveSimulator(v.simulator);
  const seen = new Uint8Array(settings.records);
  let outOfRange = 0;
  const retries: Record<string, number> = {};
  const journal = join(settings.dir, `${target.label.replace(/\W+/g, "-")}.journal`);
  const started = performance.now();
  let report: ImportReport;
  try {
    report = await v.run(
      running.url,
      {
        ...settings.client,
        onRetry: (event: RetryEvent) => {
          count(retries, event.reason);
          output.push(JSON.stringify(event));
        },
      },
      {
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
  const vendorRejectionsReported = failedByCode[v.vendorRejection] ?? 0;
  const expectedRejected = Math.floor(settings.records / INVALID_EVERY);

  const text = output.join("\n");
  const leaked = v.secrets().filter((secret) => text.includes(secret));
  // Any trace of an issued token, not only whole ones.
  if (name === "propeller" && text.includes("sim-token-")) leaked.push("sim-token-…");

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
    "the import ran to its end": report.fatal === undefined && !report.aborted,
  };
  const problems = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([check]) => check);
  if (leaked.length > 0) problems.push(`secrets found: ${leaked.length}`);
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
