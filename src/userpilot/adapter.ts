import type { ImportAdapter } from "../core/engine/adapter.js";
import { perRun } from "../core/engine/per-run.js";
import { JobTimes, pollSettings } from "../core/engine/poll-settings.js";
import { booleanOption, durationOption, wholeNumberOption } from "../core/options.js";
import { validatedBy } from "../core/validate/validated-by.js";
import { rules } from "../../generated/userpilot.rules.js";
import { ChunkRun, type JobQueue, type Settings } from "./chunk-run.js";
import type { UserpilotClient } from "./client.js";
import { followedJobsOf } from "./followed-jobs.js";
import { UnansweredSends } from "./unanswered-sends.js";
import type { UserpilotFailureCode } from "./failure-codes.js";
import { validateUserpilotUser, type UserpilotUser } from "./validate.js";

/** Most users in one bulk identify request. */
export const USERPILOT_MAX_USERS = rules.BulkIdentifyUsersRequest.properties.users.maxItems;
/** Most bytes in one bulk identify request body (50 MB). */
export const USERPILOT_MAX_BODY_BYTES = rules.BulkIdentifyUsersRequest["x-max-body-bytes"];

/** `{"users":[` and `]}` around the users' JSON, a comma between two users. */
const FRAMING = { envelope: '{"users":[]}'.length, separator: ",".length };

const HOUR = 3_600_000;

/**
 * How the Userpilot adapter sends and follows its jobs. Durations are ms from 1 to about 24.8 days
 * (`MAX_TIMER_MS`), counts and bytes whole numbers ≥ 1: anything else throws a RangeError when the adapter
 * is made (a `soleImporter` that is not a boolean, a TypeError).
 */
export interface UserpilotAdapterOptions {
  /**
   * Wait between two status requests of a job, in ms, while nothing predicts its end (the first jobs of an
   * import, up to `maxPollsPerJob` polls; a job resumed from a journal, growing 1.5× per poll). Once a poll
   * reports `completed_rows`, the next poll is timed for when the rest should be done (at the rate the rows
   * advanced); once a job of the import ended, the next job's first poll is timed by its pace.
   * @default 5000
   */
  pollIntervalMs?: number | undefined;
  /**
   * Ceiling of the wait between two status requests, in ms; one below `pollIntervalMs` caps that wait too.
   * @default 60000
   */
  maxPollIntervalMs?: number | undefined;
  /**
   * Status polls of one job timed by prediction; past them every wait is `maxPollIntervalMs`.
   * @default 20
   */
  maxPollsPerJob?: number | undefined;
  /**
   * How long one job may run before its records are failed (`job_timeout`), in ms (a replay that follows
   * the job again in the same run, after a status request failed, gets what is left of it; a status
   * request's retries and their waits, a `Retry-After` included, end with it, as do a job list search's
   * for a lost request's job); also how long a submission waits for another bulk job to finish
   * (`job_conflict`; the retries of the submissions meanwhile end with it too), once per import: after a job
   * outlasted it, a later chunk waits out a `409` for `conflictWaitMs` only, until Userpilot accepts a job
   * again; after a job of the import whose status poll was given up short of it, for what was left of that
   * job's time (and `conflictWaitMs` once at least).
   * Userpilot processes about 1,200 rows a minute, so a full 10,000-user job takes some 9 minutes.
   * @default 21600000 (6 hours)
   */
  jobTimeoutMs?: number | undefined;
  /**
   * First wait after a `409 Conflict` (another bulk job is running: an earlier, interrupted run's, or another
   * process's), in ms; the wait grows 1.5× per attempt up to `maxPollIntervalMs` (or this, if larger).
   * @default 30000
   */
  conflictWaitMs?: number | undefined;
  /**
   * Most bytes of one request body, for a proxy or gateway with a smaller limit than Userpilot's. It can
   * only lower the vendor's 50 MB: a larger value is a RangeError naming that limit.
   * @default {@link USERPILOT_MAX_BODY_BYTES} (52428800 bytes: Userpilot's 50 MB read as 50 MiB)
   */
  maxBodyBytes?: number | undefined;
  /**
   * How far Userpilot's clock may be behind ours, in ms, when looking for the job a request whose answer was
   * lost created: a job counts as that request's only if it started at most this long before the request
   * was sent, and one that started before it at all only with a warning on each user (it may be a job that
   * was running then, when Userpilot turns a request away). Also how far it may be ahead of ours, once the
   * client forgot some of the jobs its imports followed (a long-lived client keeps only the latest): a job
   * that started up to this long after the last forgotten one was known may be that one, and is not taken.
   * @default 10000
   */
  clockSkewMs?: number | undefined;
  /**
   * Whether this import is the only writer to the Userpilot account while it runs (no other process, client
   * or person imports meanwhile). Nothing in Userpilot's job list says whose request made a job, so the job
   * found for a lost request is otherwise a guess, and each of its users is imported with a warning that the
   * job may be another process's; said true, it is taken as the request's own. Doubts the list's times raise
   * (a job that started before the send or near another chunk's send, or another job that ran across the
   * send) are still said. Other imports through the same client need not be counted out: a job they follow,
   * or one that started while a request of theirs (of other users or values) was out or had lost its answer,
   * is never taken.
   * @default false
   */
  soleImporter?: boolean | undefined;
}

