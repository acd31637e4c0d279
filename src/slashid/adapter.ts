import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { afterLostSend, failedBy, isFatal, wroteNothing } from "../core/engine/chunk-outcomes.js";
import { everyItem } from "../core/engine/outcomes.js";
import { wholeNumberOption } from "../core/options.js";
import type { SlashIdClient } from "./client.js";
import type { SlashIdFailureCode } from "./failure-codes.js";
import {
  SLASHID_CONFIRMED_COLUMNS,
  SLASHID_UNCONFIRMED_COLUMNS,
  type SlashIdColumn,
  type SlashIdCsvRow,
  type SlashIdPerson,
} from "./records.js";
import { checkSlashIdPerson } from "./validate.js";

export interface SlashIdAdapterOptions {
  /**
   * Most persons in one uploaded file. SlashID documents no row or file-size limit (UNCONFIRMED), so this
   * is a cautious ceiling; raise it if SlashID confirms more for your organization. (`chunkRecords` picks
   * the actual file size within it; see the adapter's `defaults`.)
   * @default 10000
   */
  maxRecords?: number;
}

type Outcome = ItemOutcome<SlashIdFailureCode>;

/** The code of a person SlashID listed in `failed_csv`. */
export const SLASHID_REJECTED = "rejected_by_vendor" satisfies SlashIdFailureCode;
/**
 * The code of a person SlashID's answer leaves in doubt: it counted failures its `failed_csv` does not
 * place, so this person may or may not have been imported.
 */
export const SLASHID_UNCONFIRMED = "import_unconfirmed" satisfies SlashIdFailureCode;

/**
 * How a row refused because its person exists reads (UNCONFIRMED: SlashID documents neither whether it
 * refuses an existing person nor the wording of `failed_csv` reasons).
 */
const ALREADY_EXISTS = /already exist|duplicate|conflict/i;

/** What a replayed upload's "already exists" means: the lost upload wrote the person, or it was there before. */
const EXISTED_NOTE =
  "SlashID answered that this person already exists: the earlier upload of this chunk, whose answer was lost, " +
  "imported them, or they existed before this import; SlashID's answer cannot tell which";

/**
 * The SlashID adapter for `runImport`: each chunk becomes one CSV file (header line, one row per person)
 * uploaded with `bulkImportPersons`, whose synchronous answer gives each person's outcome.
 *
 * - Columns: always the six confirmed ones (`slashid:emails`, `slashid:phone_numbers`, `slashid:usernames`,
 *   `slashid:region`, `slashid:groups`, `slashid:attributes`); the UNCONFIRMED `slashid:roles` and
 *   `slashid:password` only in files where some person has roles / a password.
 * - Limits (UNCONFIRMED by SlashID): files of at most `maxRecords` rows (default 10,000), 1,000 by default,
 *   one upload at a time.
 * - Outcomes: rows listed in `failed_csv` fail with code `rejected_by_vendor` and SlashID's reason (any
 *   column not named `slashid:*`). A row goes to the first person not yet matched whose uploaded row it
 *   echoes: equal in every `slashid:*` column both have (emails and usernames compared case-insensitively,
 *   phone numbers by their digits, each list in any order; other cells trimmed; the password, which SlashID
 *   may blank or mask, not compared), one whose row it repeats as written first; a row echoing only persons
 *   already matched repeats one of them and places no one. Rows that echo no one are matched after those
 *   that do: to a person whose handle cells they repeat (as written first), of those the one equal in the
 *   most other cells (SlashID may re-encode attributes); else to the person not yet matched that shares the
 *   most emails, phone numbers and usernames with it (ties: the first); a row sharing none with such a
 *   person places no one. The others are imported, unless that would report more persons imported than
 *   SlashID's `successful_imports`, or when its counts add up to more persons than the file held: then
 *   SlashID counted failures it did not list (or listed them unreadably, or counted nonsense), and every
 *   person not placed fails with code `import_unconfirmed`, as nobody can tell which of them were imported.
 * - 400 and 402 (pricing tier) fail the chunk with SlashID's messages; 401 / 403 stop the import.
 * - Replay (within the run after a lost answer, and on resume): the chunk is uploaded again. What SlashID does
 *   with a person that already exists is UNCONFIRMED, so both worlds are read: if it updates the person, the
 *   replay imports it; if it refuses the row as existing (a `failed_csv` reason matching /already exist|
 *   duplicate|conflict/i), the lost upload wrote it (or it existed before): imported, with a warning that says
 *   SlashID cannot tell which; unless a record of an earlier file has one of its handles, whose person
 *   explains the refusal: `import_unconfirmed`, as is a person sharing a handle with another person of the file (the
 *   lost upload may have written that one and refused this one). Other failures of a replayed upload carry a
 *   note that the lost upload may have imported the person.
 */
