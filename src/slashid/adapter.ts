import { textStart } from "../core/cut-text.js";
import { stringify } from "csv-stringify/sync";
import type { Chunk, ChunkContext, ChunkResult, ImportAdapter } from "../core/engine/adapter.js";
import {
  afterUnansweredSend,
  EARLIER_TRY_NOTE,
  failedBy,
  isFatal,
  mayHoldOnce,
  refusedBy,
  withNote,
  wroteNothing,
} from "../core/engine/chunk-outcomes.js";
import { everyItem } from "../core/engine/outcomes.js";
import { scrubOutcomes } from "../core/engine/scrub-outcomes.js";
import { ApiError } from "../core/errors/api-error.js";
import { SecretSet } from "../core/errors/secrets.js";
import { wholeNumberOption } from "../core/options.js";
import type { SlashIdClient } from "./client.js";
import type { Outcome, SlashIdFailureCode } from "./failure-codes.js";
import { outcomesOf } from "./failed-csv.js";
import { HANDLE_COLUMNS } from "./failed-rows.js";
import {
  columnsOf,
  type SlashIdColumn,
  type SlashIdCsvRow,
  type SlashIdPerson,
} from "./records.js";
import { checkSlashIdPerson } from "./validate.js";

/** Options of the SlashID adapter: a cautious ceiling on persons per uploaded CSV file. */
export interface SlashIdAdapterOptions {
  /**
   * Most persons in one uploaded file. SlashID documents no row or file-size limit (UNCONFIRMED), so this
   * is a cautious ceiling; raise it if SlashID confirms more for your organization. (`chunkRecords` picks
   * the actual file size within it; see the adapter's `defaults`.)
   * @default 10000
   */
  maxRecords?: number | undefined;
}

/**
 * The SlashID adapter for `runImport`: each chunk becomes one CSV file (header line, one row per person)
 * uploaded with `bulkImportPersons`, whose synchronous answer gives each person's outcome.
 *
 * - Columns: always the six confirmed ones (`slashid:emails`, `slashid:phone_numbers`, `slashid:usernames`,
 *   `slashid:region`, `slashid:groups`, `slashid:attributes`); the UNCONFIRMED `slashid:roles` and
 *   `slashid:password` only in files where some person has roles / a password.
 * - Limits (UNCONFIRMED by SlashID): files of at most `maxRecords` rows (default 10,000), 1,000 by default;
 *   one upload at a time by default (`concurrency` may raise it: SlashID states no limit).
 * - Outcomes: rows listed in `failed_csv` fail with code `rejected_by_vendor` and SlashID's reason (any cell
 *   outside the person's own columns, those past the header's last column too, joined as written). A row goes
 *   to the first person not yet matched whose uploaded row it echoes: equal in every `slashid:*` column both
 *   have (emails and usernames compared case-insensitively, phone numbers by their digits, each of these
 *   lists in any order; groups and roles value by value, in order; other cells trimmed; the password, which
 *   SlashID may blank or mask, not compared), one whose row it repeats as written first; a row echoing only
 *   persons already matched repeats one of them and places no one. Rows that echo no one are matched after
 *   those that do: to a person whose handle cells they repeat (as written first), of those the one equal in
 *   the most other cells (SlashID may re-encode attributes); else to the person not yet matched that shares
 *   the most emails, phone numbers and usernames with it; a row that several persons match equally places
 *   none of them (each fails `import_unconfirmed`, or `rejected_by_vendor` where the other rows or the counts
 *   settle that SlashID refused it); a row sharing none with a person not yet matched places no one, and each
 *   person imported then warns that the row may echo it. The others are imported, unless that would report
 *   more persons imported than SlashID's `successful_imports`, or when its counts add up to more persons than
 *   the file held: then SlashID counted failures it did not list (or listed them unreadably, or counted
 *   nonsense), and every person not placed fails with code `import_unconfirmed`, as nobody can tell which of
 *   them were imported (`rejected_by_vendor` when SlashID counted every person of the file failed, none
 *   imported).
 *   When SlashID counts more persons imported than it left unlisted (or gives a count below zero), the
 *   persons it listed fail `import_unconfirmed` too: it counted some of them imported, and does not say
 *   which.
 *   A `failed_csv` that cannot be read (not text, not CSV, or a first line naming no `slashid:*` column)
 *   beside counts calling every person imported: each is imported with a warning that it may be listed there.
 *   One absent, empty, `null` or a header alone lists no one.
 *   Every text of the answer is scrubbed of the file's passwords, which `failed_csv` may echo.
 *   Errors a 200 lists beside its counts (their meaning there is UNCONFIRMED) are a warning on every person
 *   imported.
 * - 400 and 402 (pricing tier) fail the chunk with SlashID's messages; 401 / 403 stop the import.
 * - Replay (within the run after a lost answer, and on resume): the chunk is uploaded again. What SlashID
 *   does with a person that already exists is UNCONFIRMED, so both worlds are read: if it updates the person,
 *   the replay imports it; if it refuses the row as existing (a `failed_csv` reason matching /already exist|
 *   duplicate|conflict/i), the lost upload wrote it (or it existed before): imported, with a warning that
 *   says SlashID cannot tell which; unless a record of an earlier file has one of its handles, whose person
 *   explains the refusal: `import_unconfirmed`, as is a person sharing a handle with another person of the
 *   file (the lost upload may have written that one and refused this one). Other failures of a replayed
 *   upload carry a note that the lost upload may have imported the person.
 */
