import type { paths } from "../../generated/propeller.js";
import { operations, servers } from "../../generated/propeller.operations.js";
import { TokenCache, withBearerAuth } from "../core/client/bearer-token.js";
import { createApiClient, type ApiClient } from "../core/client/create-api-client.js";
import { checkedBaseUrl } from "../core/client/base-url.js";
import type { Destined } from "../core/client/destination.js";
import type { CommonClientOptions } from "../core/client/options.js";
import { transportFromOptions, userAgent } from "../core/client/transport-from-options.js";
import { createVendorClient } from "../core/client/vendor-client.js";
import { SecretSet, base64Forms, echoedForms } from "../core/errors/secrets.js";
import { credentialOption, durationOption } from "../core/options.js";
import { abortedByCaller } from "../core/http/failures.js";

/** Propeller's API host (specs/propeller.yaml `servers`). */
export const PROPELLER_HOST: string = servers[0].url;

/**
 * What {@link createPropellerClient} takes: the OAuth2 client credentials, when to renew the token, and the
 * options every client takes.
 */
export interface PropellerClientOptions extends CommonClientOptions {
  /** OAuth2 client id. */
  clientId: string;
  /** OAuth2 client secret; sent only to the token endpoint. */
  clientSecret: string;
  /**
   * Renew the access token this many ms before it expires (at most half its lifetime); 0 renews at expiry.
   * Should that renewal fail, calls go on with the current token until it expires.
   * A value that is not a duration in ms from 0 is refused with a RangeError naming this option.
   * @default 60000
   */
  tokenRefreshBeforeMs?: number | undefined;
}

/** The operations PropellerClient has a method for: the table generated from specs/propeller.yaml. */
export type PropellerOperationTable = typeof operations;

/**
 * A typed Propeller client: one method per operation of specs/propeller.yaml, each resolving to
 * `{ ok, status, data }` or `{ ok: false, error }` with an `ApiError` narrowable by `status` (it never throws
 * for an answer); `raw`, the openapi-fetch client under the same guarantees; and its `destination`.
 */
export type PropellerClient = ApiClient<paths, PropellerOperationTable> & Destined;

/**
 * A typed Propeller client. Calls carry `Authorization: Bearer <token>` from the client-credentials flow:
 * the token is fetched on first use, shared by concurrent calls, renewed before expiry and once after a 401.
 * Each try of a call (a retry after a `Retry-After` or a backoff too) carries the token current as it goes
 * out, never one that lapsed while the call waited.
 * A refused token request gives the operation's `auth` error variant. A call aborted while it waits for a
 * token fails `aborted` at once; the token request is aborted too unless another call still waits for it.
 * @throws RangeError when `tokenRefreshBeforeMs` or a number of {@link CommonClientOptions} is out of range;
 *   TypeError for a missing or blank `clientId` or `clientSecret` (or one holding a lone surrogate), or
 *   another option refused by name.
 */
