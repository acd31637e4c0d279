import { writeFile } from "node:fs/promises";
import type { ImportProgress, ImportReport } from "../core/engine/report.js";
import type { RetryEvent } from "../core/http/transport.js";
import type { FaultOptions } from "../testing/faults.js";
import {
  FULLSTORY_MAX_BATCH,
  createFullStoryClient,
  importUsers as importFullStory,
} from "../fullstory/index.js";
import {
  PROPELLER_MAX_CHUNK_RECORDS,
  createPropellerClient,
  importUsers as importPropeller,
} from "../propeller/index.js";
import {
  createSlashIdClient,
  importUsers as importSlashId,
  personFromCsvRow,
} from "../slashid/index.js";
import {
  USERPILOT_MAX_USERS,
  createUserpilotClient,
  importUsers as importUserpilot,
} from "../userpilot/index.js";
import { serveSimulator } from "../testing/serve.js";
import { createProgressDisplay } from "./progress.js";
import { SIMULATOR_CREDENTIALS, createSimulator } from "./simulate-command.js";
import { formatSummary } from "./summary.js";
import { ConfigError, type VendorName } from "./vendors.js";

/** SlashID's adapter's default file size limit (its limits are unconfirmed). */
const SLASHID_MAX_RECORDS = 10_000;

/** The request of each vendor that writes users. */
const WRITES = new Set([
  "createBatchImport",
  "bulkImportPersons",
  "bulkUsersBySourceId",
  "bulkIdentifyUsers",
]);

/**
 * Faults the demo's simulators inject: rate limits, dropped connections, records the vendor refuses, and
 * answers lost after the vendor acted (the connection dropped, or a gateway's 502/504 page in their place):
 * by chance, and always on the 2nd and 3rd write of each vendor, so every demo shows what becomes of them.
 */
const DEMO_FAULTS: FaultOptions = {
  rate429: 0.05,
  retryAfterSeconds: 0,
  rateDrop: 0.03,
  rateLostAnswer: 0.05,
  rejectRate: 0.01,
  seed: 7,
  script: ({ operation, attempt }) =>
    WRITES.has(operation) && (attempt === 2 || attempt === 3) ? "lost_answer" : undefined,
};
// The demo waits little: simulated jobs finish after a few polls, and replays follow at once.
const FAST = { pollIntervalMs: 20, maxPollIntervalMs: 100 };
const ENGINE = { replayDelayMs: 10 };

/**
 * `bulk-user-import demo`: makes users with faker, serves the four simulators on loopback (with faults),
 * imports into each and prints the reports. Exit 0 when every import ran to its end.
 */
