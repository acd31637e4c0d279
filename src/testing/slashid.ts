// A SlashID simulator: persons bulk import (CSV in multipart/form-data) and the CSV template, answered as
// specs/slashid.yaml says, with the persons kept in memory. See `createSlashIdSimulator`.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { components } from "../../generated/slashid.js";
import { document } from "../../generated/slashid.document.js";
import {
  SLASHID_ATTRIBUTE_BUCKETS,
  SLASHID_CONFIRMED_COLUMNS,
  SLASHID_REGIONS,
} from "../slashid/records.js";
import {
  SLASHID_MAX_ATTRIBUTE_KEY_BYTES,
  SLASHID_MAX_ATTRIBUTE_VALUE_BYTES,
} from "../slashid/validate.js";
import { FaultInjector, json, type FaultOptions } from "./faults.js";
import { createRequestValidator } from "./request-validator.js";
import { DropConnection, type SimulatorStats, type VendorSimulator } from "./simulator.js";

type Schemas = components["schemas"];

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
  /** Most data rows one upload may hold; more is a 400. Default unlimited (SlashID documents no limit). */
  maxRows?: number;
  /** Most persons the organization may hold (its pricing tier); an upload that would exceed it is a 402. */
  pricingTierLimit?: number;
  /**
   * What a row does whose handle belongs to a person stored by an earlier upload (UNCONFIRMED at SlashID,
   * so both are modelled): `upsert` updates that person; `refuse` fails the row in `failed_csv` with the
   * reason `person already exists`. Default `refuse`, the stricter world for a client that re-uploads.
   */
  existingPersons?: "upsert" | "refuse";
}

export interface SlashIdSimulatorStats extends SimulatorStats {
  /** Rows refused because their person already existed (`existingPersons: "refuse"`): not in `rejected`. */
  readonly alreadyExisting: number;
}

/** A person as the simulator stores it: the union of everything its rows said. */
export interface SimulatedPerson {
  /** Internal id, in order of creation (1, 2, …). */
  readonly id: number;
  /** The first handle of the row that created the person (first email, else phone number, else username). */
  readonly key: string;
  readonly emails: readonly string[];
  readonly phone_numbers: readonly string[];
  readonly usernames: readonly string[];
  readonly region?: string;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly attributes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly password?: string;
  /** Indexes (1-based) of the uploads that wrote the person, in order. */
  readonly uploads: readonly number[];
}

/** One `POST /persons/bulk-import` whose CSV could be read, as the simulator parsed it. */
export interface SimulatedUpload {
  /** 1-based, in arrival order. */
  readonly index: number;
  /** The status it was answered with: 200, or 400 (too many rows) / 402 (pricing tier). */
  readonly status: number;
  /** The header, in the file's order. */
  readonly columns: readonly string[];
  /** The data rows by column, cells exactly as parsed (empty cells included). */
  readonly rows: readonly Readonly<Record<string, string>>[];
  /** The 200's result; absent otherwise. */
  readonly result?: Schemas["PersonsBulkImportResult"];
}

export interface SlashIdSimulator extends VendorSimulator {
  readonly vendor: "slashid";
  stats(): SlashIdSimulatorStats;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
  /** The persons stored, in order of creation. */
  persons(): SimulatedPerson[];
  /** Every upload whose CSV was readable, in arrival order. */
  uploads(): SimulatedUpload[];
}

const IMPORT_PATH = "/persons/bulk-import";
const HANDLE_COLUMNS = ["slashid:emails", "slashid:phone_numbers", "slashid:usernames"] as const;
/** The template's columns: the confirmed ones, in the order of the spec's example. */
const TEMPLATE_COLUMNS = SLASHID_CONFIRMED_COLUMNS;
const REASON_COLUMN = "reason";
/** The `reason` of a row refused because its person exists (a client may look for /already exists/i). */
export const SLASHID_ALREADY_EXISTS = "person already exists";
const ATTRIBUTE_KEY_MAX_BYTES = SLASHID_MAX_ATTRIBUTE_KEY_BYTES;
const ATTRIBUTE_VALUE_MAX_BYTES = SLASHID_MAX_ATTRIBUTE_VALUE_BYTES;