export function createSlashIdAdapter(
  client: SlashIdClient,
  options: SlashIdAdapterOptions = {},
): ImportAdapter<SlashIdPerson, SlashIdCsvRow> {
  const maxRecords = wholeNumberOption("maxRecords", options.maxRecords, 10_000);
  return {
    vendor: "slashid",
    destination: client.destination,
    scrub: (text) => client.scrub(text),
    replay: {
      by: "resend",
      why: "a chunk is uploaded again; SlashID either updates a person it has or refuses the row as existing, and in a replayed upload such a row was written by the lost upload (or existed before), so it counts as imported with a warning",
    },
    limits: { maxRecords },
    defaults: { chunkRecords: Math.min(1000, maxRecords), concurrency: 1 },
    keyOf: slashIdKeyOf,
    identitiesOf: slashIdIdentitiesOf,
    validate: checkSlashIdPerson,
    send: (chunk, context) => sendChunk(client, chunk, context),
  };
}

/**
 * The person's first email (lower-cased: SlashID keeps one person for emails that differ only in case, so
 * the engine's duplicate check must see them as one key), else first phone number, else first username
 * (each without the blanks around it, which SlashID does not keep either), else `#<index>`. Any value is
 * accepted (a record read from a file may not be an object), as the engine and the CLI's dry run key records
 * before validating them.
 */
export function slashIdKeyOf(person: SlashIdPerson, index: number): string {
  const p = person as Partial<SlashIdPerson> | null | undefined;
  return (
    firstOf(p?.emails)?.toLowerCase() ??
    firstOf(p?.phone_numbers) ??
    firstOf(p?.usernames) ??
    `#${index}`
  );
}

/**
 * Every handle of a person's row, compared as its key compares its first one (emails in lower case, the
 * others as written, trimmed): SlashID holds one person for all of them, so a record sharing any of them with
 * an earlier one is that record's person.
 */
export function* slashIdIdentitiesOf(row: SlashIdCsvRow): Iterable<string> {
  for (const [column, kind] of HANDLE_COLUMNS) {
    for (const value of (row[column as SlashIdColumn] ?? "").split(",")) {
      const handle = value.trim();
      if (handle !== "") yield `${kind}:${kind === "e" ? handle.toLowerCase() : handle}`;
    }
  }
}

/** The first value of a list, without the blanks around it (SlashID's cells are read trimmed). */
function firstOf(list: readonly string[] | undefined): string | undefined {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  const value = typeof first === "string" ? first.trim() : "";
  return value !== "" ? value : undefined;
}

