import type { paths } from "../../generated/userpilot.js";
import { operations, servers } from "../../generated/userpilot.operations.js";
import { checkHostChoice } from "../core/client/base-url.js";
import type { ApiClient } from "../core/client/create-api-client.js";
import { keyFingerprint, type Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { createVendorClient } from "../core/client/vendor-client.js";
import { SecretSet } from "../core/errors/secrets.js";
import { headerCredentialOption } from "../core/options.js";

const [SERVER] = servers;
const ENVIRONMENT = SERVER.variables.environment;

/** Userpilot's environments, each a host of its own (specs/userpilot.yaml `servers`). */
export const USERPILOT_ENVIRONMENTS = ENVIRONMENT.enum;
/** A Userpilot environment's name (`analytex`, `analytex-eu`): a client's `environment`, part of its host. */
export type UserpilotEnvironment = (typeof USERPILOT_ENVIRONMENTS)[number];

/** What {@link createUserpilotClient} takes: the API key, the environment, and every client's options. */
export interface UserpilotClientOptions extends CommonClientOptions {
  /** The environment's API key (not the app token), sent as `Authorization: Token <key>`. */
  apiKey: string;
  /**
   * `analytex` (US) or `analytex-eu`. Ignored when `baseUrl` is set (e.g. an enterprise host).
   * @default "analytex"
   */
  environment?: UserpilotEnvironment | undefined;
}

/** The operations UserpilotClient has a method for: the table generated from specs/userpilot.yaml. */
export type UserpilotOperationTable = typeof operations;

/**
 * A typed Userpilot client: one method per operation of specs/userpilot.yaml, each resolving to
 * `{ ok, status, data }` or `{ ok: false, error }` with an `ApiError` narrowable by `status` (it never throws
 * for an answer); `raw`, the openapi-fetch client under the same guarantees; and its `destination`.
 */
export type UserpilotClient = ApiClient<paths, UserpilotOperationTable> & Destined;

/**
 * The host of a Userpilot environment.
 * @throws TypeError for a value that is not one of {@link USERPILOT_ENVIRONMENTS}: it becomes part of the
 *   host name, so any other text could send the API key to another host.
 */
export function userpilotBaseUrl(environment: UserpilotEnvironment = ENVIRONMENT.default): string {
  checkHostChoice("environment", environment, USERPILOT_ENVIRONMENTS);
  return SERVER.url.replace("{environment}", environment);
}

const authorization = (apiKey: string) => `Token ${apiKey}`;

/** A typed Userpilot client for bulk identify and its background jobs. */
export function createUserpilotClient(options: UserpilotClientOptions): UserpilotClient {
  // A key read with a stray space, CR or byte order mark is the same key: left in, a leading blank would
  // reach Userpilot as `Token  <key>` (fetch strips only the header's edges), which it may refuse.
  headerCredentialOption("apiKey", options.apiKey, (key) => authorization(key.trim()));
  const apiKey = options.apiKey.trim();
  const secrets = new SecretSet();
  secrets.add(options.apiKey);
  return createVendorClient<paths, typeof operations>(options, {
    operations,
    defaultBaseUrl: options.baseUrl ?? userpilotBaseUrl(options.environment),
    headers: { Authorization: authorization(apiKey) },
    secrets,
    // Of the key as sent: trimmed, a byte order mark or a no-break space at its edge is the same account.
    account: keyFingerprint(apiKey),
  });
}
