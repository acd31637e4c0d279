export * from "./client.js";
export type {
  components as PropellerComponents,
  paths as PropellerPaths,
} from "../../generated/propeller.js";
