import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { joinedJsonBody } from "../core/engine/chunk-body.js";
import { afterLostSend, failedBy, isFatal } from "../core/engine/chunk-outcomes.js";
import { requestFailureCode, vendorCode } from "../core/engine/failure-codes.js";
import { everyItem } from "../core/engine/outcomes.js";
import type { components } from "../../generated/userpilot.js";
import { rules } from "../../generated/userpilot.rules.js";
import type { ApiError } from "../core/errors/api-error.js";
import { isTransient } from "../core/errors/transient.js";
import { unprocessedBy } from "../core/errors/unprocessed.js";
import { pollJob, type JobProgress } from "../core/engine/poll.js";
import { planJobPolls, pollSettings, type PollSettings } from "../core/engine/poll-settings.js";
import { durationOption, wholeNumberOption } from "../core/options.js";
import { validatedBy } from "../core/validate/validated-by.js";
import type { UserpilotClient } from "./client.js";
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
 * is made.
 */
export interface UserpilotAdapterOptions {
  /**
   * Wait between two status requests of a job, in ms, while nothing predicts its end (the first jobs of an
   * import, up to `maxPollsPerJob` polls; a job resumed from a journal, growing 1.5× per poll). Once a poll
   * reports `completed_rows`, the next poll is timed for when the rest should be done (at the rate the rows
   * advanced); once a job of the import ended, the next job's first poll is timed by its pace.
   * @default 5000
   */
  pollIntervalMs?: number;
  /**
   * Ceiling of the wait between two status requests, in ms.
   * @default 60000
   */
  maxPollIntervalMs?: number;
  /**
   * Status polls of one job timed by prediction; past them every wait is `maxPollIntervalMs`.
   * @default 20
   */
  maxPollsPerJob?: number;
  /**
   * How long one job may run before its records are failed (`job_timeout`), in ms; also how long a
   * submission waits for another bulk job to finish (`job_conflict`). Userpilot processes about 1,200 rows a
   * minute, so a full 10,000-user job takes some 9 minutes.
   * @default 21600000 (6 hours)
   */
  jobTimeoutMs?: number;
  /**
   * First wait after a `409 Conflict` (another bulk job is running: an earlier, interrupted run's, or another
   * process's), in ms; the wait grows 1.5× per attempt up to `maxPollIntervalMs` (or this, if larger).
   * @default 30000
   */
  conflictWaitMs?: number;
  /**
   * Most bytes of one request body, for a proxy or gateway with a smaller limit than Userpilot's. It can
   * only lower the vendor's 50 MB.
   * @default {@link USERPILOT_MAX_BODY_BYTES} (50 MB)
   */
  maxBodyBytes?: number;
  /**
   * How far Userpilot's clock may be behind ours, in ms, when looking for the job a request whose answer was
   * lost created: a job counts as that request's only if it started at most this long before the request
   * was sent.
   * @default 10000
   */
  clockSkewMs?: number;
}

interface Settings extends PollSettings {
  readonly conflictWaitMs: number;
  readonly clockSkewMs: number;
}

type JobStatus = components["schemas"]["BackgroundJobStatus"];
type Outcome = ItemOutcome<UserpilotFailureCode>;
type Result = ChunkResult<UserpilotFailureCode>;

