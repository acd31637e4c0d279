import type { paths } from "../../generated/slashid.js";
import { operations } from "../../generated/slashid.operations.js";
import { createApiClient, type ApiClient } from "../core/client/create-api-client.js";
import { destinationOf, type Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { transportFromOptions, userAgent } from "../core/client/transport-from-options.js";
import { SecretSet } from "../core/errors/secrets.js";

export type SlashIdEnvironment = "production" | "sandbox";

export const SLASHID_HOSTS: Readonly<Record<SlashIdEnvironment, string>> = {
  production: "https://api.slashid.com",
  sandbox: "https://api.sandbox.slashid.com",
};

export interface SlashIdClientOptions extends CommonClientOptions {
  /** An admin API key (bulk import needs one), sent as `SlashID-API-Key`. */
  apiKey: string;
  /** The organization id, sent as `SlashID-OrgID` on every call. */
  orgId: string;
  /**
   * Which SlashID host to use. Ignored when `baseUrl` is set.
   * @default "production"
   */
  environment?: SlashIdEnvironment;
}

/** The client fills `SlashID-OrgID` itself, so callers need not pass it. */
export type SlashIdClient = ApiClient<paths, typeof operations, "SlashID-OrgID"> & Destined;

/**
 * A typed SlashID client. `bulkImportPersons` takes the CSV as a string (or Blob) in `body.persons` and
 * sends it as a `persons.csv` file part of a multipart/form-data body.
 */
export function createSlashIdClient(options: SlashIdClientOptions): SlashIdClient {
  const secrets = new SecretSet();
  secrets.add(options.apiKey);
  const baseUrl = options.baseUrl ?? SLASHID_HOSTS[options.environment ?? "production"];
  const client = createApiClient<paths, typeof operations, "SlashID-OrgID">({
    operations,
    baseUrl,
    headers: {
      "SlashID-API-Key": options.apiKey,
      "SlashID-OrgID": options.orgId,
      "User-Agent": userAgent(options.userAgent),
    },
    transport: transportFromOptions(options),
    secrets,
  });
  return Object.assign(client, { destination: destinationOf(baseUrl, `org:${options.orgId}`) });
}
