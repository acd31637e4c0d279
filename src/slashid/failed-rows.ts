import { parse } from "csv-parse/sync";
import {
  SLASHID_CONFIRMED_COLUMNS,
  SLASHID_UNCONFIRMED_COLUMNS,
  type SlashIdColumn,
} from "./records.js";

/**
 * How a row refused because its person exists reads (UNCONFIRMED: SlashID documents neither whether it
 * refuses an existing person nor the wording of `failed_csv` reasons).
 */
export const ALREADY_EXISTS = /already exist|duplicate|conflict/i;

/**
 * The reason of a failed row that gives none. Not "did not import this person": a row matching several persons
 * equally is quoted on each of them, whom it leaves unconfirmed.
 */
export const NO_REASON = "SlashID listed the row as failed and gave no reason";

export interface FailedRow {
  /** Its handles as compared (see handleKey). */
  readonly handles: readonly string[];
  /** Its person cells (the spec's columns) by column name (lower-cased), as compared (see cellKey). */
  readonly cells: ReadonlyMap<string, string>;
  /** Its person cells (the spec's columns) by column name (lower-cased), as written (see exactKey). */
  readonly exact: ReadonlyMap<string, string>;
  readonly reason: string;
}

/**
 * The rows of `failed_csv` with their handles and reason; [] when absent, empty or a header alone (how a CSV
 * of no failed rows may come), undefined when it is not text, does not parse, or its first line names no
 * `slashid:*` column. Read by header: the person columns of the spec (`slashid:emails`, …) are the row; any
 * other non-empty cell is the reason, one under a `slashid:*` name of SlashID's own (`slashid:error`) or past
 * the header's last column (a reason column left unnamed, or a reason holding an unquoted comma) too.
 */
export function failedRowsOf(text: unknown): FailedRow[] | undefined {
  if (text === undefined) return [];
  if (typeof text !== "string") return undefined;
  if (text.trim() === "") return [];
  let records: string[][];
  try {
    // As lists of cells, not by column: a cell past the header's last column is kept (by column, the parser
    // drops it), and a column named twice keeps both cells (in order).
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch {
    return undefined;
  }
  const [header = [], ...rows] = records;
  // Every row sent has a handle, so the CSV echoing the refused ones presumably names a `slashid:*` column
  // (its layout is UNCONFIRMED). A first line naming none is taken for no header of it: a failed row sent
  // without one (the only row, if no other follows), or a message, so what it lists is unknown.
  if (!header.some((name) => nameOf(name).startsWith("slashid:"))) return undefined;
  // Cells past the header's last column end a reason in it holding an unquoted comma, or are a reason whose
  // column SlashID left unnamed: either way one text, joined as SlashID wrote it, not split on its commas.
  const last = header.length - 1;
  const joinedFrom = PERSON_COLUMNS.has(nameOf(header[last])) ? last + 1 : last;
  return rows.map((row) => {
    const handles: string[] = [];
    const cells = new Map<string, string>();
    const exact = new Map<string, string>();
    const reasons: [column: string, value: string][] = [];
    row.slice(0, joinedFrom).forEach((value, i) => {
      const column = header[i] ?? "";
      const name = nameOf(column);
      if (PERSON_COLUMNS.has(name)) {
        cells.set(name, cellKey(name, value));
        exact.set(name, exactKey(name, value));
        const kind = HANDLE_COLUMNS.get(name);
        if (kind !== undefined) addHandles(handles, kind, value);
      } else if (value.trim() !== "") reasons.push([column.trim(), value.trim()]);
    });
    // Empty cells padding the row are no part of it.
    const tail = row
      .slice(joinedFrom)
      .filter((cell) => cell.trim() !== "")
      .join(",")
      .trim();
    if (tail !== "") reasons.push([(header[joinedFrom] ?? "").trim(), tail]);
    const [only] = reasons;
    const reason =
      only === undefined
        ? NO_REASON
        : reasons.length === 1
          ? only[1]
          : reasons
              .map(([column, value]) => (column === "" ? value : `${column}: ${value}`))
              .join("; ");
    return { handles, cells, exact, reason };
  });
}

/** A header's column name as compared: trimmed, in lower case. */
function nameOf(column: string | undefined): string {
  return (column ?? "").trim().toLowerCase();
}

/** The columns of a person's row (specs/slashid.yaml `PersonCsvRow`): the cells a failed row echoes. */
const PERSON_COLUMNS: ReadonlySet<string> = new Set<string>([
  ...SLASHID_CONFIRMED_COLUMNS,
  ...SLASHID_UNCONFIRMED_COLUMNS,
]);

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
export function cellKey(column: string, cell: string): string {
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
export function exactKey(column: string, cell: string): string {
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
export function handleKey(kind: HandleKind, value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (kind === "p") {
    const digits = trimmed.replace(/\D/g, "");
    return `p:${digits === "" ? trimmed : digits}`;
  }
  return `${kind}:${trimmed.toLowerCase()}`;
}