/**
 * The import adapter for Userpilot's bulk identify: chunks of at most 10,000 users and a 50 MB body, one job
 * at a time.
 *
 * Follow-through of a chunk: submit `{ users }`; on `202`, checkpoint the job id, then poll the job with a
 * growing interval until it is `completed` (every user imported) or `failed` (every user failed,
 * `job_failed`, with what the job body says; when it counts rows done before it failed, each reason says
 * Userpilot may hold the user). Any other status, including ones Userpilot may add, means the
 * job is still running. A re-run with the same journal polls a checkpointed job instead of submitting again.
 *
 * - A `202` naming a job that is not this request's (its `total_rows` above the users sent or below their
 *   distinct user_ids, or another chunk of this import follows it), or no usable job id:
 *   the answer counts as lost. Every user fails transient (`job_mismatch`, with both counts, or
 *   `malformed`), and the replay looks for the request's own job in the job list before sending again.
 * - `409 Conflict` (another bulk job is running): waits and submits again, for up to `jobTimeoutMs`, then
 *   fails the chunk with `job_conflict`.
 * - `413` (body too large for the vendor): the chunk is split in half and each half submitted in turn, as its
 *   own job (recursively; the halves are checkpointed, so a re-run skips finished halves). A single user
 *   that is too large fails with `payload_too_large`.
 * - `400`: every user failed with the vendor's `error_code` (or `400`) and its messages.
 * - A status answer naming another job (its `job_id`): every user fails transient (`job_mismatch`), and the
 *   replay polls the job again.
 * - `404` for the job: every user fails `job_lost`, unknown rather than failed for good (left to a re-run,
 *   which polls the same job).
 * - `401`: fatal, the import stops. Other failures that outlast the client's retries fail the chunk with the
 *   error's status.
 *
 * Limitation: Userpilot reports per job, not per user. A `completed` job counts every user as imported; when
 * its `completed_rows` is less than the users sent, each of them carries a warning saying so, since
 * Userpilot does not say which rows it skipped. A `202` without `total_rows` (one documented shape)
 * cannot be checked at once: its job is followed, and a status of it with more rows than were sent counts
 * the answer as lost (`job_mismatch`, the replay looks in the job list); `completed_rows` guards the rest.
 */
export function createUserpilotAdapter(
  client: UserpilotClient,
  options: UserpilotAdapterOptions = {},
): ImportAdapter<UserpilotUser, UserpilotUser> {
  const settings: Settings = {
    ...pollSettings(options, {
      pollIntervalMs: 5_000,
      maxPollIntervalMs: 60_000,
      jobTimeoutMs: 6 * HOUR,
      maxPollsPerJob: 20,
    }),
    conflictWaitMs: durationOption("conflictWaitMs", options.conflictWaitMs, 30_000),
    clockSkewMs: durationOption("clockSkewMs", options.clockSkewMs, 10_000),
  };
  // Jobs this import submitted or followed: never taken for the job of another chunk's lost request.
  const known = new Set<string>();
  const bodyBytes = Math.min(
    wholeNumberOption("maxBodyBytes", options.maxBodyBytes, USERPILOT_MAX_BODY_BYTES),
    USERPILOT_MAX_BODY_BYTES,
  );
  return {
    vendor: "userpilot",
    destination: client.destination,
    scrub: (text) => client.scrub(text),
    replay: {
      by: "reconcile",
      why: "before a chunk is sent again, Userpilot's job list is searched for the job the lost request created (started after it was sent, with the chunk's row count and, where the list gives it, the body's size as its file_size, not one of this import's) and that job is followed; only when there is none is the chunk sent again, which upserts users on user_id",
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
      const run = new ChunkRun(client, settings, known, chunk, context);
      const result = await run.follow(0, chunk.items.length);
      // A replay that polled the job or searched the list for it sent no user: not counted as a send.
      if (!run.posted) context.followedUpOnly?.();
      return result;
    },
  };
}

/** How a job (or a request for one) ended: one outcome for all its users, since Userpilot reports per job. */
type JobEnd =
  | {
      readonly kind: "end";
      readonly outcome: Outcome;
      /** True when a re-run may reuse the outcome; false when the job may yet finish (timeout, abort, …). */
      readonly final: boolean;
    }
  | { readonly kind: "fatal"; readonly error: ApiError; readonly written?: true };

/** Follows one chunk (or, after a `413`, its halves) through to an outcome per user. */
class ChunkRun {
  /** Whether a bulk identify request for users of the chunk went out in this attempt. */
  posted = false;

  constructor(
    private readonly client: UserpilotClient,
    private readonly settings: Settings,
    private readonly known: Set<string>,
    private readonly chunk: Chunk<UserpilotUser>,
    private readonly context: ChunkContext,
  ) {}

