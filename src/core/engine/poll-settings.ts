import { durationOption, wholeNumberOption } from "../options.js";
import { JobPace, JobPoll } from "./poll.js";

/**
 * The options of an adapter that polls vendor jobs. Each vendor's options interface repeats them with its own
 * defaults and wording; this is only what they share.
 */
export interface PollTuning {
  pollIntervalMs?: number | undefined;
  maxPollIntervalMs?: number | undefined;
  jobTimeoutMs?: number | undefined;
  maxPollsPerJob?: number | undefined;
}

/** A vendor's defaults for {@link PollTuning}, and how it treats a ceiling below the first wait. */
export interface PollDefaults {
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly jobTimeoutMs: number;
  readonly maxPollsPerJob: number;
  /**
   * Raise `maxPollIntervalMs` to at least `pollIntervalMs`, so a ceiling set below the first wait cannot
   * shorten it; otherwise the ceiling is taken as given.
   * @default false
   */
  readonly ceilingAtLeastFirstWait?: boolean;
}

/** One adapter's checked poll settings, with the pace its jobs share (in every run it is given to). */
export interface PollSettings {
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly jobTimeoutMs: number;
  readonly maxPollsPerJob: number;
  /** How long the adapter's jobs took per row: times the first poll of the next. */
  readonly pace: JobPace;
}

/**
 * The poll settings `options` give, each out-of-range value refused as `durationOption` and
 * `wholeNumberOption` refuse it (a RangeError naming the option), checked in the order of
 * {@link PollTuning}.
 */
export function pollSettings(options: PollTuning, defaults: PollDefaults): PollSettings {
  const pollIntervalMs = durationOption(
    "pollIntervalMs",
    options.pollIntervalMs,
    defaults.pollIntervalMs,
  );
  const ceiling = durationOption(
    "maxPollIntervalMs",
    options.maxPollIntervalMs,
    defaults.maxPollIntervalMs,
  );
  return {
    pollIntervalMs,
    maxPollIntervalMs: defaults.ceilingAtLeastFirstWait
      ? Math.max(pollIntervalMs, ceiling)
      : ceiling,
    jobTimeoutMs: durationOption("jobTimeoutMs", options.jobTimeoutMs, defaults.jobTimeoutMs),
    maxPollsPerJob: wholeNumberOption(
      "maxPollsPerJob",
      options.maxPollsPerJob,
      defaults.maxPollsPerJob,
    ),
    pace: new JobPace(),
  };
}

/**
 * The plan of the status polls of one job of `rows` rows; `fresh` is false for a job an earlier run
 * submitted, whose age is unknown.
 */
export function planJobPolls(settings: PollSettings, rows: number, fresh: boolean): JobPoll {
  return new JobPoll({
    initialMs: settings.pollIntervalMs,
    maxMs: settings.maxPollIntervalMs,
    maxPolls: settings.maxPollsPerJob,
    rows,
    pace: settings.pace,
    fresh,
  });
}

/**
 * How long each job has been followed in one run. A replay that follows the same job again (after a status
 * poll or a result page failed) gets what is left of `jobTimeoutMs`, not the whole of it once more: a job
 * that never ends is given up within `jobTimeoutMs`, not `chunkAttempts` times that, however its polls fail.
 * One per run (a re-run, which knows nothing of the job's age, starts it afresh).
 */
export class JobTimes {
  private readonly spent = new Map<string, number>();

  /** Ms `job` has been followed in this run. */
  spentOn(job: string): number {
    return this.spent.get(job) ?? 0;
  }

  /** Ms left of `timeoutMs` for `job` (0 or less once it is spent). */
  left(job: string, timeoutMs: number): number {
    return timeoutMs - this.spentOn(job);
  }

  /** `job` was followed `ms` more. */
  add(job: string, ms: number): void {
    this.spent.set(job, this.spentOn(job) + Math.max(0, ms));
  }
}
