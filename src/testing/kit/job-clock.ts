// The clock of a simulated import job that takes time (FullStory's batch jobs, Userpilot's bulk jobs). A job
// ends when its time is up, not when someone looks: a client that learns its pace from a job's end time must
// not learn how late it polled.
import { rateOption } from "../../core/options.js";

/** The clock options of a simulator whose import jobs take time. */
export interface JobClockOptions {
  /** The simulator's clock, in ms since the epoch. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * A job processes this many records (above 0) a minute of `now()` from its creation and ends with its last
   * one; the other options of a job's pace are then ignored.
   */
  rowsPerMinute?: number | undefined;
}

/** A job as its clock sees it. */
interface Timed {
  readonly createdMs: number;
  readonly rows: number;
}

/** @throws RangeError for a `rowsPerMinute` that is not above 0. */
export function jobClock(options: JobClockOptions) {
  const now = options.now ?? Date.now;
  const rate = rateOption("rowsPerMinute", options.rowsPerMinute, undefined);
  return {
    now,
    /** A time of the clock as a job's answers show it (FullStory's `created`, Userpilot's `start_time`). */
    iso: (ms: number) => new Date(ms).toISOString(),
    /**
     * Records done at `rowsPerMinute`; undefined without it. None before the job's start, which a clock
     * may not have reached (a job given a later start, a test's clock set back).
     */
    rowsDone: (job: Timed): number | undefined =>
      rate === undefined
        ? undefined
        : Math.max(0, Math.min(job.rows, Math.floor(((now() - job.createdMs) * rate) / 60_000))),
    /** When the job ends by the clock: at `rowsPerMinute`, else `ms` after its creation, else never. */
    endMs: (job: Timed, ms: number | undefined): number | undefined =>
      rate !== undefined
        ? job.createdMs + Math.ceil((job.rows * 60_000) / rate)
        : ms === undefined
          ? undefined
          : job.createdMs + ms,
  };
}
