// Vendor simulators for integrators' own tests and for the CLI's `simulate` and `demo` commands.
export * from "./simulator.js";
export { FaultInjector, seededRandom, type FaultOptions } from "./faults.js";
export { serveSimulator, type RunningSimulator } from "./serve.js";
export {
  createFullStorySimulator,
  type FullStorySimulator,
  type FullStorySimulatorOptions,
} from "./fullstory.js";
export {
  createSlashIdSimulator,
  type SlashIdSimulator,
  type SlashIdSimulatorOptions,
} from "./slashid.js";
export {
  createPropellerSimulator,
  type PropellerSimulator,
  type PropellerSimulatorOptions,
} from "./propeller.js";
export {
  createUserpilotSimulator,
  type UserpilotSimulator,
  type UserpilotSimulatorOptions,
} from "./userpilot.js";