export async function demoCommand(
  users: number,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
  reportFile?: string,
  load: () => Promise<DemoFixtures> = loadDemoFixtures,
): Promise<number> {
  const { seededFaker, ...fixtures } = await fixturesOrAdvice(load);
  const { apiKey, orgId, clientId, clientSecret } = SIMULATOR_CREDENTIALS;
  const reports: ImportReport[] = [];
  let honest = true;
  const run = async (
    vendor: VendorName,
    importInto: (
      baseUrl: string,
      client: { userAgent: string; retryBaseDelayMs: number; onRetry: (e: RetryEvent) => void },
      onProgress: (progress: ImportProgress) => void,
    ) => Promise<ImportReport>,
  ) => {
    const simulator = await createSimulator(vendor, DEMO_FAULTS);
    const running = await serveSimulator(simulator);
    stdout.write(`\n== ${vendor}: ${users} users into the simulator at ${running.url}\n`);
    const progress = createProgressDisplay(stderr, vendor, 1000, users);
    let retries = 0;
    const client = {
      userAgent: "bulk-user-import-demo",
      retryBaseDelayMs: 10,
      onRetry: () => (retries += 1),
    };
    try {
      const report = await importInto(running.url, client, progress.update);
      progress.done();
      reports.push(report);
      stdout.write(formatSummary(report, 5));
      const stats = simulator.stats();
      const injected = Object.entries(stats.faults)
        .map(([kind, n]) => `${n} ${FAULT_NAMES[kind] ?? kind}`)
        .join(", ");
      const events = report.events;
      stdout.write(
        `  the simulator injected: ${injected === "" ? "nothing" : injected}; it refused ${stats.rejected} records on purpose\n` +
          `  the library: ${retries} requests retried by the client, ${report.chunks.replayed} chunks replayed after a lost answer` +
          `${events["reconciled_jobs"] === undefined ? "" : `, ${events["reconciled_jobs"]} jobs of lost requests found and followed`}\n` +
          `  the vendor holds ${stats.users} users (${stats.duplicates} duplicates); the report says ${report.imported} imported\n`,
      );
      // The demo's claim: every valid user is imported except those the vendor refused, and the report
      // says exactly what the vendor holds.
      if (
        report.failed !== stats.rejected ||
        report.imported !== stats.users ||
        stats.duplicates > 0
      )
        honest = false;
    } finally {
      await running.close();
    }
  };

  const f = seededFaker(2026);
  await run("fullstory", (baseUrl, client, onProgress) =>
    importFullStory(
      createFullStoryClient({ ...client, apiKey, baseUrl }),
      generate(users, (i) => {
        // A FullStory id or a Propeller parent must already exist at the vendor: new users have neither.
        const { id: _id, ...user } = fixtures.fullstory.fullStoryUser(f);
        return { ...user, uid: `demo-${i}` };
      }),
      {
        ...FAST,
        ...ENGINE,
        chunkRecords: quarter(users, FULLSTORY_MAX_BATCH),
        onProgress,
      },
    ),
  );
  await run("slashid", (baseUrl, client, onProgress) =>
    importSlashId(
      createSlashIdClient({ ...client, apiKey, orgId, baseUrl }),
      generate(users, (i) => {
        const person = personFromCsvRow(fixtures.slashid.slashIdPerson(f));
        return { ...person, emails: [`demo.${i}@example.com`], phone_numbers: [], usernames: [] };
      }),
      {
        ...ENGINE,
        chunkRecords: quarter(users, SLASHID_MAX_RECORDS),
        onProgress,
      },
    ),
  );
  await run("propeller", (baseUrl, client, onProgress) =>
    importPropeller(
      createPropellerClient({ ...client, clientId, clientSecret, baseUrl }),
      generate(users, (i) => {
        const { parent: _parent, ...user } = fixtures.propeller.propellerUser(f);
        return { ...user, sourceId: `demo-${i}` };
      }),
      {
        ...ENGINE,
        chunkRecords: quarter(users, PROPELLER_MAX_CHUNK_RECORDS),
        onProgress,
      },
    ),
  );
  await run("userpilot", (baseUrl, client, onProgress) =>
    importUserpilot(
      createUserpilotClient({ ...client, apiKey, baseUrl }),
      generate(users, (i) => ({ ...fixtures.userpilot.userpilotUser(f), user_id: `demo-${i}` })),
      {
        ...FAST,
        ...ENGINE,
        conflictWaitMs: 20,
        chunkRecords: quarter(users, USERPILOT_MAX_USERS),
        onProgress,
      },
    ),
  );
  const total = (key: "total" | "imported" | "failed" | "rejected") =>
    reports.reduce((n, r) => n + r[key], 0);
  stdout.write(
    `\nall vendors: ${total("total")} records, ${total("imported")} imported, ${total("failed")} failed${honest ? " (each one refused by the vendor)" : ""}, ${total("rejected")} rejected\n`,
  );
  if (reportFile !== undefined) {
    await writeFile(reportFile, `${JSON.stringify(reports, null, 2)}\n`);
    stdout.write(`the four reports are in ${reportFile}\n`);
  }
  if (!honest) stdout.write("the report and what the vendors hold disagree: that is a bug\n");
  return honest &&
    reports.every((r) => r.fatal === undefined && r.total === r.imported + r.failed + r.rejected)
    ? 0
    : 1;
}

/** The fixtures the demo makes its users with. */
export interface DemoFixtures {
  readonly seededFaker: typeof import("../testing/fixtures/faker.js").seededFaker;
  readonly fullstory: typeof import("../testing/fixtures/fullstory.js");
  readonly slashid: typeof import("../testing/fixtures/slashid.js");
  readonly propeller: typeof import("../testing/fixtures/propeller.js");
  readonly userpilot: typeof import("../testing/fixtures/userpilot.js");
}

/** faker and the fixtures are loaded only for the demo: faker is an optional peer of the package. */
export async function loadDemoFixtures(): Promise<DemoFixtures> {
  return {
    seededFaker: (await import("../testing/fixtures/faker.js")).seededFaker,
    fullstory: await import("../testing/fixtures/fullstory.js"),
    slashid: await import("../testing/fixtures/slashid.js"),
    propeller: await import("../testing/fixtures/propeller.js"),
    userpilot: await import("../testing/fixtures/userpilot.js"),
  };
}

async function fixturesOrAdvice(load: () => Promise<DemoFixtures>): Promise<DemoFixtures> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === "ERR_MODULE_NOT_FOUND" && String(message).includes("@faker-js/faker")) {
      throw new ConfigError(
        "demo makes its users with @faker-js/faker, which is not installed: npm install -D @faker-js/faker",
      );
    }
    throw error;
  }
}

/** A quarter of the users per chunk (so each vendor gets several), within the vendor's limit. */
const quarter = (users: number, max: number) => Math.min(max, Math.max(1, Math.ceil(users / 4)));

/** What each fault kind is called in the demo's words. */
const FAULT_NAMES: Readonly<Record<string, string>> = {
  "429": "rate limits (429)",
  "5xx": "server errors (500/503)",
  drop: "dropped connections",
  slow: "slow answers",
  lost_answer: "answers lost after the vendor acted",
};

/**
 * Makes records as the import reads them, so the demo's memory does not grow with its size. Keys are made
 * unique, so the simulators' "imported twice" count can only come from the importer.
 */
function* generate<T>(count: number, make: (index: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield make(i);
}