async function sendChunk(
  client: SlashIdClient,
  chunk: Chunk<SlashIdCsvRow>,
  context: ChunkContext,
): Promise<ChunkResult<SlashIdFailureCode>> {
  const size = chunk.items.length;
  const persons = toCsv(chunk.items);
  // The upload is not idempotent: record that SlashID may act on it, so a re-run can say so.
  const uploadedBefore = context.resumed?.["uploaded"] === "1";
  if (!uploadedBefore) context.checkpoint({ uploaded: "1" });
  const result = await client.bulkImportPersons({ body: { persons }, signal: context.signal });
  if (!result.ok) {
    const error = result.error;
    // This upload imported nobody: neither a replay nor a re-run need warn.
    if (!uploadedBefore && wroteNothing(error)) context.checkpoint({ uploaded: "" });
    if (isFatal(error)) return { kind: "fatal", error };
    // A refusal speaks for its own upload only: the lost upload before it may have imported the persons.
    const failed = (outcome: Outcome) =>
      everyItem(size, uploadedBefore ? afterLostSend(outcome) : outcome);
    switch (error.status) {
      case 400:
        return failed({
          ok: false,
          code: "400",
          reason: `SlashID refused the file (400 Bad Request): ${messagesOf(error.body.errors)}`,
        });
      case 402:
        return failed({
          ok: false,
          code: "402",
          reason: `SlashID refused the import: pricing tier violation (402): ${messagesOf(error.body.errors)}`,
        });
      default:
        return failed(failedBy(error, "write"));
    }
  }
  return {
    kind: "done",
    outcomes: outcomesOf(chunk.items, result.data.result, uploadedBefore, chunk.repeated),
  };
}

/** The chunk as CSV: a header line, then one row per person, every non-empty cell quoted. */
function toCsv(items: readonly SlashIdCsvRow[]): string {
  const columns = [...columnsOf(items)];
  return stringify(items as SlashIdCsvRow[], { header: true, columns, quoted: true });
}

/**
 * The columns of the chunk's file: the confirmed ones, and each UNCONFIRMED one (specs/slashid.yaml
 * `x-unconfirmed`: roles, password) when some person has it.
 */
function columnsOf(items: readonly SlashIdCsvRow[]): readonly SlashIdColumn[] {
  const columns: SlashIdColumn[] = [...SLASHID_CONFIRMED_COLUMNS];
  for (const column of SLASHID_UNCONFIRMED_COLUMNS) {
    if (items.some((item) => item[column] !== undefined)) columns.push(column);
  }
  return columns;
}

function messagesOf(errors: readonly { message?: string }[] | undefined): string {
  // The envelope's fields are UNCONFIRMED (optional in the spec): a body without them has no message.
  const list: readonly unknown[] = Array.isArray(errors) ? errors : [];
  const text = list
    .map((e) => (typeof e === "object" && e !== null && "message" in e ? e.message : undefined))
    .filter((m): m is string => typeof m === "string" && m !== "")
    .join("; ");
  return text === "" ? "no message" : text;
}

interface ImportCounts {
  successful_imports: number;
  failed_imports: number;
  failed_csv?: string;
}

interface FailedRow {
  /** Its handles as compared (see handleKey). */
  readonly handles: readonly string[];
  /** Its `slashid:*` cells by column name (lower-cased), as compared (see cellKey). */
  readonly cells: ReadonlyMap<string, string>;
  /** Its `slashid:*` cells by column name (lower-cased), as written (see exactKey). */
  readonly exact: ReadonlyMap<string, string>;
  readonly reason: string;
}

