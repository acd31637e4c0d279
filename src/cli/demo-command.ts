import type { ImportProgress, ImportReport } from "../core/engine/report.js";
import { createFullStoryClient, importUsers as importFullStory } from "../fullstory/index.js";
import { createPropellerClient, importUsers as importPropeller } from "../propeller/index.js";
import {
  createSlashIdClient,
  importUsers as importSlashId,
  personFromCsvRow,
} from "../slashid/index.js";
import { createUserpilotClient, importUsers as importUserpilot } from "../userpilot/index.js";
import { serveSimulator } from "../testing/serve.js";
import { createProgressDisplay } from "./progress.js";
import { SIMULATOR_CREDENTIALS, createSimulator } from "./simulate-command.js";
import { formatSummary } from "./summary.js";
import type { VendorName } from "./vendors.js";

/** Faults the demo's simulators inject: enough to show retries and per-record failures, quick to finish. */
const DEMO_FAULTS = {
  rate429: 0.05,
  retryAfterSeconds: 0,
  rateDrop: 0.03,
  rejectRate: 0.01,
  seed: 7,
};
// The demo waits little: simulated jobs finish after a few polls.
const FAST = { pollIntervalMs: 20, maxPollIntervalMs: 100 };
const CLIENT = { retryBaseDelayMs: 10, userAgent: "bulk-user-import-demo" };

/**
 * `bulk-user-import demo`: makes users with faker, serves the four simulators on loopback (with faults),
 * imports into each and prints the reports. Exit 0 when every import ran to its end.
 */
export async function demoCommand(
  users: number,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
): Promise<number> {
  // faker and the fixtures are loaded only here: they are a dev-time dependency of the package.
  const { seededFaker } = await import("../testing/fixtures/faker.js");
  const fixtures = {
    fullstory: await import("../testing/fixtures/fullstory.js"),
    slashid: await import("../testing/fixtures/slashid.js"),
    propeller: await import("../testing/fixtures/propeller.js"),
    userpilot: await import("../testing/fixtures/userpilot.js"),
  };
  const { apiKey, orgId, clientId, clientSecret } = SIMULATOR_CREDENTIALS;
  const reports: ImportReport[] = [];
  const run = async (
    vendor: VendorName,
    importInto: (
      baseUrl: string,
      onProgress: (progress: ImportProgress) => void,
    ) => Promise<ImportReport>,
  ) => {
    const simulator = await createSimulator(vendor, DEMO_FAULTS);
    const running = await serveSimulator(simulator);
    stdout.write(`\n== ${vendor}: ${users} users into the simulator at ${running.url}\n`);
    const progress = createProgressDisplay(stderr, vendor, 1000);
    try {
      const report = await importInto(running.url, progress.update);
      progress.done();
      reports.push(report);
      stdout.write(formatSummary(report, 5));
      const stats = simulator.stats();
      stdout.write(
        `  simulator: ${JSON.stringify(stats.faults)} faults injected, ${stats.users} users stored, ${stats.duplicateWrites} imported twice\n`,
      );
    } finally {
      await running.close();
    }
  };

  const f = seededFaker(2026);
  await run("fullstory", (baseUrl, onProgress) =>
    importFullStory(
      createFullStoryClient({ ...CLIENT, apiKey, baseUrl }),
      generate(users, (i) => {
        // A FullStory id or a Propeller parent must already exist at the vendor: new users have neither.
        const { id: _id, ...user } = fixtures.fullstory.fullStoryUser(f);
        return { ...user, uid: `demo-${i}` };
      }),
      {
        ...FAST,
        chunkRecords: Math.max(1, Math.ceil(users / 4)),
        onProgress,
      },
    ),
  );
  await run("slashid", (baseUrl, onProgress) =>
    importSlashId(
      createSlashIdClient({ ...CLIENT, apiKey, orgId, baseUrl }),
      generate(users, (i) => {
        const person = personFromCsvRow(fixtures.slashid.slashIdPerson(f));
        return { ...person, emails: [`demo.${i}@example.com`], phone_numbers: [], usernames: [] };
      }),
      {
        chunkRecords: Math.max(1, Math.ceil(users / 4)),
        onProgress,
      },
    ),
  );
  await run("propeller", (baseUrl, onProgress) =>
    importPropeller(
      createPropellerClient({ ...CLIENT, clientId, clientSecret, baseUrl }),
      generate(users, (i) => {
        const { parent: _parent, ...user } = fixtures.propeller.propellerUser(f);
        return { ...user, sourceId: `demo-${i}` };
      }),
      {
        chunkRecords: Math.max(1, Math.ceil(users / 4)),
        onProgress,
      },
    ),
  );
  await run("userpilot", (baseUrl, onProgress) =>
    importUserpilot(
      createUserpilotClient({ ...CLIENT, apiKey, baseUrl }),
      generate(users, (i) => ({ ...fixtures.userpilot.userpilotUser(f), user_id: `demo-${i}` })),
      {
        ...FAST,
        conflictWaitMs: 20,
        chunkRecords: Math.max(1, Math.ceil(users / 4)),
        onProgress,
      },
    ),
  );
  const total = (key: "total" | "imported" | "failed" | "rejected") =>
    reports.reduce((n, r) => n + r[key], 0);
  stdout.write(
    `\nall vendors: ${total("total")} records, ${total("imported")} imported, ${total("failed")} failed, ${total("rejected")} rejected\n`,
  );
  return reports.every(
    (r) => r.fatal === undefined && r.total === r.imported + r.failed + r.rejected,
  )
    ? 0
    : 1;
}

/**
 * Makes records as the import reads them, so the demo's memory does not grow with its size. Keys are made
 * unique, so the simulators' "imported twice" count can only come from the importer.
 */
function* generate<T>(count: number, make: (index: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield make(i);
}
