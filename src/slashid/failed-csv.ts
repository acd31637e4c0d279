// Which person each part of SlashID's answer to an upload speaks of: its counts and `failed_csv` (the rows it
// refused, echoed back in a layout SlashID leaves UNCONFIRMED) made into one outcome per person of the file.
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import type { ItemOutcome } from "../core/engine/adapter.js";
import { afterLostSend } from "../core/engine/chunk-outcomes.js";
import type { SlashIdFailureCode } from "./failure-codes.js";
import { columnsOf, type SlashIdColumn, type SlashIdCsvRow } from "./records.js";

type Outcome = ItemOutcome<SlashIdFailureCode>;

/**
 * The code of a person SlashID listed in `failed_csv`, or that its rows matching persons equally, or its
 * counts, settle it refused (see settleTies).
 */
export const SLASHID_REJECTED = "rejected_by_vendor" satisfies SlashIdFailureCode;
/**
 * The code of a person SlashID's answer leaves in doubt: it counted failures its `failed_csv` does not
 * place, or listed a failed row that this person and others match equally without saying which of them it
 * refused (and neither its other rows nor its counts settle that it refused them all), so this person may or
 * may not have been imported.
 */
export const SLASHID_UNCONFIRMED = "import_unconfirmed" satisfies SlashIdFailureCode;

/**
 * How a row refused because its person exists reads (UNCONFIRMED: SlashID documents neither whether it
 * refuses an existing person nor the wording of `failed_csv` reasons).
 */
const ALREADY_EXISTS = /already exist|duplicate|conflict/i;

/**
 * What a replayed upload's "already exists" means: the lost upload wrote the person, or someone else did (before
 * this import, or another import meanwhile), whose values SlashID then holds rather than this record's.
 */
const EXISTED_NOTE =
  "SlashID answered that this person already exists: the earlier upload of this chunk, whose answer was lost, " +
  "imported them, or they existed before (or another import created them meanwhile), and then SlashID holds " +
  "that person with its own values, not necessarily this record's; SlashID's answer cannot tell which";

