import type { ImportOptions } from "../core/engine/engine.js";
import { importerOf, type Importer } from "../core/importer.js";
import type { UserpilotFailureCode } from "./failure-codes.js";
import { createUserpilotAdapter, type UserpilotAdapterOptions } from "./adapter.js";
import type { UserpilotClient } from "./client.js";
import type { UserpilotUser } from "./validate.js";

/** How {@link importUsers} runs: the engine's options and the Userpilot adapter's. */
export type UserpilotImportOptions = ImportOptions<unknown, UserpilotFailureCode> &
  UserpilotAdapterOptions;

/**
 * Imports users into Userpilot with bulk identify: validates each record, sends chunks of at most 10,000
 * users (and 50 MB) one job at a time, and waits for each job to finish (about 1,200 rows a minute, so a
 * million users take many hours: use `journal` so an interrupted import resumes its running job instead of
 * starting over).
 *
 * Never throws for a vendor outcome: every record ends in the report as imported, failed (with a code such as
 * `job_failed`, `job_lost`, `job_mismatch`, `job_timeout`, `job_conflict`) or rejected (with a `userpilot.*`
 * rule). A `401` (or `403`) stops the import (`report.fatal`). Userpilot reports per job, not per user, so a
 * completed job counts every one of its users as imported (each with a warning when the job says it did fewer
 * rows than were sent).
 *
 * @param client a client from `createUserpilotClient`.
 * @param records the users, in any (async) iterable; read lazily.
 * @param options engine options (`chunkRecords`, `journal`, `signal`, `onProgress`, …) and adapter options
 *   (`pollIntervalMs`, `maxPollIntervalMs`, `maxPollsPerJob`, `jobTimeoutMs`, `conflictWaitMs`,
 *   `maxBodyBytes`, `clockSkewMs`, `soleImporter`).
 *
 * @function
 * @example
 * const client = createUserpilotClient({ apiKey: process.env.USERPILOT_API_KEY! });
 * const report = await importUsers(client, users, { journal: "userpilot-import.journal" });
 * console.log(`${report.imported} imported, ${report.failed} failed, ${report.rejected} rejected`);
 */
export const importUsers: Importer<
  UserpilotClient,
  UserpilotUser,
  UserpilotImportOptions,
  UserpilotFailureCode
> = importerOf(createUserpilotAdapter);
