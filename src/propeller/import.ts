import type { ImportOptions } from "../core/engine/engine.js";
import { importerOf, type Importer } from "../core/importer.js";
import type { PropellerFailureCode } from "./failure-codes.js";
import { createPropellerAdapter, type PropellerAdapterOptions } from "./adapter.js";
import type { PropellerClient } from "./client.js";
import type { PropellerUser } from "./validate.js";

/**
 * Options of a Propeller import: the engine's {@link ImportOptions} (`chunkRecords`, `concurrency`, `signal`,
 * `journal`, `onProgress`, …) and the adapter's `maxRecords` guard ({@link PropellerAdapterOptions}). Each
 * option states its default there; chunk size and concurrency default to {@link createPropellerAdapter}'s.
 */
export type PropellerImportOptions = ImportOptions<unknown, PropellerFailureCode> &
  PropellerAdapterOptions;

/**
 * Creates or updates `records` in Propeller with `POST /v2/users/bulk/sourceId`, matched on source +
 * sourceId, and reports what became of each record.
 *
 * Records are validated first (rules `propeller.*`, see {@link validatePropellerUser}); a record that breaks
 * one is reported as `rejected` and never sent. The rest go out in chunks of `chunkRecords` users (the
 * vendor's per-request maximum being undocumented; at most `maxRecords`, our guard), `concurrency` requests
 * at a time, all sharing one OAuth2 token.
 *
 * Each user's outcome comes from Propeller's per-user result: `imported` with its Propeller id, or `failed`
 * with code `rejected_by_vendor` and Propeller's text. A request Propeller refuses with a 400 (or a 422,
 * which it does not document) that names users (`#/users/<n>: …`) fails just those users (code = Propeller's
 * error code) and the rest of the chunk is re-sent once; a 404 (e.g. 70007 ParentUserNotFound) fails the
 * chunk with Propeller's text; a 401 (after one token renewal) or 403 stops the import and fails what was
 * read but not written.
 *
 * With `journal`, a re-run after a crash or abort keeps the outcomes of finished chunks and sends the
 * unfinished ones again (an upsert: a user written before is updated; whether Propeller replaces or adds to
 * its addresses and attributes is UNCONFIRMED, so one with either that was sent before is warned that
 * Propeller may hold them twice).
 *
 * @function
 * @example
 * const client = createPropellerClient({ clientId, clientSecret });
 * const report = await importUsers(client, users, { journal: "propeller-import.journal" });
 * console.log(`${report.imported} imported, ${report.failed} failed, ${report.rejected} rejected`);
 */
export const importUsers: Importer<
  PropellerClient,
  PropellerUser,
  PropellerImportOptions,
  PropellerFailureCode
> = importerOf(createPropellerAdapter);
