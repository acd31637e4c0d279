// Which job of Userpilot's job list a bulk identify request whose answer was lost created, if any.
import type { components } from "../../generated/userpilot.js";
import { isPathSegment } from "../core/client/path-segment.js";
import { jobTime, type JobTime } from "./job-time.js";
import type { UnansweredSend } from "./unanswered-sends.js";

type JobStatus = components["schemas"]["BackgroundJobStatus"];

/** What is known of the lost request: its users, its body's bytes and when it was sent. */
export interface LostRequest {
  readonly rows: number;
  readonly bytes: number;
  readonly sentMs: number;
  /** How far Userpilot's clock may be behind ours (and, for `forgottenUntil`, ahead of ours). */
  readonly clockSkewMs: number;
  /** Jobs other chunks of the import, or other imports through the same client, follow: never this one's. */
  readonly others: Pick<ReadonlySet<string>, "has">;
  /**
   * When the latest of the followed jobs that `others` no longer holds was known (ms, our clock), if it
   * forgot any (see `FollowedJobs`): a job that started by then (plus `clockSkewMs`) may be one of them, and
   * is not taken.
   */
  readonly forgottenUntil?: number | undefined;
  /** No other process writes to the account: a job of the request's rows and size is not another's. */
  readonly soleImporter?: boolean;
  /** When this range's latest request went out, if it was sent again after `sentMs` (ms, our clock). */
  readonly lastSentMs?: number;
  /**
   * When other chunks of the import, or the other half of a split chunk, sent requests (ms, our clock), from
   * the journal and the chunk's own state (a run without a journal has only that). A later one's job may
   * look just like this request's (as many rows and bytes), and this range's request before it had ended
   * by then: one chunk goes at a time.
   */
  readonly otherSends?: readonly number[];
  /**
   * Requests of other imports through the same client, of other bodies, that no answer settled: a job that
   * started while one of them was out (within `clockSkewMs`) may be that one's, of other users.
   */
  readonly elsewhere?: readonly UnansweredSend[];
}

/** The job taken for the lost request's, and why it may not be that request's, when it may not. */
export interface LostRequestsJob {
  readonly id: string;
  /** Why the job may not be the lost request's: what the list cannot tell (said on each user's outcome). */
  readonly guess?: string;
}

/**
 * The job the lost request created: a job with as many rows and, where the list gives its `file_size`, as
 * many bytes as the request's body, started no earlier than the send (less `clockSkewMs`), not ended before
 * it, and not one of `others` (nor one that started by `forgottenUntil`, which may be a followed job `others`
 * forgot). The earliest such job that started after the send, else the latest within
 * the skew allowance; undefined when there is none.
 *
 * A job that started after another chunk of this import (or the other half of a split chunk) sent a request,
 * with no send of this range between the two, is not taken: this range's request had ended before that one
 * went out (one chunk at a time), and the job may be that chunk's, whose answer was lost too (same rows, and
 * same bytes for same-shaped users).
 *
 * Nothing in the list says whose request made a job: another process's job that started after the send, of
 * as many rows (two imports both sending full chunks) and, where the list gives `file_size` (the published
 * reference's list leaves it out), as many bytes (users of one shape), would be taken for it. So a match is
 * a guess, and `guess` says so for the report to warn on each user, unless the import is the account's
 * sole importer. It says more when there is more to doubt: a job that started within `clockSkewMs` before
 * another chunk's later send (Userpilot's clock may be behind ours); one that started before this request's
 * send, which may be a job that was running then (another process's or another client's) and made Userpilot
 * turn the request away; and one found while another job, not this import's, ran across the send. The other
 * checks err towards sending again, which Userpilot upserts: should its `file_size` not be the body's bytes
 * (UNCONFIRMED) or its rows count a repeated user_id once, a lost answer is never matched, and the users go
 * in one more job.
 */