export function createPropellerClient(options: PropellerClientOptions): PropellerClient {
  credentialOption("clientId", options.clientId);
  credentialOption("clientSecret", options.clientSecret);
  const refreshBeforeMs = durationOption(
    "tokenRefreshBeforeMs",
    options.tokenRefreshBeforeMs,
    undefined,
    { min: 0 },
  );
  const secrets = new SecretSet();
  secrets.add(options.clientSecret);
  // Checked before the token client is made on it, as createVendorClient checks it for the API's.
  const baseUrl = checkedBaseUrl(options.baseUrl ?? PROPELLER_HOST);
  // Asking for a token again has no effect beyond a new token, so token requests retry like GETs do.
  const tokenClient = createApiClient<paths, typeof operations>({
    operations,
    baseUrl,
    headers: { "User-Agent": userAgent(options.userAgent) },
    transport: transportFromOptions({ ...options, replaySafe: () => true }, secrets),
    secrets,
  });
  const tokens = new TokenCache(
    async (signal) => {
      const result = await tokenClient.getAccessToken({
        // Trimmed as the other vendors' keys are (fetch strips a header's edges; a form keeps them): a
        // secret read from a file with its line end would be sent as `…%0A` and refused.
        body: {
          grant_type: "client_credentials",
          client_id: options.clientId.trim(),
          client_secret: options.clientSecret.trim(),
        },
        signal,
      });
      if (!result.ok) {
        // An abort stays an abort; every other failure to get a token is the call's `auth` variant.
        if (result.error.status === "aborted") throw abortedByCaller();
        throw result.error;
      }
      const { access_token: accessToken, expires_in: expiresInSec, token_type } = result.data;
      // An issued token is a secret whether or not it can be sent: the error below may show its type, which a
      // broken endpoint may fill with the token itself.
      secrets.add(accessToken);
      const unusable = unusableToken(accessToken, token_type, options.clientSecret, secrets);
      // No request could carry it: the `auth` variant, as for a refused token; the message names neither
      // the token nor the secret.
      if (unusable !== undefined)
        throw new Error(`getAccessToken (POST ${operations.getAccessToken.path}): ${unusable}`);
      // A token that can be sent is the cache's to hold, added again as it takes it, until no call may quote
      // it: this add held for good would keep every token. Nothing between can quote it: it was never sent.
      secrets.delete(accessToken);
      return { accessToken, expiresInSec };
    },
    secrets,
    refreshBeforeMs === undefined ? {} : { refreshBeforeMs },
  );
  return createVendorClient<paths, typeof operations>(options, {
    operations,
    defaultBaseUrl: PROPELLER_HOST,
    headers: {},
    secrets,
    // The id as sent: one read with its line end is the same client (before, it was never given a token).
    account: `client:${options.clientId.trim()}`,
    transport: (transport) =>
      withBearerAuth(
        transport,
        tokens,
        `${baseUrl.replace(/\/$/, "")}${operations.getAccessToken.path}`,
      ),
  });
}

/**
 * A client secret this long is not part of a token by chance (an 8-character random secret turns up in a
 * 16,000-character token about once in 10^10), so a token holding it echoes it.
 */
const ECHO_CHECKED_SECRET_CHARS = 8;

/**
 * The longest access token sent. Servers take far less in a header (Node's limit for all of a request's
 * headers is 16 KiB, nginx's for one header line 8 KiB by default), so a longer token would only be refused
 * on every request, each carrying megabytes; the generous cap keeps tokens some gateways do take.
 */
const MAX_TOKEN_CHARS = 65_536;

/**
 * Why an issued token cannot be sent as `Authorization: Bearer <token>`, or undefined when it can: its type
 * is not Bearer (compared case-insensitively, as the spec says), or it is empty, over
 * {@link MAX_TOKEN_CHARS}, or holds a character outside visible ASCII, which a header cannot carry as it is
 * (fetch throws on a line break or a character beyond Latin-1, and strips spaces at its ends), or it holds
 * the client secret, as text or base64-encoded (an endpoint echoing the form it was sent, or a JWT copying
 * it), which would then travel on every API request, into the API's and every proxy's logs.
 */
function unusableToken(
  token: string,
  type: string,
  clientSecret: string,
  secrets: SecretSet,
): string | undefined {
  if (type.trim().toLowerCase() !== "bearer") {
    // Scrubbed before it is cut: the secret or the token echoed across the cut would leave a piece too
    // short for the scrubbing of the error it goes into.
    const scrubbed = secrets.scrubRuns(type);
    const shown = JSON.stringify(
      scrubbed.length > 40 ? `${secrets.clip(scrubbed, 40)}…` : scrubbed,
    );
    return `the token endpoint issued a token of type ${shown}, not Bearer`;
  }
  if (token === "") return "the token endpoint issued an empty access token";
  if (token.length > MAX_TOKEN_CHARS)
    return `the token endpoint issued an access token of ${token.length} characters, longer than a request header can carry (at most ${MAX_TOKEN_CHARS} are taken)`;
  if (!/^[\x21-\x7e]+$/.test(token))
    return "the token endpoint issued an access token that is not a valid Bearer token (a character outside visible ASCII)";
  const secret = clientSecret.trim();
  // In every form an echo may carry it: the token request is form-encoded, so an echo holds a secret's `+`,
  // `/` or `=` (a base64 secret) percent-encoded; and base64-encoded, as a JWT's claims copying the form,
  // or a token made of `client_id:client_secret` as HTTP Basic carries them, hold it for whoever decodes it.
  const forms = [...echoedForms(secret)].flatMap((form) => [form, ...base64Forms(form)]);
  if (secret.length >= ECHO_CHECKED_SECRET_CHARS && forms.some((form) => token.includes(form)))
    return "the token endpoint issued an access token that holds the client secret (it echoes its request?): it is not sent";
  return undefined;
}
