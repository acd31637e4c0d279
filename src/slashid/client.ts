import type { paths } from "../../generated/slashid.js";
import { operations, servers } from "../../generated/slashid.operations.js";
import { checkHostChoice } from "../core/client/base-url.js";
import type { ApiClient } from "../core/client/create-api-client.js";
import { asSentInHeader, type Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { createVendorClient } from "../core/client/vendor-client.js";
import { SecretSet } from "../core/errors/secrets.js";
import { headerCredentialOption } from "../core/options.js";

/** SlashID's environments, each a host of its own (specs/slashid.yaml `servers`), the default first. */
export const SLASHID_ENVIRONMENTS = Object.freeze(servers.map((server) => server.name));
/** A SlashID environment's name (`production`, `sandbox`): a client's `environment`. */
export type SlashIdEnvironment = (typeof SLASHID_ENVIRONMENTS)[number];

/** Each SlashID environment's API base URL, by environment name, from specs/slashid.yaml `servers`. */
export const SLASHID_HOSTS = Object.fromEntries(
  servers.map((server) => [server.name, server.url]),
) as Readonly<Record<SlashIdEnvironment, string>>;

/**
 * The host of a SlashID environment.
 * @throws TypeError for a value that is not one of {@link SLASHID_ENVIRONMENTS}: the host its credentials go
 *   to would be none of SlashID's.
 */
export function slashIdBaseUrl(environment: SlashIdEnvironment = servers[0].name): string {
  checkHostChoice("environment", environment, SLASHID_ENVIRONMENTS);
  return SLASHID_HOSTS[environment];
}

/**
 * What {@link createSlashIdClient} takes: the API key, the organization, the environment, and the options
 * every client takes.
 */
export interface SlashIdClientOptions extends CommonClientOptions {
  /** An admin API key (bulk import needs one), sent as `SlashID-API-Key`. */
  apiKey: string;
  /** The organization id, sent as `SlashID-OrgID` on every call. */
  orgId: string;
  /**
   * Which SlashID host to use. Ignored when `baseUrl` is set.
   * @default "production"
   */
  environment?: SlashIdEnvironment | undefined;
}

/** The operations SlashIdClient has a method for: the table generated from specs/slashid.yaml. */
export type SlashIdOperationTable = typeof operations;

/**
 * A typed SlashID client: one method per operation of specs/slashid.yaml, each resolving to
 * `{ ok, status, data }` or `{ ok: false, error }` with an `ApiError` narrowable by `status` (it never throws
 * for an answer); `raw`, the openapi-fetch client under the same guarantees; and its `destination`. It fills
 * the `SlashID-OrgID` header itself, so callers need not pass it.
 */
export type SlashIdClient = ApiClient<paths, SlashIdOperationTable, "SlashID-OrgID"> & Destined;

/**
 * A typed SlashID client. `bulkImportPersons` takes the CSV as a string (or Blob) in `body.persons` and
 * sends it as a `persons.csv` file part of a multipart/form-data body.
 */
export function createSlashIdClient(options: SlashIdClientOptions): SlashIdClient {
  headerCredentialOption("apiKey", options.apiKey);
  headerCredentialOption("orgId", options.orgId);
  const secrets = new SecretSet();
  secrets.add(options.apiKey);
  return createVendorClient<paths, typeof operations, "SlashID-OrgID">(options, {
    operations,
    defaultBaseUrl: options.baseUrl ?? slashIdBaseUrl(options.environment),
    headers: { "SlashID-API-Key": options.apiKey, "SlashID-OrgID": options.orgId },
    secrets,
    // The id as sent: read with its line end, it is the same org.
    account: `org:${asSentInHeader(options.orgId)}`,
  });
}