export function lostRequestsJob(
  jobs: readonly JobStatus[],
  request: LostRequest,
): LostRequestsJob | undefined {
  const { rows, bytes, sentMs, others } = request;
  const earliest = sentMs - request.clockSkewMs;
  const ownSends = [sentMs, ...(request.lastSentMs === undefined ? [] : [request.lastSentMs])];
  const laterOthers = (request.otherSends ?? []).filter((ms) => ms > sentMs);
  /**
   * Another chunk's request went out before `at`, and this range sent none between the two: none before
   * `at + allowance` (a job that starts a little before a send on Userpilot's clock may be that send's).
   */
  // Strictly after: a job that started in the millisecond of another chunk's send may be either's.
  const othersSince = (at: number, allowance = request.clockSkewMs) =>
    laterOthers.some(
      (other) => other < at && !ownSends.some((own) => own > other && own <= at + allowance),
    );
  // Userpilot runs one bulk job at a time, so the lost request's job is the first to start after the send.
  // A job that only the clock-skew allowance lets in started before the send on Userpilot's clock, and so
  // may have ended before it too (the previous chunk's job, which a re-run resumed from the journal does
  // not know): of those, the last to start is the likeliest one.
  type Candidate = { job: JobStatus; at: number; near: boolean };
  let onTime: Candidate | undefined;
  let skewed: Candidate | undefined;
  for (const job of jobs) {
    // An empty or dot id names no job: its status would be asked at the list's own path, or another.
    if (typeof job.job_id !== "string" || !isPathSegment(job.job_id) || others.has(job.job_id))
      continue;
    if (job.total_rows !== rows) continue;
    // Another process's job may hold as many rows (two imports sending full chunks), and as many bytes
    // (users of the same shape): a match is a guess either way, but a different size rules a job out.
    if (typeof job.file_size === "number" && job.file_size !== bytes) continue;
    const start = startOf(job);
    const ended = jobTime(job.end_time);
    if (start === undefined || start.ms < earliest) continue;
    if (mayBeForgotten(start, request)) continue;
    if (ended !== undefined && ended.ms < earliest) continue;
    const started = start.ms;
    if (othersSince(started)) continue;
    if (madeElsewhere(start, job, request)) continue;
    const candidate = {
      job,
      at: started,
      // It may be another chunk's: it started within the skew allowance before that chunk's later send (on
      // Userpilot's clock, which may be behind ours), or, on ours, before this range sent again.
      near: othersSince(started + request.clockSkewMs) || othersSince(started, 0),
    };
    if (started >= sentAt(sentMs, start)) {
      if (onTime === undefined || started < onTime.at) onTime = candidate;
    } else if (skewed === undefined || started > skewed.at) {
      skewed = candidate;
    }
  }
  const found = onTime ?? skewed;
  if (found === undefined) return undefined;
  const id = found.job.job_id;
  const busy = found === onTime ? runningAt(jobs, sentMs, found.job, others) : undefined;
  const guesses = [
    ...(busy !== undefined
      ? [
          `though job ${busy}, not this import's, was running when that request was sent, by our clock: Userpilot may have turned the request away (one bulk job at a time), and this job may be another process's`,
        ]
      : []),
    ...(found === skewed
      ? [
          "though it started before that request was sent, by our clock: it may be a job that was running then, when Userpilot turns a request away (one bulk job at a time), unless Userpilot's clock is behind ours",
        ]
      : []),
    ...(request.soleImporter === true
      ? []
      : [
          typeof found.job.file_size === "number"
            ? "by its row count, file_size and start time only (nothing in Userpilot's job list says whose request made a job): it may be another process's job, of as many users in as many bytes"
            : "by its row count and start time only (Userpilot's job list gives no file_size as a number): it may be another process's job",
        ]),
    ...(found.near
      ? [
          "though it started within the clock-skew allowance of a later request of this import: it may be that request's job",
        ]
      : []),
  ];
  if (guesses.length === 0) return { id };
  const taken = `job ${id} was taken for this user's request, whose answer was lost,`;
  return { id, guess: `${taken} ${guesses.join("; ")}` };
}

/**
 * Whether `job` may have been made by a request of another import through the same client (of as many rows
 * and, where the list gives `file_size`, bytes) that no answer settled: it started while that request was
 * out (Userpilot's clock up to `clockSkewMs` behind ours). Such a job is not taken (the users are sent again,
 * which Userpilot upserts): nothing in the list tells the two requests' jobs apart.
 */
function madeElsewhere(start: JobTime, job: JobStatus, request: LostRequest): boolean {
  const skew = request.clockSkewMs;
  return (request.elsewhere ?? []).some(
    (send) =>
      send.rows === request.rows &&
      (typeof job.file_size !== "number" || send.bytes === job.file_size) &&
      start.ms + start.precisionMs - 1 >= send.sentMs - skew &&
      (send.endedMs === undefined || start.ms <= send.endedMs),
  );
}

/**
 * Whether a job that started at `start` may be a followed job whose id was forgotten: it started by the time
 * the latest of them was known, as each of them did (Userpilot's clock up to `clockSkewMs` ahead of ours).
 * Its start as written may be up to `precisionMs` − 1 earlier than it was, which only errs towards this.
 */
function mayBeForgotten(start: JobTime, request: LostRequest): boolean {
  const until = request.forgottenUntil;
  return until !== undefined && start.ms <= until + request.clockSkewMs;
}

/**
 * The send's time as a start time written like `start` would give it: a start time in whole seconds (as the
 * published reference's examples are) is the send's second for a job created at once.
 */
function sentAt(sentMs: number, start: JobTime): number {
  return Math.floor(sentMs / start.precisionMs) * start.precisionMs;
}

/** When a job started, as the list writes it: `start_time`, or `submitted_at` (one docs page's shape). */
function startOf(job: JobStatus): JobTime | undefined {
  return jobTime(job.start_time) ?? jobTime(job["submitted_at"]);
}

/**
 * A job, other than the list's entry `taken` and not one of `others`, that started before `sentMs` and had
 * not ended by it (our clock), if any: Userpilot runs one bulk job at a time, so while it ran a request was
 * turned away.
 */
function runningAt(
  jobs: readonly JobStatus[],
  sentMs: number,
  taken: JobStatus,
  others: Pick<ReadonlySet<string>, "has">,
): string | undefined {
  for (const job of jobs) {
    // Another entry of the taken job's id counts: which of the list's two accounts of it is true is unknown.
    if (job === taken || typeof job.job_id !== "string" || others.has(job.job_id)) continue;
    const start = startOf(job);
    if (start === undefined || !(start.ms < sentAt(sentMs, start))) continue;
    // An end written to the second (or the minute) may have come up to that much after the time it shows.
    const end = jobTime(job.end_time);
    const terminal = job.status === "completed" || job.status === "failed";
    if (end === undefined ? !terminal : end.ms + end.precisionMs - 1 > sentMs) return job.job_id;
  }
  return undefined;
}
