// The Userpilot simulator's public types: its options, what it holds, its stats. Declarations only; the
// behaviour is in ../userpilot.ts.
import type { components } from "../../../generated/userpilot.js";
import type { FaultOptions } from "../faults.js";
import type { SimulatorStats, VendorSimulator } from "../simulator.js";

type JobStatus = components["schemas"]["JobStatus"];
type Metadata = components["schemas"]["Metadata"];

export type UserpilotJobKind = "users" | "companies";

/** What `failJobs` decides on: one submitted bulk job. */
export interface UserpilotJobInfo {
  readonly id: string;
  readonly kind: UserpilotJobKind;
  /** 1-based number of the job among the jobs submitted to this simulator. */
  readonly index: number;
  readonly rows: number;
}

export interface UserpilotSimulatorOptions {
  /** The key expected as `Authorization: Token <apiKey>`. Default `"sim-key"`. */
  apiKey?: string;
  /** A path prefix the API is served under (e.g. `"/up"`). Default `""`. */
  basePath?: string;
  /** Injected faults; `rejectRate` is the chance that a job fails as a whole (rolled once per set of ids). */
  faults?: FaultOptions;
  /** Ticks (status polls of the job, or bulk requests it turned away with 409) per status step. Default 1. */
  pollsPerStep?: number;
  /**
   * When set, a job also moves one step per `stepMs` of `now()` since it was submitted; 0 ends a job the
   * first time it is looked at after its submission (a status poll, the job list, the next bulk request).
   */
  stepMs?: number;
  /** The simulator's clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * When set, a job is processed at this many rows a minute of `now()` from its submission (Userpilot: about
   * 1,200; a benchmark scales it up): it is `processing` with `completed_rows` advancing in proportion, and
   * ends (`end_time`) when its last row is done; ticks and `stepMs` are then ignored.
   */
  rowsPerMinute?: number;
  /** Largest request body in bytes; larger answers 413. Default 50 MiB (the spec's `x-max-body-bytes`). */
  maxBytes?: number;
  /** The jobs that fail (besides `rejectRate`'s). Default none. */
  failJobs?: (job: UserpilotJobInfo) => boolean;
}

export interface UserpilotUser {
  readonly user_id: string;
  readonly company_id?: string;
  readonly metadata: Readonly<Metadata>;
  /** The jobs that wrote the user, in order. */
  readonly writers: readonly string[];
}

export interface UserpilotCompany {
  readonly company_id: string;
  readonly metadata: Readonly<Metadata>;
  readonly writers: readonly string[];
}

/** A job as the simulator holds it (reading it here does not tick it). */
export interface UserpilotJob {
  readonly job_id: string;
  readonly kind: UserpilotJobKind;
  readonly status: JobStatus;
  readonly total_rows: number;
  /** The ids of its records (`user_id` or `company_id`), as sent; none for a foreign job. */
  readonly ids: readonly string[];
  /** Started with `startForeignJob()`: not one of the client's. */
  readonly foreign: boolean;
  readonly ticks: number;
  /** Why it fails or failed (`rejectRate`, `failJobs`, a foreign job told to fail). */
  readonly failure?: string;
}

export interface UserpilotForeignJobOptions {
  /** Ticks per step of this job (3 steps to the end). Default: the simulator's `pollsPerStep`. */
  pollsPerStep?: number;
  /** Rows it claims. Default 1000. */
  rows?: number;
  /** End `failed` instead of `completed`. Default false. */
  fail?: boolean;
  /** When it started, in ms on the simulator's clock (an earlier run's job). Default `now()`. */
  startedAt?: number;
}

export interface UserpilotSimulatorStats extends SimulatorStats {
  /** Bulk jobs accepted (foreign jobs included). */
  readonly jobs: number;
  /** Bulk requests turned away with 409 because another job was running. */
  readonly conflicts: number;
  readonly companies: number;
  /** Times a job wrote a company id an earlier job had written (users are in `rewrites`). */
  readonly companyRewrites: number;
}

export interface UserpilotSimulator extends VendorSimulator {
  readonly vendor: "userpilot";
  stats(): UserpilotSimulatorStats;
  users(): UserpilotUser[];
  companies(): UserpilotCompany[];
  jobs(): UserpilotJob[];
  /**
   * Starts a bulk job that is not the client's (another process, an interrupted run): it blocks bulk requests
   * with 409 until it ends, ticking once per turned-away request. Returns its id. Throws if a job is running.
   */
  startForeignJob(options?: UserpilotForeignJobOptions): string;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}
