import type { CommonClientOptions } from "./core/client/options.js";
import type { ImportAdapter } from "./core/engine/adapter.js";
import type { FaultOptions } from "./testing/faults.js";
import type { seededFaker } from "./testing/fixtures/faker.js";
import type { VendorSimulator } from "./testing/simulator.js";

/** A missing or contradictory setting: the CLI exits 2 with this message. */
export class ConfigError extends Error {}

/**
 * A CSV cell that cannot become a field: it does not parse as the type its header names
 * (`properties.seats:number`, `input.type`), its column has no name (`input.unnamed_column`) or names no
 * field (`input.unknown_column`), or its JSON holds a key twice (`input.duplicate_key`). The CLI's reader and
 * a vendor's {@link VendorModule.fromCsvRow} throw it to name the rule its row breaks; any other error is
 * `input.parse`.
 * A SyntaxError: a mapping that is public API documents its throws so (SlashID's `personFromCsvRow`).
 */
export class CellError extends SyntaxError {
  constructor(
    message: string,
    readonly rule:
      | "input.type"
      | "input.unnamed_column"
      | "input.unknown_column"
      | "input.duplicate_key" = "input.type",
  ) {
    super(message);
  }
}

/**
 * A flag's value as a usage error quotes it: as given when it is one word, else not at all (nor when empty
 * or blank). A value holding spaces or `=` is several flags run together into one argument (a quoted
 * "$OPTS", one string of a CI job's argument list), and the rest of that line may hold `--api-key` and its
 * key: stderr lands in logs.
 */
export function quotedFlagValue(value: unknown): string {
  const text = String(value);
  // Shown as is, an empty value reads as if the message broke off (`not `).
  if (text === "") return "an empty value";
  // Blanks alone are no words run together (`--concurrency "$N "` with N unset): nothing to hide, nor split.
  if (text.trim() === "") return "a blank value";
  return /[\s=]/.test(text)
    ? "a value of several words (flags run together in one argument? pass each flag as an argument of its own; the value is not repeated here, as it may hold a credential)"
    : text;
}

/**
 * What every served simulator accepts, so a client pointed at one (`simulate`, `demo`, tests) works as it
 * is. None of these is a real secret.
 */
export const SIMULATOR_SECRETS = {
  apiKey: "sim-key",
  orgId: "sim-org",
  clientId: "sim-client",
  clientSecret: "sim-secret",
} as const;

/** One value a vendor's client is made with, read from a CLI flag, else an environment variable. */
export interface VendorSetting {
  /** The flag's name without its dashes, e.g. `api-key`. */
  readonly flag: string;
  readonly env: string;
  /**
   * Whether the value is a secret. The client scrubs its own credentials from every error; the soak gives
   * each secret setting a fresh value and checks that it appears in no output.
   */
  readonly secret?: boolean;
  /** The value a served simulator accepts; absent for a setting the simulator needs no value for. */
  readonly simulator?: string;
  /** The only values the setting takes (an environment's names); absent when any value goes. */
  readonly values?: readonly string[];
}

/**
 * Whether a setting is a credential (a key, a secret, an org or client id): every setting but a choice of
 * named values (an environment), whose values are no one's to keep secret.
 */
export const isCredential = (setting: VendorSetting): boolean => setting.values === undefined;

/** The values of a vendor's settings, by flag name, however they were given. */
export interface Settings {
  get(flag: string): string | undefined;
  /** The value, or a {@link ConfigError} that names the flag and the environment variable. */
  require(flag: string): string;
}

/** How a vendor's asynchronous jobs are followed; a vendor without jobs ignores it. */
export interface JobTuning {
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  jobTimeoutMs?: number;
  /** First wait after the vendor refused a job because another one runs (Userpilot's 409). */
  conflictWaitMs?: number;
  /**
   * No other process writes to the account meanwhile: a lost request's job found in a list is not warned as
   * maybe another process's (doubts the list itself raises, such as a job that ran across the send, still are).
   */
  soleImporter?: boolean;
}

/** What a vendor's simulator is made with. */
export interface SimulatorSetup<Options = never> {
  /** The credentials it accepts, as the client's settings name them. */
  readonly settings: Settings;
  readonly faults: FaultOptions;
  /** The vendor's own simulator options (e.g. how fast jobs end), for callers that know the vendor. */
  readonly options?: Options;
}

/** Seeded sample records, for the demo, the soak and tests. */
export interface SampleRecords<Input> {
  /**
   * A valid new record keyed by `key`: its uid, sourceId or user_id; SlashID's, whose key is its first email,
   * has `<key>@example.com`.
   */
  record(key: string): Input;
  /** A record keyed as `record(key)` is, that breaks one of the vendor's rules, so the client rejects it. */
  broken(key: string): unknown;
}

/**
 * Everything the CLI, the demo, `simulate` and the soak know of one vendor; each vendor's folder has one
 * (`module.ts`), and `src/vendors.ts` lists them. Records read from files reach the adapter's `validate`
 * and `keyOf` before anything relies on their type: both accept any value.
 */
export interface VendorModule<
  Name extends string = string,
  Client = unknown,
  Input = unknown,
  Simulator extends VendorSimulator = VendorSimulator,
  SimulatorOptions = never,
