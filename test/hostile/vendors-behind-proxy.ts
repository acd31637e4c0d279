// The four vendors as a hostile server in front of their simulators sees them: a simulator with long random
// credentials, the operations a run makes (by method and path), the client options and records for
// `importUsers`, and the CLI flags for `import`.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import type { SimulatorOptions, VendorSimulator } from "../../src/testing/simulator.js";
import type { VendorName } from "../../src/vendors.js";
import { expectNoSecret } from "./leaks.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { IMPORTERS } from "../support/importers.js";
import type { Seen } from "./proxy-server.js";

const faker = seededFaker("vendors behind a hostile proxy");
const secret = () => faker.string.alphanumeric({ length: 40 });

export interface ProxiedVendor {
  readonly name: VendorName;
  /** Every credential: none may appear in any output, nor reach another origin. */
  readonly secrets: readonly string[];
  /** Request headers that carry a credential. */
  readonly credentialHeaders: readonly string[];
  /** Its simulator, accepting the credentials; under `basePath` if given. */
  simulator(options?: SimulatorOptions): VendorSimulator;
  /** The operations of an import, each a test on a request the hostile server sees. */
  readonly operations: Readonly<Record<string, (request: Seen) => boolean>>;
  /** `n` records; `tag` starts each key (and email), so two tenants' records are told apart. */
  records(n: number, tag?: string): unknown[];
  client(baseUrl: string, options?: object): unknown;
  /** Engine options that keep a run short. */
  readonly importOptions: object;
  /** CLI flags (credentials and fast polling) besides `--base-url`. */
  readonly flags: readonly string[];
}

const fastPoll = { pollIntervalMs: 1, maxPollIntervalMs: 5 };
const quick = { sleep: async () => {}, maxRetries: 1, timeoutMs: 2_000 };

function fullStory(): ProxiedVendor {
  const apiKey = `na1.${secret()}`;
  return {
    name: "fullstory",
    secrets: [apiKey],
    credentialHeaders: ["authorization"],
    simulator: (options) => createFullStorySimulator({ apiKey, processingPolls: 1, ...options }),
    operations: {
      createBatchImport: (r) => r.method === "POST" && r.url === "/v2/users/batch",
      getBatchImportStatus: (r) => r.method === "GET" && /^\/v2\/users\/batch\/[^/?]+$/.test(r.url),
      getBatchImports: (r) => r.method === "GET" && /\/imports(\?|$)/.test(r.url),
      getBatchImportErrors: (r) => r.method === "GET" && /\/errors(\?|$)/.test(r.url),
    },
    records: (n, tag = "") =>
      Array.from({ length: n }, (_, i) => ({
        uid: `${tag}fs-${i}`,
        email: `${tag}fs.${i}@example.com`,
        display_name: `User ${i}`,
      })),
    client: (baseUrl, options = {}) =>
      createFullStoryClient({ apiKey, baseUrl, ...quick, ...options }),
    importOptions: { ...fastPoll, sleep: async () => {}, chunkAttempts: 2 },
    flags: ["--api-key", apiKey, "--poll-interval", "1ms", "--max-poll-interval", "5ms"],
  };
}

function slashId(): ProxiedVendor {
  const apiKey = secret();
  const orgId = faker.string.uuid();
  return {
    name: "slashid",
    secrets: [apiKey],
    credentialHeaders: ["slashid-api-key"],
    simulator: (options) =>
      createSlashIdSimulator({ apiKey, orgId, existingPersons: "upsert", ...options }),
    operations: {
      bulkImportPersons: (r) => r.method === "POST" && r.url === "/persons/bulk-import",
    },
    records: (n, tag = "") =>
      Array.from({ length: n }, (_, i) => ({
        emails: [`${tag}sid.${i}@example.com`],
        region: "europe-belgium",
      })),
    client: (baseUrl, options = {}) =>
      createSlashIdClient({ apiKey, orgId, baseUrl, ...quick, ...options }),
    importOptions: { sleep: async () => {}, chunkAttempts: 2 },
    flags: ["--api-key", apiKey, "--org-id", orgId],
  };
}

