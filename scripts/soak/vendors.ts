// One vendor's soak: 200,000 records imported into its simulator, served on 127.0.0.1 in this process, with a
// fifth of the requests faulted and 1% of the records refused by the vendor; then every check of the issue.
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

export interface VendorResult {
  readonly vendor: VendorName;
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
  /** Stored by the vendor, but reported failed: the vendor acted on a request whose answer was lost. */
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

/** Failure codes of a request whose answer never arrived. */
const IN_TRANSIT: ReadonlySet<string> = new Set(["network", "timeout"]);

const SECRET = (name: string) => `soak-${name}-secret-${Math.random().toString(36).slice(2, 14)}`;

function vendor(name: VendorName, settings: SoakSettings, seed: number): Vendor {
  const { records, faults } = settings;
  const faultsOf = { ...faults, seed };
  switch (name) {
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
            { ...options, chunkRecords: 2000, pollIntervalMs: 10, maxPollIntervalMs: 50 },
          ),
      };
    }
    case "slashid": {
      const apiKey = SECRET("slashid");
      const simulator = createSlashIdSimulator({ apiKey, orgId: "soak-org", faults: faultsOf });
      return {
        simulator,
        stored: () => simulator.persons().map((p) => p.emails[0]?.split("@")[0]),
        secrets: () => [apiKey],
        vendorRejection: "rejected_by_vendor",
        run: (baseUrl, client, options) =>
          importSlashId(
            createSlashIdClient({ ...client, apiKey, orgId: "soak-org", baseUrl }),
            soakRecords("slashid", records, seed),
            options,
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
            options,
          ),
      };
    }
    case "userpilot": {
      const apiKey = SECRET("userpilot");
      // Userpilot refuses whole jobs, and a 1% roll per job may refuse none of a soak's 100 jobs: one job in
      // every 100 (the 50th, 150th, …) is refused instead, so about 1% of the records are, in every run.
      const simulator = createUserpilotSimulator({
        apiKey,
        faults: { ...faultsOf, rejectRate: 0 },
        failJobs: (job) => job.index % 100 === 50,
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
              chunkRecords: 2000,
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
  name: VendorName,
  settings: SoakSettings,
  seed: number,
  output: string[],
): Promise<VendorResult> {
  const v = vendor(name, settings, seed);
  const running = await serveSimulator(v.simulator);
  const seen = new Uint8Array(settings.records);
  let outOfRange = 0;
  const retries: Record<string, number> = {};
  const journal = join(settings.dir, `${name}.journal`);
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
  // Records failed in transit (a timeout or a lost connection) and not stored: a refusal in an answer that
  // never arrived is among them.
  let unheard = 0;
  for (let i = 0; i < settings.records; i++) {
    const o = outcomeOf[i];
    if (o?.outcome === "imported" && stored[i] === 0) importedButMissing += 1;
    if (o?.outcome === "failed" && stored[i] === 1) storedButReportedFailed += 1;
    if (o?.outcome === "rejected" && stored[i] === 1) storedButRejected += 1;
    if (o?.outcome === "failed" && IN_TRANSIT.has(o.code) && stored[i] === 0) unheard += 1;
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

  const checks = {
    "every record has exactly one outcome":
      outOfRange === 0 && seen.every((n) => n === 1) && report.outcomes.length === settings.records,
    "report invariant total = imported + failed + rejected":
      report.total === settings.records &&
      report.total === report.imported + report.failed + report.rejected,
    "none imported twice (simulator duplicateWrites 0)": stats.duplicateWrites === 0,
    "nothing reported imported is missing at the vendor": importedButMissing === 0,
    "nothing rejected is stored": storedButRejected === 0 && foreignKeys === 0,
    "the client rejected exactly the invalid records": report.rejected === expectedRejected,
    // Userpilot refuses whole jobs: each record of a refused job is failed with job_failed. A refusal can only
    // be reported when the vendor's answer arrived. An answer was lost after the vendor acted on the request
    // only where it stored records reported failed; otherwise every refusal must be reported.
    "the vendor refused records (so the next check is not vacuous)": stats.rejected > 0,
    "every vendor refusal that reached the client is reported":
      storedButReportedFailed === 0
        ? vendorRejectionsReported === stats.rejected
        : vendorRejectionsReported <= stats.rejected &&
          stats.rejected <= vendorRejectionsReported + unheard,
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