let validator: ((pointer: string, value: unknown) => string[]) | undefined;
const validate = (pointer: string, value: unknown) =>
  (validator ??= createRequestValidator(document))(pointer, value);

/** The value at `keys` inside the spec document, or undefined. */
function specAt(...keys: string[]): unknown {
  let node: unknown = document;
  for (const key of keys) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The columns `PersonCsvRow` knows (it is closed: any other column is refused). */
const KNOWN_COLUMNS: ReadonlySet<string> = new Set(
  Object.keys((specAt("components", "schemas", "PersonCsvRow", "properties") ?? {}) as object),
);

/**
 * The simulated SlashID refuses buckets and regions its documentation does not name (the spec's
 * `x-known-values`): the client sends them, since no source says whether the real one does.
 */
const BUCKETS: ReadonlySet<string> = new Set(SLASHID_ATTRIBUTE_BUCKETS);
const REGIONS: ReadonlySet<string> = new Set(SLASHID_REGIONS);

const errorBody = (status: number, message: string): Schemas["ErrorResponse"] => ({
  errors: [{ httpcode: status, message }],
});
const fail = (status: number, message: string) => json(errorBody(status, message), status);

const FAULT_MESSAGES: Record<number, string> = {
  429: "too many requests",
  500: "internal server error",
  503: "service unavailable",
};

interface MutablePerson {
  id: number;
  key: string;
  emails: string[];
  phone_numbers: string[];
  usernames: string[];
  region?: string;
  groups: string[];
  roles: string[];
  attributes: Record<string, Record<string, unknown>>;
  password?: string;
  uploads: number[];
}

/** A row that passed validation, ready to be stored. */
interface AcceptedRow {
  emails: string[];
  phone_numbers: string[];
  usernames: string[];
  region?: string;
  groups: string[];
  roles: string[];
  attributes: Record<string, Record<string, unknown>>;
  password?: string;
}

/**
 * A stateful SlashID: `POST /persons/bulk-import` and `GET /persons/bulk-import`, under `basePath`.
 *
 * - Auth: `SlashID-OrgID` missing → 400; `SlashID-API-Key` missing or unknown → 401; a key of another org
 *   (a wrong `SlashID-OrgID`) → 403; a member key on the import → 403. Bodies `{ errors: [{ httpcode,
 *   message }] }`.
 * - Import: the `persons` file part of a multipart/form-data body (missing part or another media type →
 *   400) is parsed with csv-parse by header. An unreadable CSV, an empty file, a duplicated column or a
 *   column `PersonCsvRow` does not know (the schema is closed) → 400; more than `maxRows` rows → 400. Each
 *   row (empty cells = absent) is validated against `PersonCsvRow` and its `slashid:attributes` cell against
 *   `AttributeBuckets` (plus keys ≤ 70 UTF-8 bytes, values ≤ 64 KiB, e-mail addresses containing an `@`,
 *   as the spec's `invalid email address` example shows). Failed rows, and rows refused by `rejectRate`,
 *   come back in `failed_csv`: the uploaded columns, cells as uploaded, plus a `reason` column. If storing
 *   the good rows would take the organization over `pricingTierLimit` persons, nothing is stored → 402.
 * - Existing persons (behaviour UNCONFIRMED at SlashID, see `existingPersons`): a row whose handle (email /
 *   phone / username) belongs to a person stored by an earlier upload either fails with `person already
 *   exists` (`refuse`, the default; counted in `alreadyExisting`, not in `rejected`) or updates that person
 *   (`upsert`: handles, groups and roles merged, region and password replaced, attributes merged per
 *   bucket; each later upload writing the person counts once in `rewrites`). Rows of one upload sharing a
 *   handle are merged into one person in both modes; a row whose handles belong to two different persons
 *   fails. So no handle is ever held by two persons (`duplicates`, counted from the persons, stays 0).
 * - `rejectRate` is decided once per person (by the row's first handle): a row re-uploaded gets the same
 *   verdict, and a refusal is counted in `rejected` once.
 * - Template: `text/csv` with the confirmed columns' header, `Content-Disposition: attachment;
 *   filename="persons.csv"`; admin and member keys.
 * - Faults: applied first to every request (bodies in SlashID's error envelope; 429 and 5xx are not in the
 *   spec, so clients see them as `undocumented`); a lost answer after an upload was processed in full.
 *   Script operations: `bulkImportPersons`, `getPersonsBulkImportTemplate`. A request whose caller gave up during a slow fault is
 *   not processed (it never left the queue).
 */
export function createSlashIdSimulator(options: SlashIdSimulatorOptions = {}): SlashIdSimulator {
  const apiKey = options.apiKey ?? "sim-key";
  const orgId = options.orgId ?? "sim-org";
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const faults = new FaultInjector(options.faults ?? {});
  const refuseExisting = (options.existingPersons ?? "refuse") === "refuse";
  const requests: Record<string, number> = {};
  const persons = new Map<number, MutablePerson>();
  /** `kind:value` of every stored handle → person id. */
  const handles = new Map<string, number>();
  const uploads: SimulatedUpload[] = [];
  let rewrites = 0;
  let alreadyExisting = 0;
  let rejected = 0;
  let nextPersonId = 1;

  function authenticate(request: Request, adminOnly: boolean): Response | undefined {
    const org = request.headers.get("slashid-orgid");
    if (org === null || org === "") return fail(400, "missing header: SlashID-OrgID");
    const key = request.headers.get("slashid-api-key");
    const known = key === apiKey || (key !== null && key === options.memberApiKey);
    if (key === null || key === "" || !known) return fail(401, "invalid API key");
    if (org !== orgId)
      return fail(403, "forbidden: the API key does not belong to this organization");
    if (adminOnly && key !== apiKey) return fail(403, "forbidden: an admin API key is required");
    return undefined;
  }

  function template(): Response {
    const body = stringify([], { header: true, columns: [...TEMPLATE_COLUMNS], quoted: true });
    return new Response(body, {
      status: 200,
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="persons.csv"',
      },
    });
  }

  async function bulkImport(request: Request): Promise<Response> {
    const contentType = request.headers.get("content-type") ?? "";
    if (!/^multipart\/form-data\s*;/i.test(contentType))
      return fail(400, "expected a multipart/form-data body");
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return fail(400, "unreadable multipart/form-data body");
    }
    const part = form.get("persons");
    if (part === null || typeof part === "string")
      return fail(400, "missing multipart form field: persons");
    const text = await part.text();

    let columns: string[] = [];
    let rows: Record<string, string>[];
    try {
      rows = parse(text, {
        bom: true,
        skip_empty_lines: true,
        columns: (header: string[]) => {
          columns = header;
          return header;
        },
      }) as Record<string, string>[];
    } catch (error) {
      return fail(400, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (columns.length === 0) return fail(400, "empty CSV: no header line");
    const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
    if (duplicated.length > 0)
      return fail(400, `duplicate CSV column(s): ${duplicated.join(", ")}`);
    const unknown = columns.filter((c) => !KNOWN_COLUMNS.has(c));
    if (unknown.length > 0) return fail(400, `unknown CSV column(s): ${unknown.join(", ")}`);

    const index = uploads.length + 1;
    const record = (status: number, result?: Schemas["PersonsBulkImportResult"]) =>
      uploads.push({ index, status, columns, rows, ...(result === undefined ? {} : { result }) });
    if (options.maxRows !== undefined && rows.length > options.maxRows) {
      record(400);
      return fail(400, `too many rows: ${rows.length} (at most ${options.maxRows} per file)`);
    }

    // Plan: validate every row and find the person it writes, without changing anything yet.
    const failures: { row: Record<string, string>; reason: string }[] = [];
    const planned: { row: AcceptedRow; target: number | "new" }[] = [];
    /**
     * Handles this upload writes → who gets them: `p<id>` a stored person, `n<i>` the new person planned at
     * position i. A later row with one of them writes the same person.
     */
    const claimed = new Map<string, string>();
    let rejectedHere = 0;
    let existingHere = 0;
    for (const row of rows) {
      const checked = checkRow(row);
      if (typeof checked === "string") {
        failures.push({ row, reason: checked });
        continue;
      }
      const keys = handleKeys(checked);
      const owners = new Set<string>();
      for (const k of keys) {
        const owner = claimed.get(k) ?? (handles.has(k) ? `p${handles.get(k)!}` : undefined);
        if (owner !== undefined) owners.add(owner);
      }
      if (refuseExisting && [...owners].some((o) => o.startsWith("p"))) {
        existingHere++;
        failures.push({ row, reason: SLASHID_ALREADY_EXISTS });
        continue;
      }
      const verdict = faults.verdict(keys[0]!);
      if (verdict.refused) {
        if (!verdict.again) rejectedHere++;
        failures.push({ row, reason: "the person could not be imported (simulated rejection)" });
        continue;
      }
      if (owners.size > 1) {
        failures.push({ row, reason: "the row's handles belong to more than one person" });
        continue;
      }
      let [owner] = owners;
      if (owner?.startsWith("n")) {
        mergeRow(planned[Number(owner.slice(1))]!.row, checked);
      } else if (owner !== undefined) {
        planned.push({ row: checked, target: Number(owner.slice(1)) });
      } else {
        planned.push({ row: checked, target: "new" });
        owner = `n${planned.length - 1}`;
      }
      for (const k of keys) claimed.set(k, owner);
    }

    const newPersons = planned.filter((p) => p.target === "new").length;
    if (
      options.pricingTierLimit !== undefined &&
      persons.size + newPersons > options.pricingTierLimit
    ) {
      record(402);
      return fail(402, "operation violated the limits specified in its pricing tier");
    }

    // Apply.
    rejected += rejectedHere;
    alreadyExisting += existingHere;
    for (const { row, target } of planned) {
      if (target === "new") {
        const person: MutablePerson = {
          id: nextPersonId++,
          key: row.emails[0] ?? row.phone_numbers[0] ?? row.usernames[0]!,
          emails: [],
          phone_numbers: [],
          usernames: [],
          groups: [],
          roles: [],
          attributes: {},
          uploads: [index],
        };
        mergeRow(person, row);
        persons.set(person.id, person);
        for (const k of handleKeys(row)) handles.set(k, person.id);
      } else {
        const person = persons.get(target)!;
        if (!person.uploads.includes(index)) {
          rewrites++;
          person.uploads.push(index);
        }
        mergeRow(person, row);
        for (const k of handleKeys(row)) handles.set(k, person.id);
      }
    }

    const result: Schemas["PersonsBulkImportResult"] = {
      successful_imports: rows.length - failures.length,
      failed_imports: failures.length,
    };
    if (failures.length > 0) {
      result.failed_csv = stringify(
        failures.map(({ row, reason }) => ({ ...row, [REASON_COLUMN]: reason })),
        { header: true, columns: [...columns, REASON_COLUMN], quoted: true, quoted_empty: true },
      );
    }
    record(200, result);
    const body: Schemas["PersonsBulkImportResponse"] = { result };
    return json(body);
  }

  return {
    vendor: "slashid",
    basePath,

    async handle(request) {
      const method = request.method.toUpperCase();
      const full = new URL(request.url).pathname;
      const path =
        basePath !== "" && (full === basePath || full.startsWith(`${basePath}/`))
          ? full.slice(basePath.length) || "/"
          : basePath === ""
            ? full
            : undefined;
      const route = path === IMPORT_PATH ? IMPORT_PATH : (path ?? full);
      const label = `${method} ${route}`;
      requests[label] = (requests[label] ?? 0) + 1;

      const operation =
        path !== IMPORT_PATH
          ? "unknown"
          : method === "POST"
            ? "bulkImportPersons"
            : method === "GET"
              ? "getPersonsBulkImportTemplate"
              : "unknown";
      return faults.run(
        { operation, writes: method === "POST" },
        (status) => errorBody(status, FAULT_MESSAGES[status] ?? "error"),
        request,
        async () => {
          // The caller gave up while the request was still queued (a slow fault): it is never processed.
          if (request.signal.aborted) throw new DropConnection();
          if (path !== IMPORT_PATH) return fail(404, "not found");
          if (method === "GET") return authenticate(request, false) ?? template();
          if (method === "POST") return authenticate(request, true) ?? (await bulkImport(request));
          return fail(405, "method not allowed");
        },
      );
    },

    stats(): SlashIdSimulatorStats {
      const duplicates = sharedHandles([...persons.values()]);
      return {
        requests: { ...requests },
        faults: { ...faults.counts },
        users: persons.size,
        duplicates,
        rewrites,
        duplicateWrites: duplicates,
        rejected,
        alreadyExisting,
      };
    },

    setFaults(next: FaultOptions): void {
      faults.setOptions(next);
    },

    persons() {
      return [...persons.values()].map(clonePerson);
    },

    uploads() {
      return uploads.map((u) => ({ ...u, rows: u.rows.map((r) => ({ ...r })) }));
    },
  };
}

function clonePerson(p: MutablePerson): SimulatedPerson {
  return {
    ...p,
    emails: [...p.emails],
    phone_numbers: [...p.phone_numbers],
    usernames: [...p.usernames],
    groups: [...p.groups],
    roles: [...p.roles],
    attributes: Object.fromEntries(
      Object.entries(p.attributes).map(([bucket, values]) => [bucket, { ...values }]),
    ),
    uploads: [...p.uploads],
  };
}

/** Handles held by more than one person: each would be a person imported twice. */
function sharedHandles(persons: readonly MutablePerson[]): number {
  const holders = new Map<string, number>();
  for (const person of persons)
    for (const k of new Set(handleKeys(person))) holders.set(k, (holders.get(k) ?? 0) + 1);
  let shared = 0;
  for (const n of holders.values()) if (n > 1) shared += 1;
  return shared;
}

/** `kind:value` of each handle of a row (the keys of the handle index). */
function handleKeys(row: AcceptedRow): string[] {
  return [
    ...row.emails.map((e) => `email:${e.toLowerCase()}`),
    ...row.phone_numbers.map((p) => `phone:${p}`),
    ...row.usernames.map((u) => `username:${u}`),
  ];
}

/** Merges `row` into `into`: lists are united, region and password replaced, attributes merged per bucket. */
function mergeRow(into: AcceptedRow, row: AcceptedRow): void {
  const unite = (a: string[], b: readonly string[]) => {
    for (const v of b) if (!a.includes(v)) a.push(v);
  };
  unite(into.emails, row.emails);
  unite(into.phone_numbers, row.phone_numbers);
  unite(into.usernames, row.usernames);
  unite(into.groups, row.groups);
  unite(into.roles, row.roles);
  if (row.region !== undefined) into.region = row.region;
  if (row.password !== undefined) into.password = row.password;
  for (const [bucket, values] of Object.entries(row.attributes)) {
    into.attributes[bucket] = { ...into.attributes[bucket], ...values };
  }
}

/** Comma-separated cell → trimmed values (empty ones dropped). */
const listOf = (cell: string | undefined): string[] =>
  cell === undefined
    ? []
    : cell
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");

/** Why a row fails (a `reason` for `failed_csv`), or the row ready to store. */
function checkRow(cells: Readonly<Record<string, string>>): AcceptedRow | string {
  const row: Record<string, string> = {};
  for (const [column, cell] of Object.entries(cells)) if (cell !== "") row[column] = cell;

  const problems = validate("#/components/schemas/PersonCsvRow", row).map(readable);
  const handleCount = HANDLE_COLUMNS.reduce((n, c) => n + listOf(row[c]).length, 0);
  if (handleCount === 0 && !problems.includes(NO_HANDLE)) problems.unshift(NO_HANDLE);
  for (const email of listOf(row["slashid:emails"])) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) problems.push(`invalid email address: ${email}`);
  }
  const regionCell = row["slashid:region"];
  if (regionCell !== undefined && !REGIONS.has(regionCell))
    problems.push(`slashid:region: unknown region [${regionCell}]`);

  let attributes: Record<string, Record<string, unknown>> = {};
  const cell = row["slashid:attributes"];
  if (cell !== undefined) {
    const decoded = checkAttributes(cell);
    if (typeof decoded === "string") problems.push(decoded);
    else attributes = decoded;
  }
  if (problems.length > 0) return problems.join("; ");

  const region = row["slashid:region"];
  const password = row["slashid:password"];
  return {
    emails: listOf(row["slashid:emails"]),
    phone_numbers: listOf(row["slashid:phone_numbers"]),
    usernames: listOf(row["slashid:usernames"]),
    ...(region === undefined ? {} : { region }),
    groups: listOf(row["slashid:groups"]),
    roles: listOf(row["slashid:roles"]),
    attributes,
    ...(password === undefined ? {} : { password }),
  };
}

