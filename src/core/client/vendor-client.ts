import type { Middleware } from "openapi-fetch";
import type { SecretSet } from "../errors/secrets.js";
import type { Transport } from "../http/transport.js";
import { checkedBaseUrl } from "./base-url.js";
import { createApiClient, type ApiClient } from "./create-api-client.js";
import { CredentialWatch } from "./credential-accepted.js";
import { destinationOf, type Destined } from "./destination.js";
import { idempotencyKey, replaySafeUnder } from "./idempotency-key.js";
import type { OperationSpec, OperationTable } from "./operation-table.js";
import type { CommonClientOptions } from "./options.js";
import { transportFromOptions, userAgent } from "./transport-from-options.js";

/** What a vendor's client adds to the caller's {@link CommonClientOptions}. */
export interface VendorClientSetup<Table extends OperationTable> {
  operations: Table;
  /** The caller's `baseUrl` wins over this. */
  defaultBaseUrl: string;
  /** The vendor's auth and account headers; the `User-Agent` is added. */
  headers: Record<string, string>;
  /** Everything to scrub from errors: the vendor's credentials, and tokens as they are issued. */
  secrets: SecretSet;
  /** Who the calls act as, without a secret: an org or client id, or `keyFingerprint(key)`. */
  account: string;
  /**
   * Wraps the transport the common options describe (e.g. with bearer auth).
   * @default the transport as it is
   */
  transport?: (transport: Transport) => Transport;
  /** @default [] */
  middleware?: readonly Middleware[];
}

/**
 * A vendor's typed client, with its `destination`: the shared part of every `createXClient`.
 * @throws TypeError when the base URL is one {@link checkedBaseUrl} refuses (a user name or password, a query
 *   or fragment, no http(s) URL); TypeError or RangeError for an option {@link CommonClientOptions} refuses.
 */
export function createVendorClient<
  Paths extends object,
  Table extends OperationTable,
  Filled extends string = never,
>(
  options: CommonClientOptions,
  setup: VendorClientSetup<Table>,
): ApiClient<Paths, Table, Filled> & Destined {
  const baseUrl = checkedBaseUrl(options.baseUrl ?? setup.defaultBaseUrl);
  const keyed = idempotentOperations(setup.operations);
  const transport = transportFromOptions(
    { ...options, replaySafe: replaySafeUnder(baseUrl, keyed) },
    setup.secrets,
  );
  // Outside `setup.transport` (a bearer token's auth): what it sees is the API's answer to a call carrying
  // the credential.
  const accepted = new CredentialWatch();
  const client = createApiClient<Paths, Table, Filled>({
    operations: setup.operations,
    baseUrl,
    headers: { ...setup.headers, "User-Agent": userAgent(options.userAgent) },
    transport: accepted.watching(setup.transport?.(transport) ?? transport),
    secrets: setup.secrets,
    middleware: [
      ...(keyed.length > 0 ? [idempotencyKey(baseUrl, keyed)] : []),
      ...(setup.middleware ?? []),
    ],
  });
  // A gateway may take the key in the base URL's path; the destination is written to journals and errors.
  const destination = setup.secrets.scrub(destinationOf(baseUrl, setup.account));
  return Object.assign(client, {
    destination,
    whenCredentialAccepted: (listener: () => void) => accepted.whenAccepted(listener),
  });
}

/**
 * The operations the vendor makes idempotent: those whose spec documents an `Idempotency-Key` header. Each
 * of their requests gets one (a UUID v4 unless the caller set one), and only they count as safe to replay for
 * carrying one; no other POST is replayed after an ambiguous failure, whatever headers it carries.
 */
export function idempotentOperations(operations: OperationTable): OperationSpec[] {
  return Object.values(operations).filter((operation) =>
    operation.requestHeaders.some((name) => name.toLowerCase() === "idempotency-key"),
  );
}
