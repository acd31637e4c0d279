// A SlashID simulator on the simulator core (./kit), its persons kept in memory.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { components } from "../../generated/slashid.js";
import { document } from "../../generated/slashid.document.js";
import { rules } from "../../generated/slashid.rules.js";
import { json, type FaultOptions } from "./faults.js";
import { createSimulatorKit, type OperationCall, type SimulatorKit } from "./kit/simulator-kit.js";
import { DropConnection, type SimulatorStats, type VendorSimulator } from "./simulator.js";
import { MESSAGES, SLASHID_ALREADY_EXISTS } from "./slashid/messages.js";

export { SLASHID_ALREADY_EXISTS };
type Schemas = components["schemas"];
type Cells = Readonly<Record<string, string>>;
type Validate = SimulatorKit["validate"];

export interface SlashIdSimulatorOptions {
  /** The admin API key expected in `SlashID-API-Key`. Default `sim-key`. */
  apiKey?: string;
  /** A member (non-admin) API key: it may download the template, the import answers it 403. Default none. */
  memberApiKey?: string;
  /** The organization expected in `SlashID-OrgID`. Default `sim-org`. */
  orgId?: string;
  /** Path prefix the simulator serves under, e.g. `/slashid`. Default "". */
  basePath?: string;
  faults?: FaultOptions;
  /** Most persons the organization may hold (its pricing tier); an upload that would exceed it is a 402. */
  pricingTierLimit?: number;
  /**
   * A row whose person exists (UNCONFIRMED at SlashID, so both are modelled): `upsert` updates the person,
   * `refuse` fails the row with `person already exists`. Default `refuse`, the stricter world for re-uploads.
   */
  existingPersons?: "upsert" | "refuse";
}

export interface SlashIdSimulatorStats extends SimulatorStats {
  /** Rows refused because their person already existed (`existingPersons: "refuse"`): not in `rejected`. */
  readonly alreadyExisting: number;
}

const LISTS = ["emails", "phone_numbers", "usernames", "groups", "roles"] as const;
type Lists = Record<(typeof LISTS)[number], string[]>;
const listsOf = (list: (name: keyof Lists) => string[]) =>
  Object.fromEntries(LISTS.map((name) => [name, list(name)])) as Lists;
/** What rows say of a person: each list the union of its rows' cells, the last region and password. */
interface PersonData extends Lists {
  region?: string;
  attributes: Record<string, Record<string, unknown>>;
  password?: string;
}

/** A stored person: `id` 1, 2, … by creation, `key` its first row's first handle, `uploads` that wrote it. */
export type SimulatedPerson = PersonData & { id: number; key: string; uploads: number[] };

/** An upload whose CSV was read: index from 1, status 200 or 402, header, rows with the cells as parsed. */
export type SimulatedUpload = Readonly<{ index: number; status: number; columns: string[] }> & {
  readonly rows: readonly Cells[];
  readonly result?: Schemas["PersonsBulkImportResult"];
};

export interface SlashIdSimulator extends VendorSimulator {
  readonly vendor: "slashid";
  stats(): SlashIdSimulatorStats;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
  /** The persons stored, in order of creation (copies). */
  persons(): SimulatedPerson[];
  /** Every upload whose CSV was readable, in arrival order. */
  uploads(): SimulatedUpload[];
}

const COLUMNS = rules.PersonCsvRow.properties;
/** Buckets and regions the documentation does not name (`x-known-values`) are refused here. */
const BUCKETS: ReadonlySet<string> = new Set(rules.AttributeBuckets["x-known-values"]);
const REGIONS: ReadonlySet<string> = new Set(COLUMNS["slashid:region"]["x-known-values"]);
const { "x-max-key-bytes": KEY_BYTES, "x-max-value-bytes": VALUE_BYTES } =
  rules.AttributeBuckets.additionalProperties;
const errorBody = (httpcode: number, message: string) => ({ errors: [{ httpcode, message }] });
const fail = (status: number, message: string) => json(errorBody(status, message), status);

/**
 * A stateful SlashID: `bulkImportPersons` and `getPersonsBulkImportTemplate` under `basePath`, anything
 * else 404; errors in SlashID's `{ errors: [{ httpcode, message }] }`; faults and scripts from the core (429
 * and 5xx are not in the spec: clients see them as `undocumented`).
 * - Auth: no `SlashID-OrgID` → 400; an unknown `SlashID-API-Key` → 401; another org's key (a wrong
 *   `SlashID-OrgID`) → 403; a member key on the import → 403. The template takes admin and member keys.
 * - Import, answered at once: the `persons` part of a multipart/form-data body, parsed by header. No such
 *   part, another media type, an unreadable or empty CSV, a duplicated or unknown column → 400. Each row
 *   (empty cells = absent) is checked against `PersonCsvRow` and `AttributeBuckets` (known buckets, keys ≤ 70
 *   UTF-8 bytes, values ≤ 64 KiB), its region against the known ones, its e-mail addresses for an `@`.
 *   Failed rows come back in `failed_csv`: the uploaded columns and cells plus `reason`.
 * - A row whose handle (email, case-insensitive / phone / username) belongs to a person stored by an earlier
 *   upload fails (`existingPersons: "refuse"`; counted in `alreadyExisting`, not in `rejected`) or updates
 *   the person (`upsert`: lists united, region and password replaced, attributes merged per bucket; each
 *   later upload writing it is a `rewrites`). Rows of one upload sharing a handle make one person; a row
 *   whose handles belong to two persons fails: `duplicates` stays 0.
 * - Refusals (`faults.rejectRate`, `faults.reject`) are decided once per person, keyed by its row's first
 *   handle (`email:` + the address in lower case, else `phone:…`, else `username:…`): the row fails with a
 *   `simulated rejection` reason, again whenever it is re-uploaded.
 */