const NO_HANDLE =
  "at least one handle is required (slashid:emails, slashid:phone_numbers or slashid:usernames)";

/** An ajv problem (`/slashid:region must be …`) as a reason (`slashid:region: must be …`). */
function readable(problem: string): string {
  const space = problem.indexOf(" ");
  const path = problem.slice(0, space);
  const message = problem.slice(space + 1);
  // The only `not` in PersonCsvRow is the "no handle at all" rule.
  if (path === "/" && message === "must NOT be valid") return NO_HANDLE;
  const where = path === "/" ? "row" : path.slice(1).replace(/~1/g, "/").replace(/~0/g, "~");
  return `${where}: ${message}`;
}

/** The decoded `slashid:attributes` cell, or why it is refused. */
function checkAttributes(cell: string): Record<string, Record<string, unknown>> | string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(cell);
  } catch (error) {
    return `slashid:attributes: not valid JSON (${error instanceof Error ? error.message : "unreadable"})`;
  }
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded))
    return "slashid:attributes: must be a JSON object of attribute buckets";
  const problems: string[] = [];
  for (const [bucket, values] of Object.entries(decoded)) {
    if (!BUCKETS.has(bucket)) {
      problems.push(`slashid:attributes: unknown attribute bucket [${bucket}]`);
      continue;
    }
    if (values === null || typeof values !== "object" || Array.isArray(values)) continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (Buffer.byteLength(key, "utf8") > ATTRIBUTE_KEY_MAX_BYTES)
        problems.push(
          `slashid:attributes: attribute key longer than ${ATTRIBUTE_KEY_MAX_BYTES} bytes [${key}]`,
        );
      const serialised = JSON.stringify(value) ?? "";
      if (Buffer.byteLength(serialised, "utf8") > ATTRIBUTE_VALUE_MAX_BYTES)
        problems.push(
          `slashid:attributes: value of [${key}] is larger than ${ATTRIBUTE_VALUE_MAX_BYTES} bytes`,
        );
    }
  }
  if (problems.length === 0) {
    // The schema's own rules (bucket values are objects, at most 6 buckets, non-empty keys).
    for (const p of validate("#/components/schemas/AttributeBuckets", decoded)) {
      const space = p.indexOf(" ");
      const path = p.slice(0, space);
      problems.push(`slashid:attributes${path === "/" ? "" : path}: ${p.slice(space + 1)}`);
    }
  }
  return problems.length > 0
    ? problems.join("; ")
    : (decoded as Record<string, Record<string, unknown>>);
}
