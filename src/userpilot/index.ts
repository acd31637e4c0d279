export * from "./client.js";
export type {
  components as UserpilotComponents,
  paths as UserpilotPaths,
} from "../../generated/userpilot.js";
