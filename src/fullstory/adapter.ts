// FullStory's batch user import as an import-engine adapter: one chunk = one batch job.
//   create the job (under an idempotency key saved first) → save the job id → poll its status with backoff
//   → page through the imported users and the failures → one outcome per record, in order.
import { textStart } from "../core/cut-text.js";
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/fullstory.js";
import { parameterRules, rules } from "../../generated/fullstory.rules.js";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { isPathSegment } from "../core/client/path-segment.js";
import {
  afterUnansweredSend,
  chunkFailed,
  failedBy,
  isFatal,
  jobMayHold,
  saidMayHold,
  UNSETTLED_JOB_NOTE,
  wroteNothing,
} from "../core/engine/chunk-outcomes.js";
import { tooLongToBuild } from "../core/engine/chunk-body.js";
import { callWithin, type TimedOut } from "../core/http/deadline.js";
import { vendorCode } from "../core/engine/failure-codes.js";
import { everyItem } from "../core/engine/outcomes.js";
import { perRun } from "../core/engine/per-run.js";
import { lookalike } from "../core/engine/repeated-records.js";
import { pollJob, pollUntil } from "../core/engine/poll.js";
import { JobTimes, planJobPolls, pollSettings } from "../core/engine/poll-settings.js";
import { WorkSlots } from "../core/engine/work-slots.js";
import { httpStatusOf, type ApiError } from "../core/errors/api-error.js";
import { isTransient } from "../core/errors/transient.js";
import { unprocessedBy } from "../core/errors/unprocessed.js";
import { monotonicNow } from "../core/time.js";
import { kindOf } from "../core/validate/describe.js";
import type { FullStoryClient } from "./client.js";
import type { FullStoryFailureCode } from "./failure-codes.js";
import {
  count,
  countValue,
  jobCount,
  keylessMayBe,
  unconfirmedImports,
  type JobCount,
  type Tally,
} from "./job-counts.js";
import { validateFullStoryRecord, type FullStoryUser } from "./validate.js";
import {
  Matcher,
  isKeyless,
  matchable,
  matchKeysOfItems,
  mayName,
  namesOf,
  text,
  type Keys,
  type Matchable,
} from "./matcher.js";

/** Most users FullStory accepts in one batch request. */
export const FULLSTORY_MAX_BATCH = rules.CreateBatchImportRequest.properties.requests.maxItems;

/** The job states the spec names: one but PROCESSING, COMPLETED and FAILED is polled on as running. */
const JOB_STATES: readonly string[] = rules.JobStatus.enum;

/**
 * How the FullStory adapter follows a batch job through. Durations are ms from 1 to about 24.8 days
 * (`MAX_TIMER_MS`), counts whole numbers ≥ 1: anything else throws a RangeError when the adapter is made.
 */
export interface FullStoryAdapterOptions {
  /**
   * Wait between status polls (and between asks while a result list answers 202), in ms, while nothing
   * predicts a job's end: the first jobs of an import are polled soon, then at waits growing from an eighth
   * of this interval up to it, then at it (up to `maxPollsPerJob` times); a job resumed from a journal with
   * waits growing 1.5× from it. Once a job of the import ended (its `created` and `finished` times), the next
   * job's first poll is timed for when its pace says it ends.
   * @default 2000
   */
  pollIntervalMs?: number | undefined;
  /**
   * Ceiling of one wait between polls, in ms; one below `pollIntervalMs` is raised to it.
   * @default 15000
   */
  maxPollIntervalMs?: number | undefined;
  /**
   * How long one job may take, from the first status poll until its results are read, in ms, the retries of
   * those requests and their waits (a `Retry-After` included) within it; a replay that follows the job again
   * in the same run (after a status poll or a result page failed) gets what is left of it, not the whole time
   * again. When it runs out while the job is still processing, the chunk's records fail with code
   * `job_timeout` (the reason names the job, which FullStory may still finish); when it runs out while the
   * result lists are read, the records not placed yet fail with `results_incomplete`.
   * @default 3600000 (one hour)
   */
  jobTimeoutMs?: number | undefined;
  /**
   * Status polls of one job timed by prediction; past them every wait is `maxPollIntervalMs`.
   * @default 20
   */
  maxPollsPerJob?: number | undefined;
}

type Terminal = "COMPLETED" | "FAILED";
/** A job's end state and the counts its status answered. */
type Ended = { status: Terminal; imports: JobCount; errors: JobCount };
type FailedUserImport = components["schemas"]["FailedUserImport"];
type Outcome = ItemOutcome<FullStoryFailureCode>;
type Result = ChunkResult<FullStoryFailureCode>;

