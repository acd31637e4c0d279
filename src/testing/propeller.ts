// A Propeller simulator: the OAuth2 client-credentials token endpoint and bulk users by source id, answered
// as specs/propeller.yaml says, with tokens and users kept in memory. See `createPropellerSimulator`.
import type { components } from "../../generated/propeller.js";
import { document } from "../../generated/propeller.document.js";
import { FaultInjector, json, type FaultOptions } from "./faults.js";
import { createRequestValidator } from "./request-validator.js";
import { DropConnection, type SimulatorStats, type VendorSimulator } from "./simulator.js";

type Schemas = components["schemas"];
type BulkUser = Schemas["BulkUser"];

export interface PropellerSimulatorOptions {
  /** The OAuth2 client id the token endpoint accepts. Default `sim-client`. */
  clientId?: string;
  /** The OAuth2 client secret the token endpoint accepts. Default `sim-secret`. */
  clientSecret?: string;
  /** Lifetime of issued tokens in seconds (`expires_in`). Default 1800. */
  expiresIn?: number;
  /** The clock tokens expire by, in ms. Default `Date.now`. */
  now?: () => number;
  /** Path prefix the simulator serves under, e.g. `/propeller`. Default "". */
  basePath?: string;
  faults?: FaultOptions;
  /** Whether `faults` also hit `POST /oauth2/token`. Default true. */
  tokenFaults?: boolean;
  /**
   * Most users per bulk request; more is a 400 (10007). Default unlimited: the vendor's limit is
   * UNCONFIRMED (a sibling endpoint allows 2,000).
   */
  maxUsers?: number;
  /** Parents (user groups) that exist before any import, for `parent` by id or by source + sourceId. */
  existingParents?: readonly { id: number; source?: string; sourceId?: string | number }[];
  /**
   * Names of the user attributes defined in Propeller. When given, a user setting another attribute fails
   * (per item). Default: every attribute is defined.
   */
  definedAttributes?: readonly string[];
}

/** An issued access token. */
export interface SimulatedToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
}

/** A user as the simulator stores it. */
export interface SimulatedPropellerUser {
  /** Propeller id, assigned on create (1000, 1001, …). */
  readonly id: number;
  readonly source: string;
  readonly sourceId: string | number;
  readonly primaryLanguage?: string;
  /** Every field written so far: a field left out of an update keeps its value. */
  readonly fields: Readonly<BulkUser>;
  /** Indexes (1-based) of the bulk requests that wrote the user, in order. */
  readonly requests: readonly number[];
}

export interface PropellerSimulator extends VendorSimulator {
  readonly vendor: "propeller";
  /** The users stored, in order of creation. */
  users(): SimulatedPropellerUser[];
  /** Every token issued, in order. */
  tokensIssued(): SimulatedToken[];
  /** Makes `token` invalid: the next call with it gets a 401. */
  revokeToken(token: string): void;
  /** Makes every issued token expired: the next call with any of them gets a 401. */
  expireAllTokens(): void;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}

const TOKEN_PATH = "/oauth2/token";
const BULK_PATH = "/v2/users/bulk/sourceId";
const MORE_INFO = "https://www.propel.us/docs/errors";
const FIRST_USER_ID = 1000;

let validator: ((pointer: string, value: unknown) => string[]) | undefined;
const validate = (pointer: string, value: unknown) =>
  (validator ??= createRequestValidator(document))(pointer, value);

/** The property names of a schema of the spec (its closed key set). */
function schemaKeys(name: string): ReadonlySet<string> {
  const schemas = (document["components"] as Record<string, unknown> | undefined)?.["schemas"];
  const schema = (schemas as Record<string, unknown> | undefined)?.[name];
  const properties = (schema as Record<string, unknown> | undefined)?.["properties"];
  return new Set(Object.keys((properties ?? {}) as object));
}