  /**
   * Users `[start, end)` of the chunk. Checkpoint keys: the whole chunk's job is `jobId`; a half's is
   * `jobId:<start>-<end>`, with `split:<range>` once a range was split and `done:<range>` once a half
   * ended for good (the JSON of its outcome).
   */
  async follow(start: number, end: number): Promise<Result> {
    const size = end - start;
    const whole = start === 0 && end === this.chunk.items.length;
    const range = whole ? "" : `:${start}-${end}`;
    const resumed = this.context.resumed;

    const finished = resumed?.[`done${range}`];
    if (finished !== undefined) return everyItem(size, JSON.parse(finished) as Outcome);
    if (resumed?.[`split${range}`] !== undefined) return this.halves(start, end, range, true);

    // `""`: a job the request was once taken to have made, which turned out to be another's.
    let jobId: string | undefined = resumed?.[`jobId${range}`];
    if (jobId === "") jobId = undefined;
    // Only a job submitted here has a known age, which the pace of earlier jobs can time.
    let fresh = false;
    // A request for these users went out and its answer never came (in this run, or one a crash ended): the
    // job it may have created is looked for before anything is sent again.
    if (jobId === undefined && this.lostSince(range) !== undefined) {
      const found = await this.reconcile(start, end, range);
      if (found.kind === "fatal") return found;
      if (found.kind === "unknown")
        return everyItem(
          size,
          unsettled(
            found.error,
            "an earlier request for these users got no answer and Userpilot's job list could not be read to find the job it may have made, so Userpilot may hold this user",
          ),
        );
      jobId = found.jobId;
    }
    if (jobId === undefined) {
      const submitted = await this.submit(start, end, range);
      if (submitted.kind === "result") return submitted.result;
      jobId = submitted.jobId;
      fresh = true;
    }
    this.known.add(jobId);
    const ended = await this.poll(jobId, size, fresh, range);
    // Userpilot holds the job: a fatal answer while it is followed leaves its users' fate unknown.
    if (ended.kind === "fatal") return { ...ended, written: true };
    // Only a half needs this: the engine journals the whole chunk's outcomes itself.
    if (!whole && ended.final) {
      this.context.checkpoint({ [`done${range}`]: JSON.stringify(ended.outcome) });
    }
    return everyItem(size, ended.outcome);
  }

  /** Splits users `[start, end)` in two and follows each half as its own job, one after the other. */
  private async halves(
    start: number,
    end: number,
    range: string,
    resumed = false,
  ): Promise<Result> {
    // A send of the whole range whose answer was lost (before the 413 that split it) may have made a job of
    // its users: a refusal of a half speaks only for the half's own request.
    const lostWhole = this.lostSince(range) !== undefined;
    const speaking = (outcome: Outcome): Outcome => (lostWhole ? afterLostSend(outcome) : outcome);
    if (!resumed) this.context.checkpoint({ [`split${range}`]: "1" });
    const middle = start + Math.ceil((end - start) / 2);
    const first = await this.follow(start, middle);
    if (first.kind === "fatal") {
      // Only the first half went out: Userpilot may hold its users, never the second half's.
      const held: Outcome = {
        ok: false,
        code: requestFailureCode(first.error),
        reason: `${first.error.message}; Userpilot may hold this user: its job was accepted before the import stopped`,
      };
      const sent = first.known ?? new Array<undefined>(middle - start).fill(undefined);
      const known = sent.map((outcome) =>
        outcome === undefined
          ? first.written === true
            ? held
            : undefined
          : speaking(stopped(outcome, first.error)),
      );
      return { kind: "fatal", error: first.error, known, ...(lostWhole && { written: true }) };
    }
    const second = await this.follow(middle, end);
    if (second.kind === "fatal") {
      // The first half's job ended: what Userpilot said of its users stands. A half whose answer was lost
      // is unsettled, and the import stops before a replay could look for its job.
      const known = [
        ...first.outcomes.map((outcome) => speaking(stopped(outcome, second.error))),
        ...(second.known ?? new Array<undefined>(end - middle)).map((outcome) =>
          outcome === undefined ? undefined : speaking(outcome),
        ),
      ];
      return { ...second, known, ...(lostWhole && { written: true }) };
    }
    return { kind: "done", outcomes: [...first.outcomes, ...second.outcomes].map(speaking) };
  }