> {
  readonly name: Name;
  /** The client's settings: credentials, and choices such as a region. */
  readonly settings: readonly VendorSetting[];
  /** Whether imports run as jobs the adapter polls, so that {@link JobTuning} applies. */
  readonly polls: boolean;
  /**
   * Whether the job a lost request made is found by matching the vendor's job list (which says nothing of
   * whose request made a job), so that {@link JobTuning.soleImporter} applies.
   */
  readonly matchesLostJobs?: true;
  /** The operations that write users (`createBatchImport`, …), as the simulators' fault scripts name them. */
  readonly writes: readonly string[];
  createClient(settings: Settings, common: CommonClientOptions): Client;
  /** The import adapter; its `limits` bound the chunk size and concurrency. */
  createAdapter(client: Client, tuning: JobTuning): ImportAdapter<Input, unknown>;
  /** A CSV row as a record; absent, the CLI reads typed cells into nested fields. */
  readonly fromCsvRow?: (row: Readonly<Record<string, string>>) => Input;
  /**
   * For a vendor whose validation lets other top-level keys through (FullStory's open batch item): the only
   * fields a CSV column may fill. A filled cell under another column (`Email`, ` email`) rejects its row
   * (`input.unknown_column`) rather than reach the vendor as a key it ignores.
   */
  readonly csvFields?: readonly string[];
  /** Loaded on demand: the simulators need ajv, which the library does not. */
  simulator(): Promise<(setup: SimulatorSetup<SimulatorOptions>) => Simulator>;
  /** Loaded on demand: the samples need @faker-js/faker, an optional peer. */
  samples(seed: number): Promise<SampleRecords<Input>>;
}

/** Settings read by `valueOf`, which gets each one the vendor declares. */
export function settingsOf(
  vendor: Pick<VendorModule, "name" | "settings">,
  valueOf: (setting: VendorSetting) => string | undefined,
): Settings {
  const declared = (flag: string) => {
    const setting = vendor.settings.find((s) => s.flag === flag);
    if (setting === undefined) throw new Error(`${vendor.name} has no setting --${flag}`);
    return setting;
  };
  const get = (flag: string) => {
    const setting = declared(flag);
    const value = valueOf(setting);
    // A near miss (`sandbx`, `Sandbox`) must not fall back to the default host, where the key would go.
    if (value !== undefined && setting.values !== undefined && !setting.values.includes(value))
      throw new ConfigError(
        `--${flag} must be ${setting.values.join(" or ")}, not ${quotedFlagValue(value)} (pass --${flag} or set ${setting.env})`,
      );
    return value;
  };
  return {
    get,
    require: (flag) => {
      const value = get(flag);
      if (value === undefined)
        throw new ConfigError(`missing credential: pass --${flag} or set ${declared(flag).env}`);
      return value;
    },
  };
}

/** The settings a served simulator of `vendor` accepts. */
export const simulatorSettings = (vendor: Pick<VendorModule, "name" | "settings">): Settings =>
  settingsOf(vendor, (setting) => setting.simulator);

/**
 * A module's `simulator`: the vendor's simulator factory, loaded on first use (the simulators need ajv), made
 * with the module's options, the credentials `credentials` reads from the settings, and the faults.
 */
export function lazySimulator<Options extends { faults?: FaultOptions | undefined }, Simulator>(
  load: () => Promise<(options: Options) => Simulator>,
  credentials: (settings: Settings) => NoInfer<Options>,
): () => Promise<(setup: SimulatorSetup<Options>) => Simulator> {
  return async () => {
    const create = await withOptionalPeers(load, "the simulators check requests with ajv", [
      "ajv",
      "ajv-formats",
    ]);
    return ({ settings, faults, options }) =>
      create({ ...options, ...credentials(settings), faults });
  };
}

/**
 * What `load` gives; when it fails because one of `peers` (optional peers of the package) is not installed, a
 * {@link ConfigError} (the CLI's exit 2) that says `what` needs it and how to install them.
 */
export async function withOptionalPeers<T>(
  load: () => Promise<T>,
  what: string,
  peers: readonly string[],
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    // Node: "Cannot find package 'ajv' imported from …"; the quotes keep `ajv` from matching `ajv-formats`.
    const missing =
      code === "ERR_MODULE_NOT_FOUND"
        ? peers.find((peer) => String(message).includes(`'${peer}'`))
        : undefined;
    if (missing === undefined) throw error;
    throw new ConfigError(
      `${what}, and ${missing} is not installed (an optional peer): npm install -D ${peers.join(" ")}`,
    );
  }
}

/** A faker seeded for reproducible samples. */
type SampleFaker = ReturnType<typeof seededFaker>;

/**
 * A module's `samples`: the vendor's fixtures and a seeded faker, loaded on first use (@faker-js/faker is an
 * optional peer), handed to `make`.
 */
export function lazySamples<Fixtures, Input>(
  load: () => Promise<Fixtures>,
  make: (fixtures: Fixtures, faker: SampleFaker) => SampleRecords<Input>,
): (seed: number) => Promise<SampleRecords<Input>> {
  return async (seed) => {
    const [{ seededFaker }, fixtures] = await withOptionalPeers(
      () => Promise.all([import("./testing/fixtures/faker.js"), load()]),
      "the sample users are made with @faker-js/faker",
      ["@faker-js/faker"],
    );
    return make(fixtures, seededFaker(seed));
  };
}