interface ImportCounts {
  successful_imports: number;
  failed_imports: number;
  /** Text per the spec, read as unknown: a value of another type (`null`, a list) is an unreadable one. */
  failed_csv?: unknown;
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
export function outcomesOf(
  items: readonly SlashIdCsvRow[],
  counts: ImportCounts,
  uploadedBefore: boolean,
  repeated: ReadonlyMap<number, number> | undefined,
): Outcome[] {
  const outcomes = new Array<Outcome | undefined>(items.length);
  const failed = failedRowsOf(counts.failed_csv);
  // Counts calling every person of the file failed settle that a person no row places failed too.
  const allFailed = counts.successful_imports === 0 && counts.failed_imports === items.length;
  let placed = 0;
  // Failed rows that place no one: persons never sent, or persons of this file echoed past recognition.
  let strays = 0;
  if (failed !== undefined && failed.length > 0) {
    const byHandle = indexByHandle(items);
    const sent = new Set<string>(columnsOf(items));
    // A password hash is not compared: SlashID may blank or mask the secret it echoes, and it tells no person
    // from another (the handles do).
    sent.delete("slashid:password");
    const free = new FreePositions(outcomes, byHandle.values());
    const alike = new Alike(items, free);
    const echoes = new EchoIndex(items, cellKey);
    const exactEchoes = new EchoIndex(items, exactKey);
    const echoed = (row: FailedRow) =>
      echoedBy(row, row.exact, sent, exactEchoes, free, byHandle, alike) ??
      echoedBy(row, row.cells, sent, echoes, free, byHandle, alike);
    const echoedOnHandles = (row: FailedRow) =>
      echoedByHandles(row, row.exact, sent, exactEchoes, free, items, byHandle, alike) ??
      echoedByHandles(row, row.cells, sent, echoes, free, items, byHandle, alike);
    // The rows echoing persons that they cannot tell apart, each weighed again as its pass weighs it (see
    // weighLoose).
    const tied = new Map<FailedRow, () => Weight>();
    const place = (row: FailedRow, at: number) => {
      const existed = uploadedBefore && ALREADY_EXISTS.test(row.reason);
      const earlier = existed ? repeated?.get(at) : undefined;
      // Another person of this file holds one of its handles: SlashID may say this row exists because the lost
      // upload wrote that one, having refused (or merged) this one.
      const sharing =
        existed && earlier === undefined ? sharedWith(items, at, byHandle) : undefined;
      free.settle(
        at,
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
                : { ok: false, code: SLASHID_REJECTED, reason: row.reason },
      );
      placed += 1;
    };
    // Echoed rows are placed first: a row matched only by shared handles must not take a person whose own
    // row comes later in failed_csv.
    const unechoed: FailedRow[] = [];
    for (const row of failed) {
      // A row repeating as written only persons earlier rows took is one of them again, not a case variant's.
      const at = echoed(row);
      if (at === TAKEN) continue;
      if (at === undefined) unechoed.push(row);
      else if (typeof at === "number") place(row, at);
      else tied.set(row, () => echoed(row) ?? echoedOnHandles(row));
    }
    // A row whose other cells SlashID did not echo (a masked password, re-serialised attributes) is placed on
    // a person with the same handles before any other sharing some of them; one repeating only persons
    // already placed places no one. The rest go to the person sharing the most handles with them, and those
    // several persons share as many with are placed on no one (see weighLoose).
    const loose: FailedRow[] = [];
    for (const row of unechoed) {
      const at = echoedOnHandles(row);
      if (at === TAKEN) continue;
      if (at === undefined) loose.push(row);
      else if (typeof at === "number") place(row, at);
      else tied.set(row, () => echoedOnHandles(row));
    }
    // Rows tied over the persons they echo are weighed before the others: once other rows take all of them
    // but one, that one is theirs.
    const weighed = weighLoose([...tied.keys(), ...loose], tied, byHandle, free, place);
    strays += weighed.strays;
    placed += settleTies(weighed.ties, free, allFailed, uploadedBefore);
  }
  // Never report more persons imported than SlashID counted: if the persons not placed outnumber
  // `successful_imports`, some of them failed unlisted, and none of them can be called imported. Counts that
  // add up to more persons than the file held confirm nothing (as FullStory's do): SlashID said that more
  // failed than its failed_csv placed, or counted imports of persons it was never sent.
  // A count below zero (the spec's `minimum: 0`, which the client's answer check leaves alone) is no count: it
  // would let `successful_imports` pass the file's size while the sum still fits.
  const negative = counts.successful_imports < 0 || counts.failed_imports < 0;
  const overcounted = negative || counts.successful_imports + counts.failed_imports > items.length;
  const confirmed = !overcounted && items.length - placed <= counts.successful_imports;
  // SlashID counted more persons imported than it left unlisted: some it listed as failed it also counted
  // imported, and nobody can tell which, so none of them is reported refused.
  const contradicted = negative || counts.successful_imports > items.length - placed;
  if (contradicted) {
    const counted = `, yet SlashID counted ${counts.successful_imports} of the ${items.length} persons in this file imported, more than the ${items.length - placed} it did not list, so whether this person was imported is unknown`;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome?.ok === false && outcome.code === SLASHID_REJECTED)
        outcomes[i] = {
          ...outcome,
          code: SLASHID_UNCONFIRMED,
          reason: `${outcome.reason}${counted}`,
        };
    }
  }
  const unconfirmed: Outcome = {
    ok: false,
    code: SLASHID_UNCONFIRMED,
    reason:
      `SlashID imported ${counts.successful_imports} and failed ${counts.failed_imports} of ${items.length} ` +
      `persons in this file, but ${
        negative
          ? "a count below zero is no count, so its counts confirm no import"
          : overcounted
            ? "that is more persons than the file held, so its counts confirm no import"
            : failed === undefined
              ? "its failed_csv could not be read"
              : `its failed_csv placed only ${placed} failure(s)`
      }, so whether this person was imported is unknown`,
  };
  // The counts may confirm the persons not placed, yet SlashID listed a failure it did not count or could be
  // one of them, or sent a failed_csv that cannot be read (why send one if nothing failed?): the report says
  // so rather than take either word alone.
  const doubt =
    failed === undefined
      ? listsNothing(counts.failed_csv)
        ? undefined
        : UNREAD_NOTE
      : strays > 0
        ? `SlashID's failed_csv lists ${strays} failed row(s) that match no person of this file, so ` +
          "whether they echo this person, whom SlashID's counts call imported, is unknown: this person " +
          "may not have been imported"
        : undefined;
  const imported: Outcome = doubt === undefined ? { ok: true } : { ok: true, note: doubt };
  const refused: Outcome = {
    ok: false,
    code: SLASHID_REJECTED,
    reason:
      `SlashID counted all ${items.length} persons in this file failed, none imported, but ${
        failed === undefined
          ? "its failed_csv could not be read"
          : "its failed_csv does not list this person's row"
      }, so its reason is unknown`,
  };
  // An upload sent before may have imported the person that this one's count calls failed (it exists now).
  const unlisted = allFailed ? (uploadedBefore ? afterLostSend(refused) : refused) : unconfirmed;
  for (let i = 0; i < outcomes.length; i++) {
    outcomes[i] ??= confirmed ? imported : unlisted;
  }
  return outcomes as Outcome[];
}