/** One outcome per item, in order, from SlashID's counts and `failed_csv` (see createSlashIdAdapter). */
function outcomesOf(
  items: readonly SlashIdCsvRow[],
  counts: ImportCounts,
  uploadedBefore: boolean,
  repeated: ReadonlyMap<number, number> | undefined,
): Outcome[] {
  const outcomes = new Array<Outcome | undefined>(items.length);
  const failed = failedRowsOf(counts.failed_csv);
  let placed = 0;
  if (failed !== undefined && failed.length > 0) {
    const byHandle = indexByHandle(items);
    const sent = new Set<string>(columnsOf(items));
    // A password hash is not compared: SlashID may blank or mask the secret it echoes, and it tells no person
    // from another (the handles do).
    sent.delete("slashid:password");
    const free = new FreePositions(outcomes);
    const echoes = new EchoIndex(items, cellKey);
    const exactEchoes = new EchoIndex(items, exactKey);
    const place = (row: FailedRow, at: number) => {
      const existed = uploadedBefore && ALREADY_EXISTS.test(row.reason);
      const earlier = existed ? repeated?.get(at) : undefined;
      // Another person of this file holds one of its handles: SlashID may say this row exists because the lost
      // upload wrote that one, having refused (or merged) this one.
      const sharing =
        existed && earlier === undefined ? sharedWith(items, at, byHandle) : undefined;
      outcomes[at] =
        sharing !== undefined
          ? {
              ok: false,
              code: SLASHID_UNCONFIRMED,
              reason: `${row.reason}: this person shares its ${sharing} with another person of this file, whom the earlier upload of this chunk, whose answer was lost, may have imported in its place, so whether SlashID holds this person's values is unknown`,
            }
          : earlier !== undefined
            ? {
                // The person exists through an earlier file's record with its key: a SlashID that refuses an
                // existing person refused this row in the lost upload too.
                ok: false,
                code: SLASHID_UNCONFIRMED,
                reason: `${row.reason}: record ${earlier} of the input, in an earlier file of this import, has the same key or another of its handles, so SlashID may hold that record's person without this record's values`,
              }
            : existed
              ? { ok: true, note: EXISTED_NOTE }
              : uploadedBefore
                ? afterLostSend({ ok: false, code: SLASHID_REJECTED, reason: row.reason })
                : { ok: false, code: SLASHID_REJECTED, reason: row.reason };
      placed += 1;
    };
    // Echoed rows are placed first: a row matched only by shared handles must not take a person whose own
    // row comes later in failed_csv.
    const unechoed: FailedRow[] = [];
    for (const row of failed) {
      // A row repeating as written only persons earlier rows took is one of them again, not a case variant's.
      const at =
        echoedBy(row, row.exact, sent, exactEchoes, free, byHandle) ??
        echoedBy(row, row.cells, sent, echoes, free, byHandle);
      if (at === TAKEN) continue;
      if (at === undefined) unechoed.push(row);
      else place(row, at);
    }
    // A row whose other cells SlashID did not echo (a masked password, re-serialised attributes) is placed on
    // a person with the same handles before any other sharing some of them; one repeating only persons
    // already placed places no one.
    const loose: FailedRow[] = [];
    for (const row of unechoed) {
      const at =
        echoedByHandles(row, row.exact, sent, exactEchoes, free, items, byHandle) ??
        echoedByHandles(row, row.cells, sent, echoes, free, items, byHandle);
      if (at === TAKEN) continue;
      if (at === undefined) loose.push(row);
      else place(row, at);
    }
    for (const row of loose) {
      const at = sharingMost(row.handles, byHandle, free);
      if (at !== undefined) place(row, at);
    }
  }
  // Never report more persons imported than SlashID counted: if the persons not placed outnumber
  // `successful_imports`, some of them failed unlisted, and none of them can be called imported. Counts that
  // add up to more persons than the file held confirm nothing (as FullStory's do): SlashID said that more
  // failed than its failed_csv placed, or counted imports of persons it was never sent.
  const overcounted = counts.successful_imports + counts.failed_imports > items.length;
  const confirmed = !overcounted && items.length - placed <= counts.successful_imports;
  const unconfirmed: Outcome = {
    ok: false,
    code: SLASHID_UNCONFIRMED,
    reason:
      `SlashID imported ${counts.successful_imports} and failed ${counts.failed_imports} of ${items.length} ` +
      `persons in this file, but ${
        overcounted
          ? "that is more persons than the file held, so its counts confirm no import"
          : failed === undefined
            ? "its failed_csv could not be read"
            : `its failed_csv placed only ${placed} failure(s)`
      }, so whether this person was imported is unknown`,
  };
  const imported: Outcome = { ok: true };
  for (let i = 0; i < outcomes.length; i++) {
    outcomes[i] ??= confirmed ? imported : unconfirmed;
  }
  return outcomes as Outcome[];
}

/**
 * The rows of `failed_csv` with their handles and reason; [] when absent or empty, undefined when it does
 * not parse. Read by header: `slashid:*` columns are the row, any other non-empty column is the reason.
 */