  /** Submits users `[start, end)`, waiting out other running jobs (`409`); checkpoints the job id on `202`. */
  private async submit(
    start: number,
    end: number,
    range: string,
  ): Promise<
    | { readonly kind: "accepted"; readonly jobId: string }
    | { readonly kind: "result"; readonly result: Result }
  > {
    const size = end - start;
    const body = this.bodyText(start, end);
    const clock = this.clock();
    let wait = this.settings.conflictWaitMs;
    const maxWait = Math.max(this.settings.conflictWaitMs, this.settings.maxPollIntervalMs);
    for (;;) {
      // Saved before the request goes out (a crash may follow at once), and kept from the earliest send whose
      // answer never came: the job such a request created started after it, so a replay knows where to look.
      const lostBefore = this.lostSince(range) !== undefined;
      if (!lostBefore) this.context.checkpoint({ [`sent${range}`]: new Date().toISOString() });
      // A refusal speaks for its own request only: the lost send before it may have made a job of the users.
      const failWith = (outcome: Outcome) =>
        ({
          kind: "result",
          result: everyItem(size, lostBefore ? afterLostSend(outcome) : outcome),
        }) as const;
      const fail = (code: UserpilotFailureCode, reason: string) => failWith(failure(code, reason));
      this.posted = true;
      const answer = await this.client.bulkIdentifyUsers({
        body: { users: this.chunk.items.slice(start, end) },
        serializedBody: body,
        signal: this.context.signal,
      });
      // A 202 that does not name this request's job leaves the `sent` checkpoint in place: Userpilot may
      // have made a job of these users all the same, and a replay looks for it in the job list.
      if (answer.ok) {
        const jobId: unknown = answer.data.job_id;
        if (typeof jobId !== "string" || jobId === "") {
          return fail(
            "malformed",
            "bulkIdentifyUsers answered 202 without a usable job_id, so the job holding these users is unknown",
          );
        }
        const distinct = new Set(this.chunk.items.slice(start, end).map((user) => user.user_id))
          .size;
        const foreign = this.notThisRequests(jobId, answer.data, size, distinct);
        if (foreign !== undefined) return fail("job_mismatch", foreign);
        this.context.checkpoint({ [`jobId${range}`]: jobId });
        return { kind: "accepted", jobId };
      }
      const error = answer.error;
      // A vendor's refusal (409, 413, 400, …), a 429 or 503, or a request that never went out made no job:
      // only a lost answer leaves one to look for.
      const refused = typeof error.status === "number" && !isTransient(error);
      const madeNoJob =
        error.afterArrivedTry !== true && (refused || unprocessedBy(error) !== undefined);
      if (!lostBefore && madeNoJob) {
        this.context.checkpoint({ [`sent${range}`]: "" });
      }
      switch (error.status) {
        case 409: {
          // The running job may be the one an earlier, lost request of these users created: follow it
          // rather than wait for it blind and then send the users once more.
          const found = lostBefore ? await this.reconcile(start, end, range) : undefined;
          if (found?.kind === "fatal") return { kind: "result", result: found };
          if (found?.kind === "found" && found.jobId !== undefined) {
            return { kind: "accepted", jobId: found.jobId };
          }
          if (clock.elapsed() + wait > this.settings.jobTimeoutMs) {
            return fail(
              "job_conflict",
              `another bulk job was still running after ${duration(clock.elapsed())}${errorText(error.body)}`,
            );
          }
          if (!(await clock.sleep(wait))) {
            return fail(
              "aborted",
              "the import was aborted while waiting for another bulk job to finish",
            );
          }
          wait = Math.min(maxWait, wait * 1.5);
          continue;
        }
        case 413:
          if (size > 1) return { kind: "result", result: await this.halves(start, end, range) };
          return fail(
            "payload_too_large",
            `Userpilot refused this user as too large (413)${errorText(error.body)}`,
          );
        case 400: {
          const [first] = Array.isArray(error.body.errors) ? error.body.errors : [];
          const code: unknown = first?.error_code;
          return fail(
            typeof code === "string" && code !== "" ? vendorCode(code) : "400",
            `Userpilot refused the request (400)${errorText(error.body)}`,
          );
        }
        default:
          return isFatal(error)
            ? { kind: "result", result: { kind: "fatal", error } }
            : failWith(failedBy(error, "write"));
      }
    }
  }