export function createSlashIdSimulator(options: SlashIdSimulatorOptions = {}): SlashIdSimulator {
  const apiKey = options.apiKey ?? "sim-key";
  const refuseExisting = (options.existingPersons ?? "refuse") === "refuse";
  const kit = createSimulatorKit({
    document,
    basePath: options.basePath,
    faults: options.faults,
    faultBody: (status) => errorBody(status, MESSAGES.fault[status] ?? MESSAGES.unknownFault),
    notFound: () => fail(404, MESSAGES.notFound),
    authenticate: (request, operation) => {
      const org = request.headers.get("slashid-orgid");
      const key = request.headers.get("slashid-api-key");
      if (org === null || org === "") return fail(400, MESSAGES.noOrg);
      if (key === null || key === "" || (key !== apiKey && key !== options.memberApiKey))
        return fail(401, MESSAGES.badKey);
      if (org !== (options.orgId ?? "sim-org")) return fail(403, MESSAGES.otherOrg);
      if (operation === "bulkImportPersons" && key !== apiKey) return fail(403, MESSAGES.notAdmin);
      return undefined;
    },
  });
  let persons = new Map<number, SimulatedPerson>();
  /** `kind:value` of every stored handle (see `handleKeys`) → its person's id. */
  let handles = new Map<string, number>();
  const uploads: SimulatedUpload[] = [];
  let alreadyExisting = 0;
  async function bulkImport({ request }: OperationCall): Promise<Response> {
    // A caller that gave up before SlashID read its upload (a slow fault held it) is never processed.
    if (request.signal.aborted) throw new DropConnection();
    if (!/^multipart\/form-data\s*;/i.test(request.headers.get("content-type") ?? ""))
      return fail(400, MESSAGES.notMultipart);
    const part = (await request.formData().catch(() => undefined))?.get("persons");
    if (part === undefined) return fail(400, MESSAGES.unreadableForm);
    if (part === null || typeof part === "string") return fail(400, MESSAGES.noPart);
    const file = readCsv(await part.text());
    if (typeof file === "string") return fail(400, file);
    const { columns, rows } = file;
    const index = uploads.length + 1;
    const record = (status: number, result?: Schemas["PersonsBulkImportResult"]) =>
      uploads.push({ index, status, columns, rows, ...(result && { result }) });
    const limit = options.pricingTierLimit ?? Infinity;
    const before = limit === Infinity ? undefined : structuredClone({ persons, handles });
    const failures = rows.flatMap((row) => {
      const reason = importRow(row, index);
      return reason === undefined ? [] : [{ ...row, reason }];
    });
    if (before !== undefined && persons.size > limit) {
      ({ persons, handles } = before);
      record(402);
      return fail(402, MESSAGES.pricingTier);
    }
    alreadyExisting += failures.filter((f) => f.reason === SLASHID_ALREADY_EXISTS).length;
    const result: Schemas["PersonsBulkImportResult"] = {
      successful_imports: rows.length - failures.length,
      failed_imports: failures.length,
    };
    if (failures.length > 0)
      result.failed_csv = stringify(failures, { ...CSV_OUT, columns: [...columns, "reason"] });
    record(200, result);
    return json({ result } satisfies Schemas["PersonsBulkImportResponse"]);
  }

  /** Stores one row of upload `index`, or says why it fails. */
  function importRow(row: Cells, index: number): string | undefined {
    const data = checkRow(row, kit.validate);
    if (typeof data === "string") return data;
    const keys = handleKeys(data);
    const owners = new Set(keys.flatMap((k) => handles.get(k) ?? []));
    if (refuseExisting && [...owners].some((id) => persons.get(id)!.uploads[0] !== index))
      return SLASHID_ALREADY_EXISTS;
    if (kit.faults.verdict(keys[0]!).refused) return MESSAGES.rejected;
    if (owners.size > 1) return MESSAGES.twoPersons;
    const [owner] = owners;
    const id = owner ?? persons.size + 1;
    const key = data.emails[0] ?? data.phone_numbers[0] ?? data.usernames[0]!;
    const person = persons.get(id) ?? { ...emptyPerson(), id, key };
    persons.set(id, person);
    if (!person.uploads.includes(index)) person.uploads.push(index);
    mergeRow(person, data);
    for (const k of keys) handles.set(k, id);
    return undefined;
  }

  const template = () => new Response(TEMPLATE, { headers: TEMPLATE_HEADERS });
  const handlers = { bulkImportPersons: bulkImport, getPersonsBulkImportTemplate: template };
  return {
    vendor: "slashid",
    basePath: kit.basePath,
    handle: (request) => kit.handle(request, handlers),
    stats: () => {
      const stored = [...persons.values()];
      // Each upload after the one that created a person wrote it again.
      const rewrites = stored.reduce((n, person) => n + person.uploads.length - 1, 0);
      const duplicates = sharedHandles(stored);
      return { ...kit.stats({ users: stored.length, duplicates, rewrites }), alreadyExisting };
    },
    setFaults: (faults) => kit.faults.setOptions(faults),
    persons: () => structuredClone([...persons.values()]),
    uploads: () => structuredClone(uploads),
  };
}

