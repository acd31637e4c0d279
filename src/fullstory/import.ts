import type { ImportOptions } from "../core/engine/engine.js";
import { importerOf, type Importer } from "../core/importer.js";
import type { FullStoryFailureCode } from "./failure-codes.js";
import { createFullStoryAdapter, type FullStoryAdapterOptions } from "./adapter.js";
import type { FullStoryClient } from "./client.js";
import type { FullStoryUser } from "./validate.js";

/**
 * Options of {@link importUsers}: the engine's {@link ImportOptions} (`chunkRecords` within FullStory's
 * batch limit, `concurrency` within its in-progress job limit, `chunkAttempts`, `replayDelayMs`, `signal`,
 * `journal`, `journalAccountWas`, `onProgress`, `onOutcome`, `keepOutcomes`, `progressEvery`,
 * `progressHeartbeatMs`, `precheck`, `maxReplayDelayMs`, `sleep`) and the FullStory adapter's
 * {@link FullStoryAdapterOptions} (`pollIntervalMs`, `maxPollIntervalMs`, `jobTimeoutMs`, `maxPollsPerJob`).
 * Each option states its default there; chunk size and concurrency default to
 * {@link createFullStoryAdapter}'s.
 */
export type FullStoryImportOptions = ImportOptions<unknown, FullStoryFailureCode> &
  FullStoryAdapterOptions;

/**
 * Upserts users into FullStory through batch import jobs, one job per chunk, and reports what became of each
 * record: `imported` (with FullStory's user id when the job lists it), `failed` (FullStory's error code and
 * message, or `job_timeout`, `job_lost`, `results_incomplete`, `no_outcome`, the HTTP status of a request
 * that failed for good after its replays, …) or `rejected` before sending (`fullstory.<rule>`, see
 * {@link validateFullStoryUser}). Never throws for a vendor answer; bad credentials (401/403) stop the import
 * and fail the records not yet done.
 *
 * With `journal`, an interrupted import run again with the same journal, input and `chunkRecords` skips the
 * chunks already finished and resumes the others under the same idempotency keys and jobs, so FullStory
 * imports no user twice (a chunk sent again under its key is answered with the job it made).
 *
 * @function
 * @example
 * const client = createFullStoryClient({ apiKey: process.env.FULLSTORY_API_KEY! });
 * const report = await importUsers(client, users, { journal: "fullstory-import.journal" });
 * console.log(`${report.imported} imported, ${report.failed} failed, ${report.rejected} rejected`);
 */
export const importUsers: Importer<
  FullStoryClient,
  FullStoryUser,
  FullStoryImportOptions,
  FullStoryFailureCode
> = importerOf(createFullStoryAdapter);