export function createSlashIdAdapter(
  client: SlashIdClient,
  options: SlashIdAdapterOptions = {},
): ImportAdapter<SlashIdPerson, SlashIdCsvRow, SlashIdFailureCode> {
  const maxRecords = wholeNumberOption("maxRecords", options.maxRecords, 10_000);
  return {
    vendor: "slashid",
    destination: client.destination,
    whenCredentialAccepted: (listener) => client.whenCredentialAccepted(listener),
    scrub: (text) => client.scrub(text),
    // Every request goes through the client.
    writesSeen: true,
    replay: {
      by: "resend",
      why: "a chunk is uploaded again; SlashID presumably either updates a person it has or refuses the row as existing (UNCONFIRMED), and in a replayed upload such a row was written by the lost upload (or existed before), so it counts as imported with a warning",
    },
    limits: { maxRecords },
    defaults: { chunkRecords: Math.min(1000, maxRecords), concurrency: 1 },
    keyOf: slashIdKeyOf,
    identitiesOf: slashIdIdentitiesOf,
    validate: checkSlashIdPerson,
    send: async (chunk, context) => {
      const passwords = passwordsOf(chunk.items);
      const result = await sendChunk(client, chunk, context, passwords);
      // `failed_csv` may echo each failed row, password included (its layout is UNCONFIRMED), beside a
      // reason: a person's password hash is as secret as the API key, which the engine scrubs afterwards (it
      // knows no password).
      // A refusal that stops the import (a gateway's 403 quoting the upload) was scrubbed in `sendChunk`.
      if (passwords === undefined || result.kind === "fatal") return result;
      // Of runs of a password's characters too: a reason may quote the hash cut short, masked in part or
      // wrapped, which no whole form of it matches. Not of a word alone: a password may hold "password".
      return {
        kind: "done",
        outcomes: scrubOutcomes(result.outcomes, (t) => passwords.scrubChosenRuns(t)),
      };
    },
  };
}

/**
 * The person's first email (lower-cased: emails that differ only in case are taken for one SlashID person,
 * UNCONFIRMED, so the engine's duplicate check sees them as one key), else first phone number, else first
 * username (each without the blanks around it, presumably not kept by SlashID either, UNCONFIRMED), else
 * `#<index>`. Any value is accepted (a record read from a file may not be an object), as the engine and the
 * CLI's dry run key records before validating them.
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
 * others as written, trimmed): SlashID holds one person for all of them (one row, one person), so a record
 * sharing any of them with an earlier one is taken for that record's person (our reading: no source says a
 * handle names one person only).
 */
export function* slashIdIdentitiesOf(row: SlashIdCsvRow): Iterable<string> {
  for (const [column, kind] of HANDLE_COLUMNS) {
    for (const value of (row[column as SlashIdColumn] ?? "").split(",")) {
      const handle = value.trim();
      if (handle !== "") yield `${kind}:${kind === "e" ? handle.toLowerCase() : handle}`;
    }
  }
}

/** The first value of a list, without the blanks around it (whether SlashID trims cells is UNCONFIRMED). */
function firstOf(list: readonly string[] | undefined): string | undefined {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  const value = typeof first === "string" ? first.trim() : "";
  return value !== "" ? value : undefined;
}

/**
 * `error` with its message and every text it carries scrubbed of `passwords`. The message is scrubbed of runs
 * of a password's characters too: it quotes the body cut short, which may leave a password cut in two.
 */
function scrubbedError<E extends ApiError>(error: E, passwords: SecretSet): E {
  const copy = new ApiError(
    passwords.scrubRuns(error.message),
    error,
    error.cause === undefined ? undefined : { cause: error.cause },
  );
  // Its variant's fields (status, body, the flags the engine reads), as they were but for the passwords. A
  // password is chosen by a person and may hold a word of the error's own ("mystatus9", "undocumented1"):
  // keys keep words, as reasons do, and the status, the library's word, is kept as it is.
  const fields = passwords.scrubDeep({ ...error }, { keepWordsInKeys: true });
  return Object.assign(copy, fields, { status: error.status });
}

