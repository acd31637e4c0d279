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
