// SlashID on the simulator kit (see createSlashIdSimulator); errors as `{ errors: [{ httpcode, message }] }`
// (SlashID's exact wording is UNCONFIRMED throughout).
// - Auth: no `SlashID-OrgID` → 400; an unknown `SlashID-API-Key` → 401; another org's → 403; a member key may
//   download the template, the import answers it 403.
// - Import: the `persons` part of a multipart body, parsed by header; a column `PersonCsvRow` does not name
//   is left out (the page "will take the following CSV column headers into consideration"; the spec adds
//   the UNCONFIRMED `slashid:roles` and `slashid:password`). No such part, another media type, an unreadable
//   or empty CSV, a duplicated column → 400 (UNCONFIRMED). Each row (empty cells = absent) is
//   checked against `PersonCsvRow` and `AttributeBuckets` (key and value sizes; UNCONFIRMED, as no source
//   says the lists are closed or what an address must hold: known buckets and regions only, an `@` in each
//   e-mail address).
// - A row whose handle belongs to a person of an earlier upload: UNCONFIRMED whether SlashID updates it or
//   refuses it (`existingPersons`). Rows of one upload sharing a handle make one person.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { STATUS_CODES } from "node:http";
import type { components } from "../../generated/slashid.js";
import { document } from "../../generated/slashid.document.js";
import { rules } from "../../generated/slashid.rules.js";
import {
  SLASHID_ATTRIBUTE_BUCKETS,
  SLASHID_CONFIRMED_COLUMNS,
  SLASHID_REGIONS,
} from "../slashid/records.js";
import { choiceOption, wholeNumberOption } from "../core/options.js";
import { json, type FaultOptions } from "./faults.js";
import { documentedExample } from "./kit/examples.js";
import { createSimulatorKit, type OperationCall } from "./kit/simulator-kit.js";
import type { SimulatorOptions, SimulatorStats } from "./simulator.js";

type Result = components["schemas"]["PersonsBulkImportResult"];
type Cells = Readonly<Record<string, string>>;
type Validate = (pointer: string, value: unknown) => string[];

/** The `reason` of a row refused because its person exists (a client may look for /already exists/i). */
export const SLASHID_ALREADY_EXISTS = "person already exists";

/** How {@link createSlashIdSimulator} behaves: the keys and organization it expects, faults, and limits. */
export interface SlashIdSimulatorOptions extends SimulatorOptions {
  /** The admin key expected in `SlashID-API-Key`. @default "sim-key" */
  apiKey?: string | undefined;
  /** A member (non-admin) key. @default none */
  memberApiKey?: string | undefined;
  /**
   * The organization expected in `SlashID-OrgID`; another answers 403.
   * @default "sim-org"
   */
  orgId?: string | undefined;
  /**
   * Faults to inject. `rejectRate` and `reject` refuse persons, decided once per person by its row's first
   * handle: `email:` and the address in lower case, else `phone:<number>`, else `username:<name>`.
   */
  faults?: FaultOptions | undefined;
  /** Most persons the organization may hold; an upload that would exceed it is a 402. @default unlimited */
  pricingTierLimit?: number | undefined;
  /**
   * A row whose person exists (from an earlier upload): `"upsert"` updates it (lists united, region and
   * password replaced, attributes merged per bucket), `"refuse"` fails it.
   * @default "refuse" (the stricter world)
   */
  existingPersons?: "upsert" | "refuse" | undefined;
}

/** The SlashID simulator's stats: the common counts, and the rows refused because their person existed. */
export interface SlashIdSimulatorStats extends SimulatorStats {
  /** Rows refused because their person existed (`existingPersons: "refuse"`); not in `rejected`. */
  readonly alreadyExisting: number;
}

const LISTS = ["emails", "phone_numbers", "usernames", "groups", "roles"] as const;
/** What rows say of a person: each list the union of its rows' cells, the last region and password. */
export interface SimulatedPersonData {
  /** Its email addresses, each once, in the order rows gave them. */
  emails: string[];
  /** Its phone numbers, each once, in the order rows gave them. */
  phone_numbers: string[];
  /** Its usernames, each once, in the order rows gave them. */
  usernames: string[];
  /** Its groups, each once, in the order rows gave them. */
  groups: string[];
  /** Its roles, each once, in the order rows gave them. */
  roles: string[];
  /** The region of the last row that named one. */
  region?: string;
  /** The password of the last row that gave one. */
  password?: string;
  /** Its attributes by bucket; a row's keys are merged into each bucket, a later value winning. */
  attributes: Record<string, Record<string, unknown>>;
}
type PersonData = SimulatedPersonData;
type Lists = Pick<PersonData, (typeof LISTS)[number]>;

