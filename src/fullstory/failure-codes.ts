import type {
  EngineFailureCode,
  RequestFailureCode,
  VendorCode,
} from "../core/engine/failure-codes.js";

/**
 * The `code` of a record the FullStory adapter failed:
 * - FullStory's own code for a user its job refused (from `getBatchImportErrors`), as it gives it;
 * - `job_timeout`: the job did not finish within `jobTimeoutMs` (FullStory may still finish it; a re-run
 *   with the journal polls the same job);
 * - `results_incomplete`: the result lists were not read to their end: the job's time ran out, they paged on
 *   past their counts, named the chunk's users more than twice over, or a page held entries that are not as
 *   FullStory documents them; FullStory may hold the user;
 * - `no_outcome`: the job ended without listing the user, and its `imports` count does not confirm it (see
 *   `createFullStoryAdapter`);
 * - `job_lost`: FullStory answered 404 for the job it created (its status or a result list): whether the user
 *   was imported is unknown. Transient: replayed once within the run (the same job, never a new one), then
 *   left to a re-run with the journal;
 * - `key_expired`: a re-run found the chunk sent under its saved `Idempotency-Key` more than a day ago (less
 *   an hour) with no job id saved and a send under it unanswered: FullStory may hold the user, and no longer
 *   answers the key with its job, so the chunk is not sent again (a second job could import a user twice);
 * - `job_mismatch`: FullStory's answer to the batch's create named a job another chunk of the import (or of
 *   another import through the same adapter) follows (a proxy that caches POST answers), or a status of the
 *   batch's job named another job: not this batch's job, so its counts confirm none of its users.
 *   Transient: replayed (under the same key, or polling the same job), and FullStory may hold the user;
 * - a {@link RequestFailureCode}: a request of the chunk failed (`"429"`, `"network"`, …);
 * - an {@link EngineFailureCode} (`fatal`, `aborted`, `chunk_failed`, or `no_outcome` for a record the
 *   adapter gave no outcome), which the engine gives.
 */
export type FullStoryFailureCode =
  | "job_timeout"
  | "results_incomplete"
  | "no_outcome"
  | "job_lost"
  | "key_expired"
  | "job_mismatch"
  | RequestFailureCode
  | EngineFailureCode
  | VendorCode;
