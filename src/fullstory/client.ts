import type { paths } from "../../generated/fullstory.js";
import { operations, servers } from "../../generated/fullstory.operations.js";
import { checkHostChoice } from "../core/client/base-url.js";
import type { ApiClient } from "../core/client/create-api-client.js";
import { keyFingerprint, type Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { createVendorClient } from "../core/client/vendor-client.js";
import { SecretSet } from "../core/errors/secrets.js";
import { headerCredentialOption } from "../core/options.js";

/**
 * FullStory's data centres, each a host of its own (specs/fullstory.yaml `servers`); the first is the
 * default.
 */
export const FULLSTORY_REGIONS = Object.freeze(servers.map((server) => server.name));
/** A FullStory data centre's name (`na1`, `eu1`): a client's `region`. */
export type FullStoryRegion = (typeof FULLSTORY_REGIONS)[number];

/** Each FullStory region's API base URL, by region name, from specs/fullstory.yaml `servers`. */
export const FULLSTORY_HOSTS = Object.fromEntries(
  servers.map((server) => [server.name, server.url]),
) as Readonly<Record<FullStoryRegion, string>>;

/** What {@link createFullStoryClient} takes: the API key, the region, and the options every client takes. */
export interface FullStoryClientOptions extends CommonClientOptions {
  /** A FullStory server API key, sent as `Authorization: Basic <key>` (the raw key, not base64, trimmed). */
  apiKey: string;
  /**
   * Data centre. Ignored when `baseUrl` is set; another value throws a TypeError.
   * @default "eu1" when the key starts with `eu1.`, else "na1"
   */
  region?: FullStoryRegion | undefined;
}

/** The operations FullStoryClient has a method for: the table generated from specs/fullstory.yaml. */
export type FullStoryOperationTable = typeof operations;

/**
 * A typed FullStory client: one method per operation of specs/fullstory.yaml, each resolving to
 * `{ ok, status, data }` or `{ ok: false, error }` with an `ApiError` narrowable by `status` (it never throws
 * for an answer); `raw`, the openapi-fetch client under the same guarantees; and its `destination`.
 */
export type FullStoryClient = ApiClient<paths, FullStoryOperationTable> & Destined;

/**
 * The host for a key: an explicit region wins, then the region the key's prefix names (`eu1.`, past any
 * leading whitespace), then the default host (a key of an older kind has no prefix).
 * @throws TypeError for a region that is not one of {@link FULLSTORY_HOSTS}' keys.
 */
export function fullStoryBaseUrl(apiKey: string, region?: FullStoryRegion): string {
  if (region !== undefined) checkHostChoice("region", region, FULLSTORY_REGIONS);
  const key = apiKey.trimStart();
  const named = FULLSTORY_REGIONS.find((name) => key.startsWith(`${name}.`));
  return FULLSTORY_HOSTS[region ?? named ?? servers[0].name];
}

/**
 * A typed FullStory server API v2 client. Creating users (`createBatchImport`, `createUser`, and the same
 * POSTs through `raw`) always carries an `Idempotency-Key` (a UUID v4 unless the caller passes one), so a
 * retried call cannot import twice.
 */
export function createFullStoryClient(options: FullStoryClientOptions): FullStoryClient {
  // A key read with a stray space, CR or byte order mark is the same key: its `eu1.` prefix picks the host.
  headerCredentialOption("apiKey", options.apiKey, (key) => key.trim());
  const apiKey = options.apiKey.trim();
  const secrets = new SecretSet();
  secrets.add(options.apiKey);
  return createVendorClient<paths, typeof operations>(options, {
    operations,
    // `region` is ignored where `baseUrl` is set, as the other vendors' host settings are.
    defaultBaseUrl: options.baseUrl ?? fullStoryBaseUrl(apiKey, options.region),
    headers: { Authorization: `Basic ${apiKey}` },
    secrets,
    account: keyFingerprint(apiKey),
  });
}