/**
 * The import-engine adapter for FullStory's batch user import. Chunks default to 10,000 users (FullStory
 * takes up to 50,000; smaller chunks give earlier outcomes and cheaper retries) and 2 jobs in flight
 * (FullStory runs 100 jobs per organisation at once and answers 429 at 200; the limit here is 100).
 *
 * Each chunk: an `Idempotency-Key` (a UUID v4) is saved to the journal, then `createBatchImport` is sent
 * under it (the client retries 429, 5xx and network failures with the same key); the job id is saved; the
 * status is polled until `COMPLETED` or `FAILED` (once a job of the import ended, each later job is polled
 * first when its pace says it ends, and the next batch is sent an upload's time before that, so that
 * FullStory has it as this job ends: for a moment around each job's end one more job per lane may be at
 * FullStory, never more than twice `concurrency`); then both `getBatchImports` and `getBatchImportErrors` are
 * paged through (a `FAILED` job may have imported some users), each within the job's time and a page budget
 * its counts give (a list that pages on past it leaves its records `results_incomplete`). Imported users and
 * failures are matched to the chunk's records: a failure whose user (the request item) has the uid, id and
 * email of one record only goes to it first (of records sharing all three, to the one whose whole item it
 * echoes); then an entry with a uid to a record with that uid (an imported
 * user no such record is free for, after every other entry, to a record without a uid that named it by its
 * FullStory id, else by its email); one without, among the records without a uid, by id, else by email.
 * Entries matching no record are ignored and counted (`unmatched_entries`), save that an imported user whose
 * uid is a placed record's makes that record's refusal say FullStory may hold the user, and takes from an
 * import an id it contradicts (with a warning; so does an id the list gives users of two uids, one perhaps
 * no record's, from each record given it that did not name it itself, as does an id it gives a user without
 * a uid and another user (of a uid, of another email, or with and without an email), from such a record
 * without a uid; and so does any id once the list names more users with a uid no record has than it may name
 * records, or any id a record without a uid was given once it names more users without a uid that no record
 * names than that); and a failure that echoes part of an
 * imported record (its uid, id or email) fails it, saying FullStory may hold the user. A failure that names
 * several records by the key it is matched on and none of them exactly fails each of them not refused
 * exactly, saying which one it refused is unknown and that FullStory may hold the user (all but one of them
 * may be among the imports counted, and confirm no record neither list names). A refusal the job's status
 * contradicts (the job `COMPLETED`, which says every user was imported, or its `imports` count leaves fewer
 * users than were refused) says FullStory may hold the user. A list that names the chunk's records more
 * than twice over is not read on, and nothing is placed from either list. Records neither list names are
 * imported (without an id) only when the job's `imports` count confirms them: what the count leaves after
 * every entry of the imports list (matched or not) covers them all. That holds for a job that `COMPLETED`,
 * and for one that ended `FAILED` (which says nothing of any one user) once its errors list refused a record
 * of the chunk and its `imports` and `errors` counts add up to the chunk: FullStory counts each user imported
 * or failed, so the count then holds every user it did not refuse. A record with neither uid, id nor email
 * goes to an imported user named only by the id FullStory gave it (the id given only when it is the chunk's
 * one such record and the list's one such user, and not if the list gives another user that id too;
 * where the list gives more such users than records, a warning instead, as which is its user is unknown) in
 * such a job, unless its errors list refused a record
 * sent so too; in a `FAILED` job, or where the list gives more such users than records, only once the count,
 * leaving room for those users, confirms the records no entry names. The `errors` count confirms no import.
 * Each list's `total_records` (the errors list's documented as its failures, the imports list's read as its
 * imports, UNCONFIRMED) counts as well: the fewest imports and the most failures any count gives are what
 * confirm. A count given but unusable
 * (negative, fractional, text that is not digits, more than the chunk), or `imports` + `errors` above the
 * chunk, confirms nothing. Otherwise they fail `no_outcome`, with the counts in the reason. Only a status
 * without an `imports` count (the spec requires it, so the client refuses one as a lost answer) leaves the
 * job's `COMPLETED` to confirm them; a `FAILED` one confirms nothing then. A create answered with a job
 * that another chunk of the import follows (in this run, or in the journal of an earlier one; a proxy caching
 * POST answers) is not this batch's job,
 * whose counts would confirm that chunk's users twice: the records fail `job_mismatch`, transient, and the
 * replay sends the same key again. So do they when a status of the job names another job, and the replay
 * polls the job again.
 *
 * A 404 for the job (its status or a result list) says FullStory lost the job it made, not that its users
 * failed: the records no list placed fail `job_lost`, transient. The chunk is replayed once in the run,
 * following the same job. After a second 404 it is left to a re-run (`later`), which polls the same job
 * again. No replay or re-run creates a second job. Any other failed request for the job (a 5xx after the
 * client's retries, a 400 or an undocumented status for its status or a page) refuses no user either: the
 * records not placed stay unsettled (transient, FullStory may hold them), and when the errors list failed
 * so, no imported user is placed (an unread failure may claim its record first; the replay reads both
 * lists), but a refusal read whose user the imports list read names too says FullStory may hold the
 * user. So is it when the import stops while a list's 202 is waited out: what the lists read settled
 * stands, and only the records they left unsettled fail `aborted`. A re-run with the journal reuses the
 * saved key (FullStory replays the job it made for it, for 24 hours) or, once saved, polls the saved job
 * instead of creating another. A key first sent more than a day ago (less an hour) without a job id saved
 * is not sent again: FullStory may have forgotten it and would make a second job, so the chunk's users fail
 * `key_expired` (FullStory may hold them), unless every send under it was answered without a job (turned
 * away, refused): then a new key is drawn. A key whose only send FullStory refused with 401 or 403 is
 * dropped: it made no job, and a re-run sends under a new one.
 */
