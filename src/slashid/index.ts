export * from "./client.js";
export type {
  components as SlashIdComponents,
  paths as SlashIdPaths,
} from "../../generated/slashid.js";