/** The template: the header of the confirmed columns, in the spec's order. */
const confirmed = Object.entries(COLUMNS).filter(([, column]) => !("x-unconfirmed" in column));
const TEMPLATE = stringify([confirmed.map(([name]) => name)], { quoted: true });
const TEMPLATE_HEADERS = {
  "Content-Type": "text/csv; charset=utf-8",
  "Content-Disposition": 'attachment; filename="persons.csv"',
};
const CSV_IN = { bom: true, skip_empty_lines: true };
const CSV_OUT = { header: true, quoted: true, quoted_empty: true };
const emptyPerson = () => ({ uploads: [] as number[], attributes: {}, ...listsOf(() => []) });

/** The header and rows of an uploaded file, or why it is refused as a whole. */
function readCsv(text: string): { columns: string[]; rows: Cells[] } | string {
  let columns: string[] = [];
  let rows: Cells[];
  try {
    rows = parse(text, { ...CSV_IN, columns: (header: string[]) => (columns = header) }) as Cells[];
  } catch (error) {
    return `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (columns.length === 0) return MESSAGES.emptyCsv;
  const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (duplicated.length > 0) return `duplicate CSV column(s): ${duplicated.join(", ")}`;
  const unknown = columns.filter((c) => !(c in COLUMNS)); // PersonCsvRow is closed
  if (unknown.length > 0) return `unknown CSV column(s): ${unknown.join(", ")}`;
  return { columns, rows };
}
/** Persons holding a handle an earlier person holds: each would be a person imported twice. */
function sharedHandles(persons: readonly PersonData[]): number {
  const held = persons.flatMap((person) => [...new Set(handleKeys(person))]);
  return held.length - new Set(held).size;
}
/** `kind:value` of each handle (e-mail addresses in lower case). */
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
/** Comma-separated cell → trimmed values (empty ones dropped). */
const listOf = (cell = ""): string[] => cell.split(",").flatMap((v) => v.trim() || []);
/** An ajv problem (`/a/b must be …`) as a reason (`where/a/b: must be …`). */
const readable = (where: string, problem: string) =>
  problem.replace(/^\/(\S*) /, (_, path: string) => `${where}${path === "" ? "" : `/${path}`}: `);

/** Why a row fails (a `reason` for `failed_csv`), or what it says of its person. */
function checkRow(cells: Cells, validate: Validate): PersonData | string {
  const row = Object.fromEntries(Object.entries(cells).filter(([, cell]) => cell !== ""));
  const data: PersonData = { ...listsOf((name) => listOf(row[`slashid:${name}`])), attributes: {} };
  // The schema's `not` is the no-handle rule, checked on the cells' values instead.
  const problems = validate("#/components/schemas/PersonCsvRow", row)
    .filter((p) => p !== "/ must NOT be valid")
    .map((p) => readable("row", p));
  if (handleKeys(data).length === 0) problems.unshift(MESSAGES.noHandle);
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
  for (const [bucket, values] of Object.entries(decoded)) {
    if (!BUCKETS.has(bucket)) problems.push(`unknown attribute bucket [${bucket}]`);
    for (const [key, value] of Object.entries(typeof values === "object" ? (values ?? {}) : {})) {
      if (Buffer.byteLength(key, "utf8") > KEY_BYTES)
        problems.push(`attribute key longer than ${KEY_BYTES} bytes [${key}]`);
      if (Buffer.byteLength(JSON.stringify(value) ?? "", "utf8") > VALUE_BYTES)
        problems.push(`value of [${key}] is larger than ${VALUE_BYTES} bytes`);
    }
  }
  if (problems.length > 0) return problems.map((p) => `slashid:attributes: ${p}`).join("; ");
  // The schema's own rules (bucket values are objects, at most 6 buckets, non-empty keys).
  const invalid = validate("#/components/schemas/AttributeBuckets", decoded);
  if (invalid.length > 0) return invalid.map((p) => readable("slashid:attributes", p)).join("; ");
  return decoded as PersonData["attributes"];
}