export function createFullStoryAdapter(
  client: FullStoryClient,
  options: FullStoryAdapterOptions = {},
): ImportAdapter<FullStoryUser, FullStoryUser, FullStoryFailureCode> {
  const settings = pollSettings(options, {
    pollIntervalMs: 2_000,
    maxPollIntervalMs: 15_000,
    jobTimeoutMs: 3_600_000,
    maxPollsPerJob: 20,
    ceilingAtLeastFirstWait: true,
  });
  const { pollIntervalMs, maxPollIntervalMs, jobTimeoutMs } = settings;

  /**
   * Waits with backoff until `check` gives a value, within `leftMs`; `slept` is told each wait slept, so a
   * list's waits count as its time where they took less (a caller's sleep that returns at once).
   */
  const waitFor = <T>(
    check: () => Promise<T | undefined>,
    leftMs: number,
    context: ChunkContext,
    slept: (ms: number) => void,
  ) =>
    pollUntil(
      check,
      { initialMs: pollIntervalMs, maxMs: maxPollIntervalMs, timeoutMs: Math.max(0, leftMs) },
      async (ms) => {
        await context.sleep(ms);
        slept(ms);
      },
    );

  // What matches a job's result lists to a chunk's records, made before the records are released; a replay
  // gets the same chunk object, without its records.
  const matchKeys = new WeakMap<Chunk<FullStoryUser>, readonly Keys[]>();
  const matchKeysOf = (chunk: Chunk<FullStoryUser>): readonly Keys[] => {
    let keys = matchKeys.get(chunk);
    if (keys === undefined) matchKeys.set(chunk, (keys = matchKeysOfItems(chunk.items)));
    return keys;
  };
  // Chunks whose job FullStory answered 404 for in this run: one replay may meet a passing glitch, a second
  // 404 says FullStory forgot the job, which no replay in this run brings back.
  const lostJobs = new WeakSet<Chunk<FullStoryUser>>();
  // The jobs creates were answered with, and the Idempotency-Key each was sent under: kept across the runs
  // an adapter given to runImport again makes, as a job is only ever the answer to the key it was made for.
  const followedJobs = new Map<string, string>();
  // The jobs chunks of earlier runs followed, read from the journal once per run, when first needed: an
  // adapter given to runImport again may be given another journal, or none.
  const journalJobsOf = perRun(
    (context): ReadonlySet<string> => new Set(context.savedByAnyChunk("jobId")),
  );
  // When each key was first sent, on the monotonic clock, beside its wall-clock `keySavedAt`: the older of
  // the two ages counts. A wall clock set back must not make a day-old key look fresh; a machine suspended
  // for a day, which the monotonic clock does not see (and which looks like a wall clock moved forward), must
  // not replay a key FullStory has forgotten: a second job could import a user twice, where `key_expired`
  // only says FullStory may hold it. An earlier run's key is timed by the wall clock once, at its first
  // check.
  const keysSentHere = new Map<string, number>();
  // How long each job was followed in the run: a replay that polls the same job again gets what is left.
  const jobTimesOf = perRun((): JobTimes => new JobTimes());
  // The jobs a status showed ended in the run: a replay whose time runs out did not wait on a running job.
  const endedJobsOf = perRun((): Set<string> => new Set());

  const slots = jobSlotsWith(client);

  async function send(chunk: Chunk<FullStoryUser>, context: ChunkContext): Promise<Result> {
    const size = chunk.keys.length;
    const { signal } = context;
    let jobId = context.resumed?.["jobId"];
    // Only a job created here has a known age, which the pace of earlier jobs can time.
    const fresh = jobId === undefined;
    // A job made by an earlier send is only polled and read: this attempt sends no user.
    if (!fresh) context.followedUpOnly?.();
    if (jobId === undefined) {
      // "" says an earlier run's key made no job (FullStory refused its only send): a new key is drawn.
      let idempotencyKey = context.resumed?.["idempotencyKey"] || undefined;
      const savedAt = context.resumed?.["keySavedAt"];
      // Whether no request under the key can have reached FullStory yet (`keySavedAt` "" says so).
      const keyUnsent = idempotencyKey === undefined || savedAt === "";
      // Kept from the first try under the key whose answer never came (in this run or an earlier one): that
      // try may have made FullStory's job, so a later try's failure speaks for that try only.
      const lostBefore = context.resumed?.["unanswered"] === "1";
      // A journal of an earlier version, which kept no `unanswered`, does not say whether its sends under the
      // key were answered: nothing is said or recorded of them, as that version did not.
      const unrecorded = !keyUnsent && context.resumed?.["unanswered"] === undefined;
      const sending = lostBefore || unrecorded ? {} : { unanswered: "1" };
      const newKey = (): string => {
        const key = randomUUID();
        // When the key was first used: FullStory answers it with the job it made for 24 hours from then.
        context.checkpoint({
          idempotencyKey: key,
          keySavedAt: new Date().toISOString(),
          ...sending,
        });
        keysSentHere.set(key, monotonicNow());
        return key;
      };
      if (idempotencyKey === undefined) {
        idempotencyKey = newKey();
      } else if (savedAt === "") {
        // Every earlier try under the key failed before reaching FullStory: its 24 hours start with this one.
        context.checkpoint({ keySavedAt: new Date().toISOString(), ...sending });
        keysSentHere.set(idempotencyKey, monotonicNow());
      } else {
        const sentAt = keysSentHere.get(idempotencyKey) ?? sentBefore(savedAt);
        if (sentAt !== undefined) keysSentHere.set(idempotencyKey, sentAt);
        const expired = keyExpired(idempotencyKey, savedAt, sentAt);
        if (expired !== undefined && context.resumed?.["unanswered"] !== "")
          return everyItem(size, expired);
        // Every send under an expired key was answered, none with a job (turned away, refused): FullStory
        // holds nothing under it, and a new key sends the chunk as a first send would.
        if (expired !== undefined) idempotencyKey = newKey();
        else if (!lostBefore && !unrecorded) context.checkpoint(sending);
      }
      const uploadStarted = monotonicNow();
      const created = await client
        .createBatchImport({
          // The chunk is read-only; the client only serialises it, once, in one JSON.stringify of the batch.
          body: { requests: chunk.items as FullStoryUser[] },
          params: { header: { "Idempotency-Key": idempotencyKey } },
          signal,
        })
        .catch((error: unknown) => {
          // A body longer than one string can hold is never sent: the key is dropped as after a refusal, so
          // a re-run (with a smaller chunk size, under a new journal, as the engine's reason says) does not
          // say FullStory may hold these users. So is a key an earlier try saved (a run that stopped before
          // it could drop it): every try under the key carried this chunk's body, which none could build.
          if (tooLongToBuild(error))
            context.checkpoint({ unanswered: "", idempotencyKey: "", keySavedAt: "" });
          throw error;
        });
      if (!created.ok) {
        // No try under the key reached FullStory, or one was refused outright (401, 403), and no earlier one
        // can have arrived: FullStory made no job under it (and may keep a refusal for the key for a day).
        // The key is dropped, so the journal says nothing went out (a re-run does not say FullStory may hold
        // the users, nor fail them `key_expired` a day later), and a new one is drawn. A key turned away
        // (429, 503) is kept: sent again under it, a request a gateway's 503 hid cannot make a second job.
        const { error } = created;
        const dropKey = keyUnsent && wroteNothing(error) && unprocessedBy(error) !== "turned_away";
        // A refusal, or a try turned away or never sent, made no job; a retry after a try that arrived
        // unanswered may have.
        const refused = typeof error.status === "number" && !isTransient(error);
        const answered =
          !lostBefore &&
          !unrecorded &&
          error.afterArrivedTry !== true &&
          (refused || wroteNothing(error));
        if (answered || dropKey)
          context.checkpoint({
            ...(answered && { unanswered: "" }),
            ...(dropKey && { idempotencyKey: "", keySavedAt: "" }),
          });
        const failed = chunkFailed(error, size, "write");
        return lostBefore && failed.kind === "done"
          ? { ...failed, outcomes: failed.outcomes.map(afterUnansweredSend) }
          : failed;
      }
      settings.pace.uploaded(size, monotonicNow() - uploadStarted);
      jobId = created.data.job.id;
      // An empty or dot id would poll another path (`..` is `/v2/users/`): the answer is as lost as a 502's.
      if (!isPathSegment(jobId))
        return everyItem(size, {
          ok: false,
          code: "malformed",
          reason: `FullStory answered this batch's create with batch import job id ${JSON.stringify(jobId)}, which names no job's path; the request may have reached FullStory, which may hold this user`,
          transient: true,
          vendorMayHold: true,
        });
      // A job another chunk follows (a proxy that caches POST answers) is not this batch's: its counts would
      // confirm that chunk's users twice. The answer is as lost as a 502's; a replay sends the same key
      // again.
      const owner = followedJobs.get(jobId);
      if (owner === undefined ? journalJobsOf(context).has(jobId) : owner !== idempotencyKey)
        return everyItem(size, {
          ok: false,
          code: "job_mismatch",
          reason: `FullStory answered this batch's create with batch import job ${jobId}, which another chunk of this import (or of another import through this adapter) follows, so it is not this batch's job; the request may have reached FullStory, which may hold this user`,
          transient: true,
          vendorMayHold: true,
        });
      followedJobs.set(jobId, idempotencyKey);
      context.checkpoint({ jobId });
    }
    const job = jobId;
    // FullStory holds the records: while its job runs, only what matches its results to them is kept.
    const records = matchKeysOf(chunk);
    context.releaseItems();
    // What is left of the job's time in this run: an earlier attempt that followed it spent the rest.
    const times = jobTimesOf(context);
    const left = times.left(job, jobTimeoutMs);
    // On a clock the wall clock's jumps do not move: a clock set forward must not spend the job's time.
    const deadline = monotonicNow() + left;
    // A status but PROCESSING and the end states (a CANCELLED FullStory adds) is polled on as running: the
    // reason says which one the job was left in, and whether the spec names it, as nothing here can tell
    // whether the job still runs.
    let leftIn: string | undefined;
    // `why`: the wait a status poll was given up at, its end past the job's time (the job was not seen to
    // run for all of it).
    const timedOut = (why: string | undefined): Result => {
      // An earlier attempt saw the job end, then its lists went unread: this replay had their time.
      const ended = endedJobsOf(context).has(job);
      return everyItem<FullStoryFailureCode>(size, {
        ok: false,
        code: ended ? "results_incomplete" : "job_timeout",
        reason: ended
          ? `FullStory batch import job ${job} ended, as an earlier status said, but its result lists were not read within ${jobTimeoutMs} ms${why === undefined ? "" : `: a status poll was given up, as ${why}, past that time`}${UNSETTLED_JOB_NOTE}`
          : `FullStory batch import job ${job} ${why === undefined ? "did not finish" : "was not seen to end"} within ${jobTimeoutMs} ms${why === undefined ? "" : `: its status poll was given up, as ${why}, past that time`} (FullStory may still finish it)${leftIn === undefined ? "" : `; its last status was ${leftIn}, so whether the job still runs is unknown`}${UNSETTLED_JOB_NOTE}`,
        // The job's whole time was spent (or a wait past it was asked for): only a later run, polling the
        // same job, can settle it.
        transient: true,
        later: true,
        vendorMayHold: true,
      });
    };
    // The job's id came from FullStory (just now, or saved from its answer earlier): a 404 for it says
    // FullStory lost the job, not that the users failed. Replays follow the same job (the saved id, or the
    // same Idempotency-Key, which FullStory answers with the same job), so none makes a second job.
    const lost = (where: string): Outcome => {
      const again = lostJobs.has(chunk);
      lostJobs.add(chunk);
      return {
        ok: false,
        code: "job_lost",
        reason: `FullStory answered 404 for ${where} of batch import job ${job}, which it created for this chunk: it no longer knows the job, and whether this user was imported is unknown${again ? " (it answered 404 again after a replay; check the user in FullStory)" : ""}`,
        transient: true,
        ...(again && { later: true as const }),
        vendorMayHold: true,
      };
    };

    // 1. Poll the job until it ends.
    const plan = planJobPolls(settings, size, fresh);
    type Polled = Ended | { error: ApiError } | { otherJob: unknown };
    const polled = await pollJob<Polled>(
      async (leftMs): Promise<{ value: Polled } | { progress?: never } | TimedOut> => {
        // The job's time bounds the poll's retries and their waits too (a 429's Retry-After of minutes).
        const result = await callWithin(signal, leftMs, (bounded) =>
          client.getBatchImportStatus({ params: { path: { job_id: job } }, signal: bounded }),
        );
        if ("timedOut" in result) return result;
        if (!result.ok) return { value: { error: result.error } };
        // The status of another job (a proxy caching GET answers) says nothing of this one's users.
        if (result.data.job.id !== job) return { value: { otherJob: result.data.job.id } };
        const status = result.data.job.status;
        // Anything but an end state (PROCESSING, or a state the spec does not name) is polled again.
        if (status !== "COMPLETED" && status !== "FAILED") {
          // Scrubbed before it is cut: a key echoed across the cut would leave a piece too short to know.
          leftIn =
            status === "PROCESSING"
              ? undefined
              : `${textStart(client.scrub(JSON.stringify(status)), 100)}, ${JOB_STATES.some((named) => named === status) ? "which is no end state this import reads (COMPLETED or FAILED)" : "which FullStory does not document"}`;
          return {};
        }
        plan.ended(jobDuration(result.data.job));
        endedJobsOf(context).add(job);
        return {
          value: {
            status,
            imports: jobCount(result.data.imports, size),
            errors: jobCount(result.data.errors, size),
          },
        };
      },
      plan,
      (ms) => context.sleep(ms),
      left,
      // Once the pace says this job is about to end, the next batch goes, so it is uploaded (and checked by
      // FullStory) while this job still runs and is processing when this one ends: FullStory is not left
      // idle for an upload between jobs.
      () => context.vendorDone(),
    ).finally(() => times.add(job, plan.elapsed()));
    if (polled.timedOut) return timedOut(polled.why);
    if ("otherJob" in polled.value) {
      const named = client.scrub(JSON.stringify(polled.value.otherJob) ?? "nothing");
      return everyItem(size, {
        ok: false,
        code: "job_mismatch",
        reason: `FullStory answered the status of batch import job ${job} with the status of job ${textStart(named, 200)}, so whether this user was imported is unknown`,
        transient: true,
        vendorMayHold: true,
      });
    }
    if ("error" in polled.value) {
      const { error } = polled.value;
      if (notFound(error)) return everyItem(size, lost("the status"));
      // FullStory holds the job: a fatal answer now leaves its users' fate unknown, not failed.
      if (isFatal(error)) return { kind: "fatal", error, written: true };
      return everyItem(size, unsettled(error, job));
    }
    const ended = polled.value;
    // FullStory is done with the job (if the pace did not already hand its slot over): the next batch can be
    // processing while this one's results are read.
    context.vendorDone();

    // 2. Read both result lists at once (each list's pages are sequential, but the two are independent, and
    // a request less in a row is a wait less behind the vendor's queue), matching each entry to a record of
    // the chunk. Both lists are matched once read, in one order whichever answers first: a failure naming one
    // record exactly (its uid, id and email), then every import, then the other failures.
    const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(size);
    const matcher = new Matcher(records, outcomes);
    const failures: FailedUserImport[] = [];
    const page = (token: string | undefined, bounded: AbortSignal) => ({
      params: {
        path: { job_id: job },
        ...(token === undefined ? {} : { query: { page_token: token } }),
      },
      signal: bounded,
    });
    // The lists have what the status polls left, counted as the status polls count it: the time taken, or
    // the waits asked for where more (a caller's sleep that returns at once). Each list counts its own
    // waits, over all its pages (read side by side, the two take the time of the longer), and a replay that
    // follows the job again gets what is left after them.
    const listsStarted = monotonicNow();
    const listsTime = Math.min(deadline - listsStarted, times.left(job, jobTimeoutMs));
    const listClocks: (() => number)[] = [];
    const bounds = (reported: number | undefined): PageBounds => {
      let waited = 0;
      const spent = () => Math.max(monotonicNow() - listsStarted, waited);
      listClocks.push(spent);
      const left = () => listsTime - spent();
      return {
        left,
        reported,
        size,
        signal,
        wait: (next) => waitFor(next, left(), context, (ms) => (waited += ms)),
      };
    };
    // Only what matches an imported user to a record is kept of it, until the failures are matched first; an
    // entry that can name no record of the chunk is counted, its id and uid (else email) kept only up to as
    // many entries with a uid, and as many without, as a list may name records (an id it gives a record too
    // is in doubt), so a list of users never sent, however long, holds no more than that and a page in
    // memory; and a list that names the chunk's records more than twice over is not read on, nor is anything
    // placed from either list (the ids it gives may be any user's, and what it leaves unread may contradict
    // what the other list says).
    const names = namesOf(records);
    const most = 2 * size + PAGE_SLACK;
    let cut = false;
    const overfull = (kept: unknown[]): boolean => {
      if (kept.length <= most) return false;
      kept.length = 0;
      cut = true;
      return true;
    };
    const listed: Keys[] = [];
    let strayImports = 0;
    let strayFailures = 0;
    let keylessFailure = false;
    const [imports, errors] = await Promise.all([
      readPages(
        (token, bounded) => client.getBatchImports(page(token, bounded)),
        (user) => {
          const keys = matchable(user);
          if (mayName(names, keys)) listed.push(keys);
          else {
            strayImports += 1;
            matcher.listedAside(keys, most);
          }
          return !overfull(listed);
        },
        bounds(countValue(ended.imports)),
      ),
      readPages(
        (token, bounded) => client.getBatchImportErrors(page(token, bounded)),
        (failure) => {
          // A record with neither uid, id nor email is placed only by elimination: no failure may be its own.
          const keys = matchable(failure.user ?? {});
          if (isKeyless(keys)) keylessFailure = true;
          if (mayName(names, keys)) failures.push(failure);
          else strayFailures += 1;
          return !overfull(failures);
        },
        bounds(countValue(ended.errors)),
        failureProblem,
      ),
    ]).finally(() => times.add(job, Math.max(0, ...listClocks.map((spent) => spent()))));
    // Every entry read is FullStory's word on a user, even from a list a request then cut short. A failure's
    // `user` is the request item itself: one whose uid, id and email are those of a single record of the
    // chunk names that record, so it takes it before any imported user (listed as FullStory stores it, a uid
    // it may have from another record's write included) can.
    const listedImports = listed.length + strayImports;
    const failed = (failure: FailedUserImport): Outcome => ({
      ok: false,
      code: vendorCode(failure.code),
      reason: failure.message,
    });
    const unplaced = cut
      ? []
      : failures.filter((failure) => !matcher.assignExact(failure.user, failed(failure)));
    // An imported user names no record exactly: it goes to a record only once every failure that may claim
    // that record first was read. When a request of the errors list failed in a way a replay may pass, the
    // failures it did not read are unknown, so no imported user is placed (nor a failure that names no record
    // exactly): the records stay unsettled, and the replay reads both lists again. (Placed now, an imported
    // user could take a record whose failure the replay then reads, and imported beats failed when the
    // attempts are merged.) So too when the import stopped before the list was read whole. A fatal answer
    // ends the import: what was read is all there will be.
    const errorsUnread =
      errors.kind === "failed" ? !isFatal(errors.error) : errors.kind === "stopped";
    if (!cut && !errorsUnread) {
      for (const user of listed)
        matcher.assign(
          user,
          user.id === undefined ? { ok: true } : { ok: true, id: user.id },
          true,
        );
      for (const failure of unplaced) matcher.assign(failure.user, failed(failure));
      matcher.matchLeftovers(ended.status === "COMPLETED" && !keylessFailure);
      matcher.flagStrays();
    } else if (!cut) {
      // A refusal read stands (a stop leaves it as the replay would find it), but not alone where an import
      // read names its user: FullStory said both.
      matcher.doubtRefusalsImported(listed);
    }
    doubtRefusals(outcomes, job, ended, size, matcher.refusalsOvercounted);
    // Counted once the records were placed: placeKeyless, below, may still match entries.
    const countUnmatched = () => {
      const unmatched = matcher.unmatched + strayImports + strayFailures;
      if (unmatched > 0) context.count("unmatched_entries", unmatched);
    };
    const broken: ApiError[] = [];
    for (const read of [imports, errors]) if (read.kind === "failed") broken.push(read.error);
    const fatal = broken.find(isFatal);
    if (fatal !== undefined) {
      countUnmatched();
      return { kind: "fatal", error: fatal, known: outcomes, written: true };
    }

    // 3. Records neither list named.
    const done: Outcome[] = new Array<Outcome>(size);
    let unlistedCount = 0;
    let unlistedKeylessCount = 0;
    let refusedCount = -matcher.refusalsOvercounted;
    for (let i = 0; i < size; i++) {
      const outcome = outcomes[i];
      if (outcome === undefined) {
        unlistedCount += 1;
        if (isKeyless(records[i])) unlistedKeylessCount += 1;
      } else if (!outcome.ok) refusedCount += 1;
    }
    const failedList = broken[0];
    // The import stopped while a list was waited for: what the lists read said of a record stands, and only
    // the records they left unsettled end as the stop leaves them.
    const stopped = [imports, errors].find((read) => read.kind === "stopped");
    // A FAILED job says nothing of any one user: the users it listed with only the id it gave them (which
    // records sent with no uid, id or email may be) are placed on such records, as a COMPLETED job's are,
    // only once its counts confirm every user its errors list did not refuse, and not while that list
    // refused a user sent so too (which of them it was is unknown). So are a COMPLETED job's where it listed
    // more such users than records (matchLeftovers left them): which of them, if any, is a record's is
    // unknown.
    const keylessEntries = keylessFailure ? 0 : matcher.keylessWaiting;
    const tally: Tally = {
      status: ended.status,
      imports: ended.imports,
      errors: ended.errors,
      size,
      listedImports,
      unlisted: unlistedCount,
      listedFailures: refusedCount,
      mayBeImported: matcher.mayBeImported,
      keylessEntries,
      keylessRecords: unlistedKeylessCount,
      ...(imports.kind === "complete" && { importsTotals: imports.totals }),
      ...(errors.kind === "complete" && { errorsTotals: errors.totals }),
    };
    const unlisted: Outcome =
      stopped !== undefined
        ? {
            ok: false,
            code: "aborted",
            reason: `${stopped.why}; FullStory accepted batch import job ${job} for this user${UNSETTLED_JOB_NOTE}`,
            transient: true,
            vendorMayHold: true,
          }
        : failedList === undefined
          ? unlistedOutcome(job, tally, [
              ["imports", imports],
              ["errors", errors],
            ])
          : notFound(failedList)
            ? lost("a result list")
            : unsettled(failedList, job);
    if (unlisted.ok && keylessEntries > 0) matcher.placeKeyless();
    countUnmatched();
    // A record sent with no uid, id or email is named by nothing but the id FullStory gave it: an imported
    // user listed with that alone may be it while the record is left unplaced, as the job's counts do not
    // confirm it or its errors list refused such a record too. (Such users beyond the records, once each
    // record took one, are left unplaced too, but then no such record is.)
    const unnamed = matcher.unplacedKeyless;
    const unlistedKeyless: Outcome =
      unnamed > 0 && !unlisted.ok && unlisted.code === "no_outcome"
        ? {
            ...unlisted,
            reason: keylessFailure
              ? `FullStory batch import job ${job} ended ${ended.status}; ${keylessMayBe(unnamed)}, while its errors list refused a user sent so too${UNSETTLED_JOB_NOTE}`
              : `FullStory batch import job ${job} ${unconfirmedImports(tally, true) ?? ""}${UNSETTLED_JOB_NOTE}`,
          }
        : unlisted;
    for (let i = 0; i < size; i++)
      done[i] = outcomes[i] ?? (isKeyless(records[i]) ? unlistedKeyless : unlisted);
    return { kind: "done", outcomes: done };
  }

  return {
    vendor: "fullstory",
    destination: client.destination,
    whenCredentialAccepted: (listener) => client.whenCredentialAccepted(listener),
    scrub: (text) => client.scrub(text),
    // Every request goes through the client.
    writesSeen: true,
    replay: {
      by: "idempotency-key",
      why: "a chunk is sent again under the Idempotency-Key saved before its first send, with the same body, so FullStory answers with the job it made for it (or makes it once)",
    },
    limits: {
      maxRecords: FULLSTORY_MAX_BATCH,
      maxConcurrency: rules.CreateBatchImportRequest["x-max-in-progress-jobs"],
    },
    defaults: { chunkRecords: Math.min(10_000, FULLSTORY_MAX_BATCH), concurrency: 2 },
    keyOf: fullStoryKeyOf,
    validate: validateFullStoryRecord,
    // No `serialize`: FullStory documents a cap on a batch's users only (none on its bytes), so the engine
    // need not measure each user's JSON, and one JSON.stringify of the whole batch (by the client) is faster
    // than stringifying the users one by one and joining the texts (measured by scripts/bench: the pipeline
    // benchmark).
    send: async (chunk, context) => {
      const done = await slots.take(chunk.keys.length, context.signal);
      try {
        return await send(chunk, context);
      } finally {
        done();
      }
    },
  };
}

