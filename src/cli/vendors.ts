import {
  createFullStoryClient,
  fullStoryKeyOf,
  importUsers as importFullStory,
  validateFullStoryUser,
  type FullStoryUser,
} from "../fullstory/index.js";
import {
  createPropellerClient,
  importUsers as importPropeller,
  propellerKeyOf,
  validatePropellerUser,
  type PropellerUser,
} from "../propeller/index.js";
import {
  createSlashIdClient,
  importUsers as importSlashId,
  personFromCsvRow,
  slashIdKeyOf,
  validateSlashIdPerson,
  type SlashIdPerson,
} from "../slashid/index.js";
import {
  createUserpilotClient,
  importUsers as importUserpilot,
  userpilotKeyOf,
  validateUserpilotUser,
  type UserpilotUser,
} from "../userpilot/index.js";
import type { CommonClientOptions } from "../core/client/options.js";
import type { ImportOptions } from "../core/engine/engine.js";
import type { ImportReport } from "../core/engine/report.js";
import type { Rejection } from "../core/engine/adapter.js";
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

/** What the CLI needs of one vendor: its credentials, how to read a CSV row, how to validate and import. */
export interface VendorBinding {
  readonly name: VendorName;
  /** The environment variables the vendor's credentials come from. */
  readonly env: readonly string[];
  fromCsvRow(row: Record<string, string>): unknown;
  validate(record: unknown): readonly Rejection[];
  keyOf(record: unknown, index: number): string;
  run(
    credentials: Credentials,
    common: CommonClientOptions,
    records: AsyncIterable<unknown>,
    options: ImportOptions,
  ): Promise<ImportReport>;
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const field = (record: unknown, name: string) =>
  record !== null && typeof record === "object"
    ? (record as Record<string, unknown>)[name]
    : undefined;

// Records come from files, so they are checked by each vendor's validator before anything relies on their
// type; the casts below only hand them on to it.
export const VENDORS: Readonly<Record<VendorName, VendorBinding>> = {
  fullstory: {
    name: "fullstory",
    env: ["FULLSTORY_API_KEY"],
    fromCsvRow: recordFromCsvRow,
    validate: (record) => validateFullStoryUser(record as FullStoryUser),
    keyOf: (r, i) =>
      str(field(r, "uid")) ?? str(field(r, "id")) ?? str(field(r, "email")) ?? `#${i}`,
    run: (c, common, records, options) =>
      importFullStory(
        createFullStoryClient({ ...common, apiKey: c.require("api-key", "FULLSTORY_API_KEY") }),
        records as AsyncIterable<FullStoryUser>,
        options,
      ),
  },
  slashid: {
    name: "slashid",
    env: ["SLASHID_API_KEY", "SLASHID_ORG_ID"],
    fromCsvRow: personFromCsvRow,
    validate: (record) => validateSlashIdPerson(record as SlashIdPerson),
    keyOf: (r, i) => slashIdKeyOf(r as SlashIdPerson, i),
    run: (c, common, records, options) =>
      importSlashId(
        createSlashIdClient({
          ...common,
          apiKey: c.require("api-key", "SLASHID_API_KEY"),
          orgId: c.require("org-id", "SLASHID_ORG_ID"),
          ...(c.get("environment", "SLASHID_ENVIRONMENT") === "sandbox" && {
            environment: "sandbox" as const,
          }),
        }),
        records as AsyncIterable<SlashIdPerson>,
        options,
      ),
  },
  propeller: {
    name: "propeller",
    env: ["PROPELLER_CLIENT_ID", "PROPELLER_CLIENT_SECRET"],
    fromCsvRow: recordFromCsvRow,
    validate: validatePropellerUser,
    keyOf: (r, i) => propellerKeyOf(r as PropellerUser, i),
    run: (c, common, records, options) =>
      importPropeller(
        createPropellerClient({
          ...common,
          clientId: c.require("client-id", "PROPELLER_CLIENT_ID"),
          clientSecret: c.require("client-secret", "PROPELLER_CLIENT_SECRET"),
        }),
        records as AsyncIterable<PropellerUser>,
        options,
      ),
  },
  userpilot: {
    name: "userpilot",
    env: ["USERPILOT_API_KEY"],
    fromCsvRow: recordFromCsvRow,
    validate: validateUserpilotUser,
    keyOf: (r, i) => userpilotKeyOf(r as UserpilotUser, i),
    run: (c, common, records, options) => {
      const environment = c.get("environment", "USERPILOT_ENVIRONMENT");
      if (
        environment !== undefined &&
        environment !== "analytex" &&
        environment !== "analytex-eu"
      ) {
        throw new ConfigError(`--environment must be analytex or analytex-eu, not ${environment}`);
      }
      return importUserpilot(
        createUserpilotClient({
          ...common,
          apiKey: c.require("api-key", "USERPILOT_API_KEY"),
          ...(environment !== undefined && { environment }),
        }),
        records as AsyncIterable<UserpilotUser>,
        options,
      );
    },
  },
};