/** A stored person: `id` 1, 2, … by creation, `key` its first handle, `uploads` that wrote it. */
export type SimulatedPerson = SimulatedPersonData & {
  /** 1 for the first person created, 2 for the next, … */
  id: number;
  /** Its first handle when it was created: its first email, else phone number, else username. */
  key: string;
  /** The `index` of each upload that wrote it, in order. */
  uploads: number[];
};

/** An upload whose CSV was read (index from 1, status 200 or 402), with its cells as parsed. */
export interface SimulatedUpload {
  /** 1 for the first upload whose CSV was read, 2 for the next, … */
  index: number;
  /** 200; or 402 when it would pass `pricingTierLimit`, and nothing of it was kept. */
  status: number;
  /** The CSV's header, as uploaded. */
  columns: string[];
  /** Its rows, each cell by column name, as parsed (an empty cell as `""`). */
  rows: Cells[];
  /** SlashID's answer: the counts, and `failed_csv` with each failed row's `reason`; absent for a 402. */
  result?: Result;
}

/** What {@link createSlashIdSimulator} returns: a simulator with SlashID's stats, its persons and uploads. */
export type SlashIdSimulator = ReturnType<typeof createSlashIdSimulator>;

const COLUMNS = rules.PersonCsvRow.properties;
const BUCKETS: ReadonlySet<string> = new Set(SLASHID_ATTRIBUTE_BUCKETS);
const REGIONS: ReadonlySet<string> = new Set(SLASHID_REGIONS);
const { "x-max-key-bytes": KEY_BYTES, "x-max-value-bytes": VALUE_BYTES } =
  rules.AttributeBuckets.additionalProperties;
const TEMPLATE = stringify([SLASHID_CONFIRMED_COLUMNS], { quoted: true });
const errorBody = (httpcode: number, message: string) => ({ errors: [{ httpcode, message }] });
const fail = (status: number, message: string) => json(errorBody(status, message), status);
/** The error the spec shows for `status` of `operation`. */
const documented = (operation: string, status: number) =>
  json(documentedExample(document, operation, status), status);

/**
 * A SlashID simulator: `bulkImportPersons` reads the uploaded CSV and answers at once (rows it refuses come
 * back in `failed_csv` with a `reason`), and `getPersonsBulkImportTemplate` gives the confirmed columns.
 * `persons()` and `uploads()` return copies of what it holds.
 * @throws RangeError naming an option out of range; TypeError for a `faults.script` or `faults.reject`
 *   that is not a function.
 */
