import { monotonicNow } from "../time.js";

/** How often to ask whether a vendor's job is done. */
export interface PollOptions {
  /** First wait in ms. */
  initialMs: number;
  /** Ceiling of one wait in ms. */
  maxMs: number;
  /**
   * Each wait is the previous one times this.
   * @default 1.5
   */
  factor?: number;
  /**
   * Give up after this many ms in all.
   * @default never
   */
  timeoutMs?: number;
}

/**
 * Calls `check` until it returns a value (not undefined), waiting between calls with a growing interval.
 * Returns `{ timedOut: true }` when `timeoutMs` runs out first.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
  sleep: (ms: number) => Promise<void>,
): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  const started = monotonicNow();
  let waited = 0;
  let wait = options.initialMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return { timedOut: false, value };
    // Count the time waited too: a replaced `sleep` that returns at once must still reach the timeout.
    const elapsed = Math.max(monotonicNow() - started, waited);
    if (options.timeoutMs !== undefined && elapsed + wait > options.timeoutMs)
      return { timedOut: true };
    await sleep(wait);
    waited += wait;
    wait = Math.min(options.maxMs, wait * (options.factor ?? 1.5));
  }
}

/** What a status poll said about a job still running, where the vendor tells. */
export interface JobProgress {
  /** Rows done so far. */
  readonly completed: number;
  /** Rows in the job. */
  readonly total: number;
}

/**
 * How long an adapter's jobs took per row, so the next job is polled when it should be done rather than on
 * a fixed backoff; and how long their uploads took, so the next job can be sent early enough to reach the
 * vendor as the one before it ends. One per adapter (`pollSettings` makes it), not per import: a run given
 * the adapter again starts from the pace earlier runs learned.
 */
export class JobPace {
  private readonly recent: number[] = [];
  private readonly uploads: number[] = [];
  private readonly listeners = new Set<() => void>();

