// A Propeller simulator on the simulator core: the OAuth2 client-credentials token endpoint and bulk users by
// source id, answered as specs/propeller.yaml says, with tokens and users kept in memory.
import type { components } from "../../generated/propeller.js";
import { document } from "../../generated/propeller.document.js";
import { rules } from "../../generated/propeller.rules.js";
import { json } from "./faults.js";
import { createSimulatorKit } from "./kit/simulator-kit.js";
import type * as shapes from "./propeller/types.js";
import * as words from "./propeller/wording.js";
import { DropConnection } from "./simulator.js";

export type * from "./propeller/types.js";

type Schemas = components["schemas"];
type BulkUser = Schemas["BulkUser"];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type StoredUser = Mutable<shapes.SimulatedPropellerUser> & { fields: BulkUser; requests: number[] };

/** Propeller's error envelope, e.g. for a test's scripted answer: `json(propellerError(…), status)`. */
export function propellerError(
  status: number,
  code: number,
  type: string,
  messages: string[],
): Schemas["ErrorResponse"] {
  return { error: { code, messages, moreInfo: `${words.MORE_INFO}/${code}`, status, type } };
}

/** The key `faults.reject` and `rejectRate` decide a user by: `source:sourceId`, then `:LANGUAGE` if any. */
export function propellerRecordKey(
  user: Pick<BulkUser, "source" | "sourceId" | "primaryLanguage">,
) {
  const language =
    user.primaryLanguage === undefined ? "" : `:${user.primaryLanguage.toUpperCase()}`;
  return `${user.source}:${String(user.sourceId)}${language}`;
}

/** The match key: source + sourceId (a number and its decimal string match) + language, case-insensitive. */
const matchKey = (user: BulkUser) =>
  JSON.stringify([user.source, String(user.sourceId), user.primaryLanguage?.toUpperCase() ?? ""]);
const sourceKey = (source: string, sourceId: string | number) =>
  JSON.stringify([source, String(sourceId)]);

/**
 * A stateful Propeller: `POST /oauth2/token` (operation `getAccessToken`) and `POST /v2/users/bulk/sourceId`
 * (`bulkUsersBySourceId`), under `basePath`; any other path or method is a 404 10008 NotFound.
 *
 * - Token: a form-urlencoded body checked against `TokenRequest` (missing field, other media type → 400
 *   `invalid_request`; another grant type → 400 `unsupported_grant_type`); wrong client id / secret → 401
 *   `invalid_client`. Issues `sim-token-<n>` living `expiresIn` seconds on the `now` clock.
 * - Bulk: `Authorization: Bearer <token>` missing, unknown, expired or revoked → 401 (ErrorResponse). A
 *   body that is not JSON → 400 10005 InvalidJSONPayload. A body that breaks `BulkUsersBySourceIdRequest`,
 *   holds more than `maxUsers` users or lacks a `requiredFields` field → 400 10007
 *   SchemaValidationException, nothing written, one message per problem in the vendor's (everit) style,
 *   pointing at the item: `#/users/3: required key [sourceId] not found`, `#/users/0: extraneous key
 *   [nickname] is not permitted`, `#/users/1/addresses/0/country: string [nl] does not match pattern …`.
 * - A valid request upserts each user in order, matched on source + sourceId + primaryLanguage (fields
 *   left out keep their value). Each gets `{ action, id, key: sourceId, lookupKey: "sourceId", success }`.
 *   Per-item failures (`success: false`, `error`, nothing written), as the spec's `partialFailure` example
 *   shows: a `parent` that does not exist (by id: a stored user or an `existingParents` id; by source +
 *   sourceId: a stored user or an existing parent; UNCONFIRMED whether Propeller answers 404 70007 for the
 *   whole request instead), an attribute outside `definedAttributes`, and a refusal by `faults.rejectRate`
 *   or `faults.reject` (by {@link propellerRecordKey}, decided once per key and only for a user not stored
 *   yet: a re-sent user is updated, never refused, and a refusal counts in `rejected` once). A user written
 *   again by a later request counts in `rewrites`; `duplicates` (two users for one key) cannot happen here,
 *   as at Propeller.
 * - Faults: applied first (on the token endpoint too unless `tokenFaults: false`), with Propeller's error
 *   envelope (OAuth error shape on the token endpoint); 429 and 5xx are not in the spec, so clients see
 *   them as `undocumented`. A request whose caller gave up before it was processed (during a slow fault)
 *   is not processed. A lost answer comes after a request was processed in full.
 */