export function createSlashIdSimulator(options: SlashIdSimulatorOptions = {}) {
  const refuseExisting =
    choiceOption("existingPersons", options.existingPersons, ["refuse", "upsert"], "refuse") ===
    "refuse";
  wholeNumberOption("pricingTierLimit", options.pricingTierLimit, undefined, { min: 0 });
  const kit = createSimulatorKit({
    vendor: "slashid",
    document,
    options,
    faultBody: (status) => errorBody(status, (STATUS_CODES[status] ?? "error").toLowerCase()),
    notFound: () => fail(404, "not found"),
    authenticate: (request, operation, apiKey) => {
      const org = request.headers.get("slashid-orgid");
      const key = request.headers.get("slashid-api-key");
      if (org === null || org === "") return fail(400, "missing header: SlashID-OrgID");
      if (key === null || key === "" || (key !== apiKey && key !== options.memberApiKey))
        return false;
      if (org !== (options.orgId ?? "sim-org"))
        return fail(403, "forbidden: the API key does not belong to this organization");
      if (operation === "bulkImportPersons" && key !== apiKey)
        return fail(403, "forbidden: an admin API key is required");
      return true;
    },
  });
  let persons = new Map<number, SimulatedPerson>();
  /** `kind:value` of every stored handle (see `handleKeys`) → its person's id. */
  let handles = new Map<string, number>();
  const uploads: SimulatedUpload[] = [];
  let alreadyExisting = 0;

  async function bulkImport({ request }: OperationCall): Promise<Response> {
    if (!/^multipart\/form-data\s*;/i.test(request.headers.get("content-type") ?? ""))
      return fail(400, "expected a multipart/form-data body");
    const part = (await request.formData().catch(() => undefined))?.get("persons");
    if (part === undefined) return fail(400, "unreadable multipart/form-data body");
    if (part === null || typeof part === "string")
      return fail(400, "missing multipart form field: persons");
    const file = readCsv(await part.text());
    if (typeof file === "string") return fail(400, file);
    const { columns, rows } = file;
    const index = uploads.length + 1;
    const limit = options.pricingTierLimit ?? Infinity;
    const before = limit === Infinity ? undefined : structuredClone({ persons, handles });
    /** Keys first judged by this upload: a 402 undoes their verdicts, as it undoes the persons. */
    const judged: string[] = [];
    const failures = rows.flatMap((row) => {
      const reason = importRow(row, index, judged);
      return reason === undefined ? [] : [{ ...row, reason }];
    });
    if (before !== undefined && persons.size > limit) {
      ({ persons, handles } = before);
      for (const key of judged) kit.faults.forgetVerdict(key, true);
      uploads.push({ index, status: 402, columns, rows });
      return documented("bulkImportPersons", 402);
    }
    alreadyExisting += failures.filter((f) => f.reason === SLASHID_ALREADY_EXISTS).length;
    const result: Result = {
      successful_imports: rows.length - failures.length,
      failed_imports: failures.length,
    };
    if (failures.length > 0)
      result.failed_csv = stringify(failures, { ...CSV_OUT, columns: [...columns, "reason"] });
    uploads.push({ index, status: 200, columns, rows, result });
    return json({ result });
  }

  /** Stores one row of upload `index`, or says why it fails. */
  function importRow(row: Cells, index: number, judged: string[]): string | undefined {
    const data = checkRow(row, (pointer, value) => kit.validate(pointer, value));
    if (typeof data === "string") return data;
    const keys = handleKeys(data);
    const owners = new Set(keys.flatMap((k) => handles.get(k) ?? []));
    if (refuseExisting && [...owners].some((id) => persons.get(id)!.uploads[0] !== index))
      return SLASHID_ALREADY_EXISTS;
    const verdict = kit.faults.verdict(keys[0]!);
    if (!verdict.again) judged.push(keys[0]!);
    if (verdict.refused) return "the person could not be imported (simulated rejection)";
    if (owners.size > 1) return "the row's handles belong to more than one person";
    const [id = persons.size + 1] = owners;
    const key = data.emails[0] ?? data.phone_numbers[0] ?? data.usernames[0]!;
    const person = persons.get(id) ?? { ...emptyPerson(), id, key };
    persons.set(id, person);
    kit.addWriter(person.uploads, index);
    mergeRow(person, data);
    for (const k of keys) handles.set(k, id);
    return undefined;
  }

  const template = () =>
    new Response(TEMPLATE, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="persons.csv"',
      },
    });
  return {
    ...kit.serve({ bulkImportPersons: bulkImport, getPersonsBulkImportTemplate: template }),
    /** The common counts (`duplicates` always 0), with `alreadyExisting`. */
    stats: (): SlashIdSimulatorStats => {
      const rewrites = kit.rewritesOf([...persons.values()].map((person) => person.uploads));
      // A row whose handles belong to two persons fails: no handle is ever held by two persons.
      return { ...kit.stats({ users: persons.size, duplicates: 0, rewrites }), alreadyExisting };
    },
    /**
     * Rotates the account's API key (one revoked after a leak): from now on only `next` is accepted, and the
     * old key gets a 401. What the account holds stays the account's and is seen under the new key (its
     * persons): whether SlashID does so is UNCONFIRMED (nothing published speaks of a rotated key); this is
     * the simulator's choice.
     */
    rotateKey(next: string) {
      kit.rotateKey(next);
    },
    /** The persons stored, in order of creation. */
    persons: () => structuredClone([...persons.values()]),
    /** Every upload whose CSV was readable, in arrival order. */
    uploads: () => structuredClone(uploads),
  };
}

const CSV_OUT = { header: true, quoted: true, quoted_empty: true };
const emptyPerson = () => ({ uploads: [] as number[], attributes: {}, ...listsOf(() => []) });
const listsOf = (list: (name: keyof Lists) => string[]) =>
  Object.fromEntries(LISTS.map((name) => [name, list(name)])) as Lists;

