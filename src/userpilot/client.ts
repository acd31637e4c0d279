import type { paths } from "../../generated/userpilot.js";
import { operations } from "../../generated/userpilot.operations.js";
import { createApiClient, type ApiClient } from "../core/client/create-api-client.js";
import { destinationOf, keyFingerprint, type Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { transportFromOptions, userAgent } from "../core/client/transport-from-options.js";
import { SecretSet } from "../core/errors/secrets.js";

export type UserpilotEnvironment = "analytex" | "analytex-eu";

export interface UserpilotClientOptions extends CommonClientOptions {
  /** The environment's API key (not the app token), sent as `Authorization: Token <key>`. */
  apiKey: string;
  /**
   * `analytex` (US) or `analytex-eu`. Ignored when `baseUrl` is set (e.g. an enterprise host).
   * @default "analytex"
   */
  environment?: UserpilotEnvironment;
}

export type UserpilotClient = ApiClient<paths, typeof operations> & Destined;

export function userpilotBaseUrl(environment: UserpilotEnvironment = "analytex"): string {
  return `https://${environment}.userpilot.io`;
}

/** A typed Userpilot client for bulk identify and its background jobs. */
export function createUserpilotClient(options: UserpilotClientOptions): UserpilotClient {
  const secrets = new SecretSet();
  secrets.add(options.apiKey);
  const baseUrl = options.baseUrl ?? userpilotBaseUrl(options.environment);
  const client = createApiClient<paths, typeof operations>({
    operations,
    baseUrl,
    headers: {
      Authorization: `Token ${options.apiKey}`,
      "User-Agent": userAgent(options.userAgent),
    },
    transport: transportFromOptions(options),
    secrets,
  });
  return Object.assign(client, {
    destination: destinationOf(baseUrl, keyFingerprint(options.apiKey)),
  });
}
