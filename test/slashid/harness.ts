// The adapter tests' SlashID: the project's simulator (src/testing/slashid.ts) mounted in the test file's msw
// server, with every upload's body kept and checked against specs/slashid.yaml, a client of its
// organization, scripts that reshape its answers, and seeded persons.
import type { Faker } from "@faker-js/faker";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { expect } from "vitest";
import { createSlashIdClient, type SlashIdClient } from "../../src/slashid/client.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { json, type FaultCall, type ScriptAction } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { SLASHID_REGIONS, slashIdAttributes } from "../../src/testing/fixtures/slashid.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createSlashIdSimulator, type SlashIdSimulator } from "../../src/testing/slashid.js";
import { journalFile } from "../support/journal-file.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { requestViolations } from "../support/request-conformance.js";
import { HOSTS, type useMswServer } from "../support/msw.js";
import { loadSpec } from "../support/specs.js";

// Random-looking like a real key: outcome texts are scrubbed of any 6-character run of a secret, so a key
// made of words ("import", "slashid") would redact those words in every report text.
export const API_KEY = "sk_T7qVx2LmZr9cWb4NpJ8dHf3Y";
export const ORG_ID = "3f9a2c1e-7d4b-4e8a-9c61-0b5d2e7f8a90";
const SPEC = loadSpec("slashid");
const IMPORT = SPEC.operations().find((o) => o.operationId === "bulkImportPersons")!;

export type Row = Record<string, string>;
/** Decides each upload (a `bulkImportPersons` call), as the simulator's fault script does. */
export type UploadScript = (
  call: FaultCall,
) => ScriptAction | undefined | Promise<ScriptAction | undefined>;

export interface SlashIdWorldOptions {
  /** What SlashID does with a row whose person exists (the simulator's `existingPersons`). */
  existingPersons?: "refuse" | "upsert";
  /** The persons SlashID refuses, by the simulator's key of their first handle (see {@link emailKey}). */
  reject?: (key: string) => boolean;
  /** SlashID's reason for each refused row in `failed_csv`, in place of the simulator's own. */
  reasons?: (row: Row) => string;
  /** `Retry-After` of a scripted 429, in seconds. */
  retryAfterSeconds?: number;
  script?: UploadScript;
}

export interface SlashIdWorld {
  readonly sim: SlashIdSimulator;
  /** Decides the uploads from now on; undefined lets SlashID answer (with `reasons` applied). */
  script: UploadScript | undefined;
  /** The body of every upload that reached SlashID, in arrival order. */
  readonly bodies: string[];
  /** Where the uploads break specs/slashid.yaml. */
  readonly violations: string[];
  /** Row counts of the files SlashID read, in order. */
  readonly fileSizes: () => number[];
  /** Uploads that reached SlashID, answered or not. */
  readonly posts: () => number;
}

/** A simulated SlashID organization answering at SlashID's host in `server`. */
export function slashIdWorld(
  server: ReturnType<typeof useMswServer>,
  options: SlashIdWorldOptions = {},
): SlashIdWorld {
  const { reasons } = options;
  const world: SlashIdWorld = {
    sim: createSlashIdSimulator({
      apiKey: API_KEY,
      orgId: ORG_ID,
      existingPersons: options.existingPersons ?? "refuse",
      faults: {
        ...(options.reject && { reject: options.reject }),
        retryAfterSeconds: options.retryAfterSeconds ?? 1,
        script: async (call) => {
          if (call.operation !== "bulkImportPersons") return undefined;
          world.bodies.push(await call.request.clone().text());
          const credentials = {
            ApiKeyAuth: (request: Request) =>
              request.headers.get("SlashID-API-Key") === API_KEY ? undefined : "another API key",
          };
          for (const problem of await requestViolations(
            SPEC,
            IMPORT,
            call.request.clone(),
            credentials,
          ))
            world.violations.push(`upload ${call.attempt}: ${problem}`);
          const scripted = await world.script?.(call);
          if (scripted !== undefined || reasons === undefined) return scripted;
          return rewriteFailedCsv((rows, header) =>
            failedCsv(
              header,
              rows.map((row) => (refused(row) ? { ...row, reason: reasons(row) } : row)),
            ),
          );
        },
      },
    }),
    script: options.script,
    bodies: [],
    violations: [],
    fileSizes: () => world.sim.uploads().map((u) => u.rows.length),
    posts: () => world.sim.stats().requests["POST /persons/bulk-import"] ?? 0,
  };
  server.use(...simulatorHandlers(world.sim, HOSTS.slashid));
  return world;
}

