import {
  createFullStoryAdapter,
  createFullStoryClient,
  fullStoryKeyOf,
  validateFullStoryUser,
  type FullStoryUser,
} from "../fullstory/index.js";
import {
  createPropellerAdapter,
  createPropellerClient,
  propellerKeyOf,
  validatePropellerUser,
  type PropellerUser,
} from "../propeller/index.js";
import {
  createSlashIdAdapter,
  createSlashIdClient,
  personFromCsvRow,
  slashIdKeyOf,
  validateSlashIdPerson,
  type SlashIdPerson,
} from "../slashid/index.js";
import {
  createUserpilotAdapter,
  createUserpilotClient,
  userpilotKeyOf,
  validateUserpilotUser,
  type UserpilotUser,
} from "../userpilot/index.js";
import type { CommonClientOptions } from "../core/client/options.js";
import type { ImportAdapter, Rejection } from "../core/engine/adapter.js";
import { recordFromCsvRow } from "./read-records.js";

export const VENDOR_NAMES = ["fullstory", "slashid", "propeller", "userpilot"] as const;
export type VendorName = (typeof VENDOR_NAMES)[number];

/** A missing or contradictory setting: the CLI exits 2 with this message. */
export class ConfigError extends Error {}

/** Credentials and settings from flags, falling back to the environment. */
export interface Credentials {
  readonly get: (flag: string, env: string) => string | undefined;
  readonly require: (flag: string, env: string) => string;
}

/** How a vendor's asynchronous jobs are followed (`--poll-interval`, `--max-poll-interval`, `--job-timeout`). */
export interface JobTuning {
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  jobTimeoutMs?: number;
}

/** What the CLI needs of one vendor: its credentials, how to read a CSV row, how to validate and import. */
export interface VendorBinding {
  readonly name: VendorName;
  /** The environment variables the vendor's credentials come from. */
  readonly env: readonly string[];
  /** Whether the vendor runs jobs the import polls, so that {@link JobTuning} applies to it. */
  readonly polls: boolean;
  fromCsvRow(row: Record<string, string>): unknown;
  validate(record: unknown): readonly Rejection[];
  keyOf(record: unknown, index: number): string;
  /** The import adapter, with its client; its `limits` bound `--chunk-size` and `--concurrency`. */
  adapter(
    credentials: Credentials,
    common: CommonClientOptions,
    jobs: JobTuning,
  ): ImportAdapter<unknown, unknown>;
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const field = (record: unknown, name: string) =>
  record !== null && typeof record === "object"
    ? (record as Record<string, unknown>)[name]
    : undefined;

// Records come from files, so they are checked by each vendor's validator before anything relies on their
// type; the casts below only hand them on to it (an adapter validates every record before sending it).
const untyped = <I, W>(adapter: ImportAdapter<I, W>) =>
  adapter as unknown as ImportAdapter<unknown, unknown>;
export const VENDORS: Readonly<Record<VendorName, VendorBinding>> = {
  fullstory: {
    name: "fullstory",
    env: ["FULLSTORY_API_KEY"],
    fromCsvRow: recordFromCsvRow,
    validate: (record) => validateFullStoryUser(record as FullStoryUser),
    keyOf: (r, i) =>
      str(field(r, "uid")) ?? str(field(r, "id")) ?? str(field(r, "email")) ?? `#${i}`,
    polls: true,
    adapter: (c, common, jobs) =>
      untyped(
        createFullStoryAdapter(
          createFullStoryClient({ ...common, apiKey: c.require("api-key", "FULLSTORY_API_KEY") }),
          jobs,
        ),
      ),
  },
  slashid: {
    name: "slashid",
    env: ["SLASHID_API_KEY", "SLASHID_ORG_ID"],
    fromCsvRow: personFromCsvRow,
    validate: (record) => validateSlashIdPerson(record as SlashIdPerson),
    keyOf: (r, i) => slashIdKeyOf(r as SlashIdPerson, i),
    polls: false,
    adapter: (c, common) =>
      untyped(
        createSlashIdAdapter(
          createSlashIdClient({
            ...common,
            apiKey: c.require("api-key", "SLASHID_API_KEY"),
            orgId: c.require("org-id", "SLASHID_ORG_ID"),
            ...(c.get("environment", "SLASHID_ENVIRONMENT") === "sandbox" && {
              environment: "sandbox" as const,
            }),
          }),
        ),
      ),
  },
  propeller: {
    name: "propeller",
    env: ["PROPELLER_CLIENT_ID", "PROPELLER_CLIENT_SECRET"],
    fromCsvRow: recordFromCsvRow,
    validate: validatePropellerUser,
    keyOf: (r, i) => propellerKeyOf(r as PropellerUser, i),
    polls: false,
    adapter: (c, common) =>
      untyped(
        createPropellerAdapter(
          createPropellerClient({
            ...common,
            clientId: c.require("client-id", "PROPELLER_CLIENT_ID"),
            clientSecret: c.require("client-secret", "PROPELLER_CLIENT_SECRET"),
          }),
        ),
      ),
  },
  userpilot: {
    name: "userpilot",
    env: ["USERPILOT_API_KEY"],
    fromCsvRow: recordFromCsvRow,
    validate: validateUserpilotUser,
    keyOf: (r, i) => userpilotKeyOf(r as UserpilotUser, i),
    polls: true,
    adapter: (c, common, jobs) => {
      const environment = c.get("environment", "USERPILOT_ENVIRONMENT");
      if (
        environment !== undefined &&
        environment !== "analytex" &&
        environment !== "analytex-eu"
      ) {
        throw new ConfigError(`--environment must be analytex or analytex-eu, not ${environment}`);
      }
      return untyped(
        createUserpilotAdapter(
          createUserpilotClient({
            ...common,
            apiKey: c.require("api-key", "USERPILOT_API_KEY"),
            ...(environment !== undefined && { environment }),
          }),
          jobs,
        ),
      );
    },
  },
};