/** The passwords of the chunk's persons as secrets to scrub; undefined when none has one. */
function passwordsOf(items: readonly SlashIdCsvRow[]): SecretSet | undefined {
  let passwords: SecretSet | undefined;
  for (const item of items) {
    const password = item["slashid:password"];
    if (password !== undefined) (passwords ??= new SecretSet({ chosen: true })).add(password);
  }
  return passwords;
}

async function sendChunk(
  client: SlashIdClient,
  chunk: Chunk<SlashIdCsvRow>,
  context: ChunkContext,
  passwords: SecretSet | undefined,
): Promise<ChunkResult<SlashIdFailureCode>> {
  const size = chunk.items.length;
  const persons = toCsv(chunk.items);
  // The upload is not idempotent: record that SlashID may act on it, so a re-run can say so.
  const uploadedBefore = context.resumed?.["uploaded"] === "1";
  if (!uploadedBefore) context.checkpoint({ uploaded: "1" });
  const result = await client.bulkImportPersons({ body: { persons }, signal: context.signal });
  if (!result.ok) {
    // Its message quotes the body cut short, which may have cut a person's password in two: scrubbed here,
    // before a failure's reason is made of it or it is returned as the error that stops the import.
    const error = passwords === undefined ? result.error : scrubbedError(result.error, passwords);
    // This upload imported nobody: neither a replay nor a re-run need warn.
    if (!uploadedBefore && wroteNothing(error)) context.checkpoint({ uploaded: "" });
    if (isFatal(error)) return { kind: "fatal", error };
    // A failure speaks for its own upload only: the lost upload before it may have imported the persons.
    const failed = (outcome: Outcome) =>
      everyItem(size, uploadedBefore ? afterUnansweredSend(outcome) : outcome);
    // So does a refusal answering this call after a try of it that may have reached SlashID (as failedBy
    // says of any other refusal).
    const refused = (outcome: Outcome & { ok: false }) =>
      failed(error.afterArrivedTry === true ? mayHoldOnce(outcome, EARLIER_TRY_NOTE) : outcome);
    switch (error.status) {
      case 400:
        return refused({
          ok: false,
          code: "400",
          reason: `${refusedBy("SlashID", error)} refused the file (400 Bad Request): ${messagesOf(error.body.errors)}`,
        });
      case 402:
        return refused({
          ok: false,
          code: "402",
          reason: `${refusedBy("SlashID", error)} refused the import: pricing tier violation (402): ${messagesOf(error.body.errors)}`,
        });
      default:
        return failed(failedBy(error, "write"));
    }
  }
  const outcomes = outcomesOf(chunk.items, result.data.result, uploadedBefore, chunk.repeated);
  const listed: unknown = result.data.errors;
  if (!listsErrors(listed)) return { kind: "done", outcomes };
  // What an error listed beside a 200's counts means is UNCONFIRMED: each person the counts call imported
  // carries it, rather than the report saying nothing of it.
  // Scrubbed before the cut: a secret cut short is too short to be recognised afterwards.
  // The persons' passwords too, and a piece of one left at the cut (see SecretSet.clip).
  const messages = client.scrub(
    Array.isArray(listed) ? messagesOf(listed) : (JSON.stringify(listed) ?? String(listed)),
  );
  const shown =
    messages.length <= 500
      ? messages
      : `${passwords === undefined ? textStart(messages, 500) : passwords.clip(messages, 500)}…`;
  const note = `SlashID listed errors beside its counts (${shown}), and does not say whom they concern: this person may not have been imported as sent`;
  return {
    kind: "done",
    outcomes: outcomes.map((outcome) => (outcome.ok ? withNote(outcome, note) : outcome)),
  };
}

/**
 * Whether a 200's `errors` says anything: a list of errors, or (not as the spec shows it) an object or text,
 * which is no less an error beside the counts for not being listed.
 */
function listsErrors(errors: unknown): boolean {
  if (errors === undefined || errors === null || errors === "") return false;
  if (Array.isArray(errors)) return errors.length > 0;
  return typeof errors !== "object" || Object.keys(errors).length > 0;
}

/** The chunk as CSV: a header line, then one row per person, every non-empty cell quoted. */
function toCsv(items: readonly SlashIdCsvRow[]): string {
  const columns = [...columnsOf(items)];
  return stringify(items as SlashIdCsvRow[], { header: true, columns, quoted: true });
}

function messagesOf(errors: readonly unknown[] | undefined): string {
  // The envelope's fields are UNCONFIRMED (optional in the spec): a body without them has no message.
  const list: readonly unknown[] = Array.isArray(errors) ? errors : [];
  const text = list
    .map((e) => (typeof e === "object" && e !== null && "message" in e ? e.message : undefined))
    .filter((m): m is string => typeof m === "string" && m !== "")
    .join("; ");
  return text === "" ? "no message" : text;
}
