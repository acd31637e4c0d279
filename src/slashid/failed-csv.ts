// Which person each part of SlashID's answer to an upload speaks of: its counts and `failed_csv` (the rows it
// refused, echoed back in a layout SlashID leaves UNCONFIRMED) made into one outcome per person of the file.
import { afterLostSend } from "../core/engine/chunk-outcomes.js";
import { Alike, EchoIndex, echoedBy, echoedByHandles, TAKEN, type Weight } from "./echo-match.js";
import {
  ALREADY_EXISTS,
  cellKey,
  exactKey,
  failedRowsOf,
  HANDLE_COLUMNS,
  handleKey,
  type FailedRow,
  type HandleKind,
} from "./failed-rows.js";
import { FreePositions } from "./free-positions.js";
import { weighLoose } from "./loose-rows.js";
import { SLASHID_REJECTED, SLASHID_UNCONFIRMED, type Outcome } from "./failure-codes.js";
import { columnsOf, type SlashIdColumn, type SlashIdCsvRow } from "./records.js";
import { settleTies } from "./tied-rows.js";

/**
 * What a replayed upload's "already exists" means: the lost upload wrote the person, or someone else did
 * (before this import, or another import meanwhile), whose values SlashID then holds rather than this
 * record's. SlashID's words are quoted: that they say so (ALREADY_EXISTS) is our reading.
 */
const existedNote = (reason: string) =>
  `SlashID refused this person's row (${reason}), presumably as it already exists: the earlier upload of ` +
  "this chunk, whose answer was lost, imported them, or they existed before (or another import created them " +
  "meanwhile), and then SlashID holds that person with its own values, not necessarily this record's; " +
  "SlashID's answer cannot tell which";

interface ImportCounts {
  successful_imports: number;
  failed_imports: number;
  /** Text per the spec, read as unknown: a value of another type (`null`, a list) is an unreadable one. */
  failed_csv?: unknown;
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
      // Another person of this file holds one of its handles: SlashID may say this row exists because the
      // lost upload wrote that one, having refused (or merged) this one.
      const sharing =
        existed && earlier === undefined ? sharedWith(items, at, byHandle) : undefined;
      free.settle(
        at,
        sharing !== undefined
          ? {
              ok: false,
              code: SLASHID_UNCONFIRMED,
              reason: `${row.reason}: this person shares its ${sharing} with another person of this file, whom the earlier upload of this chunk, whose answer was lost, may have imported in its place, so whether SlashID holds this person's values is unknown`,
              vendorMayHold: true,
            }
          : earlier !== undefined
            ? {
                // The person exists through an earlier file's record with its key: a SlashID that refuses an
                // existing person refused this row in the lost upload too.
                ok: false,
                code: SLASHID_UNCONFIRMED,
                reason: `${row.reason}: record ${earlier} of the input, in an earlier file of this import, has the same key or another of its handles, so SlashID may hold that record's person without this record's values`,
                vendorMayHold: true,
              }
            : existed
              ? { ok: true, note: existedNote(row.reason) }
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
  // A count below zero (the spec's `minimum: 0`, which the client's answer check leaves alone) is no count:
  // it would let `successful_imports` pass the file's size while the sum still fits.
  const negative = counts.successful_imports < 0 || counts.failed_imports < 0;
  const overcounted = negative || counts.successful_imports + counts.failed_imports > items.length;
  const confirmed = !overcounted && items.length - placed <= counts.successful_imports;
  // SlashID counted more persons imported than it left unlisted: some it listed as failed it also counted
  // imported, and nobody can tell which, so none of them is reported refused.
  const contradicted = negative || counts.successful_imports > items.length - placed;
  if (contradicted) {
    // A count below zero may be no more than the persons left unlisted: it is named for what it is.
    const counted = negative
      ? `, yet SlashID counted ${counts.successful_imports} imported and ${counts.failed_imports} failed of the ${items.length} persons in this file, and a count below zero is no count, so whether this person was imported is unknown`
      : `, yet SlashID counted ${counts.successful_imports} of the ${items.length} persons in this file imported, more than the ${items.length - placed} it did not list, so whether this person was imported is unknown`;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome?.ok === false && outcome.code === SLASHID_REJECTED)
        outcomes[i] = {
          ...outcome,
          code: SLASHID_UNCONFIRMED,
          reason: `${outcome.reason}${counted}`,
          vendorMayHold: true,
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
              : counts.failed_imports > placed
                ? `its failed_csv placed only ${placed} failure(s)`
                : // Every failure counted is placed: the counts, not failed_csv, fall short of the file.
                  `that leaves ${items.length - counts.successful_imports - counts.failed_imports} of them counted neither imported nor failed`
      }, so whether this person was imported is unknown`,
    vendorMayHold: true,
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
    reason: `SlashID counted all ${items.length} persons in this file failed, none imported, but ${
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