/** The warning on a person counted imported beside a failed_csv that lists someone unreadably. */
const UNREAD_NOTE =
  "SlashID sent a failed_csv that could not be read, so whether it lists this person, whom SlashID's " +
  "counts call imported, is unknown: this person may not have been imported";

/**
 * Whether an unreadable `failed_csv` (see failedRowsOf) lists no one: `null` (how a serializer may write the
 * field's absence) or an empty list or object. Anything else is a list SlashID sent that could not be read.
 */
function listsNothing(value: unknown): boolean {
  return value === null || (typeof value === "object" && Object.keys(value).length === 0);
}

/**
 * The rows of `failed_csv` with their handles and reason; [] when absent, empty or a header alone (how a CSV
 * of no failed rows may come), undefined when it is not text, does not parse, or its first line names no
 * `slashid:*` column. Read by header: `slashid:*` columns are the row, any other non-empty column is the
 * reason.
 */
function failedRowsOf(text: unknown): FailedRow[] | undefined {
  if (text === undefined) return [];
  if (typeof text !== "string") return undefined;
  if (text.trim() === "") return [];
  let rows: Record<string, string | string[] | undefined>[];
  let header: readonly string[] = [];
  try {
    rows = parse<Record<string, string | string[] | undefined>>(text, {
      columns: (names: string[]) => (header = names),
      // A column named twice keeps both cells (in order), as one named twice in another case does.
      group_columns_by_name: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch {
    return undefined;
  }
  // Every row SlashID refuses has a handle, so the CSV it echoes them in names a `slashid:*` column. A first
  // line naming none is no header of it: a failed row sent without one (the only row, if no other follows),
  // or a message, so what it lists is unknown.
  if (!header.some((name) => name.trim().toLowerCase().startsWith("slashid:"))) return undefined;
  return rows.map((row) => {
    const handles: string[] = [];
    const cells = new Map<string, string>();
    const exact = new Map<string, string>();
    const reasons: [column: string, value: string][] = [];
    const columns = Object.entries(row).flatMap(([column, value = ""]) =>
      (Array.isArray(value) ? value : [value]).map((cell) => [column, cell] as const),
    );
    for (const [column, value] of columns) {
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

export type HandleKind = "e" | "p" | "u";

export const HANDLE_COLUMNS: ReadonlyMap<string, HandleKind> = new Map<SlashIdColumn, HandleKind>([
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
 * walked again for every row of `failed_csv`). Outcomes are given through it, so that it keeps count of the
 * free positions of each handle's list: a row many persons share a handle with is weighed without walking
 * them.
 */
class FreePositions {
  readonly #cursors = new Map<readonly number[], number>();
  readonly #counts = new Map<readonly number[], number>();
  /** The counted lists holding each position. */
  readonly #listsOf: (readonly number[])[][];

  /** `counted`: the lists whose free positions {@link freeIn} counts; no position has an outcome yet. */
  constructor(
    private readonly outcomes: (Outcome | undefined)[],
    counted: Iterable<readonly number[]>,
  ) {
    this.#listsOf = Array.from({ length: outcomes.length }, () => []);
    for (const list of counted) {
      this.#counts.set(list, list.length);
      for (const at of list) this.#listsOf[at]!.push(list);
    }
  }

  isFree(at: number): boolean {
    return this.outcomes[at] === undefined;
  }

  /** Gives the position its outcome. */
  settle(at: number, outcome: Outcome): void {
    if (this.isFree(at))
      for (const list of this.#listsOf[at]!) this.#counts.set(list, this.#counts.get(list)! - 1);
    this.outcomes[at] = outcome;
  }

  /** Counts the free positions of `list` from now on, as of the lists counted from the start. */
  count(list: readonly number[]): void {
    if (this.#counts.has(list)) return;
    let count = 0;
    for (const at of list) {
      this.#listsOf[at]!.push(list);
      if (this.isFree(at)) count += 1;
    }
    this.#counts.set(list, count);
  }

  /** The counted lists holding the position. */
  listsHolding(at: number): readonly (readonly number[])[] {
    return this.#listsOf[at]!;
  }

  /** How many positions of a counted list are free. */
  freeIn(list: readonly number[]): number {
    return this.#counts.get(list) ?? 0;
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

  /** The positions (ascending) of the items whose cells are `compared` (column → cell, as `keyOf` makes it). */
  positions(compared: readonly (readonly [column: string, cell: string])[]): readonly number[] {
    const columns = compared.map(([column]) => column);
    const cells = compared.map(([, cell]) => cell);
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
 * A row without handles echoes no one; {@link TAKEN} when every person the row echoes has its outcome
 * already; a {@link Tie} over the persons it echoes when their handles differ (see {@link Alike}).
 */
function echoedBy(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  byHandle: ReadonlyMap<string, readonly number[]>,
  alike: Alike,
): Weight {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column));
  const positions = echoes.positions(compared);
  // The echoing item must hold the row's rarest handle. An item equal in every compared cell holds all the
  // row's handles, unless failed_csv names a handle column twice (under the same name, in another case, or
  // with other blanks): the row's handles then come from both, its cells from the last one.
  const rarest = rarestOf(row.handles, byHandle);
  const first = free.first(positions);
  if (first === undefined) return positions.length > 0 ? TAKEN : undefined;
  if (!alike.all(positions)) return alike.among(positions, rarest);
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
 * earliest, or a {@link Tie} over them when their handles differ, see {@link Alike}); {@link TAKEN} when
 * every such person has its outcome already, undefined when there is none.
 */
function echoedByHandles(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  items: readonly SlashIdCsvRow[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  alike: Alike,
): Weight {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column) && HANDLE_COLUMNS.has(column));
  const positions = echoes.positions(compared);
  if (positions.length === 0) return undefined;
  if (free.first(positions) === undefined) return TAKEN;
  // As in echoedBy: the person must hold the row's rarest handle (a handle column named twice).
  const rarest = rarestOf(row.handles, byHandle);
  const others = [...row.cells].filter(
    ([column]) => sent.has(column) && !HANDLE_COLUMNS.has(column),
  );
  if (!alike.all(positions))
    return alike.weighed(positions, rarest, JSON.stringify(others), () => {
      // Persons whose handles differ are tied when equal in as many other cells, so all of them are weighed:
      // by the persons equal to the row in each cell, which its cells find (not by walking every one of them
      // per row). A cell all of them hold alike tells no one apart, and is not walked.
      const equal = new Map<number, number>();
      for (const other of others) {
        const holding = echoes.positions([...compared, other]);
        if (holding.length === 0) continue;
        free.count(holding);
        if (free.freeIn(holding) === free.freeIn(positions)) continue;
        for (const at of free.all(holding))
          if (holds(rarest, at)) equal.set(at, (equal.get(at) ?? 0) + 1);
      }
      let most = 0;
      for (const count of equal.values()) most = Math.max(most, count);
      if (most === 0) return alike.among(positions, rarest);
      const best = [...equal].flatMap(([at, count]) => (count === most ? [at] : []));
      return alike.one(best.sort((a, b) => a - b));
    });
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

/** Who a failed row is weighed to be: a person, a {@link Tie}, {@link TAKEN}, or no one (undefined). */
type Weight = number | Tie | typeof TAKEN | undefined;

/**
 * Tells apart persons a failed row echoes alike (on the columns SlashID echoed, or compared as cellKey does):
 * by their handles as written (see exactKey) in every handle column. Those with the same handles are one
 * person at SlashID written more than once, and the row is placed on the first, as rows of the same handles
 * are. Those whose handles differ (in a handle column SlashID left out, or as written) may be distinct
 * persons at SlashID, which did not say which of them it refused: the row is a {@link Tie} over them.
 */
class Alike {
  /** Each item's handles as written, once asked for. */
  readonly #handles: (string | undefined)[];
  readonly #all = new Map<readonly number[], boolean>();
  /** The answers of {@link weighed} for a list by the row's other cells, while its free positions stay. */
  readonly #answers = new Map<
    readonly number[],
    { free: number; rarest: readonly number[]; by: Map<string, number | Tie | undefined> }
  >();

  constructor(
    private readonly items: readonly SlashIdCsvRow[],
    private readonly free: FreePositions,
  ) {
    this.#handles = new Array<string | undefined>(items.length);
  }

  #handlesOf(at: number): string {
    return (this.#handles[at] ??= JSON.stringify(
      [...HANDLE_COLUMNS.keys()].map((column) =>
        exactKey(column, this.items[at]![column as SlashIdColumn] ?? ""),
      ),
    ));
  }

  /** Whether all the items of `list` have the same handles (free or not: then the free ones have too). */
  all(list: readonly number[]): boolean {
    if (list.length === 1) return true;
    let all = this.#all.get(list);
    if (all === undefined) {
      const first = this.#handlesOf(list[0]!);
      all = list.every((at) => this.#handlesOf(at) === first);
      this.#all.set(list, all);
    }
    return all;
  }

  /** The first of `persons` (ascending) when all have the same handles, else a tie over them (none: none). */
  one(persons: readonly number[]): number | Tie | undefined {
    const [first] = persons;
    if (first === undefined) return undefined;
    const handles = this.#handlesOf(first);
    if (persons.every((at) => this.#handlesOf(at) === handles)) return first;
    return { lists: [persons], count: persons.length, key: `echo:${digest(persons.map(String))}` };
  }

  /** {@link one} of the free items of `list` that hold a handle of the list `rarest`. */
  among(list: readonly number[], rarest: readonly number[]): number | Tie | undefined {
    return this.weighed(list, rarest, "", () =>
      this.one([...this.free.all(list)].filter((at) => holds(rarest, at))),
    );
  }

  /**
   * `weigh()`, which weighs the free items of `list` for a row by the list of its rarest handle, `rarest`,
   * and its other cells, `others`; answered again to such rows while no item of `list` has been placed
   * since: rows that many persons echo alike, all tied, do not walk them one by one.
   */
  weighed(
    list: readonly number[],
    rarest: readonly number[],
    others: string,
    weigh: () => number | Tie | undefined,
  ): number | Tie | undefined {
    this.free.count(list);
    let answers = this.#answers.get(list);
    if (
      answers === undefined ||
      answers.free !== this.free.freeIn(list) ||
      answers.rarest !== rarest
    ) {
      answers = { free: this.free.freeIn(list), rarest, by: new Map() };
      this.#answers.set(list, answers);
    }
    if (answers.by.has(others)) return answers.by.get(others);
    const answer = weigh();
    answers.by.set(others, answer);
    return answer;
  }
}

/**
 * The persons a failed row shares its most handles with, equally: the free positions of `lists`, `count` of
 * them. Rows with the same `key` (the same handles held by free persons) are tied over the same persons.
 */
interface Tie {
  readonly lists: readonly (readonly number[])[];
  readonly count: number;
  readonly key: string;
}

/**
 * What {@link sharingMost} answered for each set of handles held by free persons, kept until a person the
 * answer stands on is placed: rows repeating a handle many persons share are not weighed again one by one. A
 * placement changes only the answers over its person (another person's leaves who shares the most with a
 * row, and how many of them there are, as it was), so it does not drop the answers of every other set.
 */
class Weighed {
  readonly #answers = new Map<string, number | Tie | undefined>();
  /** The keys of the answers naming each person: one answered, or one of a tie over those sharing most. */
  readonly #byPerson = new Map<number, Set<string>>();
  /** The keys of the answers that count the free persons of each list (a tie over persons sharing one). */
  readonly #byList = new Map<readonly number[], Set<string>>();

  has(key: string): boolean {
    return this.#answers.has(key);
  }

  get(key: string): number | Tie | undefined {
    return this.#answers.get(key);
  }

  /** Keeps the answer of `key`, which stands on the persons of `on` (see {@link weigh}). */
  set(key: string, answer: number | Tie | undefined, on: Standing): void {
    this.#answers.set(key, answer);
    const add = <K>(index: Map<K, Set<string>>, at: K) => {
      const keys = index.get(at);
      if (keys === undefined) index.set(at, new Set([key]));
      else keys.add(key);
    };
    for (const at of on.persons ?? []) add(this.#byPerson, at);
    for (const list of on.lists ?? []) add(this.#byList, list);
  }

  /** Drops the answers that the placement of the person at `at` changes. */
  forget(at: number, free: FreePositions): void {
    const drop = <K>(index: Map<K, Set<string>>, on: K) => {
      for (const key of index.get(on) ?? []) this.#answers.delete(key);
      index.delete(on);
    };
    drop(this.#byPerson, at);
    for (const list of free.listsHolding(at)) drop(this.#byList, list);
  }
}

/** What an answer of {@link weigh} stands on: the persons it names, or lists whose free persons it counts. */
interface Standing {
  readonly persons?: readonly number[];
  readonly lists?: readonly (readonly number[])[];
}

/**
 * The item not yet given an outcome that shares the most handles with the failed row; a {@link Tie} when
 * several share as many; undefined when none shares any. The handles' lists are walked shortest first, and
 * only while an item not met yet could still share as many handles as the best so far; the longest is never
 * walked: an item only it holds shares one handle, and the items that share one are counted, not walked.
 */
function sharingMost(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  free: FreePositions,
  weighed: Weighed,
): number | Tie | undefined {
  const lists: (readonly number[])[] = [];
  const keys: string[] = [];
  for (const handle of new Set(handles)) {
    const list = byHandle.get(handle);
    if (list === undefined || free.freeIn(list) === 0) continue;
    lists.push(list);
    keys.push(handle);
  }
  const key = JSON.stringify(keys.sort());
  if (weighed.has(key)) return weighed.get(key);
  const [most, on] = weigh(lists, key, free);
  weighed.set(key, most, on);
  return most;
}

/**
 * {@link sharingMost} of the lists of a row's handles that hold free positions (`key`: their handles), and
 * what the answer stands on: the persons sharing the most (whom the others' placements leave the most), or,
 * when each shares one handle, the lists whose free persons it counts.
 */
function weigh(
  lists: (readonly number[])[],
  key: string,
  free: FreePositions,
): [answer: number | Tie | undefined, on: Standing] {
  lists.sort((a, b) => a.length - b.length);
  const met = new Set<number>();
  // The items met that share `most` handles.
  let best: number[] = [];
  let most = 0;
  // An item in none of the lists walked so far shares at most the handles of the lists left; one in the last
  // list alone shares one handle, which the items met already match.
  for (let j = 0; j < lists.length - 1 && most <= lists.length - j; j++) {
    const list = lists[j]!;
    for (const at of free.all(list)) {
      if (met.has(at)) continue;
      met.add(at);
      let count = 1;
      for (let k = j + 1; k < lists.length; k++) if (holds(lists[k]!, at)) count += 1;
      if (count > most) {
        best = [at];
        most = count;
      } else if (count === most) best.push(at);
    }
  }
  if (most > 1)
    return [
      best.length === 1 ? best[0] : { lists: [best], count: best.length, key },
      { persons: best },
    ];
  // No free item holds two of the row's handles: every free item of its lists shares one, each in one list.
  let count = 0;
  for (const list of lists) count += free.freeIn(list);
  if (count === 0) return [undefined, {}];
  if (count === 1)
    return [lists.map((list) => free.first(list)).find((at) => at !== undefined), { lists }];
  return [{ lists, count, key }, { lists }];
}

/**
 * Places the rows that echo no one (see outcomesOf) on the persons sharing the most handles with them: a row
 * that shares them with one person is that person's; one that shares them with several equally is a
 * {@link Tie} and places none of them (see settleTies); one that shares none with a person left is a stray.
 * The rows `echoed` holds, tied over persons they echo alike, are weighed by it instead (then by the handles
 * they share, once they echo no one left), and one that only persons placed echo is dropped, as a row echoing
 * taken persons is. A person a row takes may have been another row's rival, so a tied row is weighed again,
 * in the next round, when a person holding one of its handles has been placed (a person a row is tied over
 * holds its rarest handle): the ties left are weighed on the persons every row leaves. Only those rows are
 * weighed again (in the order of `loose`), not all of them per round: a chain of ties that each resolves the
 * next costs a round per link, not a walk of every row.
 */
function weighLoose(
  loose: readonly FailedRow[],
  echoed: ReadonlyMap<FailedRow, () => Weight>,
  byHandle: ReadonlyMap<string, readonly number[]>,
  free: FreePositions,
  place: (row: FailedRow, at: number) => void,
): { strays: number; ties: (readonly [FailedRow, Tie])[] } {
  const tieOf = new Map<FailedRow, Tie>();
  // The tied rows by the lists of their handles.
  const tiedOn = new Map<readonly number[], Set<FailedRow>>();
  const listsOf = (row: FailedRow) =>
    row.handles.flatMap((handle) => {
      const list = byHandle.get(handle);
      return list === undefined ? [] : [list];
    });
  const order = new Map(loose.map((row, i) => [row, i]));
  const weighed = new Weighed();
  let strays = 0;
  let round: readonly FailedRow[] = loose;
  while (round.length > 0) {
    const again = new Set<FailedRow>();
    for (const row of round) {
      const most = echoed.get(row)?.() ?? sharingMost(row.handles, byHandle, free, weighed);
      if (typeof most === "object") {
        if (!tieOf.has(row))
          for (const list of listsOf(row)) {
            const rows = tiedOn.get(list);
            if (rows === undefined) tiedOn.set(list, new Set([row]));
            else rows.add(row);
          }
        tieOf.set(row, most);
        continue;
      }
      if (tieOf.delete(row)) for (const list of listsOf(row)) tiedOn.get(list)?.delete(row);
      if (most === TAKEN) continue;
      if (most === undefined) {
        strays += 1;
        continue;
      }
      place(row, most);
      weighed.forget(most, free);
      for (const list of free.listsHolding(most))
        for (const tied of tiedOn.get(list) ?? []) again.add(tied);
    }
    // A row a placement sent to be weighed again, then settled later in the round (placed, a stray, or one
    // only placed persons echo), has left the ties: weighed again, it would place a second person, or count
    // as a stray too.
    round = [...again]
      .filter((row) => tieOf.has(row))
      .sort((a, b) => order.get(a)! - order.get(b)!);
  }
  return {
    strays,
    ties: loose.flatMap((row) => (tieOf.has(row) ? [[row, tieOf.get(row)!] as const] : [])),
  };
}

/**
 * Settles the persons of rows each tied over several persons (see outcomesOf): no row is placed on one of
 * them, as SlashID did not say which one it refused. The answer is how many failures the rows stand for, as
 * each is one SlashID counted: as many as the rows can be given persons of their own, each one it is tied
 * over (a row beyond that lists one of them again). A person that every such giving gives a row (so does
 * it each of persons no more in number than the rows tied over just them), or any when `allFailed` (SlashID
 * counted every person of the file failed), is refused, quoting the reasons of the rows tied over it, of
 * which SlashID did not say which is its own. Any other fails {@link SLASHID_UNCONFIRMED}. On an upload
 * sent before, a row saying its person exists leaves the persons it is tied over unconfirmed: the lost
 * upload may have imported the one it speaks of (see outcomesOf).
 */
function settleTies(
  ties: readonly (readonly [FailedRow, Tie])[],
  free: FreePositions,
  allFailed: boolean,
  uploadedBefore: boolean,
): number {
  // Rows over the same persons (of one key) are given persons together: their persons are walked once.
  const byKey = new Map<string, TieGroup>();
  for (const [row, tie] of ties) {
    const group = byKey.get(tie.key);
    if (group === undefined) byKey.set(tie.key, { rows: [row], tie, persons: [] });
    else group.rows.push(row);
  }
  const groups = [...byKey.values()];
  // The groups whose rows each person is tied over.
  const groupsOf = new Map<number, number[]>();
  groups.forEach((group, g) => {
    const seen = new Set<number>();
    for (const list of group.tie.lists)
      for (const at of free.all(list)) {
        if (seen.has(at)) continue;
        seen.add(at);
        group.persons.push(at);
        const of = groupsOf.get(at);
        if (of === undefined) groupsOf.set(at, [g]);
        else of.push(g);
      }
  });
  const takenBy = matchRows(groups);
  const refused = refusedByRows(groups, groupsOf, takenBy);
  // The refusal of the persons refused, by the groups tied over them and how it is told (by rows or counts):
  // one outcome for those alike; undefined: they stay unconfirmed.
  const refusals = new Map<string, Outcome | undefined>();
  const refusalOf = (at: number): Outcome | undefined => {
    const byRows = refused.has(at);
    if (!byRows && !allFailed) return undefined;
    const over = groupsOf.get(at)!;
    const key = `${byRows}:${over.join(",")}`;
    if (refusals.has(key)) return refusals.get(key);
    const rows = over.flatMap((g) => groups[g]!.rows);
    let outcome: Outcome | undefined;
    if (!uploadedBefore) {
      outcome = { ok: false, code: SLASHID_REJECTED, reason: refusedReason(rows, byRows) };
    } else if (!rows.some((row) => ALREADY_EXISTS.test(row.reason))) {
      outcome = afterLostSend({
        ok: false,
        code: SLASHID_REJECTED,
        reason: refusedReason(rows, byRows),
      });
    }
    refusals.set(key, outcome);
    return outcome;
  };
  // A person also in the tie of rows over other persons is settled by the first rows only (their reasons).
  for (const { rows, tie, persons } of groups) {
    const unconfirmed: Outcome = {
      ok: false,
      code: SLASHID_UNCONFIRMED,
      reason: tiedReason(rows, tie.count),
    };
    for (const at of persons) if (free.isFree(at)) free.settle(at, refusalOf(at) ?? unconfirmed);
  }
  return takenBy.size;
}

/** The rows tied over the same persons (see {@link settleTies}), and those persons, free when settled. */
interface TieGroup {
  readonly rows: FailedRow[];
  readonly tie: Tie;
  readonly persons: number[];
}

/**
 * As many rows of `groups` as can be given persons of their own, each one of the persons its group is tied
 * over (a maximum matching, made by augmenting paths): which group's row takes each person so given. The
 * rows of a group are alike, so a group is walked once per path however many of its rows it holds, and one
 * that finds no path is not walked again (a row that finds no path finds none later either).
 */
function matchRows(groups: readonly TieGroup[]): Map<number, number> {
  const takenBy = new Map<number, number>();
  const taken = groups.map(() => 0);
  // First each person to the first row free to take it: most ties take no path longer than that.
  groups.forEach((group, g) => {
    for (const at of group.persons) {
      if (taken[g] === group.rows.length) break;
      if (takenBy.has(at)) continue;
      takenBy.set(at, g);
      taken[g]! += 1;
    }
  });
  // A row of `root` takes a person free of rows, through persons passed from row to row (a path walked
  // depth first, kept on a stack, not in calls, which a long path would run out of).
  const augment = (root: number): boolean => {
    const seenGroups = new Set([root]);
    const seen = new Set<number>();
    // Each group on the path, how far its persons are walked, and the person it was reached through.
    const path: { group: number; next: number; through: number | undefined }[] = [
      { group: root, next: 0, through: undefined },
    ];
    while (path.length > 0) {
      const step = path[path.length - 1]!;
      const persons = groups[step.group]!.persons;
      if (step.next === persons.length) {
        path.pop();
        continue;
      }
      const at = persons[step.next++]!;
      if (seen.has(at)) continue;
      seen.add(at);
      const holder = takenBy.get(at);
      if (holder === undefined) {
        // Each group on the path takes the person that reached the next one; the last, this free one.
        let person: number | undefined = at;
        for (let k = path.length - 1; k >= 0 && person !== undefined; k--) {
          takenBy.set(person, path[k]!.group);
          person = path[k]!.through;
        }
        return true;
      }
      if (seenGroups.has(holder)) continue;
      seenGroups.add(holder);
      path.push({ group: holder, next: 0, through: at });
    }
    return false;
  };
  groups.forEach((group, g) => {
    while (taken[g]! < group.rows.length && augment(g)) taken[g]! += 1;
  });
  return takenBy;
}

/**
 * The persons of `groups` that every maximum matching of their rows (`takenBy` is one) gives a row: those it
 * gives one that no path alternating between rows and persons reaches from a person it leaves free (along
 * such a path, each row could take the person before it instead, and free the one it holds).
 */
function refusedByRows(
  groups: readonly TieGroup[],
  groupsOf: ReadonlyMap<number, readonly number[]>,
  takenBy: ReadonlyMap<number, number>,
): Set<number> {
  const heldBy = groups.map((): number[] => []);
  for (const [at, g] of takenBy) heldBy[g]!.push(at);
  const freed = new Set<number>();
  for (const at of groupsOf.keys()) if (!takenBy.has(at)) freed.add(at);
  const reached = new Set<number>();
  for (const at of freed)
    for (const g of groupsOf.get(at)!) {
      if (reached.has(g)) continue;
      reached.add(g);
      // A row of this group could take `at`, freeing whom it holds (iterating a set visits what is added).
      for (const held of heldBy[g]!) freed.add(held);
    }
  return new Set([...takenBy.keys()].filter((at) => !freed.has(at)));
}

/** How many of the reasons of rows tied over the same persons a tied person's reason quotes, at most. */
const QUOTED_REASONS = 3;

/** The reasons of `rows` quoted, and how the rows are spoken of: `rowsSay` and a verb that agrees. */
function quoted(rows: readonly FailedRow[]): { reasons: string; rowsSay: string } {
  const reasons = [...new Set(rows.map((row) => row.reason))];
  const quoted = reasons.slice(0, QUOTED_REASONS);
  if (reasons.length > quoted.length)
    quoted.push(`${reasons.length - quoted.length} other reason(s)`);
  const these = reasons.length === 1 ? "this reason" : "these reasons";
  return {
    reasons: quoted.join("; "),
    rowsSay:
      rows.length === 1
        ? "the failed row SlashID lists with this reason matches"
        : `the ${rows.length} failed rows SlashID lists with ${these} each match`,
  };
}

/** The reason of a person that `rows`, each tied over the same `persons` persons, name. */
function tiedReason(rows: readonly FailedRow[], persons: number): string {
  const { reasons, rowsSay } = quoted(rows);
  const same = rows.length === 1 ? "" : " the same";
  return (
    `${reasons}: ${rowsSay}${same} ${persons} persons of this file equally, this person among them, ` +
    "so which of them it refused, and whether this person was imported, is unknown"
  );
}

/**
 * The reason of a refused person that `rows` are tied over (with others), whom the rows refuse (`byRows`),
 * or SlashID's counts, which call every person failed.
 */
function refusedReason(rows: readonly FailedRow[], byRows: boolean): string {
  const { reasons, rowsSay } = quoted(rows);
  return byRows
    ? `${reasons}: ${rowsSay} this person and other persons of this file equally, and as each failed row ` +
        "is a person SlashID refused, the failed rows that match persons equally, given one person each as " +
        "far as they go, cannot leave this person out: SlashID refused this person, but did not say with " +
        "which row"
    : `${reasons}: ${rowsSay} this person and other persons of this file equally, and SlashID counted ` +
        "every person of this file failed, none imported: SlashID refused this person, but did not say " +
        "whether with one of these rows, or with which";
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