/** Which closed schema applies at a JSON pointer of the request body (parent, a oneOf, is handled apart). */
const SCHEMA_AT: readonly [RegExp, string][] = [
  [/^$/, "BulkUsersBySourceIdRequest"],
  [/^\/users\/\d+$/, "BulkUser"],
  [/^\/users\/\d+\/addresses\/\d+$/, "Address"],
  [/^\/users\/\d+\/attributes\/\d+$/, "UserAttributeValue"],
];

function propellerError(
  status: number,
  code: number,
  type: string,
  messages: string[],
): Schemas["ErrorResponse"] {
  return { error: { code, messages, moreInfo: `${MORE_INFO}/${code}`, status, type } };
}

const FAULT_TYPES: Record<number, [string, string]> = {
  429: ["TooManyRequests", "Too many requests"],
  500: ["InternalServerError", "Internal server error"],
  503: ["ServiceUnavailable", "Service unavailable"],
};
const OAUTH_FAULTS: Record<number, string> = {
  429: "slow_down",
  500: "server_error",
  503: "temporarily_unavailable",
};

interface MutableUser {
  id: number;
  source: string;
  sourceId: string | number;
  primaryLanguage?: string;
  fields: BulkUser;
  requests: number[];
}

interface MutableToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/** The match key: source + sourceId (a number and its decimal string match) + language, case-insensitive. */
const matchKey = (source: string, sourceId: string | number, language?: string) =>
  JSON.stringify([source, String(sourceId), language?.toUpperCase() ?? ""]);
const sourceKey = (source: string, sourceId: string | number) =>
  JSON.stringify([source, String(sourceId)]);

/**
 * A stateful Propeller: `POST /oauth2/token` and `POST /v2/users/bulk/sourceId`, under `basePath`.
 *
 * - Token: a form-urlencoded body checked against `TokenRequest` (missing field, other media type → 400
 *   `invalid_request`; another grant type → 400 `unsupported_grant_type`); wrong client id / secret → 401
 *   `invalid_client`. Issues `sim-token-<n>` living `expiresIn` seconds on the `now` clock.
 * - Bulk: `Authorization: Bearer <token>` missing, unknown, expired or revoked → 401 (ErrorResponse). A
 *   body that is not JSON → 400 10005 InvalidJSONPayload. A body that breaks `BulkUsersBySourceIdRequest`,
 *   or holds more than `maxUsers` users → 400 10007 SchemaValidationException, nothing written, with one
 *   message per problem in the vendor's (everit) style, pointing at the item: `#/users/3: required key
 *   [sourceId] not found`, `#/users/0: extraneous key [nickname] is not permitted`,
 *   `#/users/1/addresses/0/country: string [nl] does not match pattern ^[A-Z]{2}$`.
 * - A valid request upserts each user in order, matched on source + sourceId + primaryLanguage (fields
 *   left out keep their value). Each gets `{ action, id, key: sourceId, lookupKey: "sourceId", success }`.
 *   Per-item failures (`success: false`, `error`, nothing written), as the spec's `partialFailure` example
 *   shows for a missing parent: a `parent` that does not exist (by id: a stored user or an
 *   `existingParents` id; by source + sourceId: a stored user or an existing parent; UNCONFIRMED whether
 *   Propeller answers 404 70007 for the whole request instead), an attribute outside `definedAttributes`,
 *   and `rejectRate` (decided once per match key, and only for a user not stored yet: a re-sent user is
 *   updated, never refused, and a refusal counts in `rejected` once). A user written again by a later request
 *   counts in `rewrites`; `duplicates` (two users for one key) cannot happen here, as at Propeller.
 * - Faults: applied first (on the token endpoint too unless `tokenFaults: false`), with Propeller's error
 *   envelope (OAuth error shape on the token endpoint); 429 and 5xx are not in the spec, so clients see
 *   them as `undocumented`. A request whose caller gave up during a slow fault is not processed. A lost
 *   answer comes after a request was processed in full. Script operations: `getAccessToken`,
 *   `bulkUsersBySourceId`.
 */