/** The header and rows of an uploaded file, or why it is refused as a whole. */
function readCsv(text: string): { columns: string[]; rows: Cells[] } | string {
  let columns: string[] = [];
  let rows: Cells[];
  try {
    const header = (names: string[]) => (columns = names);
    rows = parse<Cells>(text, { bom: true, skip_empty_lines: true, columns: header });
  } catch (error) {
    return `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (columns.length === 0) return "empty CSV: no header line";
  // A column `PersonCsvRow` does not name is left out, duplicated or not.
  const duplicated = columns.filter(
    (c, i) => Object.hasOwn(COLUMNS, c) && columns.indexOf(c) !== i,
  );
  if (duplicated.length > 0) return `duplicate CSV column(s): ${duplicated.join(", ")}`;
  return { columns, rows };
}

const handleKeys = (data: PersonData): string[] => [
  ...data.emails.map((e) => `email:${e.toLowerCase()}`),
  ...data.phone_numbers.map((p) => `phone:${p}`),
  ...data.usernames.map((u) => `username:${u}`),
];

function mergeRow(into: PersonData, row: PersonData): void {
  for (const list of LISTS) into[list].push(...row[list].filter((v) => !into[list].includes(v)));
  if (row.region !== undefined) into.region = row.region;
  if (row.password !== undefined) into.password = row.password;
  for (const [bucket, values] of Object.entries(row.attributes))
    into.attributes[bucket] = { ...into.attributes[bucket], ...values };
}

/** An ajv problem (`/a/b must be …`) as a reason (`where/a/b: must be …`). */
const readable = (where: string, problem: string) =>
  problem.replace(/^\/(\S*) /, (_, path: string) => `${where}${path === "" ? "" : `/${path}`}: `);

/** Why a row fails (a `reason` for `failed_csv`), or what it says of its person. */
function checkRow(cells: Cells, validate: Validate): PersonData | string {
  const row = Object.fromEntries(
    Object.entries(cells).filter(([column, cell]) => cell !== "" && Object.hasOwn(COLUMNS, column)),
  );
  const listOf = (cell = "") => cell.split(",").flatMap((v) => v.trim() || []);
  const data: PersonData = { ...listsOf((name) => listOf(row[`slashid:${name}`])), attributes: {} };
  // The schema's `not` is the no-handle rule, checked on the cells' values instead.
  const problems = validate("#/components/schemas/PersonCsvRow", row)
    .filter((p) => p !== "/ must NOT be valid")
    .map((p) => readable("row", p));
  if (handleKeys(data).length === 0)
    problems.unshift(
      "at least one handle is required (slashid:emails, slashid:phone_numbers or slashid:usernames)",
    );
  for (const email of data.emails)
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) problems.push(`invalid email address: ${email}`);
  const { "slashid:region": region, "slashid:password": password } = row;
  if (region !== undefined && !REGIONS.has(region))
    problems.push(`slashid:region: unknown region [${region}]`);
  const cell = row["slashid:attributes"];
  const attributes = cell === undefined ? {} : checkAttributes(cell, validate);
  if (typeof attributes === "string") problems.push(attributes);
  if (problems.length > 0 || typeof attributes === "string") return problems.join("; ");
  if (region !== undefined) data.region = region;
  if (password !== undefined) data.password = password;
  return { ...data, attributes };
}

/** The decoded `slashid:attributes` cell, or why it is refused. */
function checkAttributes(cell: string, validate: Validate): PersonData["attributes"] | string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(cell);
  } catch (error) {
    return `slashid:attributes: not valid JSON (${error instanceof Error ? error.message : "?"})`;
  }
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded))
    return "slashid:attributes: must be a JSON object of attribute buckets";
  const problems: string[] = [];
  for (const [bucket, values] of Object.entries(decoded as Record<string, unknown>)) {
    if (!BUCKETS.has(bucket)) problems.push(`unknown attribute bucket [${bucket}]`);
    for (const [key, value] of Object.entries(typeof values === "object" ? (values ?? {}) : {})) {
      if (Buffer.byteLength(key, "utf8") > KEY_BYTES)
        problems.push(`attribute key longer than ${KEY_BYTES} bytes [${key}]`);
      if (Buffer.byteLength(JSON.stringify(value) ?? "", "utf8") > VALUE_BYTES)
        problems.push(`value of [${key}] is larger than ${VALUE_BYTES} bytes`);
    }
  }
  if (problems.length > 0) return problems.map((p) => `slashid:attributes: ${p}`).join("; ");
  // The schema's own rules (bucket values are objects, non-empty bucket names and keys).
  const invalid = validate("#/components/schemas/AttributeBuckets", decoded);
  if (invalid.length > 0) return invalid.map((p) => readable("slashid:attributes", p)).join("; ");
  return decoded as PersonData["attributes"];
}
