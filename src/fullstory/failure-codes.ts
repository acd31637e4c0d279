import type { RequestFailureCode, VendorCode } from "../core/engine/failure-codes.js";

/**
 * The `code` of a record the FullStory adapter failed:
 * - FullStory's own code for a user its job refused (from `getBatchImportErrors`), as it gives it;
 * - `job_timeout`: the job did not finish within `jobTimeoutMs` (FullStory may still finish it; a re-run
 *   with the journal polls the same job);
 * - `results_incomplete`: the result lists were not read to their end before the job's time ran out;
 * - `no_outcome`: the job ended without listing the user, and its `imports` count does not confirm it (see
 *   `createFullStoryAdapter`);
 * - `job_lost`: FullStory answered 404 for the job it created (its status or a result list): whether the user
 *   was imported is unknown. Transient: replayed once within the run (the same job, never a new one), then
 *   left to a re-run with the journal;
 * - a {@link RequestFailureCode}: a request of the chunk failed (`"429"`, `"network"`, …).
 */
export type FullStoryFailureCode =
  | "job_timeout"
  | "results_incomplete"
  | "no_outcome"
  | "job_lost"
  | RequestFailureCode
  | VendorCode;
