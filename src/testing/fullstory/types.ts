// The FullStory simulator's public types: its options, and the state and stats it exposes for assertions.
import type { components } from "../../../generated/fullstory.js";
import type { FaultOptions } from "../faults.js";
import type { SimulatorStats, VendorSimulator } from "../simulator.js";

type Schemas = components["schemas"];

export interface FullStorySimulatorOptions {
  /** The key expected as `Authorization: Basic <apiKey>`. Default `"sim-key"`. */
  apiKey?: string;
  /** A path prefix the API is served under (e.g. `"/fs"`). Default `""`. */
  basePath?: string;
  /**
   * Injected faults; `rejectRate` and `reject` fail batch records (in `/errors`, `simulated_rejection`),
   * `reject` by the key `uid:<uid>`, else `id:<id>`, else `email:<email>`.
   */
  faults?: FaultOptions;
  /** Status polls a batch job answers `PROCESSING` before it ends. Default 2. */
  processingPolls?: number;
  /** A job ends once this many ms of `now()` have passed since it was created; overrides `processingPolls`. */
  processingMs?: number;
  /**
   * A job is processed at this many users a minute of `now()` from its creation (each job on its own:
   * FullStory runs up to 100 at once) and ends when its last user is done; overrides the two above.
   */
  rowsPerMinute?: number;
  /** The simulator's clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Results per page of `/imports` and `/errors`. Default 1000. */
  pageSize?: number;
  /** Batch jobs in progress at which `POST /v2/users/batch` answers 429 (FullStory: 200). Default 200. */
  maxInProgressJobs?: number;
}

/** A user as the simulator stores it. */
export interface FullStoryUser {
  readonly id: string;
  readonly uid?: string;
  readonly display_name?: string;
  readonly email?: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Property types declared through `schema.properties`, by dotted path. */
  readonly declaredTypes: Readonly<Record<string, Schemas["SchemaType"]>>;
  /** The imports that wrote the user: batch job ids and `createUser#<n>` requests, in order. */
  readonly writers: readonly string[];
}

/** A batch job, as the simulator holds it (reading it does not count as a status poll). */
export interface FullStoryJob {
  readonly id: string;
  readonly status: Schemas["JobStatus"];
  readonly created: string;
  readonly finished?: string;
  /** Status polls answered while it was processing. */
  readonly polls: number;
  readonly records: number;
  readonly imports: number;
  readonly errors: number;
  readonly idempotencyKey?: string;
}

export interface FullStorySimulatorStats extends SimulatorStats {
  /** Batch jobs created (idempotent replays create none). */
  readonly jobs: number;
  /** Requests answered from the idempotency store instead of being processed again. */
  readonly replays: number;
  /** Records failed by the vendor's own rules (property limits, unknown `id`): not faults. */
  readonly refused: number;
}

export interface FullStorySimulator extends VendorSimulator {
  readonly vendor: "fullstory";
  stats(): FullStorySimulatorStats;
  /** The stored users, in creation order. */
  users(): FullStoryUser[];
  /** The batch jobs, in creation order. */
  jobs(): FullStoryJob[];
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}
