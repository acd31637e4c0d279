// What a Userpilot job, or a request about one, means for the users it holds: one outcome for all of them,
// since Userpilot reports per job, and the texts its reasons are made of.
import { textStart } from "../core/cut-text.js";
import type { ItemOutcome } from "../core/engine/adapter.js";
import {
  EARLIER_TRY_NOTE,
  UNSETTLED_JOB_NOTE,
  UNSETTLED_WRITE_NOTE,
  leavesOpen,
  mayHoldOnce,
  saysVendorMayHold,
  withNote,
} from "../core/engine/chunk-outcomes.js";
import { requestFailureCode } from "../core/engine/failure-codes.js";
import type { JobProgress } from "../core/engine/poll.js";
import type { ApiError } from "../core/errors/api-error.js";
import type { UserpilotFailureCode } from "./failure-codes.js";

export type Outcome = ItemOutcome<UserpilotFailureCode>;

/** Why Userpilot may hold users whose job list could not be read after a lost send. */
export const LIST_UNREAD = `Userpilot's job list could not be read to find the job an earlier request for these users may have made${EARLIER_TRY_NOTE}`;
/**
 * The outcome of users whose search of the job list, for the job an earlier request for them whose answer
 * was lost may have made, was given up at a wait (`why`: `a retry after HTTP 429 would wait 2 min`) past the
 * job's time: a job timeout, left to a re-run (`reRun` says what it does), and Userpilot may hold the users.
 */
export function listGivenUp(why: string, reRun: string): Outcome {
  return failure(
    "job_timeout",
    `Userpilot's job list was not read to find the job an earlier request for these users may have made: the search was given up, as ${why}, past the job's time${EARLIER_TRY_NOTE}; ${reRun}`,
    true,
  );
}

/**
 * Why Userpilot may hold users of a job it accepted whose status it answered oddly: in the engine's words, so
 * that neither a stop nor a merge with an earlier lost send says it again.
 */
export const accepted = (jobId: string) =>
  `Userpilot accepted job ${jobId} for these users${UNSETTLED_JOB_NOTE}`;

/**
 * The outcome of users when a request that only follows up on what Userpilot holds (a job's status, the job
 * list searched after a lost send) fails: whatever its answer (a 5xx, a gateway's 404, an HTML page), it
 * refuses no user, so the users stay unsettled for a replay or a re-run; `held` says why Userpilot may hold
 * them.
 */
export function unsettled(error: ApiError, held: string): Outcome {
  return {
    ok: false,
    code: requestFailureCode(error),
    reason: `${error.message}; ${held}`,
    transient: true,
    vendorMayHold: true,
  };
}

/**
 * The outcome of a user whose request may have reached Userpilot without an answer (a lost answer, a job
 * still unsettled), once `error` stopped the import before a replay could settle it: a failure that says
 * Userpilot may hold the user. One left for later that Userpilot answered (a 409 waited out past its time)
 * only says the import stopped; any other outcome stands.
 */
export function stopped(outcome: Outcome, error: ApiError): Outcome {
  if (outcome.ok || outcome.transient !== true || outcome.unprocessed !== undefined) return outcome;
  const reason = `${outcome.reason}; the import then stopped: ${error.message}`;
  // Every failure no answer settled carries the mark: one without it was answered, and made no job.
  if (outcome.vendorMayHold !== true) return { ok: false, code: outcome.code, reason };
  // Said once, and in the engine's words, which a merge with an earlier lost send does not repeat: the
  // failure of a send no answer settled may already say Userpilot may hold the user.
  return {
    ok: false,
    code: outcome.code,
    reason: saysVendorMayHold(outcome.reason) ? reason : `${reason}${UNSETTLED_WRITE_NOTE}`,
    vendorMayHold: true,
  };
}

/**
 * A completed job's outcome for each of the `sent` users it was sent: imported, with a warning when the job
 * says it completed (or took) fewer rows than that, gives its count in another form than a whole number, or
 * names errors, failures or rows skipped beside its status, because Userpilot does not say which rows those
 * were.
 */
