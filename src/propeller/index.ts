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