/** The simulator's key of a person whose first handle is `email`. */
export const emailKey = (email: string) => `email:${email.toLowerCase()}`;

/** Whether a `failed_csv` row is one the simulator refused (`reject`), not one it found invalid. */
const refused = (row: Row) => /simulated rejection/.test(row["reason"] ?? "");

/** `failed_csv` text: `header`, then `rows`. */
export const failedCsv = (header: readonly string[], rows: readonly Row[]) =>
  stringify([...rows], { header: true, columns: [...header] });

/**
 * SlashID's answer with its `failed_csv` (when it has one) replaced by `rewrite(rows, header)`; null drops
 * it. The vendor has processed the upload.
 */
export function rewriteFailedCsv(
  rewrite: (rows: Row[], header: string[]) => string | null,
): ScriptAction {
  return {
    after: async (answer) => {
      if (answer.status !== 200) return answer;
      const { result } = (await answer.json()) as { result: { failed_csv?: string } };
      if (result.failed_csv === undefined) return json({ result });
      let header: string[] = [];
      const rows = parse<Row>(result.failed_csv, { columns: (h: string[]) => (header = h) });
      const { failed_csv: _, ...rest } = result;
      const rewritten = rewrite(rows, header);
      return json({ result: rewritten === null ? rest : { ...rest, failed_csv: rewritten } });
    },
  };
}

/** For `{ after }`: the caller aborts once SlashID has processed the upload, before its answer arrives. */
export const abortingAfter = (controller: AbortController) => (answer: Response) => {
  controller.abort();
  return answer;
};

/**
 * A first run, with a journal, that SlashID answers but that dies once its first upload was processed, before
 * the answer is journaled: the world, to script the re-run's uploads, and the journal the re-run resumes.
 */
export async function runDyingAfterFirstUpload(
  server: ReturnType<typeof useMswServer>,
  input: readonly SlashIdPerson[],
) {
  const controller = new AbortController();
  const world = slashIdWorld(server, {
    script: (call) => (call.attempt === 1 ? { after: abortingAfter(controller) } : undefined),
  });
  const journal = journalFile("slashid");
  const first = await importUsers(slashIdClient(), input, {
    sleep: async () => {},
    journal,
    signal: controller.signal,
  });
  expect(first.aborted).toBe(true);
  return { world, journal };
}

/** SlashID answering every upload 200 with `result` in place of its own. */
export const slashIdAnswering = (server: ReturnType<typeof useMswServer>, result: object) =>
  slashIdWorld(server, { script: () => ({ after: () => json({ result }) }) });

/** SlashID's error answer. */
export const vendorError = (status: number, message: string) =>
  json({ errors: [{ httpcode: status, message }] }, status);

/** The rows of an upload, as SlashID reads them. */
export async function uploadedRows(call: FaultCall): Promise<Row[]> {
  const file = (await call.request.clone().formData()).get("persons");
  return file instanceof File ? parse<Row>(await file.text(), { columns: true }) : [];
}

/** A client of the simulated organization that never waits for real between retries (`delays` records them). */
export function slashIdClient(
  options: { apiKey?: string; maxRetries?: number; delays?: number[] } = {},
): SlashIdClient {
  return createSlashIdClient({
    apiKey: options.apiKey ?? API_KEY,
    orgId: ORG_ID,
    sleep: loggedSleep(options.delays ?? []),
    retryBaseDelayMs: 1,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
}

/** `n` distinct persons (their handles never collide), from a seeded faker. */
export function persons(seed: number | string, n: number): SlashIdPerson[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => person(f, i));
}

function person(f: Faker, i: number): SlashIdPerson {
  const name = f.internet
    .username()
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "");
  const p: SlashIdPerson = { emails: [`${name}.${i}@${f.internet.domainName()}`] };
  if (f.datatype.boolean(0.4)) p.phone_numbers = [`+1${String(2_000_000_000 + i * 7919)}`];
  if (f.datatype.boolean(0.4)) p.usernames = [`${name}_${i}`];
  if (f.datatype.boolean(0.6)) p.region = f.helpers.arrayElement(SLASHID_REGIONS);
  if (f.datatype.boolean(0.4)) p.groups = f.helpers.multiple(() => f.word.noun(), { count: 2 });
  if (f.datatype.boolean(0.4)) p.attributes = slashIdAttributes(f);
  return p;
}
