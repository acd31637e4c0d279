import type { RequestFailureCode, VendorCode } from "../core/engine/failure-codes.js";

/**
 * The `code` of a record the FullStory adapter failed:
 * - FullStory's own code for a user its job refused (from `getBatchImportErrors`), as it gives it;
 * - `job_timeout`: the job did not finish within `jobTimeoutMs` (FullStory may still finish it; a re-run
 *   with the journal polls the same job);
 * - `results_incomplete`: the result lists were not read to their end before the job's time ran out;
 * - `no_outcome`: the job ended without listing the user, and its counts do not cover the chunk;
 * - a {@link RequestFailureCode}: a request of the chunk failed (`"429"`, `"network"`, …).
 */
export type FullStoryFailureCode =
  "job_timeout" | "results_incomplete" | "no_outcome" | RequestFailureCode | VendorCode;