export function completedOutcome(
  jobId: string,
  job: Record<string, unknown>,
  sent: number,
  scrub: (text: string) => string,
): Outcome {
  const notes = [rowsNote(jobId, job, sent, scrub), errorsNote(jobId, job, scrub)].filter(
    (note) => note !== undefined,
  );
  return notes.length === 0 ? { ok: true } : { ok: true, note: notes.join("; ") };
}

/** Why a completed job's row counts leave open that it skipped this user, if they do. */
function rowsNote(
  jobId: string,
  job: Record<string, unknown>,
  sent: number,
  scrub: (text: string) => string,
): string | undefined {
  const completed = job["completed_rows"];
  const total = job["total_rows"];
  const [field, done] =
    completed === undefined || completed === null
      ? ["total_rows", total]
      : ["completed_rows", completed];
  if (done === undefined || done === null) return undefined;
  // A count Userpilot gives in another form than the spec's whole number from 0 (text "2", -1, 2.5) may
  // say it skipped rows.
  if (!isRowCount(done))
    return `Userpilot completed job ${jobId} with ${field} ${shown(done, scrub)}, ${notACount(done)}, so whether it skipped rows is unknown: this user may not have been updated`;
  if (done >= sent) {
    // A job that took fewer rows than were sent did not do the rest, whatever its completed_rows says.
    return isRowCount(total) && total < sent
      ? `Userpilot completed job ${jobId} with total_rows ${total} for ${sent} rows sent (its completed_rows ${done}) and does not say which rows it left out: this user may not have been updated`
      : undefined;
  }
  return (
    `Userpilot completed job ${jobId} after ${done} of ${sent} rows and does not ` +
    "say which rows it skipped: this user may not have been updated"
  );
}

/**
 * Why a completed job's status leaves open that it skipped this user: a field the spec does not give a job,
 * named for errors, failures or rows skipped, rejected or invalid (`errors`, `failed_rows`, …), says
 * something, and Userpilot ties it to no user the report can name. A message or details beside a completed
 * status may only say it succeeded: they do not warn.
 */
function errorsNote(
  jobId: string,
  job: Record<string, unknown>,
  scrub: (text: string) => string,
): string | undefined {
  // The field's name is the vendor's text too (it may echo a secret): scrubbed and cut with its value.
  const details = Object.keys(job)
    .filter((field) => namesWhatWentWrong(field) && saysSomething(job[field]))
    .map((field) => text(`${field}: ${whole(job[field])}`, scrub));
  if (details.length === 0) return undefined;
  return `Userpilot completed job ${jobId}, but its status also gives ${details.join("; ")}, and does not say which rows that concerns: this user may not have been updated`;
}

/**
 * Whether a field's name says what went wrong with some of a job's rows: one of its words (split at what is
 * not a letter and where lower case turns upper) names errors, failures or rows skipped, rejected or invalid.
 * A word, not a piece of one (`failover`, `invalidate_cache`), nor a bare verb, as an option's name gives it
 * (`skip_validation`, `fail_fast`).
 */
function namesWhatWentWrong(field: string): boolean {
  return field.split(/[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/).some((word) => WENT_WRONG.test(word));
}

const WENT_WRONG =
  /^(?:errors?|failed|fails|failures?|skipped|skips|rejected|rejects|rejections?|invalid)$/i;

/**
 * Whether a value says anything: not absent, `null`, `false`, 0 (nor as text: a count Userpilot may give as
 * text), nor an empty text, nor a list or object of nothing else (`[null]`, `{ "count": 0 }`).
 */
function saysSomething(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === "string") return value.trim() !== "" && Number(value) !== 0;
  if (typeof value !== "object") return true;
  return Object.values(value).some(saysSomething);
}

/** Fields of a job's status that say what went wrong, where Userpilot may put them. */
const ERROR_FIELDS = ["error", "errors", "message", "reason", "details", "error_code"] as const;

