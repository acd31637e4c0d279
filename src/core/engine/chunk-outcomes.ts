import { httpStatusOf, type ApiError } from "../errors/api-error.js";
import { isTooLargeLostAnswer, isTransient } from "../errors/transient.js";
import { unprocessedBy } from "../errors/unprocessed.js";
import type { ChunkResult, ItemOutcome } from "./adapter.js";
import { requestFailureCode, type RequestFailureCode } from "./failure-codes.js";
import { everyItem, UNSETTLED_JOB_NOTE } from "./outcomes.js";

export { UNSETTLED_JOB_NOTE };

/**
 * Answers that will refuse every other chunk too: going on would only fail the rest slowly. A 401 or 403 is
 * one whatever its body: a gateway's HTML login page arrives as `malformed` or `undocumented`, not as 401.
 * So is a redirect: the host answers every request so, and no request is sent where it points.
 */
export function isFatal(error: ApiError): boolean {
  if (error.status === 401 || error.status === 403 || error.status === "auth") return true;
  if (error.status === "redirect") return true;
  const httpStatus = httpStatusOf(error);
  return httpStatus === 401 || httpStatus === 403;
}

/**
 * Whether the vendor certainly acted on nothing of the write that failed with `error`: it refused the
 * credentials, turned the request away or never got it, and no earlier try of the call may have arrived. An
 * adapter then clears what it journaled before sending, so a re-run does not say the vendor may hold it.
 */
export function wroteNothing(error: ApiError): boolean {
  return unprocessedBy(error) !== undefined || (isFatal(error) && error.afterArrivedTry !== true);
}

/**
 * Which request of a chunk failed: the one that carries its records to the vendor (`write`), or one that
 * follows up on what the vendor holds (`follow`: a job's status, its result lists, a search for a job).
 * Only a write that the vendor certainly did not act on says the vendor holds nothing of the records.
 */
export type FailedRequest = "write" | "follow";

/**
 * Added to a refusal that came after a try whose answer was lost, or unusable (a job id that was not the
 * request's): the refusal speaks only for its own try.
 */
export const EARLIER_TRY_NOTE =
  "; a try of this request got no answer that said what became of it and may have reached the vendor, which may hold this record";
/**
 * Who a refusal's reason says refused: `vendor`, or the answer given as the vendor's where that answer may
 * not be the vendor's: one a caller's middleware put in its place (whether or not the request reached the
 * vendor), or one after a try that may have reached the vendor and got no answer that said what became of
 * it. Only who refused is said here: whether the vendor may hold the records is said by
 * {@link EARLIER_TRY_NOTE} after it, where a try may have reached the vendor.
 */
export function refusedBy(vendor: string, error: ApiError): string {
  return notVendorsOwn(error) ? `the answer given as ${vendor}'s` : vendor;
}

/** Whether `error`'s answer may not be the vendor's own (see {@link refusedBy}). */
export function notVendorsOwn(error: ApiError): boolean {
  return error.afterArrivedTry === true || error.replacedAnswer === true;
}

/** The part of {@link EARLIER_TRY_NOTE} its earlier wording (in journals of earlier versions) has too. */
const EARLIER_TRY_TAIL = "may have reached the vendor, which may hold this record";

/**
 * `failure` with `note` (which says why) added to its reason, marked as a record the vendor may hold: the
 * mark, not the words, decides the report's `vendorMayHold`, so every note that says so goes through here.
 */
export function mayHold<F extends { readonly ok: false; readonly reason: string }>(
  failure: F,
  note = "",
): F {
  return { ...failure, reason: `${failure.reason}${note}`, vendorMayHold: true };
}

/**
 * {@link mayHold}, but `note` is left out where the failure already says so (see {@link saidMayHold}): said
 * once is enough. The mark is set either way.
 */
export function mayHoldOnce<
  F extends { readonly ok: false; readonly reason: string; readonly vendorMayHold?: true },
>(failure: F, note: string): F {
  return mayHold(failure, saidMayHold(failure) ? "" : note);
}

