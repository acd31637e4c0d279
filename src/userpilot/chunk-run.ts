// One Userpilot chunk followed through: submitted (or its lost request's job found), its job polled to its
// end, and after a `413` its halves, each as its own job.
import { isPathSegment } from "../core/client/path-segment.js";
import type { Chunk, ChunkContext, ChunkResult } from "../core/engine/adapter.js";
import { joinedJsonBody } from "../core/engine/chunk-body.js";
import {
  afterUnansweredSend,
  EARLIER_TRY_NOTE,
  failedBy,
  isFatal,
  notVendorsOwn,
  refusedBy,
  UNSETTLED_JOB_NOTE,
} from "../core/engine/chunk-outcomes.js";
import { requestFailureCode, vendorCode } from "../core/engine/failure-codes.js";
import { everyItem } from "../core/engine/outcomes.js";
import { pollJob } from "../core/engine/poll.js";
import { lossWords } from "../core/engine/journal.js";
import { callWithin } from "../core/http/deadline.js";
import { planJobPolls, type JobTimes, type PollSettings } from "../core/engine/poll-settings.js";
import { httpStatusOf, type ApiError } from "../core/errors/api-error.js";
import { isTransient } from "../core/errors/transient.js";
import { unprocessedBy } from "../core/errors/unprocessed.js";
import { duration, monotonicNow } from "../core/time.js";
import type { UserpilotClient } from "./client.js";
import type { UserpilotFailureCode } from "./failure-codes.js";
import {
  accepted,
  completedOutcome,
  conflictText,
  errorText,
  failure,
  guessed,
  jobFailure,
  LIST_UNREAD,
  listGivenUp,
  progressOf,
  savedOutcome,
  stopped,
  text,
  unsettled,
  vendorDuration,
  type Outcome,
} from "./job-outcomes.js";
import type { FollowedJobs } from "./followed-jobs.js";
import { lostRequestsJob } from "./lost-job.js";
import type { UnansweredSends } from "./unanswered-sends.js";
import type { UserpilotUser } from "./validate.js";

/** The adapter's options, checked. */
export interface Settings extends PollSettings {
  readonly conflictWaitMs: number;
  readonly clockSkewMs: number;
  readonly soleImporter: boolean;
}

type Result = ChunkResult<UserpilotFailureCode>;

/** What every import through one client shares of the account's jobs. */
export interface ClientJobs {
  /** Jobs the client's imports submitted or followed: never another request's. */
  readonly jobs: FollowedJobs;
  /** Requests of the client's imports that no answer settled. */
  readonly unanswered: UnansweredSends;
}

/**
 * What the chunks of one import share about Userpilot's one job at a time: once a job outlasted
 * `jobTimeoutMs` (this import's own, or another that a `409` waited on), why, until Userpilot accepts a job
 * again. Meanwhile a `409` is waited out for `conflictWaitMs` only: every later chunk would wait
 * `jobTimeoutMs` more for the same job, hours each.
 */
export interface JobQueue {
  stuck: string | undefined;
  /**
   * Until Userpilot accepts a job again, a job of this import whose status poll was given up short of its
   * time: when that time ends ({@link monotonicNow} ms), and what was seen of the job. A `409` meanwhile is
   * waited out until then (at least once), not for `jobTimeoutMs` more: the job it waits for may be that one.
   * Those waits are added to the job's {@link JobQueue.times}: the time left is the less of the two.
   */
  givenUp: { readonly job: string; readonly at: number; readonly seen: string } | undefined;
  /**
   * When (`Date.now()` ms) `stuck` or `givenUp` was last set: a job found for a lost send ends them only if
   * that send went out later, when Userpilot, one job at a time, can have accepted it only once theirs ended.
   */
  heldSince: number | undefined;
  /** How long each job was followed in the import: a replay that polls the same job gets what is left. */
  readonly times: JobTimes;
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
export class ChunkRun {
  /** Whether a bulk identify request for users of the chunk went out in this attempt. */
  posted = false;

  constructor(
    private readonly client: UserpilotClient,
    private readonly settings: Settings,
    private readonly shared: ClientJobs,
    private readonly queue: JobQueue,
    private readonly chunk: Chunk<UserpilotUser>,
    private readonly context: ChunkContext,
  ) {}

