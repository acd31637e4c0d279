// Vendor simulators for integrators' own tests and for the CLI's `simulate` and `demo` commands.
export * from "./simulator.js";
export {
  FaultInjector,
  seededRandom,
  type FaultCall,
  type FaultKind,
  type FaultOptions,
  type RecordVerdict,
  type ScriptAction,
} from "./faults.js";
export { cutAnswer, gatewayPage } from "./kit/answers.js";
export { serveSimulator, type RunningSimulator } from "./serve.js";
export {
  createFullStorySimulator,
  type FullStorySimulator,
  type FullStorySimulatorOptions,
} from "./fullstory.js";
export {
  createSlashIdSimulator,
  SLASHID_ALREADY_EXISTS,
  type SlashIdSimulator,
  type SlashIdSimulatorOptions,
  type SlashIdSimulatorStats,
} from "./slashid.js";
export {
  createPropellerSimulator,
  propellerError,
  propellerRecordKey,
  type PropellerSimulator,
  type PropellerSimulatorOptions,
} from "./propeller.js";
export {
  createUserpilotSimulator,
  type UserpilotSimulator,
  type UserpilotSimulatorOptions,
} from "./userpilot.js";