/** How long FullStory answers an `Idempotency-Key` with the result of its first request (the spec's). */
const KEY_KEPT_HOURS = parameterRules.IdempotencyKey["x-replay-window-hours"];
const KEY_KEPT_MS = KEY_KEPT_HOURS * 60 * 60 * 1000;
/** Time kept in hand for a send under a saved key (its retries included) to reach FullStory. */
const KEY_MARGIN_MS = 60 * 60 * 1000;

/**
 * When a key saved by an earlier run (`keySavedAt`) was first sent, on the {@link monotonicNow} clock: only
 * the wall clock tells it across runs. Undefined when unknown (a journal written before keys were timed).
 */
function sentBefore(savedAt: string | undefined): number | undefined {
  const at = Date.parse(savedAt ?? "");
  return Number.isNaN(at) ? undefined : monotonicNow() - (Date.now() - at);
}

/**
 * The outcome of a chunk whose saved key FullStory may have forgotten: sent under it more than a day ago
 * (less a margin), with no job id saved. Sending it again would make a second job (a user without a uid may
 * become a second user), so it is not sent; FullStory may hold its users. Undefined when the key is still
 * kept, or when its age is unknown (a journal written before keys were timed). `sentAt` is on the monotonic
 * clock; the older of its age and `savedAt`'s counts.
 */