/**
 * Whether a failure says already that the vendor may hold its record: marked, and in one of the engine's
 * notes. Not by the words alone, which may quote a vendor's (a refusal echoing a value would go without the
 * note that says why the vendor may hold its record); nor by the mark alone, set too by an adapter's own
 * words ("whether this person was imported is unknown"), to which the note adds why (an earlier try).
 */
export function saidMayHold(failure: {
  readonly reason: string;
  readonly vendorMayHold?: true;
}): boolean {
  return failure.vendorMayHold === true && saysVendorMayHold(failure.reason);
}

/**
 * {@link mayHold} for what the vendor answered about the record's job or request (`note`, then
 * {@link UNSETTLED_JOB_NOTE}), with the `jobMayHold` mark that lets such a failure stand over an earlier
 * refusal of the record (see `better` in follow-chunk).
 */
export function jobMayHold<F extends { readonly ok: false; readonly reason: string }>(
  failure: F,
  note = "",
): F {
  return { ...mayHold(failure, `${note}${UNSETTLED_JOB_NOTE}`), jobMayHold: true };
}

/**
 * An imported record's outcome with `note` added to any it carries: each says something else the vendor
 * could not tell.
 */
export function withNote<O extends { readonly ok: true; readonly note?: string }>(
  outcome: O,
  note: string,
): O {
  return { ...outcome, note: outcome.note === undefined ? note : `${outcome.note}; ${note}` };
}

/**
 * `outcome` as the answer to a send after one whose answer was lost (in this run or, on the journal's word,
 * an earlier one): a refusal says the vendor may hold the record; any other outcome is left as it is.
 */
export function afterLostSend<Code extends string>(outcome: ItemOutcome<Code>): ItemOutcome<Code> {
  if (outcome.ok || outcome.transient === true) return outcome;
  return mayHoldOnce(outcome, EARLIER_TRY_NOTE);
}

/**
 * `outcome` as the answer to a send after one that the adapter knows got no settling answer (a checkpoint it
 * kept from before that send): any failure but an abort speaks for its own send only (a refusal, a 429, a
 * wait for another job), so it says the vendor may hold the record. {@link afterLostSend}, which the engine
 * uses where it cannot tell a lost answer from an answered try, says so of refusals only. A transient abort's
 * words are the engine's, which say what the stop leaves open (it adds none to one that is not).
 */
export function afterUnansweredSend<Code extends string>(
  outcome: ItemOutcome<Code>,
): ItemOutcome<Code> {
  if (outcome.ok) return outcome;
  if (outcome.code === "aborted" && outcome.transient === true) return outcome;
  return mayHoldOnce(outcome, EARLIER_TRY_NOTE);
}

/**
 * The outcome of a record whose request failed: the error's status as code, its message as reason; a
 * failed `write` the vendor cannot have acted on is marked `unprocessed`.
 */
export function failedBy(
  error: ApiError,
  request: FailedRequest = "follow",
): ItemOutcome<RequestFailureCode> {
  const code = requestFailureCode(error);
  if (!isTransient(error) && !isTooLargeLostAnswer(error)) {
    const refused: ItemOutcome<RequestFailureCode> = { ok: false, code, reason: error.message };
    // The refusal answered the client's retry: the try before it got no answer and may have written.
    return request === "write" && error.afterArrivedTry === true
      ? mayHold(refused, EARLIER_TRY_NOTE)
      : refused;
  }
  const unprocessed = request === "write" ? unprocessedBy(error) : undefined;
  if (unprocessed !== undefined)
    return { ok: false, code, reason: error.message, transient: true, unprocessed };
  // A write no answer settled (a timeout, a connection lost after it went out, a 5xx but 503, a gateway's
  // page in place of a 2xx) may have been acted on; an abort's words are the engine's, who knows what stopped
  // it.
  const failed: ItemOutcome<RequestFailureCode> = {
    ok: false,
    code,
    reason: error.message,
    transient: true,
  };
  return request === "write" && error.status !== "aborted"
    ? mayHold(failed, UNSETTLED_WRITE_NOTE)
    : failed;
}