function failedRowsOf(text: string | undefined): FailedRow[] | undefined {
  if (text === undefined || text.trim() === "") return [];
  let rows: Record<string, string | undefined>[];
  try {
    rows = parse<Record<string, string | undefined>>(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch {
    return undefined;
  }
  return rows.map((row) => {
    const handles: string[] = [];
    const cells = new Map<string, string>();
    const exact = new Map<string, string>();
    const reasons: [column: string, value: string][] = [];
    for (const [column, value = ""] of Object.entries(row)) {
      const name = column.trim().toLowerCase();
      if (name.startsWith("slashid:")) {
        cells.set(name, cellKey(name, value));
        exact.set(name, exactKey(name, value));
        const kind = HANDLE_COLUMNS.get(name);
        if (kind !== undefined) addHandles(handles, kind, value);
      } else if (value.trim() !== "") reasons.push([column.trim(), value.trim()]);
    }
    const [only] = reasons;
    const reason =
      only === undefined
        ? "SlashID did not import this person and gave no reason"
        : reasons.length === 1
          ? only[1]
          : reasons
              .map(([column, value]) => (column === "" ? value : `${column}: ${value}`))
              .join("; ");
    return { handles, cells, exact, reason };
  });
}

type HandleKind = "e" | "p" | "u";

const HANDLE_COLUMNS: ReadonlyMap<string, HandleKind> = new Map<SlashIdColumn, HandleKind>([
  ["slashid:emails", "e"],
  ["slashid:phone_numbers", "p"],
  ["slashid:usernames", "u"],
]);
/** Columns holding comma-separated lists that are not handles. */
const LIST_COLUMNS: ReadonlySet<string> = new Set<SlashIdColumn>([
  "slashid:groups",
  "slashid:roles",
]);

/**
 * A cell as compared with the row SlashID echoes in `failed_csv`: handles as handleKey compares them, in any
 * order; the values of other lists and any other cell trimmed.
 */
function cellKey(column: string, cell: string): string {
  const kind = HANDLE_COLUMNS.get(column);
  if (kind !== undefined) {
    const keys = cell.split(",").flatMap((value) => handleKey(kind, value) ?? []);
    return JSON.stringify([...new Set(keys)].sort());
  }
  if (LIST_COLUMNS.has(column)) {
    return JSON.stringify(cell.split(",").flatMap((value) => value.trim() || []));
  }
  return cell.trim();
}

/**
 * A cell as written: handles trimmed and in any order, but neither lower-cased nor reduced to digits. Persons
 * whose handles differ only so ("Bob" and "bob", "+13475043201" and "+1 347 504 3201") have distinct keys and
 * may be distinct persons at SlashID: an echo equal to one of them as written is that one's row.
 */
function exactKey(column: string, cell: string): string {
  if (!HANDLE_COLUMNS.has(column)) return cellKey(column, cell);
  const values = cell.split(",").flatMap((value) => value.trim() || []);
  return JSON.stringify([...new Set(values)].sort());
}

function addHandles(into: string[], kind: HandleKind, cell: string): void {
  for (const value of cell.split(",")) {
    const key = handleKey(kind, value);
    if (key !== undefined) into.push(key);
  }
}

/** A handle as compared: emails and usernames trimmed and lower-cased, phone numbers by their digits. */
function handleKey(kind: HandleKind, value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (kind === "p") {
    const digits = trimmed.replace(/\D/g, "");
    return `p:${digits === "" ? trimmed : digits}`;
  }
  return `${kind}:${trimmed.toLowerCase()}`;
}

/**
 * Which handle of the item at `at` another item of the file has too ("email", "phone number", "username"),
 * named by kind so that the reason carries no one's data; undefined when none.
 */
function sharedWith(
  items: readonly SlashIdCsvRow[],
  at: number,
  byHandle: ReadonlyMap<string, readonly number[]>,
): string | undefined {
  const item = items[at]!;
  for (const [column, kind] of HANDLE_COLUMNS) {
    for (const value of (item[column as SlashIdColumn] ?? "").split(",")) {
      const key = handleKey(kind, value);
      if (key !== undefined && (byHandle.get(key)?.length ?? 0) > 1) return HANDLE_NAMES[kind];
    }
  }
  return undefined;
}

const HANDLE_NAMES: Readonly<Record<HandleKind, string>> = {
  e: "email",
  p: "phone number",
  u: "username",
};

/** Handle → positions of the items that have it, ascending. */
function indexByHandle(items: readonly SlashIdCsvRow[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  const add = (kind: HandleKind, cell: string | undefined, at: number) => {
    if (cell === undefined) return;
    for (const value of cell.split(",")) {
      const key = handleKey(kind, value);
      if (key === undefined) continue;
      const list = index.get(key);
      if (list === undefined) index.set(key, [at]);
      else if (list[list.length - 1] !== at) list.push(at);
    }
  };
  items.forEach((item, at) => {
    add("e", item["slashid:emails"], at);
    add("p", item["slashid:phone_numbers"], at);
    add("u", item["slashid:usernames"], at);
  });
  return index;
}

/**
 * The positions of a list (ascending) not yet given an outcome, from the first on: positions only ever go from
 * free to taken, so a cursor per list skips the taken ones for good (a handle many persons share is not
 * walked again for every row of `failed_csv`).
 */
class FreePositions {
  readonly #cursors = new Map<readonly number[], number>();

  constructor(private readonly outcomes: readonly (ItemOutcome | undefined)[]) {}

  isFree(at: number): boolean {
    return this.outcomes[at] === undefined;
  }

  /** The first free position of `list`. */
  first(list: readonly number[]): number | undefined {
    let at = this.#cursors.get(list) ?? 0;
    while (at < list.length && !this.isFree(list[at]!)) at += 1;
    this.#cursors.set(list, at);
    return list[at];
  }

  /** The free positions of `list`, in order, from the first. */
  *all(list: readonly number[]): Generator<number> {
    if (this.first(list) === undefined) return;
    for (let at = this.#cursors.get(list)!; at < list.length; at++) {
      if (this.isFree(list[at]!)) yield list[at]!;
    }
  }
}

/**
 * The items grouped by their cells in a set of columns, as `keyOf` compares them (cellKey, or exactKey for
 * the cells as written): the items whose row a failed row echoes are the group of the failed row's own cells. One grouping per set of columns compared
 * (one for a `failed_csv` whose rows all have its header's columns).
 */
class EchoIndex {
  readonly #groups = new Map<string, Map<string, number[]>>();

  constructor(
    private readonly items: readonly SlashIdCsvRow[],
    private readonly keyOf: (column: string, cell: string) => string,
  ) {}

  /** The positions (ascending) of the items whose cells in `columns` are `cells`. */
  positions(columns: readonly string[], cells: readonly string[]): readonly number[] {
    const columnsKey = JSON.stringify(columns);
    let groups = this.#groups.get(columnsKey);
    if (groups === undefined) {
      groups = new Map();
      this.items.forEach((item, at) => {
        const key = digest(
          columns.map((column) => this.keyOf(column, item[column as SlashIdColumn] ?? "")),
        );
        const group = groups!.get(key);
        if (group === undefined) groups!.set(key, [at]);
        else group.push(at);
      });
      this.#groups.set(columnsKey, groups);
    }
    return groups.get(digest(cells)) ?? [];
  }
}

/** A digest of a list of cells: the groups are keyed by it, not by a copy of every row's text. */
function digest(cells: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(cells)).digest("base64");
}

/**
 * The earliest item not yet given an outcome whose row the failed row echoes: every `slashid:*` column both
 * have holds the same cell (`cells`: the row's cells as cellKey compares them, or as written, see exactKey).
 * A row without handles echoes no one; {@link TAKEN} when every person the row echoes has its outcome already.
 */
function echoedBy(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  byHandle: ReadonlyMap<string, readonly number[]>,
): number | typeof TAKEN | undefined {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column));
  const positions = echoes.positions(
    compared.map(([column]) => column),
    compared.map(([, cell]) => cell),
  );
  // The echoing item must hold the row's rarest handle. An item equal in every compared cell holds all the
  // row's handles, unless failed_csv names a handle column twice (in another case, with other blanks): the
  // row's handles then come from both, its cells from the last one.
  const rarest = rarestOf(row.handles, byHandle);
  const first = free.first(positions);
  if (first === undefined) return positions.length > 0 ? TAKEN : undefined;
  if (holds(rarest, first)) return first;
  return positions.find((at) => free.isFree(at) && holds(rarest, at));
}