export function createPropellerSimulator(
  options: PropellerSimulatorOptions = {},
): PropellerSimulator {
  const clientId = options.clientId ?? "sim-client";
  const clientSecret = options.clientSecret ?? "sim-secret";
  const expiresIn = options.expiresIn ?? 1800;
  const now = options.now ?? Date.now;
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const faults = new FaultInjector(options.faults ?? {});
  const defined =
    options.definedAttributes === undefined ? undefined : new Set(options.definedAttributes);
  const requests: Record<string, number> = {};
  const tokens = new Map<string, MutableToken>();
  const users = new Map<string, MutableUser>();
  const usersById = new Map<number, MutableUser>();
  /** source + sourceId (any language) → how many stored users have it, for `parent` lookups. */
  const usersBySource = new Map<string, number>();
  let nextUserId = FIRST_USER_ID;
  let bulkRequests = 0;
  let answers = 0;
  let rewrites = 0;
  let rejected = 0;

  const requestId = () => ({ "X-Request-Id": `sim-request-${++answers}` });

  function oauthError(status: number, error: string, description: string): Response {
    const body: Schemas["OAuthError"] = { error, error_description: description };
    return json(body, status);
  }

  async function issueToken(request: Request): Promise<Response> {
    const contentType = request.headers.get("content-type") ?? "";
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType))
      return oauthError(
        400,
        "invalid_request",
        "expected an application/x-www-form-urlencoded body",
      );
    const form = new URLSearchParams(await request.text());
    const fields = Object.fromEntries(form.entries());
    if (fields["grant_type"] !== undefined && fields["grant_type"] !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
    const problems = validate("#/components/schemas/TokenRequest", fields);
    if (problems.length > 0) return oauthError(400, "invalid_request", problems.join("; "));
    if (fields["client_id"] !== clientId || fields["client_secret"] !== clientSecret)
      return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
    const token = `sim-token-${tokens.size + 1}`;
    const issuedAt = now();
    tokens.set(token, {
      token,
      issuedAt,
      expiresAt: issuedAt + expiresIn * 1000,
      revoked: false,
    });
    const body: Schemas["TokenResponse"] = {
      access_token: token,
      expires_in: expiresIn,
      token_type: "Bearer",
      scope: "profile",
    };
    return json(body);
  }

  function unauthorized(message: string): Response {
    return json(propellerError(401, 401, "Unauthorized", [message]), 401);
  }

  function authenticate(request: Request): Response | undefined {
    const header = request.headers.get("authorization");
    const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return unauthorized("Unauthorized: missing Bearer access token");
    const token = tokens.get(match[1]!);
    if (token === undefined || token.revoked) return unauthorized("Unauthorized: invalid token");
    if (now() >= token.expiresAt) return unauthorized("Unauthorized: token expired");
    return undefined;
  }

  function badRequest(code: number, type: string, messages: string[]): Response {
    return json(propellerError(400, code, type, messages), 400, requestId());
  }

  function parentProblem(parent: BulkUser["parent"]): string | undefined {
    if (parent === undefined) return undefined;
    if ("id" in parent) {
      const exists =
        usersById.has(parent.id) || (options.existingParents ?? []).some((p) => p.id === parent.id);
      return exists ? undefined : `Parent user with id [${parent.id}] not found.`;
    }
    const wanted = sourceKey(parent.source, parent.sourceId);
    const exists =
      (usersBySource.get(wanted) ?? 0) > 0 ||
      (options.existingParents ?? []).some(
        (p) =>
          p.source !== undefined &&
          p.sourceId !== undefined &&
          sourceKey(p.source, p.sourceId) === wanted,
      );
    return exists ? undefined : `Parent user with sourceId [${parent.sourceId}] not found.`;
  }

  async function bulk(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return badRequest(10005, "InvalidJSONPayload", ["Invalid JSON Payload"]);
    }
    const problems = schemaProblems(body);
    const count =
      body !== null &&
      typeof body === "object" &&
      Array.isArray((body as { users?: unknown }).users)
        ? (body as { users: unknown[] }).users.length
        : 0;
    if (options.maxUsers !== undefined && count > options.maxUsers)
      problems.unshift(
        `#/users: expected maximum item count: ${options.maxUsers}, found: ${count}`,
      );
    if (problems.length > 0) return badRequest(10007, "SchemaValidationException", problems);

    const request_ = ++bulkRequests;
    const data: Schemas["BulkUserResult"][] = [];
    for (const user of (body as Schemas["BulkUsersBySourceIdRequest"]).users) {
      const key = matchKey(user.source, user.sourceId, user.primaryLanguage);
      const existing = users.get(key);
      const base = {
        action: existing === undefined ? ("create" as const) : ("update" as const),
        key: user.sourceId,
        lookupKey: "sourceId",
      };
      const unknownAttribute =
        defined === undefined
          ? undefined
          : (user.attributes ?? []).find((a) => !defined.has(a.name))?.name;
      let problem =
        parentProblem(user.parent) ??
        (unknownAttribute === undefined ? undefined : `Attribute [${unknownAttribute}] not found.`);
      if (problem === undefined && existing === undefined) {
        const verdict = faults.verdict(key);
        if (verdict.refused) {
          if (!verdict.again) rejected++;
          problem = "User could not be saved (simulated rejection).";
        }
      }
      if (problem !== undefined) {
        data.push({ ...base, success: false, error: problem });
        continue;
      }
      if (existing === undefined) {
        const created: MutableUser = {
          id: nextUserId++,
          source: user.source,
          sourceId: user.sourceId,
          ...(user.primaryLanguage === undefined ? {} : { primaryLanguage: user.primaryLanguage }),
          fields: { ...user },
          requests: [request_],
        };
        users.set(key, created);
        usersById.set(created.id, created);
        const bySource = sourceKey(user.source, user.sourceId);
        usersBySource.set(bySource, (usersBySource.get(bySource) ?? 0) + 1);
        data.push({ ...base, id: created.id, success: true });
      } else {
        if (!existing.requests.includes(request_)) {
          if (existing.requests.length > 0) rewrites++;
          existing.requests.push(request_);
        }
        existing.fields = { ...existing.fields, ...user };
        data.push({ ...base, id: existing.id, success: true });
      }
    }
    const answer: Schemas["BulkUsersResponse"] = {
      data,
      messages: ["Completed"],
      total: data.length,
    };
    return json(answer, 200, requestId());
  }

  return {
    vendor: "propeller",
    basePath,

    async handle(request) {
      const method = request.method.toUpperCase();
      const full = new URL(request.url).pathname;
      const path =
        basePath === ""
          ? full
          : full === basePath || full.startsWith(`${basePath}/`)
            ? full.slice(basePath.length) || "/"
            : undefined;
      const known = path === TOKEN_PATH || path === BULK_PATH;
      const label = `${method} ${known ? path : full}`;
      requests[label] = (requests[label] ?? 0) + 1;

      const isToken = path === TOKEN_PATH;
      const respond = async (): Promise<Response> => {
        if (!known)
          return json(propellerError(404, 10008, "NotFound", ["Resource not found"]), 404);
        if (method !== "POST")
          return json(propellerError(405, 405, "MethodNotAllowed", ["Method not allowed"]), 405);
        if (isToken) return issueToken(request);
        return authenticate(request) ?? (await bulk(request));
      };
      if (isToken && options.tokenFaults === false) return respond();
      const operation =
        method !== "POST" || !known
          ? "unknown"
          : isToken
            ? "getAccessToken"
            : "bulkUsersBySourceId";
      return faults.run(
        { operation, writes: method === "POST" },
        (status) => {
          if (isToken)
            return { error: OAUTH_FAULTS[status] ?? "server_error", error_description: "fault" };
          const [type, message] = FAULT_TYPES[status] ?? ["Error", "Error"];
          return propellerError(status, status, type, [message]);
        },
        request,
        () => {
          // The caller gave up while the request was still queued (a slow fault): it is never processed.
          if (request.signal.aborted) throw new DropConnection();
          return respond();
        },
      );
    },

    stats(): SimulatorStats {
      return {
        requests: { ...requests },
        faults: { ...faults.counts },
        users: users.size,
        // One user per match key by construction: the store is keyed by it.
        duplicates: 0,
        rewrites,
        duplicateWrites: 0,
        rejected,
      };
    },

    setFaults(next) {
      faults.setOptions(next);
    },

    users() {
      return [...users.values()].map((u) => ({
        ...u,
        fields: structuredClone(u.fields),
        requests: [...u.requests],
      }));
    },

    tokensIssued() {
      return [...tokens.values()].map((t) => ({ ...t }));
    },

    revokeToken(token) {
      const issued = tokens.get(token);
      if (issued !== undefined) issued.revoked = true;
    },

    expireAllTokens() {
      const at = now();
      for (const token of tokens.values()) token.expiresAt = Math.min(token.expiresAt, at);
    },
  };
}

