/**
 * FullStory: a typed client for specs/fullstory.yaml, and the import that pushes users through its batch
 * import jobs.
 *
 * - {@link createFullStoryClient}: one method per operation (options: {@link FullStoryClientOptions});
 *   a failed call resolves to `{ ok: false, error }`, an {@link ApiError} narrowable by `status`.
 * - {@link importUsers}: pushes any number of users and reports what became of each (options:
 *   {@link FullStoryImportOptions}; a failed user's code: {@link FullStoryFailureCode}).
 * - {@link updateUser}: updates one user's properties.
 * - {@link validateFullStoryUser}: the rules a record is checked against before it is sent.
 *
 * @module
 */
export * from "./client.js";
export type {
  components as FullStoryComponents,
  paths as FullStoryPaths,
} from "../../generated/fullstory.js";
export {
  createFullStoryAdapter,
  fullStoryKeyOf,
  FULLSTORY_MAX_BATCH,
  type FullStoryAdapterOptions,
} from "./adapter.js";
export { importUsers, type FullStoryImportOptions } from "./import.js";
export {
  updateUser,
  type FullStoryErrorBody,
  type FullStoryUidImmutableError,
  type FullStoryInvalidUserError,
  type UpdateUserClientError,
  type UpdateUserClientResult,
  type UpdateUserOptions,
  type UpdateUserResult,
} from "./update-user.js";
export {
  validateFullStoryUser,
  FULLSTORY_LIMITS,
  FULLSTORY_RULES,
  type FullStoryRule,
  type FullStorySchemaType,
  type FullStoryUser,
  type FullStoryUserUpdate,
} from "./validate.js";
export type { FullStoryFailureCode } from "./failure-codes.js";
export type * from "../core/entry-types.js";
