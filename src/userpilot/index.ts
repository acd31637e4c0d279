/**
 * Userpilot: a typed client for specs/userpilot.yaml, and the import that pushes users through its bulk
 * identify background jobs.
 *
 * - {@link createUserpilotClient}: one method per operation (options: {@link UserpilotClientOptions});
 *   a failed call resolves to `{ ok: false, error }`, an {@link ApiError} narrowable by `status`.
 * - {@link importUsers}: pushes any number of users and reports what became of each (options:
 *   {@link UserpilotImportOptions}; a failed user's code: {@link UserpilotFailureCode}).
 * - {@link validateUserpilotUser}: the rules a record is checked against before it is sent.
 *
 * @module
 */
export * from "./client.js";
export type {
  components as UserpilotComponents,
  paths as UserpilotPaths,
} from "../../generated/userpilot.js";
export {
  USERPILOT_RULES,
  validateUserpilotUser,
  type UserpilotMetadata,
  type UserpilotUser,
} from "./validate.js";
export {
  USERPILOT_MAX_BODY_BYTES,
  USERPILOT_MAX_USERS,
  createUserpilotAdapter,
  type UserpilotAdapterOptions,
  userpilotKeyOf,
} from "./adapter.js";
export { importUsers, type UserpilotImportOptions } from "./import.js";
export type { UserpilotRule } from "./validate.js";
export type { UserpilotFailureCode } from "./failure-codes.js";
export type * from "../core/entry-types.js";
