// Which job of Userpilot's job list a bulk identify request whose answer was lost created, if any.
import type { components } from "../../generated/userpilot.js";

type JobStatus = components["schemas"]["BackgroundJobStatus"];

/** What is known of the lost request: its users, its body's bytes and when it was sent. */
export interface LostRequest {
  readonly rows: number;
  readonly bytes: number;
  readonly sentMs: number;
  /** How far Userpilot's clock may be behind ours. */
  readonly clockSkewMs: number;
  /** Jobs other chunks of the import follow: never this request's. */
  readonly others: ReadonlySet<string>;
}

/**
 * The job the lost request created: a job with as many rows and, where the list gives its `file_size`, as
 * many bytes as the request's body, started no earlier than the send (less `clockSkewMs`), not ended before
 * it, and not one of `others`. The earliest such job that started after the send, else the latest within
 * the skew allowance; undefined when there is none.
 *
 * Where the list leaves `file_size` out, rows and start time alone tell the lost request's job from another
 * process's, so a job another process started after the send with the same row count (two imports both
 * sending full chunks) would be taken for it. Both checks err towards sending again, which Userpilot
 * upserts: should its `file_size` not be the body's bytes (UNCONFIRMED) or its rows count a repeated
 * user_id once, a lost answer is never matched, and the users go in one more job; nothing is reported that
 * Userpilot did not say.
 */
export function lostRequestsJob(
  jobs: readonly JobStatus[],
  request: LostRequest,
): string | undefined {
  const { rows, bytes, sentMs, others } = request;
  const earliest = sentMs - request.clockSkewMs;
  // Userpilot runs one bulk job at a time, so the lost request's job is the first to start after the send.
  // A job that only the clock-skew allowance lets in started before the send on Userpilot's clock, and so
  // may have ended before it too (the previous chunk's job, which a re-run resumed from the journal does
  // not know): of those, the last to start is the likeliest one.
  let onTime: { id: string; at: number } | undefined;
  let skewed: { id: string; at: number } | undefined;
  for (const job of jobs) {
    if (typeof job.job_id !== "string" || others.has(job.job_id)) continue;
    if (job.total_rows !== rows) continue;
    // Another process's job may hold as many rows (two imports sending full chunks); not as many bytes.
    if (typeof job.file_size === "number" && job.file_size !== bytes) continue;
    const submitted: unknown = job["submitted_at"];
    const started = Date.parse(job.start_time ?? (typeof submitted === "string" ? submitted : ""));
    const ended = typeof job.end_time === "string" ? Date.parse(job.end_time) : Number.NaN;
    if (Number.isNaN(started) || started < earliest) continue;
    if (!Number.isNaN(ended) && ended < earliest) continue;
    if (started >= sentMs) {
      if (onTime === undefined || started < onTime.at) onTime = { id: job.job_id, at: started };
    } else if (skewed === undefined || started > skewed.at) {
      skewed = { id: job.job_id, at: started };
    }
  }
  return (onTime ?? skewed)?.id;
}