function keyExpired(
  key: string,
  savedAt: string | undefined,
  sentAt: number | undefined,
): Outcome | undefined {
  const at = Date.parse(savedAt ?? "");
  const ages = [
    ...(Number.isNaN(at) ? [] : [Date.now() - at]),
    ...(sentAt === undefined ? [] : [monotonicNow() - sentAt]),
  ];
  if (ages.length === 0 || Math.max(...ages) < KEY_KEPT_MS - KEY_MARGIN_MS) return undefined;
  const when = Number.isNaN(at) ? "" : ` at ${new Date(at).toISOString()}`;
  return {
    ok: false,
    code: "key_expired",
    reason: `FullStory may hold this user: its batch was first sent${when} under Idempotency-Key ${key}, no usable job id came back, and FullStory answers a key with the job it made for ${KEY_KEPT_HOURS} hours only, so it was not sent again (a second job could import a user twice); check the user in FullStory`,
    vendorMayHold: true,
  };
}

/**
 * The outcome of a user when a request that only follows up on the job FullStory accepted for it (the job's
 * status, a page of its result lists) failed: whatever its answer (a 5xx, a 400 for a page token, an
 * undocumented 4xx), it refuses no user. The user stays unsettled (a replay or a re-run follows the same job
 * again), and FullStory may hold it.
 */