  /**
   * Looks for the job that a request for users `[start, end)` sent at `sent<range>` created: a job of this
   * environment with that many rows and, where the list gives its `file_size`, as many bytes as the
   * request's body, started no earlier than the send (less `clockSkewMs`), not ended before it, and not one
   * this import knows as another chunk's. The earliest such job that started after the send (else the latest
   * within the skew allowance) is checkpointed and followed. None (or no send on record): `jobId`
   * undefined, and the users are sent again. Where the list leaves `file_size` out, rows and start time
   * alone tell the lost request's job from another process's, so a job another process started after the
   * send with the same row count (two imports both sending full chunks) would be taken for it. Both checks
   * err towards sending again, which Userpilot upserts: should its `file_size` not be the body's bytes
   * (UNCONFIRMED) or its rows count a repeated user_id once, a lost answer is never matched, and the users
   * go in one more job; nothing is reported that Userpilot did not say.
   */
  private async reconcile(
    start: number,
    end: number,
    range: string,
  ): Promise<
    | { readonly kind: "found"; readonly jobId: string | undefined }
    | { readonly kind: "unknown"; readonly error: ApiError }
    | { readonly kind: "fatal"; readonly error: ApiError }
  > {
    const sent = Date.parse(this.lostSince(range) ?? "");
    if (Number.isNaN(sent)) return { kind: "found", jobId: undefined };
    const answer = await this.client.listBackgroundJobs({ signal: this.context.signal });
    if (!answer.ok) {
      if (isFatal(answer.error)) return { kind: "fatal", error: answer.error };
      // Without the list nothing shows the lost request created no job: sending again could make a second
      // one, so the users fail for now (a replay or a re-run looks again).
      return { kind: "unknown", error: answer.error };
    }
    const others = this.othersJobs();
    // Counted here only: a lost request is rare, and the bytes of a 50 MB body are not free.
    const bytes = Buffer.byteLength(this.bodyText(start, end));
    const earliest = sent - this.settings.clockSkewMs;
    // Userpilot runs one bulk job at a time, so the lost request's job is the first to start after the send.
    // A job that only the clock-skew allowance lets in started before the send on Userpilot's clock, and so
    // may have ended before it too (the previous chunk's job, which a re-run resumed from the journal does
    // not know): of those, the last to start is the likeliest one.
    let onTime: { id: string; at: number } | undefined;
    let skewed: { id: string; at: number } | undefined;
    for (const job of answer.data as readonly JobStatus[]) {
      if (typeof job.job_id !== "string" || others.has(job.job_id)) continue;
      if (job.total_rows !== end - start) continue;
      // Another process's job may hold as many rows (two imports sending full chunks); not as many bytes.
      if (typeof job.file_size === "number" && job.file_size !== bytes) continue;
      const submitted: unknown = job["submitted_at"];
      const started = Date.parse(
        job.start_time ?? (typeof submitted === "string" ? submitted : ""),
      );
      const ended = typeof job.end_time === "string" ? Date.parse(job.end_time) : Number.NaN;
      if (Number.isNaN(started) || started < earliest) continue;
      if (!Number.isNaN(ended) && ended < earliest) continue;
      if (started >= sent) {
        if (onTime === undefined || started < onTime.at) onTime = { id: job.job_id, at: started };
      } else if (skewed === undefined || started > skewed.at) {
        skewed = { id: job.job_id, at: started };
      }
    }
    const best = onTime ?? skewed;
    if (best === undefined) return { kind: "found", jobId: undefined };
    this.known.add(best.id);
    this.context.checkpoint({ [`jobId${range}`]: best.id });
    this.context.count("reconciled_jobs");
    return { kind: "found", jobId: best.id };
  }

