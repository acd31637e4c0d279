// The FullStory simulator's options.
import type { FaultOptions } from "../faults.js";

export interface FullStorySimulatorOptions {
  /** Expected as `Authorization: Basic <apiKey>`. @default "sim-key" */
  apiKey?: string;
  /** The path prefix the API is served under (e.g. `"/fs"`). @default "" */
  basePath?: string;
  /**
   * `rejectRate` and `reject` fail batch records (`simulated_rejection`); `reject` is asked with
   * `uid:<uid>`, else `id:<id>`, else `email:<email>`.
   */
  faults?: FaultOptions;
  /** Status polls a batch job answers `PROCESSING` before it ends. @default 2 */
  processingPolls?: number;
  /** A job ends this many ms of `now()` after its creation; overrides `processingPolls`. */
  processingMs?: number;
  /**
   * A job processes this many users a minute of `now()` from its creation (each on its own: FullStory
   * runs up to 100 at once) and ends with its last user; overrides the two above.
   */
  rowsPerMinute?: number;
  /** The simulator's clock, in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Results per page of `/imports` and `/errors`. @default 1000 */
  pageSize?: number;
  /** Batch jobs in progress at which a batch create answers 429. @default 200 (FullStory's) */
  maxInProgressJobs?: number;
}