export function createPropellerSimulator(
  options: shapes.PropellerSimulatorOptions = {},
): shapes.PropellerSimulator {
  const { clientId = "sim-client", clientSecret = "sim-secret", expiresIn = 1800 } = options;
  const now = options.now ?? Date.now;
  const defined = options.definedAttributes && new Set(options.definedAttributes);
  const parents = options.existingParents ?? [];
  const tokens = new Map<string, Mutable<shapes.SimulatedToken>>();
  const users = new Map<string, StoredUser>();
  const usersById = new Map<number, StoredUser>();
  /** source + sourceId (any language) of every stored user, for `parent` lookups. */
  const sources = new Set<string>();
  let nextUserId = 1000;
  let bulkRequests = 0;
  let answers = 0;
  let rewrites = 0;

  const requestId = () => ({ "X-Request-Id": `sim-request-${++answers}` });
  const oauthError = (status: number, error: string, error_description: string) =>
    json({ error, error_description } satisfies Schemas["OAuthError"], status);
  const unauthorized = (why: string) =>
    json(propellerError(401, 401, "Unauthorized", [`Unauthorized: ${why}`]), 401);

  const kit = createSimulatorKit({
    document,
    basePath: options.basePath,
    faults: options.faults,
    faultBody(status, operation) {
      const [type, message, oauth] = words.FAULT_ANSWERS[status] ?? [
        "Error",
        "Error",
        "server_error",
      ];
      return operation === "getAccessToken"
        ? { error: oauth, error_description: "fault" }
        : propellerError(status, status, type, [message]);
    },
    notFound: () => json(propellerError(404, 10008, "NotFound", ["Resource not found"]), 404),
    authenticate(request, operation) {
      if (operation === "getAccessToken") return undefined;
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
      if (bearer === null) return unauthorized("missing Bearer access token");
      const token = tokens.get(bearer[1]!);
      if (token === undefined || token.revoked) return unauthorized("invalid token");
      return now() >= token.expiresAt ? unauthorized("token expired") : undefined;
    },
    spared: (operation) => operation === "getAccessToken" && options.tokenFaults === false,
  });

  async function issueToken(request: Request): Promise<Response> {
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get("content-type") ?? ""))
      return oauthError(400, "invalid_request", "expected a form-urlencoded body");
    const fields = Object.fromEntries(new URLSearchParams(await request.text()).entries());
    if (fields["grant_type"] !== undefined && fields["grant_type"] !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
    const problems = kit.validate("#/components/schemas/TokenRequest", fields);
    if (problems.length > 0) return oauthError(400, "invalid_request", problems.join("; "));
    if (fields["client_id"] !== clientId || fields["client_secret"] !== clientSecret)
      return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
    const token = `sim-token-${tokens.size + 1}`;
    const issuedAt = now();
    tokens.set(token, { token, issuedAt, expiresAt: issuedAt + expiresIn * 1000, revoked: false });
    const scope = "profile";
    return json({ access_token: token, expires_in: expiresIn, token_type: "Bearer", scope });
  }

  async function bulk(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      const refusal = propellerError(400, 10005, "InvalidJSONPayload", ["Invalid JSON Payload"]);
      return json(refusal, 400, requestId());
    }
    const problems = schemaProblems(
      body,
      (pointer, value) => kit.validate(pointer, value),
      options,
    );
    if (problems.length > 0) {
      const refusal = propellerError(400, 10007, "SchemaValidationException", problems);
      return json(refusal, 400, requestId());
    }
    const number = ++bulkRequests;
    const data = (body as Schemas["BulkUsersBySourceIdRequest"]).users.map(
      (user): Schemas["BulkUserResult"] => {
        const existing = users.get(matchKey(user));
        const action = existing === undefined ? "create" : "update";
        const base = { action, key: user.sourceId, lookupKey: "sourceId" } as const;
        const problem = itemProblem(user, existing === undefined);
        if (problem !== undefined) return { ...base, success: false, error: problem };
        const stored = existing ?? create(user, number);
        if (!stored.requests.includes(number)) {
          rewrites += 1;
          stored.requests.push(number);
        }
        stored.fields = { ...stored.fields, ...user };
        return { ...base, id: stored.id, success: true };
      },
    );
    const answer: Schemas["BulkUsersResponse"] = {
      data,
      messages: ["Completed"],
      total: data.length,
    };
    return json(answer, 200, requestId());
  }

  function create(user: BulkUser, request: number): StoredUser {
    const { source, sourceId, primaryLanguage } = user;
    const stored: StoredUser = {
      id: nextUserId++,
      source,
      sourceId,
      ...(primaryLanguage === undefined ? {} : { primaryLanguage }),
      fields: { ...user },
      requests: [request],
    };
    users.set(matchKey(user), stored);
    usersById.set(stored.id, stored);
    sources.add(sourceKey(source, sourceId));
    return stored;
  }

  /** Why one user of a valid request is not written, or undefined. */
  function itemProblem(user: BulkUser, isNew: boolean): string | undefined {
    const { parent } = user;
    if (parent !== undefined && "id" in parent) {
      if (!usersById.has(parent.id) && !parents.some((p) => p.id === parent.id))
        return `Parent user with id [${parent.id}] not found.`;
    } else if (parent !== undefined) {
      const wanted = sourceKey(parent.source, parent.sourceId);
      const given = parents.some(
        (p) => p.sourceId !== undefined && sourceKey(p.source ?? "", p.sourceId) === wanted,
      );
      if (!sources.has(wanted) && !given)
        return `Parent user with sourceId [${parent.sourceId}] not found.`;
    }
    const unknown = user.attributes?.find((a) => defined !== undefined && !defined.has(a.name));
    if (unknown !== undefined) return `Attribute [${unknown.name}] not found.`;
    if (isNew && kit.faults.verdict(propellerRecordKey(user)).refused)
      return "User could not be saved (simulated rejection).";
    return undefined;
  }

  // A caller that gave up before its request was processed (while a slow fault held it) leaves no trace.
  const unlessGone =
    (answer: (request: Request) => Promise<Response>) => (call: { request: Request }) =>
      call.request.signal.aborted ? Promise.reject(new DropConnection()) : answer(call.request);
  const handlers = {
    getAccessToken: unlessGone(issueToken),
    bulkUsersBySourceId: unlessGone(bulk),
  };

  return {
    vendor: "propeller",
    basePath: kit.basePath,
    handle: (request) => kit.handle(request, handlers),
    // One user per match key by construction: the store is keyed by it.
    stats: () => kit.stats({ users: users.size, duplicates: 0, rewrites }),
    setFaults: (faults) => kit.faults.setOptions(faults),
    users: () =>
      [...users.values()].map((u) => ({
        ...u,
        fields: structuredClone(u.fields),
        requests: [...u.requests],
      })),
    tokensIssued: () => [...tokens.values()].map((t) => ({ ...t })),
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

/** The body's problems as Propeller words them (everit style), one message per problem, or none. */
function schemaProblems(
  body: unknown,
  validate: (pointer: string, value: unknown) => string[],
  options: shapes.PropellerSimulatorOptions,
): string[] {
  const problems = new Set<string>();
  const sent = (body as { users?: unknown } | null)?.users;
  const users: unknown[] = Array.isArray(sent) ? sent : [];
  if (options.maxUsers !== undefined && users.length > options.maxUsers)
    problems.add(
      `#/users: expected maximum item count: ${options.maxUsers}, found: ${users.length}`,
    );
  for (const problem of validate("#/components/schemas/BulkUsersBySourceIdRequest", body)) {
    const space = problem.indexOf(" ");
    const path = problem.slice(0, space) === "/" ? "" : problem.slice(0, space);
    for (const message of everit(path, problem.slice(space + 1), body)) problems.add(message);
  }
  users.forEach((user, n) => {
    for (const field of options.requiredFields ?? [])
      if (isObject(user) && !(field in user))
        problems.add(`#/users/${n}: required key [${field}] not found`);
  });
  return [...problems];
}

/** An ajv problem at `path` as Propeller's everit validator words it. */
function everit(path: string, message: string, body: unknown): string[] {
  // `parent` is a oneOf of two closed objects: ajv reports every branch; Propeller says it once.
  const parent = /^(\/users\/\d+\/parent)(\/|$)/.exec(path);
  if (parent !== null) return [`#${parent[1]}: ${words.PARENT_MISMATCH}`];
  let value = body;
  for (const key of path.split("/").slice(1))
    value = isObject(value) ? Reflect.get(value, key) : value;
  // One message per extraneous key, named, where ajv says "additional properties" once.
  const closed = words.CLOSED_AT.find(([pattern]) => pattern.test(path))?.[1];
  if (message === "must NOT have additional properties" && closed && isObject(value)) {
    const allowed: object = rules[closed].properties;
    const extra = Object.keys(value).filter((key) => !(key in allowed));
    return extra.map((key) => `#${path}: extraneous key [${key}] is not permitted`);
  }
  for (const [pattern, word] of words.EVERIT) {
    const match = pattern.exec(message);
    if (match !== null) return [`#${path}: ${word(match, value)}`];
  }
  return [`#${path}: ${message}`];
}

const isObject = (value: unknown): value is object => value !== null && typeof value === "object";