  /**
   * The body of a request for users `[start, end)` as it goes over the wire; its size in bytes is what a
   * job's `file_size` is taken to be (the spec leaves its unit UNCONFIRMED, presumably bytes).
   */
  private bodyText(start: number, end: number): string {
    const positions = Array.from({ length: end - start }, (_, i) => start + i);
    return (
      joinedJsonBody("users", this.chunk, positions)?.serializedBody ??
      JSON.stringify({ users: this.chunk.items.slice(start, end) })
    );
  }

  /** Job ids other chunks follow, in this run or in the journal of an earlier one: never this request's. */
  private othersJobs(): ReadonlySet<string> {
    for (const id of this.context.savedByAnyChunk("jobId")) this.known.add(id);
    return this.known;
  }

  /**
   * Why the job a `202` names cannot be the one this request of `rows` users made, if it cannot: another
   * chunk of this import follows it, or it holds more rows than were sent, or fewer than the distinct
   * user_ids sent. Fewer rows than users is followed only down to that: Userpilot may count a user_id sent
   * twice once (UNCONFIRMED), and `completed_rows` below the users sent then warns on each. `total_rows`
   * left out (one documented shape) rules nothing out. Its `file_size` is not compared: its unit is UNCONFIRMED, and a
   * wrong guess here would turn away every job (reconcile may use it: a wrong guess there only sends the
   * users again, which Userpilot upserts).
   */
  private notThisRequests(
    jobId: string,
    job: Record<string, unknown>,
    rows: number,
    distinct: number,
  ): string | undefined {
    const unknownJob =
      "so it is not this request's job, and whether Userpilot holds these users is unknown";
    if (this.othersJobs().has(jobId)) {
      return `Userpilot answered 202 with job ${jobId}, which another chunk of this import follows, ${unknownJob}`;
    }
    const total = job["total_rows"];
    if (typeof total === "number" && (total > rows || total < distinct)) {
      return `Userpilot answered 202 with job ${jobId} of ${total} rows for a request of ${rows} users, ${unknownJob}`;
    }
    return undefined;
  }

  /** When the earliest request for this range whose answer never came was sent (ISO), if one was. */
  private lostSince(range: string): string | undefined {
    const sent = this.context.resumed?.[`sent${range}`];
    return sent === undefined || sent === "" ? undefined : sent;
  }