/** The positions holding the handle of `handles` the fewest items hold. */
function rarestOf(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
): readonly number[] {
  let rarest: readonly number[] | undefined;
  for (const handle of handles) {
    const list = byHandle.get(handle) ?? [];
    if (rarest === undefined || list.length < rarest.length) rarest = list;
  }
  return rarest ?? [];
}

/**
 * For a row that echoes no one: the person not yet given an outcome whose handle cells it repeats (`cells`: as
 * cellKey compares them, or as written), of those the one equal to it in the most other cells (ties: the
 * earliest); {@link TAKEN} when every such person has its outcome already, undefined when there is none.
 */
function echoedByHandles(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  items: readonly SlashIdCsvRow[],
  byHandle: ReadonlyMap<string, readonly number[]>,
): number | typeof TAKEN | undefined {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column) && HANDLE_COLUMNS.has(column));
  const positions = echoes.positions(
    compared.map(([column]) => column),
    compared.map(([, cell]) => cell),
  );
  if (positions.length === 0) return undefined;
  if (free.first(positions) === undefined) return TAKEN;
  // As in echoedBy: the person must hold the row's rarest handle (a handle column named twice).
  const rarest = rarestOf(row.handles, byHandle);
  const others = [...row.cells].filter(
    ([column]) => sent.has(column) && !HANDLE_COLUMNS.has(column),
  );
  let best: number | undefined;
  let most = -1;
  let weighed = 0;
  for (const at of free.all(positions)) {
    if (!holds(rarest, at)) continue;
    const item = items[at]!;
    let equal = 0;
    for (const [column, cell] of others)
      if (cellKey(column, item[column as SlashIdColumn] ?? "") === cell) equal += 1;
    if (equal > most) {
      best = at;
      most = equal;
    }
    // Persons with the same handles are the same person written more than once: the first few weighed
    // tell them apart as well as all would, and a file of thousands of them is not walked per row.
    if (equal === others.length || ++weighed === MAX_WEIGHED) break;
  }
  return best;
}

