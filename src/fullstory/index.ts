export * from "./client.js";
export type {
  components as FullStoryComponents,
  paths as FullStoryPaths,
} from "../../generated/fullstory.js";
