// Compiled by `npm run check` (tsc), never run. An integrator under `exactOptionalPropertyTypes` (as
// @tsconfig/strictest sets it, and this repo) passes configuration read from the environment or a file
// straight through: `createFullStoryClient({ apiKey, baseUrl: process.env.FULLSTORY_BASE_URL })`. Every
// optional key of every public options object must therefore take `undefined`; the runtime takes it as the
// key left out (test/core/options-given-undefined.test.ts). Each type is named from its public entry point.
import { expectTypeOf } from "vitest";
import type {
  CommonClientOptions,
  ImportOptions,
  RateLimiterOptions,
  ReplayOptions,
} from "../../src/index.js";
import type {
  FullStoryAdapterOptions,
  FullStoryClient,
  FullStoryClientOptions,
  FullStoryImportOptions,
  UpdateUserOptions,
} from "../../src/fullstory/index.js";
import type {
  PropellerAdapterOptions,
  PropellerClientOptions,
  PropellerImportOptions,
} from "../../src/propeller/index.js";
import type {
  SlashIdAdapterOptions,
  SlashIdClientOptions,
  SlashIdImportOptions,
} from "../../src/slashid/index.js";
import type {
  UserpilotAdapterOptions,
  UserpilotClientOptions,
  UserpilotImportOptions,
} from "../../src/userpilot/index.js";
import type {
  FaultOptions,
  FullStorySimulatorOptions,
  JobClockOptions,
  PropellerSimulatorOptions,
  SimulatorOptions,
  SlashIdSimulatorOptions,
  UserpilotForeignJobOptions,
  UserpilotSimulatorOptions,
} from "../../src/testing/index.js";

/** The keys of `T` that may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/** The optional keys of `T` that refuse `undefined`. */
type Refusing<T> = {
  [K in OptionalKeys<T>]-?: { [P in K]: undefined } extends Pick<T, K> ? never : K;
}[OptionalKeys<T>];
/**
 * Never when every optional key of `T` takes `undefined`; else the keys that refuse it. A type with no
 * optional key would pass without saying anything, so it fails too.
 */
type Refused<T> = [OptionalKeys<T>] extends [never] ? "no optional key" : Refusing<T>;

/** A call's own options (headers, signal, serializedBody), beside the operation's params. */
type CallInit = NonNullable<Parameters<FullStoryClient["getBatchImportStatus"]>[0]>;

export function clients(): void {
  expectTypeOf<Refused<CommonClientOptions>>().toBeNever();
  expectTypeOf<Refused<RateLimiterOptions>>().toBeNever();
  expectTypeOf<Refused<FullStoryClientOptions>>().toBeNever();
  expectTypeOf<Refused<SlashIdClientOptions>>().toBeNever();
  expectTypeOf<Refused<PropellerClientOptions>>().toBeNever();
  expectTypeOf<Refused<UserpilotClientOptions>>().toBeNever();
  expectTypeOf<Refused<UpdateUserOptions>>().toBeNever();
  expectTypeOf<Refused<CallInit>>().toBeNever();
  expectTypeOf<{ headers: undefined; signal: undefined; serializedBody: undefined }>().toExtend<
    Pick<CallInit, "headers" | "signal" | "serializedBody">
  >();
}

export function imports(): void {
  expectTypeOf<Refused<ReplayOptions>>().toBeNever();
  expectTypeOf<Refused<ImportOptions>>().toBeNever();
  expectTypeOf<Refused<FullStoryAdapterOptions>>().toBeNever();
  expectTypeOf<Refused<SlashIdAdapterOptions>>().toBeNever();
  expectTypeOf<Refused<PropellerAdapterOptions>>().toBeNever();
  expectTypeOf<Refused<UserpilotAdapterOptions>>().toBeNever();
  expectTypeOf<Refused<FullStoryImportOptions>>().toBeNever();
  expectTypeOf<Refused<SlashIdImportOptions>>().toBeNever();
  expectTypeOf<Refused<PropellerImportOptions>>().toBeNever();
  expectTypeOf<Refused<UserpilotImportOptions>>().toBeNever();
}

export function simulators(): void {
  expectTypeOf<Refused<FaultOptions>>().toBeNever();
  expectTypeOf<Refused<JobClockOptions>>().toBeNever();
  expectTypeOf<Refused<SimulatorOptions>>().toBeNever();
  expectTypeOf<Refused<FullStorySimulatorOptions>>().toBeNever();
  expectTypeOf<Refused<SlashIdSimulatorOptions>>().toBeNever();
  expectTypeOf<Refused<PropellerSimulatorOptions>>().toBeNever();
  expectTypeOf<Refused<UserpilotSimulatorOptions>>().toBeNever();
  expectTypeOf<Refused<UserpilotForeignJobOptions>>().toBeNever();
}

export function fromTheEnvironment(env: Record<string, string | undefined>): void {
  // The case the types are for: a value that may be missing, passed through as is.
  expectTypeOf({
    apiKey: "key",
    baseUrl: env["FULLSTORY_BASE_URL"],
  }).toExtend<FullStoryClientOptions>();
  expectTypeOf({ journal: env["IMPORT_JOURNAL"] }).toExtend<ImportOptions>();
}