  /** Polls a job (timed as `JobPoll` says) until it is `completed` or `failed`. */
  private async poll(jobId: string, rows: number, fresh: boolean, range: string): Promise<JobEnd> {
    const end = (outcome: Outcome, final: boolean): JobEnd => ({ kind: "end", outcome, final });
    const aborted = () =>
      end(
        failure(
          "aborted",
          `the import was aborted while job ${jobId} was running; run again with the same journal to pick it up`,
        ),
        false,
      );
    const plan = planJobPolls(this.settings, rows, fresh);
    let status = "unknown";
    let polled: Awaited<ReturnType<typeof pollJob<JobEnd>>>;
    try {
      polled = await pollJob<JobEnd>(
        async () => {
          if (this.context.signal.aborted) return { value: aborted() };
          const answer = await this.client.getBackgroundJob({
            params: { path: { job_id: jobId } },
            signal: this.context.signal,
          });
          if (!answer.ok) {
            const error = answer.error;
            if (error.status === 404) {
              const reason = `Userpilot no longer knows job ${jobId} (404), which it accepted for these users: whether they were imported is unknown; a re-run with the same journal polls the job again`;
              return { value: end(failure("job_lost", reason), false) };
            }
            if (isFatal(error)) return { value: { kind: "fatal", error } };
            // Userpilot accepted the job: a status it answers oddly refuses no user. The users stay unsettled
            // (a replay or a re-run polls the job again), and may be held.
            const held = `Userpilot accepted job ${jobId} for these users and may hold this user: whether it was imported is unknown`;
            return { value: end(unsettled(error, held), false) };
          }
          const job = answer.data;
          // A status naming another job says nothing of this one's users: as lost as a 502's answer.
          if (job.job_id !== jobId) {
            const reason = `Userpilot answered the status of job ${jobId} with the status of job ${text(job.job_id)}, so whether these users were imported is unknown`;
            return { value: end(failure("job_mismatch", reason), false) };
          }
          // A job of more rows than were sent is not this request's (a 202 without `total_rows` named it):
          // the request's answer counts as lost, and a replay looks for its job in the list instead.
          const total: unknown = job.total_rows;
          if (typeof total === "number" && total > rows) {
            this.context.checkpoint({ [`jobId${range}`]: "" });
            const reason = `Userpilot's job ${jobId}, which the answer to this request named, holds ${total} rows for a request of ${rows} users, so it is not this request's job, and whether Userpilot holds these users is unknown`;
            return { value: end(failure("job_mismatch", reason), false) };
          }
          // Compared as a string: a status Userpilot adds later means the job is still running.
          status = job.status;
          if (status === "completed" || status === "failed") plan.ended(vendorDuration(job));
          if (status === "completed") {
            return { value: end(completedOutcome(jobId, job, rows), true) };
          }
          if (status === "failed") {
            return {
              value: end(
                failure(
                  "job_failed",
                  jobFailure(jobId, job, (text) => this.client.scrub(text)),
                ),
                true,
              ),
            };
          }
          const progress = progressOf(job);
          return progress === undefined ? {} : { progress };
        },
        plan,
        (ms) => this.context.sleep(ms),
        this.settings.jobTimeoutMs,
      );
    } catch {
      // The engine's sleep rejects when the import is aborted.
      return aborted();
    }
    if (!polled.timedOut) return polled.value;
    return end(
      failure(
        "job_timeout",
        `job ${jobId} was still ${status} after ${duration(plan.elapsed())}; ` +
          "it may yet finish: run again with the same journal to pick it up",
      ),
      false,
    );
  }

  /**
   * Time spent waiting: the wall clock, or the sum of the waits asked for when that is more (a replaced
   * `sleep` returns at once, and the time limits must still apply).
   */
  private clock() {
    const started = Date.now();
    let slept = 0;
    const context = this.context;
    return {
      elapsed: () => Math.max(Date.now() - started, slept),
      /** Waits `ms`; false when the import was aborted. */
      async sleep(ms: number): Promise<boolean> {
        try {
          await context.sleep(ms);
        } catch {
          return false;
        }
        slept += ms;
        return !context.signal.aborted;
      },
    };
  }
}

/**
 * The outcome of users when a request that only follows up on what Userpilot holds (a job's status, the job
 * list searched after a lost send) fails: whatever its answer (a 5xx, a gateway's 404, an HTML page), it
 * refuses no user, so the users stay unsettled for a replay or a re-run; `held` says why Userpilot may hold
 * them.
 */
function unsettled(error: ApiError, held: string): Outcome {
  return {
    ok: false,
    code: requestFailureCode(error),
    reason: `${error.message}; ${held}`,
    transient: true,
  };
}

/**
 * The outcome of a user whose request may have reached Userpilot without an answer (a lost answer, a job
 * still unsettled), once `error` stopped the import before a replay could settle it: a failure that says
 * Userpilot may hold the user. Any other outcome stands.
 */