  /** A job of `rows` rows took `ms` (by the vendor's clock where it says, else ours). */
  ended(rows: number, ms: number): void {
    if (!(rows > 0) || !(ms >= 0) || !Number.isFinite(ms)) return;
    this.recent.push(ms / rows);
    if (this.recent.length > PACE_MEMORY) this.recent.shift();
    // A Set may lose members while it is iterated: a listener that stops itself is fine.
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` each time a job ends, until the returned function is called. */
  onEnded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * How long a job of `rows` rows should take, or undefined before any job ended. The fastest recent pace:
   * a poll that comes early costs one request, one that comes late leaves the vendor idle.
   */
  expectedMs(rows: number): number | undefined {
    if (this.recent.length === 0 || !(rows > 0)) return undefined;
    return rows * Math.min(...this.recent);
  }

  /** A job of `rows` rows was created `ms` after its upload began (our clock). */
  uploaded(rows: number, ms: number): void {
    if (!(rows > 0) || !(ms >= 0) || !Number.isFinite(ms)) return;
    this.uploads.push(ms / rows);
    if (this.uploads.length > PACE_MEMORY) this.uploads.shift();
  }

  /**
   * How long before a job's end the next one, of `rows` rows, should be sent to reach the vendor as it ends:
   * the median of the recent uploads' paces (one slowed by a retry should not make the next jobs overlap),
   * 0 before any upload was timed.
   */
  leadMs(rows: number): number {
    if (this.uploads.length === 0 || !(rows > 0)) return 0;
    const sorted = [...this.uploads].sort((a, b) => a - b);
    return rows * sorted[Math.floor((sorted.length - 1) / 2)]!;
  }
}

/** Jobs whose pace predicts the next one's. */
const PACE_MEMORY = 3;
/**
 * A poll aimed at a predicted end comes this share of the job's duration after it (clock jitter, rounding).
 */
const END_MARGIN = 0.01;
/**
 * After the predicted end, the first wait is this share of the job's duration (then it grows by `factor`).
 */
const OVERDUE_SHARE = 0.02;
/** No wait is shorter than this, in ms. */
const MIN_WAIT_MS = 10;
/** A first job of an import is polled first after this share of `initialMs`... */
const FIRST_JOB_START = 1 / 8;
/** ...and then at waits growing by this much up to `initialMs`: a poll comes at most about a third late. */
const FIRST_JOB_GROWTH = 1.25;

export interface JobPollOptions {
  /** First wait when nothing predicts the job's end, in ms. */
  initialMs: number;
  /** Ceiling of one wait, in ms. */
  maxMs: number;
  /**
   * Growth of the wait per poll while nothing predicts the end, and after a predicted end has passed.
   * @default 1.5
   */
  factor?: number;
  /**
   * Status polls of one job placed by prediction; past them every wait is `maxMs`, so a job whose progress
   * keeps misleading is never polled in a tight loop.
   * @default 20
   */
  maxPolls?: number;
  /** Rows in the job, to predict its duration from `pace`. */
  rows?: number;
  /** Paces of the import's earlier jobs; the job's own duration is added to it when it ends. */
  pace?: JobPace;
  /**
   * False when following a job submitted earlier (a resumed run): its age is unknown, so the pace of earlier
   * jobs says nothing about when it ends.
   * @default true
   */
  fresh?: boolean;
  /** Our clock, in ms. @default a monotonic clock (performance.now) */
  now?: () => number;
}

/**
 * Plans the waits between the status polls of one job, from what is known of when it will end, in order:
 * 1. the vendor's progress (rows done of rows in all): the rate between the last two polls (or since the
 *    job was submitted) tells when the rest is done;
 * 2. the pace of the import's earlier jobs, times this job's rows (a first job of an import, sent with others
 *    before any ended, learns it when the first of them ends);
 * 3. else a backoff from `initialMs`, growing by `factor` up to `maxMs`; but a first job of an import (one
 *    with `pace` and `rows`, before any job of the import ended) is polled every `initialMs`, at most
 *    `maxPolls` times: nothing predicts its end, and a poll that comes late leaves the vendor idle while
 *    the next job waits for this one. Where the vendor tells no progress, the waits before that grow from an
 *    eighth of `initialMs` by a quarter each (ten or so polls on top of `maxPolls`), so a first job of
 *    seconds is seen ended at most about a third of its duration late (less the longer it runs), a long one
 *    at most `initialMs` late. (Progress read that early would be too coarse to time the end by.)
 * A poll aimed at a predicted end comes shortly after it; when the job still runs then, the waits start
 * small and grow. Time is a monotonic clock, or the sum of the waits handed out when more (a test's `sleep`
 * returns at once). Not a timer: the caller sleeps the waits it is given.
 */
export class JobPoll {
  private readonly factor: number;
  private readonly maxPolls: number;
  private readonly now: () => number;
  private readonly started: number;
  /** The job's predicted duration; a first job of an import learns it when another job of it ends. */
  private expected: number | undefined;
  /** A first job of an import: polled on a ramp up to `initialMs`, since nothing predicts its end. */
  private readonly firstOfImport: boolean;
  /** Polls of a first job made on its ramp, which `maxPolls` does not count. */
  private ramped = 0;
  private waited = 0;
  private backoff: number;
  private overdue: number | undefined;
  private last: { readonly at: number; readonly completed: number } | undefined;
  /** Status polls answered so far. */
  polls = 0;

  constructor(private readonly options: JobPollOptions) {
    this.factor = options.factor ?? 1.5;
    this.maxPolls = options.maxPolls ?? 20;
    this.now = options.now ?? monotonicNow;
    this.started = this.now();
    this.backoff = options.initialMs;
    this.expected =
      options.fresh === false || options.rows === undefined
        ? undefined
        : options.pace?.expectedMs(options.rows);
    this.firstOfImport =
      options.fresh !== false &&
      options.rows !== undefined &&
      options.pace !== undefined &&
      this.expected === undefined;
    if (this.firstOfImport) this.backoff = options.initialMs * FIRST_JOB_START;
  }

  /** Ms since the job was submitted (or since following began). */
  elapsed(): number {
    return Math.max(this.now() - this.started, this.waited);
  }

  /** The wait before the first status poll: the predicted end when earlier jobs tell it, else none. */
  first(): number {
    if (this.expected === undefined) return 0;
    return this.give(this.expected * (1 + END_MARGIN));
  }

  /** The wait after a poll that found the job running, with the progress it reported, if any. */
  next(progress?: JobProgress): number {
    this.learn();
    this.polls += 1;
    if (this.polls - this.ramped >= this.maxPolls) return this.give(this.options.maxMs);
    const elapsed = this.elapsed();
    const predicted = this.predictFrom(progress, elapsed) ?? this.expected;
    if (predicted !== undefined && elapsed < predicted) {
      return this.give(predicted - elapsed + predicted * END_MARGIN);
    }
    if (predicted !== undefined) {
      // From the shortest wait at least: a pace of no time (a vendor's whole-second times give 0 for a small
      // job that started and ended in one) would keep every later wait at it, until `maxMs`.
      this.overdue =
        this.overdue === undefined
          ? Math.max(MIN_WAIT_MS, predicted * OVERDUE_SHARE)
          : this.overdue * this.factor;
      return this.give(this.overdue);
    }
    const wait = this.backoff;
    if (!this.firstOfImport) this.backoff = Math.min(this.options.maxMs, wait * this.factor);
    // A vendor that tells progress is better asked once its rows moved enough to tell a rate.
    else if (progress !== undefined) return this.give(this.options.initialMs);
    else if (wait < this.options.initialMs) {
      this.ramped += 1;
      this.backoff = Math.min(this.options.initialMs, wait * FIRST_JOB_GROWTH);
    }
    return this.give(wait);
  }

  /**
   * When, in ms after following began, the next job should be sent so that its upload (as long as the
   * import's recent ones) ends as this job is predicted to: undefined when nothing predicts the end.
   */
  handoverAt(): number | undefined {
    this.learn();
    if (this.expected === undefined) return undefined;
    const lead =
      this.options.rows === undefined ? 0 : (this.options.pace?.leadMs(this.options.rows) ?? 0);
    return Math.max(0, Math.round(this.expected - lead));
  }

  /** The job ended; `vendorMs` is its duration by the vendor's own clock, where it reports one. */
  ended(vendorMs?: number): void {
    if (this.options.fresh === false && vendorMs === undefined) return;
    const ms = vendorMs !== undefined && vendorMs >= 0 ? vendorMs : this.elapsed();
    if (this.options.rows !== undefined) this.options.pace?.ended(this.options.rows, ms);
  }

  /**
   * Calls `listener` when the pace this job is still blind to becomes known (another job of the import
   * ended); returns the function that stops it, which does nothing when the job is not blind.
   */
  onPaceKnown(listener: () => void): () => void {
    if (!this.firstOfImport || this.expected !== undefined) return () => {};
    return this.options.pace?.onEnded(listener) ?? (() => {});
  }

  /** A first job of an import, submitted with others before any ended, is timed by the first to end. */
  private learn(): void {
    if (this.firstOfImport && this.expected === undefined && this.options.rows !== undefined)
      this.expected = this.options.pace?.expectedMs(this.options.rows);
  }

  /** The job's total duration its progress predicts, in ms since it was submitted. */
  private predictFrom(progress: JobProgress | undefined, elapsed: number): number | undefined {
    if (progress === undefined) return undefined;
    const { completed, total } = progress;
    // Every row done and the job not ended yet (a last step such as a refresh): it ends any moment now.
    if (total > 0 && completed >= total) return elapsed;
    if (!(total > 0) || !(completed > 0)) return undefined;
    const since = this.last;
    this.last = { at: elapsed, completed };
    // Since the last poll when rows moved between the two: the rate before it may include queueing.
    const rate =
      since !== undefined && completed > since.completed && elapsed > since.at
        ? (completed - since.completed) / (elapsed - since.at)
        : elapsed > 0
          ? completed / elapsed
          : undefined;
    return rate === undefined ? undefined : elapsed + (total - completed) / rate;
  }

  private give(ms: number): number {
    const wait = Math.round(Math.min(this.options.maxMs, Math.max(MIN_WAIT_MS, ms)));
    this.waited += wait;
    return wait;
  }
}

/**
 * Polls a job through `check` until it gives a value, waiting as `plan` says; `{ timedOut: true }` when the
 * next wait would pass `timeoutMs` (counted from the start of polling), or when `check` says its poll ran out
 * of it (`{ timedOut: why }`, given back as `why`). `check` is given the ms left of `timeoutMs` (undefined
 * without one), which its poll's retries and their waits must not outlast (see callWithin); 0 or less, it
 * still asks once. `handover`, when given, is called once, amid the waits, at the plan's
 * {@link JobPoll.handoverAt} (when the job ends before it, never).
 */
export async function pollJob<T>(
  check: (
    leftMs: number | undefined,
  ) => Promise<
    { readonly value: T } | { readonly progress?: JobProgress } | { readonly timedOut: string }
  >,
  plan: JobPoll,
  sleep: (ms: number) => Promise<void>,
  timeoutMs?: number,
  handover?: () => void,
): Promise<{ timedOut: false; value: T } | { timedOut: true; why?: string }> {
  const started = plan.elapsed();
  let wait = plan.first();
  // Counted in waits slept, as the plan counts its prediction: a status poll takes next to no time.
  let slept = 0;
  // When the wait under way ends (`slept` while a status poll is out).
  let awake = 0;
  let pending = handover;
  const handOver = () => {
    pending?.();
    pending = undefined;
  };
  let handoverAt = pending === undefined ? undefined : plan.handoverAt();
  // A blind first job learns when it ends from the first job of the import to end, amid a wait: its slot is
  // handed over at once when the next job should go before the wait is out, else when the loop comes to it.
  const stop =
    pending === undefined || handoverAt !== undefined
      ? undefined
      : plan.onPaceKnown(() => {
          stop?.();
          if (pending === undefined) return;
          handoverAt = plan.handoverAt();
          if (handoverAt !== undefined && handoverAt <= awake) handOver();
        });
  try {
    for (;;) {
      if (wait > 0) {
        if (timeoutMs !== undefined && plan.elapsed() - started > timeoutMs)
          return { timedOut: true };
        awake = slept + wait;
        if (pending !== undefined && handoverAt !== undefined && awake > handoverAt) {
          const before = Math.max(0, handoverAt - slept);
          if (before > 0) await sleep(before);
          handOver();
          if (wait > before) await sleep(wait - before);
        } else await sleep(wait);
        slept = awake;
      }
      const left = timeoutMs === undefined ? undefined : timeoutMs - (plan.elapsed() - started);
      const answer = await check(left);
      if ("timedOut" in answer) return { timedOut: true, why: answer.timedOut };
      if ("value" in answer) return { timedOut: false, value: answer.value };
      wait = plan.next(answer.progress);
      if (timeoutMs !== undefined && plan.elapsed() - started > timeoutMs)
        return { timedOut: true };
    }
  } finally {
    stop?.();
  }
}
