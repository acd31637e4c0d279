/**
 * Vendor simulators, for integrators' own tests and for the CLI's `simulate` and `demo` commands: a
 * stateful simulator per vendor that follows its spec and injects the faults it is given
 * ({@link FaultOptions}). {@link serveSimulator} serves one over HTTP on 127.0.0.1.
 *
 * @module
 */
export * from "./simulator.js";
export type { FaultCall, FaultKind, FaultOptions, ScriptAction } from "./faults.js";
export { cutAnswer, gatewayPage } from "./kit/answers.js";
export type { JobClockOptions } from "./kit/job-clock.js";
export { serveSimulator, type RunningSimulator } from "./serve.js";
export * from "./fullstory.js";
export * from "./slashid.js";
export * from "./propeller.js";
export * from "./userpilot.js";