/**
 * The import adapter for Userpilot's bulk identify: chunks of at most 10,000 users and a 50 MB body, one job
 * at a time.
 *
 * Follow-through of a chunk: submit `{ users }`; on `202`, checkpoint the job id, then poll the job with a
 * growing interval until it is `completed` (every user imported) or `failed` (every user failed,
 * `job_failed`, with what the job body says; when it counts rows done before it failed, or does not count
 * them, each reason says Userpilot may hold the user). Any other status, including ones Userpilot may add,
 * means the job is still running. A re-run with the same journal polls a checkpointed job instead of
 * submitting again.
 *
 * - A `202` naming a job that is not this request's (its `total_rows` above the users sent or below their
 *   distinct user_ids, or another chunk of this import, or another import through the same client, follows
 *   it), or no usable job id: the answer counts as lost. Every user fails transient (`job_mismatch`, with
 *   both counts, or `malformed`), and the replay looks for the request's own job in the job list before
 *   sending again.
 * - `409 Conflict` (another bulk job is running; a body that cannot be read, as a proxy's page, says so too):
 *   waits and submits again, for up to `jobTimeoutMs`, then fails the chunk with `job_conflict`. Once a job
 *   outlasted `jobTimeoutMs` (this import's, seen running into its last poll interval and failed
 *   `job_timeout`, or the one a chunk waited on; not one whose status poll was given up before that at a
 *   `429`, which says nothing of it), a chunk waits out a `409` for `conflictWaitMs` only, until Userpilot
 *   accepts a job again: each later chunk would otherwise wait as long again for the same job. After a job
 *   of the import whose status poll was given up short of its time, a `409` is waited out only for what was
 *   left of that time (once at least, in case the job ended), as the job it waits for may be that one: its
 *   users fail `job_conflict`, left to a re-run, saying so (not that the job was stuck).
 *   The retries of the submissions after a `409` (a `429`'s `Retry-After`) end with that time too: one that
 *   would wait past it fails the chunk `job_conflict` (Userpilot turned that request away; after a lost send
 *   Userpilot may hold the users all the same).
 *   After a lost send, the job list is searched for that send's job at each `409`; a list that cannot be
 *   read then leaves the users unsettled (the replay searches again), never waited out blind. A search
 *   whose retries would wait past the job's time (as at a `409`, what is left of the wait's) leaves them
 *   `job_timeout`, to a re-run.
 * - `413` (body too large for the vendor, or a proxy's page in its place): the chunk is split in half and
 *   each half submitted in turn, as its own job (recursively; the halves are checkpointed, so a re-run skips
 *   finished halves). A single user that is too large fails with `payload_too_large`.
 * - `400`: every user failed with the vendor's `error_code` (or `400`) and its messages.
 * - A status answer naming another job (its `job_id`): every user fails transient (`job_mismatch`), and the
 *   replay polls the job again.
 * - `404` for the job: every user fails `job_lost`, unknown rather than failed for good (left to a re-run,
 *   which polls the same job).
 * - `401` (or a `403`, which Userpilot does not document): fatal, the import stops. Other failures that
 *   outlast the client's retries fail the chunk with the error's status.
 *
 * Limitation: Userpilot reports per job, not per user. A `completed` job counts every user as imported; when
 * its `completed_rows` (or its `total_rows`) is less than the users sent, each of them carries a warning
 * saying so, since Userpilot does not say which rows it skipped. A `202` without `total_rows` (one documented
 * shape) cannot be checked at once: its job is followed, and a status of it with more rows than were sent
 * (or, completed, fewer than their distinct user_ids) counts the answer as lost (`job_mismatch`, the replay
 * looks in the job list); `completed_rows` guards the rest.
 * A status whose `completed_rows` is above the users sent (whatever its `total_rows`) counts as lost too;
 * one below zero or not whole is no count, and warns as a count that is not a number does.
 */