/** How many persons with a row's handles {@link echoedByHandles} compares it with, at most. */
const MAX_WEIGHED = 64;

/** What {@link echoedBy} answers for a row that echoes persons, all of them placed already. */
const TAKEN = "taken";

/**
 * The item not yet given an outcome that shares the most handles with the failed row (ties: the earliest).
 * The handles' lists are walked shortest first, and only while an item not met yet could still share as
 * many handles as the best so far; the longest is never walked: an item only it holds shares one handle,
 * and of those only the earliest free one can win.
 */
function sharingMost(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  free: FreePositions,
): number | undefined {
  const lists: (readonly number[])[] = [];
  for (const handle of new Set(handles)) {
    const list = byHandle.get(handle);
    if (list !== undefined && list.length > 0) lists.push(list);
  }
  lists.sort((a, b) => a.length - b.length);
  const met = new Set<number>();
  let best: number | undefined;
  let most = 0;
  const consider = (at: number, count: number) => {
    if (count > most || (count === most && best !== undefined && at < best)) {
      best = at;
      most = count;
    }
  };
  for (let j = 0; j < lists.length; j++) {
    // An item in none of the lists walked so far shares at most the handles of the lists left.
    const left = lists.length - j;
    if (most > left) break;
    const list = lists[j]!;
    if (left === 1) {
      // Its free items met in no other list share this one handle: the earliest of them is the only candidate,
      // and it was not met (one met here would share two handles, more than `most`).
      const first = free.first(list);
      if (first !== undefined) consider(first, 1);
      break;
    }
    for (const at of list) {
      if (!free.isFree(at) || met.has(at)) continue;
      met.add(at);
      let count = 1;
      for (let k = j + 1; k < lists.length; k++) if (holds(lists[k]!, at)) count += 1;
      consider(at, count);
    }
  }
  return best;
}

/** Whether the ascending `list` holds `at`. */
function holds(list: readonly number[], at: number): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = list[middle]!;
    if (value === at) return true;
    if (value < at) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
