/**
 * SlashID: a typed client for specs/slashid.yaml, and the import that uploads persons to its bulk import,
 * one CSV file per chunk.
 *
 * - {@link createSlashIdClient}: one method per operation (options: {@link SlashIdClientOptions});
 *   a failed call resolves to `{ ok: false, error }`, an {@link ApiError} narrowable by `status`.
 * - {@link importUsers}: pushes any number of persons and reports what became of each (options:
 *   {@link SlashIdImportOptions}; a failed person's code: {@link SlashIdFailureCode}).
 * - {@link validateSlashIdPerson}: the rules a person is checked against before it is sent.
 *
 * @module
 */
export * from "./client.js";
export type {
  components as SlashIdComponents,
  paths as SlashIdPaths,
} from "../../generated/slashid.js";
export { createSlashIdAdapter, slashIdKeyOf, type SlashIdAdapterOptions } from "./adapter.js";
export { SLASHID_REJECTED, SLASHID_UNCONFIRMED } from "./failure-codes.js";
export { importUsers, type SlashIdImportOptions } from "./import.js";
export {
  personFromCsvRow,
  SLASHID_ATTRIBUTE_BUCKETS,
  SLASHID_CONFIRMED_COLUMNS,
  SLASHID_REGIONS,
  SLASHID_UNCONFIRMED_COLUMNS,
  type AttributeBucket,
  type SlashIdColumn,
  type SlashIdCsvRow,
  type SlashIdPerson,
  type SlashIdRegion,
} from "./records.js";
export {
  checkSlashIdPerson,
  SLASHID_MAX_ATTRIBUTE_KEY_BYTES,
  SLASHID_MAX_ATTRIBUTE_VALUE_BYTES,
  validateSlashIdPerson,
  type SlashIdCheck,
} from "./validate.js";
export { SLASHID_RULES, type SlashIdRule } from "./validate.js";
export type { SlashIdFailureCode } from "./failure-codes.js";
export type * from "../core/entry-types.js";