/** The body's schema violations as Propeller words them (everit style), or none. */
function schemaProblems(body: unknown): string[] {
  const messages: string[] = [];
  const add = (m: string) => {
    if (!messages.includes(m)) messages.push(m);
  };
  for (const problem of validate("#/components/schemas/BulkUsersBySourceIdRequest", body)) {
    const space = problem.indexOf(" ");
    const path = problem.slice(0, space) === "/" ? "" : problem.slice(0, space);
    const message = problem.slice(space + 1);
    // `parent` is a oneOf of two closed objects: ajv reports every branch; Propeller says it once.
    const parent = /^(\/users\/\d+\/parent)(\/|$)/.exec(path);
    if (parent !== null) {
      add(
        `#${parent[1]}: #: 0 subschemas matched instead of one (expected {id} or {source, sourceId})`,
      );
      continue;
    }
    add(`#${path}: ${everit(path, message, body)}`);
  }
  // One message per extraneous key, as Propeller names them, in place of ajv's generic one.
  return messages.flatMap((m) => {
    const match = /^#(\S*): must NOT have additional properties$/.exec(m);
    if (match === null) return [m];
    const path = match[1]!;
    const name = SCHEMA_AT.find(([pattern]) => pattern.test(path))?.[1];
    const value = pointerValue(body, path);
    if (name === undefined || value === null || typeof value !== "object") return [m];
    const allowed = schemaKeys(name);
    return Object.keys(value)
      .filter((k) => !allowed.has(k))
      .map((k) => `#${path}: extraneous key [${k}] is not permitted`);
  });
}