function propeller(): ProxiedVendor {
  const clientId = faker.string.alphanumeric(12);
  const clientSecret = secret();
  return {
    name: "propeller",
    secrets: [clientSecret],
    credentialHeaders: ["authorization"],
    simulator: (options) => createPropellerSimulator({ clientId, clientSecret, ...options }),
    operations: {
      getAccessToken: (r) => r.method === "POST" && r.url === "/oauth2/token",
      bulkUsersBySourceId: (r) => r.method === "POST" && r.url === "/v2/users/bulk/sourceId",
    },
    records: (n, tag = "") =>
      Array.from({ length: n }, (_, i) => ({
        source: "crm",
        sourceId: `${tag}pp-${i}`,
        email: `${tag}pp.${i}@example.com`,
      })),
    client: (baseUrl, options = {}) =>
      createPropellerClient({ clientId, clientSecret, baseUrl, ...quick, ...options }),
    importOptions: { sleep: async () => {}, chunkAttempts: 2 },
    flags: ["--client-id", clientId, "--client-secret", clientSecret],
  };
}

function userpilot(): ProxiedVendor {
  const apiKey = secret();
  return {
    name: "userpilot",
    secrets: [apiKey],
    credentialHeaders: ["authorization"],
    // Real clock: a lost request's job is found in the job list by its start time.
    simulator: (options) => createUserpilotSimulator({ apiKey, stepMs: 0, ...options }),
    operations: {
      bulkIdentifyUsers: (r) => r.method === "POST" && r.url === "/v1/users/bulk_identify",
      getBackgroundJob: (r) => r.method === "GET" && /^\/v1\/background_jobs\/[^/?]+$/.test(r.url),
      listBackgroundJobs: (r) => r.method === "GET" && /^\/v1\/background_jobs(\?|$)/.test(r.url),
    },
    records: (n, tag = "") =>
      Array.from({ length: n }, (_, i) => ({
        user_id: `${tag}up-${i}`,
        metadata: { plan: "pro" },
      })),
    client: (baseUrl, options = {}) =>
      createUserpilotClient({ apiKey, baseUrl, ...quick, ...options }),
    importOptions: { ...fastPoll, conflictWaitMs: 1, sleep: async () => {}, chunkAttempts: 2 },
    flags: ["--api-key", apiKey, "--poll-interval", "1ms", "--max-poll-interval", "5ms"],
  };
}

export const proxiedVendors = (): readonly ProxiedVendor[] => [
  fullStory(),
  slashId(),
  propeller(),
  userpilot(),
];

/**
 * Each vendor with each operation an import makes; without `listBackgroundJobs`, which only a lost answer
 * leads to, unless `all`.
 */
export const proxiedOperations = (all = false) =>
  proxiedVendors().flatMap((vendor) =>
    Object.keys(vendor.operations)
      .filter((operation) => all || operation !== "listBackgroundJobs")
      .map((operation) => ({ vendor, operation })),
  );

/** The operation of each vendor that carries the records to it. */
const WRITES: readonly string[] = [
  "createBatchImport",
  "bulkImportPersons",
  "bulkUsersBySourceId",
  "bulkIdentifyUsers",
];

/** Each vendor with the operation that carries its records (see {@link proxiedOperations}). */
export const proxiedWrites = () =>
  proxiedOperations().filter(({ operation }) => WRITES.includes(operation));

/** Runs the vendor's `importUsers` against `baseUrl`. */
export function importInto(
  vendor: ProxiedVendor,
  baseUrl: string,
  records: unknown[],
  options: { client?: object; import?: object } = {},
): Promise<ImportReport> {
  return IMPORTERS[vendor.name](vendor.client(baseUrl, options.client), records, {
    ...vendor.importOptions,
    ...options.import,
  });
}

/** What a user relies on whatever the server did: each record once, no secret anywhere. */
export function expectSound(vendor: ProxiedVendor, report: ImportReport, total: number): void {
  expectEveryRecordOnce(report, total);
  expectNoSecret(JSON.stringify(report), vendor.secrets);
}

/** No request that reached `seen` carried a credential (in a header or a body). */
export function expectNoCredentialIn(vendor: ProxiedVendor, seen: readonly Seen[]): void {
  for (const request of seen) {
    for (const header of [...vendor.credentialHeaders, "authorization"]) {
      expect(request.headers[header], `${header} sent to ${request.url}`).toBeUndefined();
    }
    expectNoSecret(JSON.stringify(request), vendor.secrets);
  }
}

export const readText = (file: string): string => readFileSync(file, "utf8");
