import type { FaultOptions } from "../faults.js";
import type { JobClockOptions } from "../kit/job-clock.js";
import type { SimulatorOptions } from "../simulator.js";

/** What a bulk job identifies, by the endpoint that made it: `users` or `companies`. */
export type UserpilotJobKind = "users" | "companies";

/** What `failJobs` decides on; `index` is the job's 1-based number on this simulator. */
export interface UserpilotJobInfo {
  /** The job's id, its `job_id` in the simulator's answers. */
  readonly id: string;
  /** Whether it identifies users or companies. */
  readonly kind: UserpilotJobKind;
  /** 1 for the simulator's first job, 2 for the next, … (foreign jobs count too). */
  readonly index: number;
  /** The records its request held. */
  readonly rows: number;
}

/**
 * How {@link createUserpilotSimulator} behaves: the key it expects, how fast a job moves to its end, the
 * body limit, and which jobs fail.
 */
export interface UserpilotSimulatorOptions extends JobClockOptions, SimulatorOptions {
  /** Expected as `Authorization: Token <apiKey>`. @default "sim-key" */
  apiKey?: string | undefined;
  /**
   * `rejectRate` is the chance that a job fails as a whole, rolled once per set of ids, which `reject` is
   * asked with as `JSON.stringify([kind, sortedIds])`.
   */
  faults?: FaultOptions | undefined;
  /**
   * Ticks (status polls of the job, or bulk requests it turned away with 409) per status step. Steps taken by
   * ticks take no time on the simulator's clock: a job they end has the `end_time` of its `start_time`
   * (plus `stepMs` × 3 at the most, when set), however late the ticks came.
   * @default 1
   */
  pollsPerStep?: number | undefined;
  /**
   * A job also moves one step per `stepMs` of `now()` since its submission: it has taken the more of the
   * steps its ticks and its time give (not their sum). 0 ends a job the first time it is looked at after its
   * submission (a status poll, the job list, the next bulk request). `rowsPerMinute`
   * (Userpilot's pace is about 1,200) overrides ticks and `stepMs`, `completed_rows` advancing with it.
   */
  stepMs?: number | undefined;
  /**
   * Largest request body in bytes, of users and companies; larger answers 413.
   * @default each body's `x-max-body-bytes` in the spec (50 MiB)
   */
  maxBytes?: number | undefined;
  /** The jobs that fail, besides `rejectRate`'s. */
  failJobs?: ((job: UserpilotJobInfo) => boolean) | undefined;
}

/**
 * How `startForeignJob` makes a job that is not the client's (another process's, an interrupted run's): one
 * that blocks bulk requests with 409 until it ends.
 */
export interface UserpilotForeignJobOptions {
  /** Ticks per step of this job (3 steps to the end). @default the simulator's `pollsPerStep` */
  pollsPerStep?: number | undefined;
  /** Rows it claims. @default 0 */
  rows?: number | undefined;
  /** When it started, on the simulator's clock (an earlier run's job). @default now() */
  startedAt?: number | undefined;
}