/** Rewords an ajv message in the style of the everit validator Propeller uses. */
function everit(path: string, message: string, body: unknown): string {
  const value = pointerValue(body, path);
  let m: RegExpExecArray | null;
  if ((m = /^must have required property '(.+)'$/.exec(message)) !== null)
    return `required key [${m[1]}] not found`;
  if ((m = /^must be ([a-z,]+)$/.exec(message)) !== null)
    return `expected type: ${m[1]!
      .split(",")
      .map((t) => t[0]!.toUpperCase() + t.slice(1))
      .join(" or ")}, found: ${jsonType(value)}`;
  if (message === "must be equal to one of the allowed values")
    return `${JSON.stringify(value)} is not a valid enum value`;
  if ((m = /^must match pattern "(.+)"$/.exec(message)) !== null)
    return `string [${String(value)}] does not match pattern ${m[1]}`;
  if ((m = /^must NOT have fewer than (\d+) items$/.exec(message)) !== null)
    return `expected minimum item count: ${m[1]}, found: ${Array.isArray(value) ? value.length : 0}`;
  return message;
}

function jsonType(value: unknown): string {
  if (value === null) return "Null";
  if (Array.isArray(value)) return "JSONArray";
  if (typeof value === "object") return "JSONObject";
  if (typeof value === "number") return Number.isInteger(value) ? "Integer" : "BigDecimal";
  if (typeof value === "boolean") return "Boolean";
  return "String";
}

/** The value at a JSON pointer (`/users/0/email`), or undefined. */
function pointerValue(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let node = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