/** `field: value` for each error field a failed job's status gives something in, scrubbed and cut short. */
function errorDetails(job: Record<string, unknown>, scrub: (text: string) => string): string[] {
  return ERROR_FIELDS.filter((field) => saysSomething(job[field])).map(
    (field) => `${field}: ${text(job[field], scrub)}`,
  );
}

/**
 * The outcome of a user whose request's job was found in the job list by a guess (`guess` says why): an
 * import warns that the user may not have been imported, a failure says the job may not be the request's.
 * Only a request whose answer was lost is looked for so: if the job is not its own, that request may have
 * made one that imported the user, whatever became of this one (failed after no rows), so a failure says
 * Userpilot may hold the user.
 */
export function guessed(outcome: Outcome, guess: string): Outcome {
  if (outcome.ok) {
    const note = `${guess}, and this user may not have been imported`;
    return withNote(outcome, note);
  }
  return mayHoldOnce({ ...outcome, reason: `${outcome.reason}; ${guess}` }, NOT_ITS_JOB);
}

/** Added to the failure of a job found by a guess, where nothing else says Userpilot may hold the user. */
const NOT_ITS_JOB =
  "; if it is not the lost request's, that request may have made a job of its own, and Userpilot may hold this user";

/** Rows done of rows in all, when the job's status says both. */
export function progressOf(job: Record<string, unknown>): JobProgress | undefined {
  const completed = job["completed_rows"];
  const total = job["total_rows"];
  return typeof completed === "number" && typeof total === "number"
    ? { completed, total }
    : undefined;
}

/** How long the job ran by Userpilot's clock (`end_time` − `start_time`), when it says. */
export function vendorDuration(job: Record<string, unknown>): number | undefined {
  const start = job["start_time"];
  const stop = job["end_time"];
  if (typeof start !== "string" || typeof stop !== "string") return undefined;
  const ms = Date.parse(stop) - Date.parse(start);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

/**
 * A half's final outcome as a `done:<range>` checkpoint holds it (imported, with any note, or `job_failed`),
 * or undefined for any other text: a journal changed by hand, whose value is then not trusted.
 */
export function savedOutcome(text: string): Outcome | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { ok, note, code, reason, vendorMayHold } = value as Record<string, unknown>;
  if (ok === true && (note === undefined || typeof note === "string"))
    return note === undefined ? { ok } : { ok, note };
  if (ok !== false || code !== "job_failed" || typeof reason !== "string") return undefined;
  // An earlier version saved no mark: its reason's words then say whether Userpilot may hold the users.
  const held = vendorMayHold === undefined ? leavesOpen(reason) : vendorMayHold === true;
  return failure(code, reason, held);
}

/**
 * A failure of the users of a request or a job; `mayHold` where `reason` says Userpilot may hold them (asked
 * of every caller, so that none forgets it).
 */
export function failure(code: UserpilotFailureCode, reason: string, mayHold: boolean): Outcome {
  const held = mayHold && { vendorMayHold: true as const };
  // A job that may still finish, or one another job still blocks, is resumed by a re-run with the journal.
  // So is a job Userpilot accepted and then no longer knows (404): it may have imported the users.
  if (code === "job_timeout" || code === "job_conflict" || code === "job_lost") {
    return { ok: false, code, reason, transient: true, later: true, ...held };
  }
  // A 202 that does not name this request's job is as lost as a 502 after the send: a replay looks for the
  // job in the list before sending the users again.
  if (code === "job_mismatch" || code === "malformed") {
    return { ok: false, code, reason, transient: true, ...held };
  }
  return { ok: false, code, reason, ...held };
}

/**
 * The outcome of the users of a job that failed: why, from what its body carries (its status, progress and
 * any error fields, each scrubbed of the client's secrets before it is cut short: a secret cut first could
 * leave a piece too short to find), and whether Userpilot may hold them (rows it did before it failed).
 */