function unsettled(error: ApiError, job: string): Outcome {
  const failed = failedBy(error);
  if (failed.ok) return failed;
  return {
    ok: false,
    code: failed.code,
    reason: `${failed.reason}; FullStory accepted batch import job ${job} for this user${UNSETTLED_JOB_NOTE}`,
    transient: true,
    vendorMayHold: true,
  };
}

/**
 * Adds to each refusal the errors list gave that FullStory may hold the user, when the job's status says
 * otherwise: it ended COMPLETED (every user imported, as the spec defines it), or its `imports` count leaves
 * fewer users than the lists refused (it counts one of them imported, and nothing says which). FullStory said
 * both, so the report takes neither word alone, as it does for a user both lists name. The refusals are
 * counted by errors entry: `overcounted` failed outcomes stand for no entry of their own (one entry failed
 * several records it named).
 */
function doubtRefusals(
  outcomes: (Outcome | undefined)[],
  job: string,
  ended: Ended,
  size: number,
  overcounted: number,
): void {
  const refused = outcomes.filter((outcome) => outcome?.ok === false).length - overcounted;
  if (refused === 0) return;
  const imports = countValue(ended.imports);
  const why =
    ended.status === "COMPLETED"
      ? `FullStory's status says batch import job ${job} ended COMPLETED, which says every user was imported`
      : imports !== undefined && imports + refused > size
        ? `FullStory's status counts ${imports} of the chunk's ${size} users of batch import job ${job} imported, while its errors list refused ${refused}`
        : undefined;
  if (why === undefined) return;
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    if (outcome === undefined || outcome.ok) continue;
    outcomes[i] = saidMayHold(outcome) ? outcome : jobMayHold(outcome, `; ${why}`);
  }
}