  /**
   * Users `[start, end)` of the chunk. Checkpoint keys, each with the range's suffix (none for the whole
   * chunk, `:<start>-<end>` for a half): `jobId`, the job followed; `guess`, why a job found in the list may
   * not be the request's; `unchecked`, the fewest rows its job must hold; `sent`, when the earliest request
   * whose answer may be lost went out, and `resent`, the latest one since; `split`, once the range was split;
   * `done`, once a half ended for good (the JSON of its outcome).
   */
  async follow(start: number, end: number): Promise<Result> {
    const size = end - start;
    const whole = start === 0 && end === this.chunk.items.length;
    const range = whole ? "" : `:${start}-${end}`;
    const resumed = this.context.resumed;

    // A value changed by hand is passed over: the half's saved job is polled, or its users sent again.
    const finished = resumed?.[`done${range}`];
    const saved = finished === undefined ? undefined : savedOutcome(finished);
    if (saved !== undefined) return everyItem(size, saved);
    if (resumed?.[`split${range}`] !== undefined) return this.halves(start, end, range, true);

    // `""`: a job the request was once taken to have made, which turned out to be another's.
    let jobId: string | undefined = resumed?.[`jobId${range}`];
    if (jobId === "") jobId = undefined;
    // Why the job followed may not be this request's, when it was found in the job list by a guess.
    // `""`: the job was not a guess.
    const savedGuess = resumed?.[`guess${range}`];
    let guess = savedGuess === "" ? undefined : savedGuess;
    // Only a job submitted here has a known age, which the pace of earlier jobs can time.
    let fresh = false;
    // Whether this request's answer named the job (a 202), which a job found in the list was not.
    let named = false;
    // The fewest rows a job of these users can hold, when no answer has checked the job's rows yet. Kept in
    // the journal: a replay or a re-run that polls the job must check it as this attempt would have.
    const savedUnchecked = resumed?.[`unchecked${range}`];
    let unchecked =
      savedUnchecked !== undefined && /^[1-9]\d{0,8}$/.test(savedUnchecked)
        ? Number(savedUnchecked)
        : undefined;
    // A job journaled by an earlier version, which kept no row count beside it, is checked as a 202's job
    // without `total_rows` is: one that holds the rows sent (found in the list, or counted) passes anyway.
    if (jobId !== undefined && savedUnchecked === undefined && this.chunk.items.length >= end)
      unchecked = this.distinctUsers(start, end);
    // A request for these users went out and its answer never came (in this run, or one a crash ended): the
    // job it may have created is looked for before anything is sent again.
    if (jobId === undefined && this.lostSince(range) !== undefined) {
      const found = await this.reconcile(start, end, range, this.settings.jobTimeoutMs);
      if (found.kind === "fatal") return found;
      if (found.kind === "unsettled") return everyItem(size, found.outcome);
      jobId = found.jobId;
      guess = found.guess;
      // A job found in the list holds as many rows as were sent: nothing is left to check.
      if (jobId !== undefined) unchecked = undefined;
    }
    if (jobId === undefined) {
      const submitted = await this.submit(start, end, range);
      if (submitted.kind === "result") return submitted.result;
      ({ jobId, guess, unchecked } = submitted);
      fresh = true;
      named = submitted.named === true;
    }
    this.shared.jobs.add(jobId);
    const polled = await this.poll(jobId, size, fresh, range, unchecked, named);
    const ended: JobEnd =
      polled.kind === "end" && guess !== undefined
        ? { ...polled, outcome: guessed(polled.outcome, guess) }
        : polled;
    // Userpilot holds the job: a fatal answer while it is followed leaves its users' fate unknown.
    if (ended.kind === "fatal") return { ...ended, written: true };
    // Only a half needs this: the engine journals the whole chunk's outcomes itself.
    if (!whole && ended.final) {
      this.saveFollowingUp({ [`done${range}`]: JSON.stringify(ended.outcome) });
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
    const speaking = (outcome: Outcome): Outcome =>
      lostWhole ? afterUnansweredSend(outcome) : outcome;
    // "" (read by its presence): the split's 413 says Userpilot wrote nothing, so a re-run does not say
    // Userpilot may hold the users for it.
    if (!resumed) this.context.checkpoint({ [`split${range}`]: "" });
    const middle = start + Math.ceil((end - start) / 2);
    const first = await this.follow(start, middle);
    if (first.kind === "fatal") {
      // Only the first half went out: Userpilot may hold its users, never the second half's.
      const held: Outcome = {
        ok: false,
        code: requestFailureCode(first.error),
        reason: `${first.error.message}; its job was accepted before the import stopped${UNSETTLED_JOB_NOTE}`,
        vendorMayHold: true,
        jobMayHold: true,
      };
      // No job of the first half was accepted, but the lost send of the whole range may have carried it.
      const unanswered: Outcome = {
        ok: false,
        code: requestFailureCode(first.error),
        reason: `${first.error.message}${EARLIER_TRY_NOTE}`,
        vendorMayHold: true,
      };
      const sent = first.known ?? new Array<undefined>(middle - start).fill(undefined);
      const known = sent.map((outcome) =>
        outcome === undefined
          ? first.written === true
            ? held
            : lostWhole
              ? unanswered
              : undefined
          : stopped(speaking(outcome), first.error),
      );
      return { kind: "fatal", error: first.error, known, ...(lostWhole && { written: true }) };
    }
    const waiting = this.waitsForFirstHalf(start, middle, end, first.outcomes);
    if (waiting !== undefined) {
      const held: Outcome = {
        ok: false,
        code: "held_back",
        // Not the first half's reason: that may say Userpilot holds users this request never carried.
        reason:
          "not sent: it waits for the other half of its chunk, which holds an earlier record of one of these users and is not settled yet (Userpilot presumably keeps the values written last)",
        transient: true,
        // Left to a re-run as the first half is (a job still running): this run does not send it again.
        ...(waiting.later === true && { later: true as const }),
        // A lost send of the whole range may have carried these users.
        ...(!lostWhole && { unprocessed: "not_sent" as const }),
      };
      const outcomes = [...first.outcomes, ...new Array<Outcome>(end - middle).fill(held)];
      return { kind: "done", outcomes: outcomes.map(speaking) };
    }
    // Userpilot's word on the first half stands should the second half's stop the attempt (a failed save).
    this.context.settled?.([...new Array<undefined>(start), ...first.outcomes.map(speaking)]);
    const second = await this.follow(middle, end);
    if (second.kind === "fatal") {
      // The first half's job ended: what Userpilot said of its users stands. A half whose answer was lost
      // is unsettled, and the import stops before a replay could look for its job.
      const known = [
        ...first.outcomes.map((outcome) => stopped(speaking(outcome), second.error)),
        ...(second.known ?? new Array<undefined>(end - middle)).map((outcome) =>
          outcome === undefined ? undefined : speaking(outcome),
        ),
      ];
      return { ...second, known, ...(lostWhole && { written: true }) };
    }
    return { kind: "done", outcomes: [...first.outcomes, ...second.outcomes].map(speaking) };
  }

  /**
   * The unsettled failure of the first half `[start, middle)` when the second half `[middle, end)` repeats
   * one of its users: Userpilot presumably keeps the values written last (UNCONFIRMED), and a replay sends
   * the first half again (or follows its job), so the second half waits for it (it goes in that replay, after
   * the first half's job).
   */
  private waitsForFirstHalf(
    start: number,
    middle: number,
    end: number,
    outcomes: readonly Outcome[],
  ): Extract<Outcome, { ok: false }> | undefined {
    const unsettled = outcomes.find(
      (o): o is Extract<Outcome, { ok: false }> => !o.ok && o.transient === true,
    );
    if (unsettled === undefined) return undefined;
    const keys = this.chunk.keys;
    const earlier = new Set(keys.slice(start, middle));
    return keys.slice(middle, end).some((key) => earlier.has(key)) ? unsettled : undefined;
  }

  /** Submits users `[start, end)`, waiting out other running jobs (`409`); checkpoints a `202`'s job id. */
  private async submit(
    start: number,
    end: number,
    range: string,
  ): Promise<
    | {
        readonly kind: "accepted";
        readonly jobId: string;
        /** Set when this request's 202 named the job (not the job list, after a 409). */
        readonly named?: true;
        readonly guess?: string;
        /** The distinct user_ids sent, when the 202 did not say how many rows its job holds. */
        readonly unchecked?: number;
      }
    | { readonly kind: "result"; readonly result: Result }
  > {
    const size = end - start;
    const body = this.bodyText(start, end);
    const clock = this.clock();
    const givenUp = this.queue.givenUp;
    const limitMs = this.conflictLimitMs();
    let wait = this.settings.conflictWaitMs;
    let waitedStuck = false;
    // The `409` waited out last, once one was: the tries after it have what is left of the wait's time.
    let conflicted: ApiError | undefined;
    const maxWait = Math.max(this.settings.conflictWaitMs, this.settings.maxPollIntervalMs);
    for (;;) {
      // Saved before the request goes out (a crash may follow at once), and kept from the earliest send whose
      // answer never came: the job such a request created started after it, so a replay knows where to look.
      const lostBefore = this.lostSince(range) !== undefined;
      // After a lost send, this one's time too: a job that starts after another chunk's later send is not
      // this range's unless this range sent again since.
      this.context.checkpoint({
        [lostBefore ? `resent${range}` : `sent${range}`]: new Date().toISOString(),
      });
      // A refusal speaks for its own request only: the lost send before it may have made a job of the users.
      // So may a try of this request whose answer a caller's middleware replaced (set once it is answered).
      let earlierTry = false;
      const failWith = (outcome: Outcome) =>
        ({
          kind: "result",
          result: everyItem(
            size,
            lostBefore || earlierTry ? afterUnansweredSend(outcome) : outcome,
          ),
        }) as const;
      const fail = (code: UserpilotFailureCode, reason: string, mayHold: boolean) =>
        failWith(failure(code, reason, mayHold));
      this.posted = true;
      // While another job is waited out, a retry's wait (a 429's Retry-After) ends with the time for it.
      const leftMs = conflicted === undefined ? undefined : limitMs - clock.elapsed();
      // Until an answer names its job or says it made none, another import's search must not take a job
      // that started meanwhile for its own lost request's: the queue is this run's own.
      const out = this.shared.unanswered.send(this.queue, body, size);
      const answer = await callWithin(this.context.signal, leftMs, (signal) =>
        this.client.bulkIdentifyUsers({
          body: { users: this.chunk.items.slice(start, end) },
          serializedBody: body,
          signal,
        }),
      ).catch((error: unknown) => {
        out.lost();
        throw error;
      });
      // The deadline ends a call only at a wait before a try, and the client retries this POST only after a
      // 429, a 503 or a try that never went out: Userpilot made no job, and a later run sends the users.
      if ("timedOut" in answer) {
        out.answered();
        if (!lostBefore) this.context.checkpoint({ [`sent${range}`]: "" });
        return fail(
          "job_conflict",
          `another bulk job was running (409${conflicted === undefined ? "" : conflictText(conflicted)}), and the submission after ${duration(clock.elapsed())} of waiting for it was given up, as ${answer.timedOut}, past the time a submission waits for another bulk job`,
          false,
        );
      }
      // A 202 that does not name this request's job leaves the `sent` checkpoint in place: Userpilot may
      // have made a job of these users all the same, and a replay looks for it in the job list.
      if (answer.ok) {
        const jobId: unknown = answer.data.job_id;
        if (typeof jobId !== "string" || !isPathSegment(jobId)) {
          out.lost();
          // Accepted all the same: the job it made may import them, so the vendor may hold them.
          return fail(
            "malformed",
            `bulkIdentifyUsers answered 202 without a usable job_id, so the job holding these users is unknown${UNSETTLED_JOB_NOTE}`,
            true,
          );
        }
        const distinct = this.distinctUsers(start, end);
        const foreign = this.notThisRequests(jobId, answer.data, size, distinct);
        if (foreign !== undefined) {
          out.lost();
          return fail("job_mismatch", foreign, true);
        }
        // Known as this request's before the request counts as answered: another import's search between
        // the two would otherwise see neither.
        this.shared.jobs.add(jobId);
        out.answered();
        // A 202 without `total_rows` (one documented shape) has not shown that its job holds these rows:
        // the job's status must.
        const checked = typeof answer.data.total_rows === "number";
        this.context.checkpoint({
          [`jobId${range}`]: jobId,
          [`guess${range}`]: "",
          [`unchecked${range}`]: checked ? "" : String(distinct),
        });
        this.queue.stuck = undefined;
        this.queue.givenUp = undefined;
        return { kind: "accepted", jobId, named: true, ...(!checked && { unchecked: distinct }) };
      }
      const error = answer.error;
      earlierTry = error.afterArrivedTry === true;
      // A vendor's refusal (409, 413, 400, …), a 429 or 503, or a request that never went out made no job:
      // only a lost answer leaves one to look for.
      // A proxy or gateway in front of Userpilot refuses a body too large for it with a page of its own
      // (HTML, not Userpilot's JSON): its 413 refuses the body all the same, and Userpilot never saw it.
      const tooLarge = httpStatusOf(error) === 413;
      // Userpilot documents 409 for a running job only: one whose body cannot be read (a proxy's page in its
      // place) says so all the same, and is waited out (or its lost send's job looked for) as any 409 is.
      const conflict = httpStatusOf(error) === 409;
      const refused =
        (typeof error.status === "number" || tooLarge || conflict) && !isTransient(error);
      const madeNoJob =
        error.afterArrivedTry !== true && (refused || unprocessedBy(error) !== undefined);
      if (madeNoJob) out.answered();
      else out.lost();
      if (!lostBefore && madeNoJob) {
        this.context.checkpoint({ [`sent${range}`]: "" });
      }
      if (tooLarge) {
        if (size > 1) return { kind: "result", result: await this.halves(start, end, range) };
        const by =
          typeof error.status === "number" || notVendorsOwn(error)
            ? refusedBy("Userpilot", error)
            : "Userpilot (or a gateway before it)";
        const body = "body" in error ? error.body : undefined;
        return fail(
          "payload_too_large",
          `${by} refused this user as too large (413)${errorText(body)}`,
          false,
        );
      }
      if (conflict) {
        // The running job may be the one an earlier, lost request of these users created: follow it
        // rather than wait for it blind and then send the users once more.
        const found = lostBefore
          ? await this.reconcile(start, end, range, limitMs - clock.elapsed())
          : undefined;
        if (found?.kind === "fatal") return { kind: "result", result: found };
        // Unread, the list cannot show that the running job is not the lost request's: waited out blind,
        // that job may end and the next send make a second job of the same users.
        if (found?.kind === "unsettled") {
          return { kind: "result", result: everyItem(size, found.outcome) };
        }
        if (found?.kind === "found" && found.jobId !== undefined) {
          return {
            kind: "accepted",
            jobId: found.jobId,
            ...(found.guess !== undefined && { guess: found.guess }),
          };
        }
        // Once a job outlasted the limit, a chunk waits once, in case that job ended since, and no longer.
        const stuck = this.queue.stuck;
        if (stuck !== undefined && waitedStuck) {
          return fail(
            "job_conflict",
            `another bulk job was still running after ${duration(clock.elapsed())}${conflictText(error)}; left to a re-run, as ${stuck} and Userpilot has accepted no job since`,
            false,
          );
        }
        waitedStuck = stuck !== undefined;
        // A given-up job's time is waited out once at least, in case the job ended since, as a stuck one's.
        const waitsOnce = givenUp !== undefined && conflicted === undefined;
        if (!waitsOnce && clock.elapsed() + wait > limitMs) {
          const waited = `another bulk job was still running after ${duration(clock.elapsed())}`;
          // Not stuck: the job it waited for may have been the given-up one, which no answer showed stuck.
          if (givenUp !== undefined) {
            return fail(
              "job_conflict",
              `${waited}${conflictText(error)}; left to a re-run, as ${givenUp.seen}, and another wait would end past that job's time`,
              false,
            );
          }
          this.queue.stuck = waited;
          this.queue.heldSince = Date.now();
          return fail("job_conflict", `${waited}${conflictText(error)}`, false);
        }
        if (!(await clock.sleep(wait))) {
          return fail(
            "aborted",
            "the import was aborted while waiting for another bulk job to finish",
            false,
          );
        }
        // Counted too: a sleep that returns at once (a caller's own, a test's) takes no time on the monotonic
        // clock. Not spent twice when it does take time: the limit is the less of the two, never their sum.
        if (givenUp !== undefined) this.queue.times.add(givenUp.job, wait);
        wait = Math.min(maxWait, wait * 1.5);
        conflicted = error;
        continue;
      }
      switch (error.status) {
        case 400: {
          const [first] = Array.isArray(error.body.errors) ? error.body.errors : [];
          const code: unknown = first?.error_code;
          return fail(
            typeof code === "string" && code !== "" ? vendorCode(code) : "400",
            `${refusedBy("Userpilot", error)} refused the request (400)${errorText(error.body)}`,
            false,
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
   * What a re-run does for users left unsettled: `withJournal` when this run keeps one; without, only a
   * journal would keep the job id, so a re-run sends the users in a new job. So too when the journal was
   * removed while the run used it; one replaced may be a copy of it (an editor's save, a sync tool), which
   * may hold what a re-run resumes from (`holds`: the job, or a send that got no answer, whose job's id was
   * never known): a re-run with it then `does` what `withJournal` says.
   */
  private reRun(withJournal: string, does: string, holds = "the job"): string {
    if (this.context.journalLost?.() === "replaced")
      return `the journal was ${lossWords("replaced")} while this run used it: a re-run with that path ${does} only if the file now there holds ${holds}, else sends these users again`;
    return this.context.journaled
      ? withJournal
      : "no journal keeps this run's job for a re-run, so a re-run sends these users again";
  }

  /**
   * How long a submission waits out `409`s: `jobTimeoutMs`, or what is left of the time of a job whose status
   * poll was given up short of it ({@link JobQueue.givenUp}).
   */
  private conflictLimitMs(): number {
    const { jobTimeoutMs } = this.settings;
    const givenUp = this.queue.givenUp;
    if (givenUp === undefined) return jobTimeoutMs;
    return Math.min(givenUp.at - monotonicNow(), this.queue.times.left(givenUp.job, jobTimeoutMs));
  }

  /**
   * Looks for the job that a request for users `[start, end)` sent at `sent<range>` created (see
   * {@link lostRequestsJob}), and checkpoints it to be followed. None, or no send on record: `jobId`
   * undefined, and the users are sent again. The list request's retries and their waits end `leftMs` from
   * now (the job's time, as a status poll's do): a search given up so leaves the users `job_timeout`, to a
   * re-run.
   */
  private async reconcile(
    start: number,
    end: number,
    range: string,
    leftMs: number,
  ): Promise<
    | { readonly kind: "found"; readonly jobId: string | undefined; readonly guess?: string }
    | { readonly kind: "unsettled"; readonly outcome: Outcome }
    | { readonly kind: "fatal"; readonly error: ApiError }
  > {
    const sentMs = Date.parse(this.lostSince(range) ?? "");
    if (Number.isNaN(sentMs)) return { kind: "found", jobId: undefined };
    const answer = await callWithin(this.context.signal, leftMs, (signal) =>
      this.client.listBackgroundJobs({ signal }),
    );
    // Left to a re-run, as a job that outlasted its time is: a replay now would only ask again.
    if ("timedOut" in answer) {
      const reRun = this.reRun(
        "a re-run with the same journal searches the list again",
        "searches the job list again",
        "the send that got no answer",
      );
      return { kind: "unsettled", outcome: listGivenUp(answer.timedOut, reRun) };
    }
    if (!answer.ok) {
      if (isFatal(answer.error)) return { kind: "fatal", error: answer.error };
      // Without the list nothing shows the lost request created no job: sending again could make a second
      // one, so the users fail for now (a replay or a re-run looks again).
      return { kind: "unsettled", outcome: unsettled(answer.error, LIST_UNREAD) };
    }
    const resent = Date.parse(this.context.resumed?.[`resent${range}`] ?? "");
    const body = this.bodyText(start, end);
    const found = lostRequestsJob(answer.data, {
      rows: end - start,
      // Counted here only: a lost request is rare, and the bytes of a 50 MB body are not free.
      bytes: Buffer.byteLength(body),
      elsewhere: this.shared.unanswered.othersThan(this.queue, body),
      sentMs,
      ...(!Number.isNaN(resent) && { lastSentMs: resent }),
      otherSends: this.sendsOnRecord()
        .map((sent) => Date.parse(sent))
        .filter((ms) => !Number.isNaN(ms)),
      clockSkewMs: this.settings.clockSkewMs,
      soleImporter: this.settings.soleImporter,
      others: this.othersJobs(),
      forgottenUntil: this.shared.jobs.forgottenUntil,
    });
    if (found === undefined) return { kind: "found", jobId: undefined };
    const { id: jobId, guess } = found;
    this.shared.jobs.add(jobId);
    this.saveFollowingUp({
      [`jobId${range}`]: jobId,
      [`guess${range}`]: guess ?? "",
      [`unchecked${range}`]: "",
    });
    this.context.count("reconciled_jobs");
    // Userpilot accepted that job after the send, as after a 202: a job that held later chunks back since
    // before the send had ended. One held back since after it (a resumed run's old send) may still run.
    if (this.queue.heldSince !== undefined && sentMs >= this.queue.heldSince) {
      this.queue.stuck = undefined;
      this.queue.givenUp = undefined;
    }
    return { kind: "found", jobId, ...(guess !== undefined && { guess }) };
  }

  /**
   * Saves what following up on a send found (a job for it, one that is not its, a half's end). Should the
   * save fail before this attempt posted, the attempt only followed up, which the engine hears as the throw
   * passes (the adapter says it once `follow` returns): the users are not "not sent", as that send is open.
   */
  private saveFollowingUp(state: Record<string, string>): void {
    try {
      this.context.checkpoint(state);
    } catch (error) {
      if (!this.posted) this.context.followedUpOnly?.();
      throw error;
    }
  }

  /** How many users the items from `start` to `end` are: a job of them holds no fewer rows. */
  private distinctUsers(start: number, end: number): number {
    return new Set(this.chunk.items.slice(start, end).map((user) => user.user_id)).size;
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

  /**
   * When this chunk's ranges, and every chunk's in the journal, sent a request, as saved under `sent…`.
   * Without a journal, the other half of a split chunk, sent after this half's lost send, is known from this
   * chunk's state only: its job, of as many rows and bytes, must not be taken for this half's.
   */
  private sendsOnRecord(): string[] {
    const own = Object.entries(this.context.resumed ?? {})
      .filter(([key]) => key.startsWith("sent"))
      .map(([, sent]) => sent);
    return [...this.context.savedByAnyChunk("sent"), ...own];
  }

  /**
   * Job ids other chunks follow, in this run, in the journal of an earlier one or in another import through
   * this client: never this request's.
   */
  private othersJobs(): FollowedJobs {
    for (const id of this.context.savedByAnyChunk("jobId")) this.shared.jobs.add(id);
    return this.shared.jobs;
  }

  /**
   * Why the job a `202` names cannot be the one this request of `rows` users made, if it cannot: another
   * chunk of this import (or another import through this client) follows it, or it holds more rows than
   * were sent, or fewer than the distinct user_ids sent. Fewer rows than users is followed only down to
   * that: Userpilot may count a user_id sent twice once (UNCONFIRMED), and `completed_rows` below the users
   * sent then warns on each. `total_rows` left out (one documented shape) rules nothing out. Its `file_size`
   * is not compared: its unit is UNCONFIRMED, and a wrong guess here would turn away every job (reconcile
   * may use it: a wrong guess there only sends the users again, which Userpilot upserts).
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
      return `Userpilot answered 202 with job ${jobId}, which another chunk of this import (or another import through this client) follows, ${unknownJob}`;
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

  /**
   * Polls a job (timed as `JobPoll` says) until it is `completed` or `failed`; else until a status request
   * fails (a 404: `job_lost`), an answer is not this job's (`job_mismatch`), the import is aborted or the
   * job's time runs out (`job_timeout`).
   */
  private async poll(
    jobId: string,
    rows: number,
    fresh: boolean,
    range: string,
    unchecked: number | undefined,
    named: boolean,
  ): Promise<JobEnd> {
    const end = (outcome: Outcome, final: boolean): JobEnd => ({ kind: "end", outcome, final });
    // What a re-run does is read as a reason is worded: the journal may have been removed while the job ran
    // (what stopped the import, maybe).
    const pickUp = () =>
      this.reRun("run again with the same journal to pick it up", "picks the job up");
    // The job runs on without the importer and may import the users after the stop.
    const aborted = () =>
      end(
        failure(
          "aborted",
          `the import was aborted while job ${jobId} was running${UNSETTLED_JOB_NOTE}; ${pickUp()}`,
          true,
        ),
        false,
      );
    const plan = planJobPolls(this.settings, rows, fresh);
    // The status of the last answer (none yet: undefined; Userpilot may name one "unknown").
    let status: string | undefined;
    // What was left of the job's time when a status poll was given up at a wait past it.
    let givenUpLeft: number | undefined;
    let polled: Awaited<ReturnType<typeof pollJob<JobEnd>>>;
    try {
      polled = await pollJob<JobEnd>(
        async (leftMs) => {
          if (this.context.signal.aborted) return { value: aborted() };
          // The job's time bounds the poll's retries and their waits too (a 429's Retry-After of minutes).
          const answer = await callWithin(this.context.signal, leftMs, (signal) =>
            this.client.getBackgroundJob({ params: { path: { job_id: jobId } }, signal }),
          );
          if ("timedOut" in answer) {
            givenUpLeft = leftMs;
            return answer;
          }
          if (!answer.ok) {
            const error = answer.error;
            if (error.status === 404) {
              const reason = `Userpilot answered 404 for job ${jobId}, which it accepted for these users (presumably it no longer knows the job): whether they were imported is unknown; ${this.reRun("a re-run with the same journal polls the job again", "polls the job again")}`;
              return { value: end(failure("job_lost", reason, true), false) };
            }
            if (isFatal(error)) return { value: { kind: "fatal", error } };
            // Userpilot accepted the job: a status it answers oddly refuses no user. The users stay unsettled
            // (a replay or a re-run polls the job again), and may be held.
            return { value: end(unsettled(error, accepted(jobId)), false) };
          }
          const job = answer.data;
          // A status naming another job says nothing of this one's users: as lost as a 502's answer.
          if (job.job_id !== jobId) {
            // Scrubbed before it is cut, as every text of a status answer (no error scrubbed it).
            const named = text(job.job_id, (all) => this.client.scrub(all));
            const reason = `Userpilot answered the status of job ${jobId} with the status of job ${named}, so whether these users were imported is unknown`;
            return { value: end(failure("job_mismatch", reason, true), false) };
          }
          // A job of more rows than were sent is not this request's (a 202 without `total_rows` named it):
          // the request's answer counts as lost, and a replay looks for its job in the list instead.
          // So is one that completed with fewer rows than the distinct user_ids sent, when no answer showed
          // its rows before (a running job may not have counted its rows yet; a failed one may count none,
          // for a body it refused, and its users fail anyway).
          // A job that did more rows than were sent holds more than were sent, whatever its `total_rows`
          // says: it is not this request's job, or its counts cannot be true; either way it confirms no user.
          const total: unknown = job.total_rows;
          const done: unknown = job.completed_rows;
          const fewer =
            job.status === "completed" && typeof total === "number" && total < (unchecked ?? 0);
          const held =
            typeof total === "number" && (total > rows || fewer)
              ? `holds ${total} rows`
              : typeof done === "number" && done > rows
                ? `did ${done} rows`
                : undefined;
          if (held !== undefined) {
            this.saveFollowingUp({ [`jobId${range}`]: "" });
            // Only a 202 to this request named its job: one found in the job list (after a 409 too), or
            // read from a journal, may have come from the list.
            const namedBy = named ? ", which the answer to this request named," : "";
            const reason = `Userpilot's job ${jobId}${namedBy} ${held} for a request of ${rows} users, so it is not this request's job, and whether Userpilot holds these users is unknown`;
            return { value: end(failure("job_mismatch", reason, true), false) };
          }
          // Compared as a string: a status Userpilot adds later means the job is still running.
          status = job.status;
          if (status === "completed" || status === "failed") plan.ended(vendorDuration(job));
          if (status === "completed") {
            return {
              value: end(
                completedOutcome(jobId, job, rows, (text) => this.client.scrub(text)),
                true,
              ),
            };
          }
          if (status === "failed") {
            return {
              value: end(
                jobFailure(jobId, job, (text) => this.client.scrub(text)),
                true,
              ),
            };
          }
          const progress = progressOf(job);
          return progress === undefined ? {} : { progress };
        },
        plan,
        (ms) => this.context.sleep(ms),
        this.queue.times.left(jobId, this.settings.jobTimeoutMs),
      );
    } catch (error) {
      // The engine's sleep rejects when the import is aborted; anything else (a caller's callback that threw)
      // is no abort, and the engine says what it leaves open.
      if (this.context.signal.aborted) return aborted();
      throw error;
    } finally {
      this.queue.times.add(jobId, plan.elapsed());
    }
    if (!polled.timedOut) return polled.value;
    const followed = duration(this.queue.times.spentOn(jobId));
    // Given up at a wait past the job's time (a 429's Retry-After), the job was not seen to run all of it;
    // unless answers showed it running and only its last poll interval was left: polls see no more of a job.
    const lastInterval =
      status !== undefined &&
      givenUpLeft !== undefined &&
      givenUpLeft <= this.settings.maxPollIntervalMs;
    const seen =
      polled.why === undefined
        ? `job ${jobId} was still ${status ?? "unknown"} after ${followed}`
        : lastInterval
          ? `job ${jobId} was still ${status ?? "unknown"} into its last poll interval (its status poll then was given up after ${followed}, as ${polled.why}, past the job's time)`
          : `job ${jobId} was not seen to end (its status poll was given up after ${followed}, as ${polled.why}, past the job's time)`;
    // Only a job Userpilot showed running for all its time holds later chunks back: a poll given up at a 429
    // earlier says nothing of the job, and the next chunk's 409 is then waited out for the rest of its time.
    if (polled.why === undefined || lastInterval) this.queue.stuck = seen;
    else {
      const left = this.queue.times.left(jobId, this.settings.jobTimeoutMs);
      this.queue.givenUp = { job: jobId, at: monotonicNow() + left, seen };
    }
    this.queue.heldSince = Date.now();
    return end(
      failure("job_timeout", `${seen}; it may yet finish${UNSETTLED_JOB_NOTE}; ${pickUp()}`, true),
      false,
    );
  }

  /**
   * Time spent waiting: a monotonic clock (a wall clock set forward must not spend the time), or the sum of
   * the waits asked for when that is more (a replaced `sleep` returns at once, and the time limits must still
   * apply).
   */
  private clock() {
    const started = monotonicNow();
    let slept = 0;
    const context = this.context;
    return {
      elapsed: () => Math.max(monotonicNow() - started, slept),
      /** Waits `ms`; false when the import was aborted. A sleep that failed otherwise throws, as no abort. */
      async sleep(ms: number): Promise<boolean> {
        try {
          await context.sleep(ms);
        } catch (error) {
          if (context.signal.aborted) return false;
          throw error;
        }
        slept += ms;
        return !context.signal.aborted;
      },
    };
  }
}
