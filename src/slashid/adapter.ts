import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { chunkFailed, isFatal } from "../core/engine/chunk-outcomes.js";
import { everyItem } from "../core/engine/outcomes.js";
import { wholeNumberOption } from "../core/options.js";
import type { SlashIdClient } from "./client.js";
import type { SlashIdFailureCode } from "./failure-codes.js";
import {
  SLASHID_CONFIRMED_COLUMNS,
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

const RESUMED_NOTE =
  "; note: an earlier upload of this chunk, whose answer was lost, may have imported this person";

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
 *   column not named `slashid:*`); they are matched to the chunk's persons by handle (a row goes to the
 *   first person not yet matched that shares an email, phone number or username with it; emails and
 *   usernames compared case-insensitively, phone numbers by their digits). The others are imported, unless
 *   that would report more persons imported than SlashID's `successful_imports`: then SlashID counted
 *   failures it did not list (or listed them unreadably), and every person not placed fails with code
 *   `import_unconfirmed`, as nobody can tell which of them were imported.
 * - 400 and 402 (pricing tier) fail the chunk with SlashID's messages; 401 / 403 stop the import.
 * - Replay (within the run after a lost answer, and on resume): the chunk is uploaded again. What SlashID does
 *   with a person that already exists is UNCONFIRMED, so both worlds are read: if it updates the person, the
 *   replay imports it; if it refuses the row as existing (a `failed_csv` reason matching /already exist|
 *   duplicate|conflict/i), the lost upload wrote it (or it existed before): imported, with a warning that says
 *   SlashID cannot tell which. Other failures of a replayed upload carry a note that the lost upload may
 *   have imported the person.
 */
export function createSlashIdAdapter(
  client: SlashIdClient,
  options: SlashIdAdapterOptions = {},
): ImportAdapter<SlashIdPerson, SlashIdCsvRow> {
  const maxRecords = wholeNumberOption("maxRecords", options.maxRecords, 10_000);
  return {
    vendor: "slashid",
    destination: client.destination,
    replay: {
      by: "resend",
      why: "a chunk is uploaded again; SlashID either updates a person it has or refuses the row as existing, and in a replayed upload such a row was written by the lost upload (or existed before), so it counts as imported with a warning",
    },
    limits: { maxRecords },
    defaults: { chunkRecords: Math.min(1000, maxRecords), concurrency: 1 },
    keyOf: slashIdKeyOf,
    validate: checkSlashIdPerson,
    send: (chunk, context) => sendChunk(client, chunk, context),
  };
}

/**
 * The person's first email, else first phone number, else first username, else `#<index>`. Any value is
 * accepted (a record read from a file may not be an object), as the engine and the CLI's dry run key records
 * before validating them.
 */
export function slashIdKeyOf(person: SlashIdPerson, index: number): string {
  const p = person as Partial<SlashIdPerson> | null | undefined;
  return firstOf(p?.emails) ?? firstOf(p?.phone_numbers) ?? firstOf(p?.usernames) ?? `#${index}`;
}

function firstOf(list: readonly string[] | undefined): string | undefined {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return typeof first === "string" && first !== "" ? first : undefined;
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
    // Refused outright (bad credentials): this upload imported nobody, so a re-run need not warn.
    if (isFatal(error) && !uploadedBefore) context.checkpoint({ uploaded: "0" });
    switch (error.status) {
      case 400:
        return everyItem<SlashIdFailureCode>(size, {
          ok: false,
          code: "400",
          reason: `SlashID refused the file (400 Bad Request): ${messagesOf(error.body.errors)}`,
        });
      case 402:
        return everyItem<SlashIdFailureCode>(size, {
          ok: false,
          code: "402",
          reason: `SlashID refused the import: pricing tier violation (402): ${messagesOf(error.body.errors)}`,
        });
      default:
        return chunkFailed(error, size);
    }
  }
  return {
    kind: "done",
    outcomes: outcomesOf(chunk.items, result.data.result, uploadedBefore),
  };
}

/** The chunk as CSV: a header line, then one row per person, every non-empty cell quoted. */
function toCsv(items: readonly SlashIdCsvRow[]): string {
  let roles = false;
  let password = false;
  for (const item of items) {
    if (item["slashid:roles"] !== undefined) roles = true;
    if (item["slashid:password"] !== undefined) password = true;
  }
  const columns: SlashIdColumn[] = [...SLASHID_CONFIRMED_COLUMNS];
  if (roles) columns.push("slashid:roles");
  if (password) columns.push("slashid:password");
  return stringify(items as SlashIdCsvRow[], { header: true, columns, quoted: true });
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
  readonly handles: readonly string[];
  readonly reason: string;
}

/** One outcome per item, in order, from SlashID's counts and `failed_csv` (see createSlashIdAdapter). */
function outcomesOf(
  items: readonly SlashIdCsvRow[],
  counts: ImportCounts,
  uploadedBefore: boolean,
): Outcome[] {
  const outcomes = new Array<Outcome | undefined>(items.length);
  const failed = failedRowsOf(counts.failed_csv);
  let placed = 0;
  if (failed !== undefined && failed.length > 0) {
    const byHandle = indexByHandle(items);
    for (const row of failed) {
      const at = firstUnplaced(row.handles, byHandle, outcomes);
      if (at === undefined) continue;
      outcomes[at] =
        uploadedBefore && ALREADY_EXISTS.test(row.reason)
          ? { ok: true, note: EXISTED_NOTE }
          : {
              ok: false,
              code: SLASHID_REJECTED,
              reason: uploadedBefore ? `${row.reason}${RESUMED_NOTE}` : row.reason,
            };
      placed += 1;
    }
  }
  // Never report more persons imported than SlashID counted: if the persons not placed outnumber
  // `successful_imports`, some of them failed unlisted, and none of them can be called imported.
  const confirmed = items.length - placed <= counts.successful_imports;
  const unconfirmed: Outcome = {
    ok: false,
    code: SLASHID_UNCONFIRMED,
    reason:
      `SlashID imported ${counts.successful_imports} and failed ${counts.failed_imports} of ${items.length} ` +
      `persons in this file, but ${
        failed === undefined
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
    const reasons: [column: string, value: string][] = [];
    for (const [column, value] of Object.entries(row)) {
      if (value === undefined || value.trim() === "") continue;
      const name = column.trim().toLowerCase();
      if (name === "slashid:emails") addHandles(handles, "e", value);
      else if (name === "slashid:phone_numbers") addHandles(handles, "p", value);
      else if (name === "slashid:usernames") addHandles(handles, "u", value);
      else if (!name.startsWith("slashid:")) reasons.push([column.trim(), value.trim()]);
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
    return { handles, reason };
  });
}

type HandleKind = "e" | "p" | "u";

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

/** The first item not yet given an outcome that shares a handle with the failed row. */
function firstUnplaced(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  outcomes: readonly (ItemOutcome | undefined)[],
): number | undefined {
  let best: number | undefined;
  for (const handle of handles) {
    for (const at of byHandle.get(handle) ?? []) {
      if (best !== undefined && at >= best) break;
      if (outcomes[at] === undefined) {
        best = at;
        break;
      }
    }
  }
  return best;
}