/** A 404, FullStory's documented one or a page in its place (a gateway's, unreadable as FullStory's body). */
function notFound(error: ApiError): boolean {
  return httpStatusOf(error) === 404;
}

/** How long a job ran by FullStory's clock (`finished` − `created`), when its status says. */
function jobDuration(job: {
  readonly created?: unknown;
  readonly finished?: unknown;
}): number | undefined {
  if (typeof job.created !== "string" || typeof job.finished !== "string") return undefined;
  const ms = Date.parse(job.finished) - Date.parse(job.created);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

/** The starts of keys from another space (or of an already prefixed uid), in any case. */
const PREFIXED = /^(?:#|uid:|id:|email:)/i;

/**
 * Whether `uid`, or its look-alike, starts like another space's key. The engine warns of keys that look alike
 * (`ID:7` of a uid, `id:7` of an id), and a uid and an id are never one user so.
 */
function readsPrefixed(uid: string): boolean {
  if (PREFIXED.test(uid)) return true;
  // Seven characters, one past the longest start, in printable ASCII: the look-alike starts as the uid does,
  // but for case. Only another uid is folded (a regex test here cost more: this runs once per record).
  for (let i = 0; i < 7 && i < uid.length; i++) {
    const c = uid.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return PREFIXED.test(lookalike(uid));
  }
  return false;
}

/**
 * A record's key for reports: its uid as it is, else `id:<FullStory id>`, else `email:<email>`, else
 * `#<index>`. uid, id and email name users apart (a uid equal to someone's email is another user), so each
 * keeps its own key space: a uid that starts like another space's key (`uid:`, `id:`, `email:`, `#`), or
 * whose look-alike does (`ID:7`), is shown as `uid:<uid>`, so no two records get one key, nor keys that look
 * alike, unless FullStory would take them for one user (or, for look-alikes, might).
 */
export function fullStoryKeyOf(record: FullStoryUser, index: number): string {
  const fields = record as Matchable | null | undefined;
  const uid = text(fields?.uid);
  if (uid !== undefined) return readsPrefixed(uid) ? `uid:${uid}` : uid;
  const id = text(fields?.id);
  if (id !== undefined) return `id:${id}`;
  const email = text(fields?.email);
  return email === undefined ? `#${index}` : `email:${email}`;
}

/**
 * What becomes of the records no list named: failed `results_incomplete` when a list was not read to its end,
 * imported when the job's counts confirm them (see {@link unconfirmedImports}), else failed `no_outcome`: a
 * report never claims more imports than FullStory confirmed.
 */
function unlistedOutcome(
  job: string,
  tally: Tally,
  lists: readonly (readonly [string, ListRead])[],
): Outcome {
  // A list cut for naming the chunk's users too often placed no user from either list (entries that named
  // this one included): that cut is said first, as another list's would say this user went unlisted.
  const cutShort = lists.filter(
    (entry): entry is readonly [string, Incomplete] => entry[1].kind === "incomplete",
  );
  const [name, read] = cutShort.find(([, list]) => list.overfull === true) ?? cutShort[0] ?? [];
  if (read !== undefined) {
    return {
      ok: false,
      code: "results_incomplete",
      // The job ended: the part of the lists left unread may hold this user among its imports.
      reason: `FullStory batch import job ${job}: stopped reading its ${name} list (${read.why}) ${read.overfull === true ? "and took neither list's word on any user" : "before this user was listed"}${UNSETTLED_JOB_NOTE}`,
      // Reading the lists again within the run would meet the same list: a re-run reads the job's again.
      transient: true,
      later: true,
      vendorMayHold: true,
    };
  }
  const unconfirmed = unconfirmedImports(tally);
  if (unconfirmed === undefined) return { ok: true };
  // A COMPLETED job says every user was imported, and a FAILED one may have imported some of its users: only
  // the counts leave this one unconfirmed. Marked as the job's answer, so that a refusal an earlier read of
  // the job's lists gave keeps its code and says so.
  return {
    ok: false,
    code: "no_outcome",
    reason: `FullStory batch import job ${job} ${unconfirmed}${UNSETTLED_JOB_NOTE}`,
    vendorMayHold: true,
    jobMayHold: true,
  };
}

type PageAnswer<T> =
  | {
      readonly ok: true;
      readonly status: 200;
      readonly data: {
        readonly results?: readonly T[];
        readonly next_page_token?: string;
        readonly total_records?: string;
      };
    }
  | { readonly ok: true; readonly status: 202 }
  | { readonly ok: false; readonly error: ApiError };

/** How one result list ended: read to its end, cut short (and why), or failed by a request. */
type ListRead =
  | {
      readonly kind: "complete";
      /** The least and the most `total_records` its pages gave as counts, if any did. */
      readonly totals?: { readonly least: number; readonly most: number };
    }
  | Incomplete
  | { readonly kind: "failed"; readonly error: ApiError }
  /** The import stopped (its signal aborted) while a 202 was waited out; `why` is the stop's own words. */
  | { readonly kind: "stopped"; readonly why: string };

/** A list read only in part; `overfull` when it named the chunk's users more than twice over. */
type Incomplete = { readonly kind: "incomplete"; readonly why: string; readonly overfull?: true };

/** What bounds the reading of one result list. */
interface PageBounds {
  /** Ms left of the job's time for this list: 0 or less once it ran out. */
  left(): number;
  /** The list's length as the job's status counted it, if it did. */
  readonly reported: number | undefined;
  /** Records in the chunk: no honest list holds more. */
  readonly size: number;
  /** The import's signal: a wait it cuts short ends the list's reading, not the chunk's. */
  readonly signal: AbortSignal;
  /** Asks until the answer is not a 202, within the job's time. */
  wait<V>(
    check: () => Promise<V | undefined>,
  ): Promise<{ timedOut: false; value: V } | { timedOut: true }>;
}

/** The first entry's problem, without looking at the entries after it (or at any, with no check). */
function firstProblem(
  entries: readonly unknown[],
  problemOf: ((item: unknown) => string | undefined) | undefined,
): string | undefined {
  if (problemOf === undefined) return undefined;
  for (const entry of entries) {
    const problem = problemOf(entry);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** What keeps an entry of the errors list from reading as a failure of the user it echoes, if anything. */
function failureProblem(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry))
    return "a failure that is not an object";
  const { code, message, user } = entry as Record<string, unknown>;
  if (typeof code !== "string") return `a failure whose code is ${kindOf(code)}`;
  if (typeof message !== "string") return `a failure whose message is ${kindOf(message)}`;
  if (user === undefined) return "a failure without its user";
  if (user === null || typeof user !== "object" || Array.isArray(user))
    return `a failure whose user is ${kindOf(user)}`;
  return undefined;
}

/**
 * Pages beyond a list's expected length a list may take: one for a last page that holds nothing after a full
 * one, one for a count that lags by a record.
 */
const PAGE_SLACK = 2;

/**
 * Pages through one result list: follows `next_page_token` until it is absent, empty, or one already used
 * (FullStory's documented stop rule; a token seen before also ends a cycle). A 202 (still processing) is
 * asked again after a wait. A server that keeps answering new tokens is cut off by the job's deadline and by
 * a page budget: every page but the last holds at least one result, so a list of n results takes at most
 * n + 1 pages, and n is at most the chunk's size and, where counted, the largest count the status or a page
 * (`total_records`) gave. `visit` takes each entry, and answers false to stop reading (the list is then
 * incomplete).
 */
async function readPages<T>(
  fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageAnswer<T>>,
  visit: (item: T) => boolean,
  bounds: PageBounds,
  problemOf?: (item: unknown) => string | undefined,
): Promise<ListRead> {
  const used = new Set<string>();
  let counted = bounds.reported;
  let totals: { least: number; most: number } | undefined;
  let token: string | undefined;
  for (let pages = 0; ;) {
    const pageToken = token;
    if (pageToken !== undefined && bounds.left() <= 0)
      return { kind: "incomplete", why: "the job's time ran out" };
    let answer: { timedOut: false; value: PageAnswer<T> | TimedOut } | { timedOut: true };
    try {
      answer = await bounds.wait(async () => {
        // The job's time bounds the page's retries and their waits too (a 429's Retry-After of minutes).
        const page = await callWithin(bounds.signal, bounds.left(), (signal) =>
          fetchPage(pageToken, signal),
        );
        return !("timedOut" in page) && page.ok && page.status === 202 ? undefined : page;
      });
    } catch (error) {
      // Thrown, a stop would take with it what the other list (or this one's pages) already settled.
      if (!bounds.signal.aborted) throw error;
      return { kind: "stopped", why: error instanceof Error ? error.message : String(error) };
    }
    if (answer.timedOut) return { kind: "incomplete", why: "the job's time ran out" };
    const page = answer.value;
    if ("timedOut" in page)
      return {
        kind: "incomplete",
        why: `a page was given up, as ${page.timedOut}, past the job's time`,
      };
    if (!page.ok) return { kind: "failed", error: page.error };
    if (page.status !== 200) continue; // not reached: 202 is waited out above
    pages += 1;
    // The client checks only what the spec requires: a page whose entries do not read as documented is
    // not read at all, so no user is placed on an entry whose meaning changed.
    const results: unknown = page.data.results ?? [];
    const problem = Array.isArray(results)
      ? firstProblem(results, problemOf)
      : "results that are not a list";
    if (problem !== undefined)
      return { kind: "incomplete", why: `a page held ${problem}, not as FullStory documents it` };
    for (const item of results as readonly T[])
      if (!visit(item))
        return {
          kind: "incomplete",
          why: "it named the chunk's users more than twice over",
          overfull: true,
        };
    const total = count(page.data.total_records);
    if (total !== undefined) {
      counted = Math.max(counted ?? 0, total);
      totals = {
        least: Math.min(totals?.least ?? total, total),
        most: Math.max(totals?.most ?? total, total),
      };
    }
    const next = page.data.next_page_token;
    if (next === undefined || next === "" || used.has(next))
      return { kind: "complete", ...(totals !== undefined && { totals }) };
    const budget = Math.min(bounds.size, counted ?? bounds.size) + PAGE_SLACK;
    if (pages >= budget) {
      return { kind: "incomplete", why: `it still had more pages after ${pages}` };
    }
    if (pageToken !== undefined) used.add(pageToken);
    used.add(next);
    token = next;
  }
}

/**
 * The batch jobs of every import through `client` in progress at FullStory, which answers 429 at 200 jobs in
 * progress per organisation (or at 500,000 users in flight) until some finish (how long a job runs is not
 * documented), which retries seconds apart may not outlast. Imports sharing a client (one organisation) each
 * keep up to twice their concurrency there, so together they wait for room here instead.
 */
function jobSlotsWith(client: FullStoryClient): WorkSlots {
  let slots = JOB_SLOTS.get(client);
  if (slots === undefined)
    JOB_SLOTS.set(
      client,
      (slots = new WorkSlots(
        rules.CreateBatchImportRequest["x-429-at-in-progress-jobs"],
        rules.CreateBatchImportRequest["x-429-at-operations-in-flight"],
      )),
    );
  return slots;
}

const JOB_SLOTS = new WeakMap<FullStoryClient, WorkSlots>();
