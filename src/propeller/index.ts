/**
 * Propeller: a typed client for specs/propeller.yaml, and the import that creates or updates users with
 * its bulk endpoint, matched on source + sourceId.
 *
 * - {@link createPropellerClient}: one method per operation (options: {@link PropellerClientOptions});
 *   a failed call resolves to `{ ok: false, error }`, an {@link ApiError} narrowable by `status`.
 * - {@link importUsers}: pushes any number of users and reports what became of each (options:
 *   {@link PropellerImportOptions}; a failed user's code: {@link PropellerFailureCode}).
 * - {@link validatePropellerUser}: the rules a record is checked against before it is sent.
 *
 * @module
 */
export * from "./client.js";
export type {
  components as PropellerComponents,
  paths as PropellerPaths,
} from "../../generated/propeller.js";
export {
  createPropellerAdapter,
  PROPELLER_DEFAULT_CHUNK_RECORDS,
  PROPELLER_MAX_CHUNK_RECORDS,
  type PropellerAdapterOptions,
  propellerKeyOf,
} from "./adapter.js";
export { importUsers, type PropellerImportOptions } from "./import.js";
export { PROPELLER_RULES, validatePropellerUser, type PropellerUser } from "./validate.js";
export type { PropellerRule } from "./validate.js";
export type { PropellerFailureCode } from "./failure-codes.js";
export type * from "../core/entry-types.js";