function stopped(outcome: Outcome, error: ApiError): Outcome {
  if (outcome.ok || outcome.transient !== true || outcome.unprocessed !== undefined) return outcome;
  return {
    ok: false,
    code: outcome.code,
    reason: `${outcome.reason}; ${error.message}; Userpilot may hold this user: its request went out before the import stopped, and no answer said what became of it`,
  };
}

/**
 * A completed job's outcome for each of the `sent` users it was sent: imported, with a warning when the job
 * says it completed (or took) fewer rows than that, because Userpilot does not say which rows those were.
 */
function completedOutcome(jobId: string, job: Record<string, unknown>, sent: number): Outcome {
  const completed = job["completed_rows"];
  const total = job["total_rows"];
  const done = typeof completed === "number" ? completed : total;
  if (typeof done !== "number" || done >= sent) return { ok: true };
  return {
    ok: true,
    note:
      `Userpilot completed job ${jobId} after ${done} of ${sent} rows and does not ` +
      "say which rows it skipped: this user may not have been updated",
  };
}

/** Rows done of rows in all, when the job's status says both. */
function progressOf(job: Record<string, unknown>): JobProgress | undefined {
  const completed = job["completed_rows"];
  const total = job["total_rows"];
  return typeof completed === "number" && typeof total === "number"
    ? { completed, total }
    : undefined;
}

/** How long the job ran by Userpilot's clock (`end_time` − `start_time`), when it says. */
function vendorDuration(job: Record<string, unknown>): number | undefined {
  const start = job["start_time"];
  const stop = job["end_time"];
  if (typeof start !== "string" || typeof stop !== "string") return undefined;
  const ms = Date.parse(stop) - Date.parse(start);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

function failure(code: UserpilotFailureCode, reason: string): Outcome {
  // A job that may still finish, or one another job still blocks, is resumed by a re-run with the journal.
  // So is a job Userpilot accepted and then no longer knows (404): it may have imported the users.
  if (code === "job_timeout" || code === "job_conflict" || code === "job_lost") {
    return { ok: false, code, reason, transient: true, later: true };
  }
  // A 202 that does not name this request's job is as lost as a 502 after the send: a replay looks for the
  // job in the list before sending the users again.
  if (code === "job_mismatch" || code === "malformed") {
    return { ok: false, code, reason, transient: true };
  }
  return { ok: false, code, reason };
}

/**
 * Why a job failed, from what its body carries: its status, progress and any error fields, each scrubbed of
 * the client's secrets before it is cut short (a secret cut first could leave a piece too short to find).
 */
function jobFailure(
  jobId: string,
  job: Record<string, unknown>,
  scrub: (text: string) => string,
): string {
  const parts = [`job ${jobId} failed`];
  if (typeof job["completed_rows"] === "number" && typeof job["total_rows"] === "number") {
    parts.push(`after ${job["completed_rows"]} of ${job["total_rows"]} rows`);
  }
  const details = ["error", "errors", "message", "reason", "details", "error_code"]
    .filter((field) => job[field] !== undefined && job[field] !== null)
    .map((field) => `${field}: ${text(job[field], scrub)}`);
  const failed =
    details.length === 0 ? parts.join(" ") : `${parts.join(" ")}: ${details.join("; ")}`;
  // Rows the job did before it failed may hold this user: Userpilot does not say which rows they were.
  const done = job["completed_rows"];
  return typeof done === "number" && done > 0
    ? `${failed}; Userpilot may hold this user: the job did ${done} row(s) before it failed and does not say which`
    : failed;
}

/** `: ` and the messages of an error body (`errors[].message` or `error`, and `details`), or nothing. */
function errorText(body: unknown): string {
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

function text(value: unknown, scrub = (whole: string) => whole): string {
  const whole = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return scrub(whole).slice(0, 500);
}

function duration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** A record's key for reports: its user_id, else `#<index>`. */
export function userpilotKeyOf(record: UserpilotUser, index: number): string {
  // Records are not trusted to be objects until validated.
  const id: unknown = (record as { user_id?: unknown } | null | undefined)?.user_id;
  return typeof id === "string" && id !== "" ? id : `#${index}`;
}