export function jobFailure(
  jobId: string,
  job: Record<string, unknown>,
  scrub: (text: string) => string,
): Outcome {
  return failure("job_failed", ...jobFailureReason(jobId, job, scrub));
}

function jobFailureReason(
  jobId: string,
  job: Record<string, unknown>,
  scrub: (text: string) => string,
): [reason: string, mayHold: boolean] {
  const parts = [`job ${jobId} failed`];
  if (typeof job["completed_rows"] === "number" && typeof job["total_rows"] === "number") {
    parts.push(`after ${job["completed_rows"]} of ${job["total_rows"]} rows`);
  }
  const details = errorDetails(job, scrub);
  const failed =
    details.length === 0 ? parts.join(" ") : `${parts.join(" ")}: ${details.join("; ")}`;
  // Rows the job did before it failed may hold this user: Userpilot does not say which rows they were.
  const done = job["completed_rows"];
  if (isRowCount(done))
    return done > 0
      ? [
          `${failed}; Userpilot may hold this user: the job did ${done} row(s) before it failed and does not say which`,
          true,
        ]
      : [failed, false];
  // No count (the spec makes it optional), or one in another form than the spec's whole number from 0
  // (text "2", -1), leaves open that the job did rows before it failed.
  const given =
    done === undefined || done === null
      ? "no completed_rows"
      : `completed_rows as ${shown(done, scrub)}, ${notACount(done)}`;
  return [
    `${failed}; Userpilot may hold this user: the job gave ${given}, so whether it did rows before it failed is unknown`,
    true,
  ];
}

function notACount(value: unknown): string {
  return typeof value === "number"
    ? "not a whole number of rows as documented"
    : "not a number as documented";
}

/** A count of rows as the spec gives it: a whole number from 0 (the answer check leaves it unchecked). */
function isRowCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** `: ` and the messages of an error body (`errors[].message` or `error`, and `details`), or nothing. */
export function errorText(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return "";
  const messages = errors
    .map((entry: unknown) => {
      if (entry === null || typeof entry !== "object") return text(entry);
      const { message, details, error } = entry as Record<string, unknown>;
      return [message ?? error, details]
        .filter((part) => part !== undefined)
        .map((part) => text(part))
        .join(": ");
    })
    .filter((message) => message !== "");
  return messages.length === 0 ? "" : `: ${messages.join("; ")}`;
}

/**
 * `: ` and what a `409` says beyond its status: Userpilot's messages, or why its body could not be read (a
 * proxy's page in its place), which leaves the running job the status alone says.
 */
export function conflictText(error: ApiError): string {
  if (typeof error.status === "number") return "body" in error ? errorText(error.body) : "";
  const why = "reason" in error && typeof error.reason === "string" ? error.reason : error.message;
  return ` (as its 409 said, whose body could not be read: ${why})`;
}

/** A value the spec gives another type, as the answer wrote it (text in quotes), cut short. */
function shown(value: unknown, scrub: (text: string) => string): string {
  return textStart(text(typeof value === "string" ? JSON.stringify(value) : value, scrub), 100);
}

/**
 * Userpilot's text as a reason or warning quotes it: scrubbed, then cut short. A link keeps its host and path
 * only: one to a job's error file may be signed (`?X-Amz-Signature=…`) or carry `user:password@`, a key to
 * users' data that the report would hand to whoever reads it.
 */
export function text(value: unknown, scrub = (all: string) => all): string {
  return textStart(scrub(whole(value)).replace(LINK, shownLink), 500);
}

/** A link: its scheme, user name and password, host and path, then its query or fragment. */
const LINK = /\b(https?:\/\/)(?:[^\s"'<>/?#@]*@)?([^\s"'<>?#]*)([?#][^\s"'<>]*)?/gi;
const shownLink = (_: string, scheme: string, hostAndPath: string, query: string | undefined) =>
  `${scheme}${hostAndPath}${query === undefined ? "" : "?…"}`;

/** A value as text, whole: scrubbed before it is cut, a secret leaves no piece too short to find. */
function whole(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