export function createUserpilotAdapter(
  client: UserpilotClient,
  options: UserpilotAdapterOptions = {},
): ImportAdapter<UserpilotUser, UserpilotUser, UserpilotFailureCode> {
  const settings: Settings = {
    ...pollSettings(options, {
      pollIntervalMs: 5_000,
      maxPollIntervalMs: 60_000,
      jobTimeoutMs: 6 * HOUR,
      maxPollsPerJob: 20,
    }),
    conflictWaitMs: durationOption("conflictWaitMs", options.conflictWaitMs, 30_000),
    clockSkewMs: durationOption("clockSkewMs", options.clockSkewMs, 10_000),
    soleImporter: booleanOption("soleImporter", options.soleImporter, false),
  };
  const known = followedJobsOf(client);
  const unanswered = unansweredWith(client);
  // Per import: an adapter given to runImport again starts a new import, which waits out a running job in
  // full again.
  const queueOf = perRun((): JobQueue => ({
    stuck: undefined,
    givenUp: undefined,
    heldSince: undefined,
    times: new JobTimes(),
  }));
  const bodyBytes = wholeNumberOption(
    "maxBodyBytes",
    options.maxBodyBytes,
    USERPILOT_MAX_BODY_BYTES,
  );
  // Refused, as a chunkRecords above the vendor's limit is: lowered in silence, the caller would not learn
  // that bodies stay under the limit they meant to raise.
  if (bodyBytes > USERPILOT_MAX_BODY_BYTES)
    throw new RangeError(
      `maxBodyBytes: ${bodyBytes} is above userpilot's limit of bytes per request, ${USERPILOT_MAX_BODY_BYTES}`,
    );
  return {
    vendor: "userpilot",
    destination: client.destination,
    whenCredentialAccepted: (listener) => client.whenCredentialAccepted(listener),
    scrub: (text) => client.scrub(text),
    // Every request goes through the client.
    writesSeen: true,
    replay: {
      by: "reconcile",
      why: "before a chunk is sent again, Userpilot's job list is searched for the job the lost request created (started after it was sent, with the chunk's row count and, where the list gives it, the body's size as its file_size, not one of this import's nor of another import through the same client, nor one that started while such an import's request of other users was out or unanswered) and that job is followed; only when there is none is the chunk sent again, which upserts users on user_id",
    },
    limits: {
      maxRecords: USERPILOT_MAX_USERS,
      maxBytes: bodyBytes,
      framing: FRAMING,
      maxConcurrency: 1,
    },
    defaults: { chunkRecords: USERPILOT_MAX_USERS, concurrency: 1 },
    keyOf: userpilotKeyOf,
    validate: validatedBy<UserpilotUser>(validateUserpilotUser),
    serialize: (item) => JSON.stringify(item),
    send: async (chunk, context) => {
      const shared = { jobs: known, unanswered };
      const run = new ChunkRun(client, settings, shared, queueOf(context), chunk, context);
      const result = await run.follow(0, chunk.items.length);
      // A replay that polled the job or searched the list for it sent no user: not counted as a send.
      if (!run.posted) context.followedUpOnly?.();
      return result;
    },
  };
}

/**
 * The requests of every import through `client` that no answer settled: another import's, out or lost, may
 * have made a job of as many rows and bytes as a lost request's own, which the job list cannot tell apart.
 */
function unansweredWith(client: UserpilotClient): UnansweredSends {
  let sends = UNANSWERED.get(client);
  if (sends === undefined) UNANSWERED.set(client, (sends = new UnansweredSends()));
  return sends;
}

const UNANSWERED = new WeakMap<UserpilotClient, UnansweredSends>();

/** A record's key for reports: its user_id, else `#<index>`. */
export function userpilotKeyOf(record: UserpilotUser, index: number): string {
  // Records are not trusted to be objects until validated.
  const id: unknown = (record as { user_id?: unknown } | null | undefined)?.user_id;
  return typeof id === "string" && id !== "" ? id : `#${index}`;
}
