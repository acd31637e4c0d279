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