/** Added to a write that failed with no answer saying what became of it. */
export const UNSETTLED_WRITE_NOTE =
  "; no answer said what became of the request: the vendor may hold this record";

/**
 * Added to the failure of a chunk whose adapter threw while the run went on (a caller's callback that threw,
 * such as the client's `onRetry`; a defect): nothing says how far its requests got.
 */
export const UNFOLLOWED_NOTE =
  "; following this chunk through stopped there, so what became of its request is unknown: the vendor may hold this record";

/**
 * Added to a refusal of a record that a later try of its chunk sent again, with no answer that settled it:
 * the vendor may have written the record that time.
 */
export const RESENT_NOTE =
  "; a later try of its chunk sent it again, and what became of that send is unknown: the vendor may hold this record";

/**
 * Whether a failure's reason already says the vendor may hold the record, in our words: it decides only
 * whether such words are said again, never the `vendorMayHold` mark (a vendor's message quoted in the reason
 * would have to repeat one of these sentences to the letter).
 */
export const saysVendorMayHold = (reason: string): boolean =>
  [UNSETTLED_WRITE_NOTE, EARLIER_TRY_TAIL, UNSETTLED_JOB_NOTE, UNFOLLOWED_NOTE, RESENT_NOTE].some(
    (note) => reason.includes(note),
  );

/**
 * Only for a failure an earlier version of this package journaled (a done line, or an outcome an adapter
 * saved in a checkpoint), which has no `vendorMayHold` mark: whether its reason leaves open that the vendor
 * holds the record, in the words the engine's notes and the adapters used then. Every outcome this version
 * makes carries the mark, which alone decides; a vendor's words quoted in a reason could read alike.
 * The words: the vendor "may hold" this record (user, person, update), or "whether" it was imported (or the
 * vendor holds it) "is unknown". Not a bare "may hold" (a refusal's "email may hold at most 254 characters")
 * nor any "is unknown" (a refusal whose own reason is unknown, a vendor's "field is unknown"), which leave no
 * user at the vendor.
 */
export const leavesOpen = (reason: string): boolean =>
  OWN_MAY_HOLD.test(reason) || reason.split(";").some(saysUnknown);

const OWN_MAY_HOLD = /\bmay hold (?:this|that|the|these) (?:record|user|person|update)s?\b/i;
const WHETHER = /\bwhether\b/gi;
const IMPORTED_OR_HOLDS = /\b(?:imported|holds?)\b/gi;
const IS_UNKNOWN = /\bis unknown\b/gi;

/**
 * Whether a clause (no `;` in it) has "whether", then "imported", "hold" or "holds" with no `:` between them,
 * then "is unknown". Found word by word, each pattern once from where the last stopped, not by one pattern
 * with a run of any text between the words: that one tried each "holds" after each "whether", each time to
 * the clause's end, and a reason of 28,000 characters of them took 23 s to read from a journal (cubic).
 */
function saysUnknown(clause: string): boolean {
  let from = 0;
  for (const part of clause.split(":")) {
    const start = from;
    from += part.length + 1;
    WHETHER.lastIndex = 0;
    const whether = WHETHER.exec(part);
    if (whether === null) continue;
    IMPORTED_OR_HOLDS.lastIndex = whether.index + whether[0].length;
    const word = IMPORTED_OR_HOLDS.exec(part);
    if (word === null) continue;
    // The first such word in the clause: the most of it is left after it to say "is unknown".
    IS_UNKNOWN.lastIndex = start + word.index + word[0].length;
    return IS_UNKNOWN.test(clause);
  }
  return false;
}

/** A chunk whose request failed for good: fatal for bad credentials, otherwise every record failed. */
export function chunkFailed(
  error: ApiError,
  size: number,
  request: FailedRequest = "follow",
): ChunkResult<RequestFailureCode> {
  if (isFatal(error)) return { kind: "fatal", error };
  return everyItem(size, failedBy(error, request));
}
