// Propeller on the simulator kit (see createPropellerSimulator); a bulk body that breaks the schema,
// `maxUsers` or `requiredFields` is refused in everit's words (./propeller/everit.ts).
// - Users are upserted in order, matched on source + sourceId + primaryLanguage; fields left out keep their
//   value, lists sent replace theirs. UNCONFIRMED (the docs say only "identified by sourceId, source and
//   language"): a number matching its decimal string, the language's case ignored, the update. Items fail one
//   by one (as the spec's `partialFailure` example) for an unknown parent (UNCONFIRMED: Propeller may answer
//   404 70007 for the whole request instead), an attribute outside `definedAttributes`, or a refusal
//   (`faults`).
import { STATUS_CODES } from "node:http";
import type { components } from "../../generated/propeller.js";
import { document } from "../../generated/propeller.document.js";
import type { PropellerUser } from "../propeller/validate.js";
import { booleanOption, wholeNumberOption } from "../core/options.js";
import { json, type FaultOptions } from "./faults.js";
import { documentedExample } from "./kit/examples.js";
import { createSimulatorKit } from "./kit/simulator-kit.js";
import { everitProblems } from "./propeller/everit.js";
import type { SimulatorOptions } from "./simulator.js";

type Schemas = components["schemas"];

/**
 * How {@link createPropellerSimulator} behaves: the client credentials it accepts, token lifetime, faults,
 * and the tenant's data (required fields, parents, attributes).
 */
export interface PropellerSimulatorOptions extends SimulatorOptions {
  /**
   * The OAuth2 client id the token endpoint accepts.
   * @default "sim-client"
   */
  clientId?: string | undefined;
  /**
   * The OAuth2 client secret the token endpoint accepts.
   * @default "sim-secret"
   */
  clientSecret?: string | undefined;
  /** Lifetime of issued tokens in seconds. @default 1800 (the spec's token example's `expires_in`) */
  expiresIn?: number | undefined;
  /** The clock tokens expire by, in ms. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Faults to inject. `rejectRate` and `reject` refuse a user not stored yet, decided once per
   * {@link propellerRecordKey}; it fails alone in the bulk answer.
   */
  faults?: FaultOptions | undefined;
  /** Whether `faults` also hit the token endpoint. @default true */
  tokenFaults?: boolean | undefined;
  /** Most users per bulk request (Propeller's limit is UNCONFIRMED). @default unlimited */
  maxUsers?: number | undefined;
  /** Fields the tenant requires of every user beyond `source` and `sourceId`. @default none */
  requiredFields?: readonly string[] | undefined;
  /**
   * Parents that exist before any import (user groups or companies, presumably: the sources give only a
   * parent's shapes). @default none
   */
  existingParents?:
    | readonly {
        /** Its id, for a user's `parent: { id }`. */
        id: number;
        /** Its source, for a user's `parent: { source, sourceId }`. */
        source?: string;
        /** Its sourceId, for a user's `parent: { source, sourceId }`; without it, only `id` names it. */
        sourceId?: string | number;
      }[]
    | undefined;
  /** The user attributes defined in Propeller. @default every attribute is defined */
  definedAttributes?: readonly string[] | undefined;
}

/** A stored user: `id` from `1000` on, every field written so far, the bulk requests (1, 2, …) writing it. */
export type SimulatedPropellerUser = Pick<
  PropellerUser,
  "source" | "sourceId" | "primaryLanguage"
> & {
  /** `1000` for the first user created, `1001` for the next, … */
  id: number;
  /** Every field written so far: each write replaces the fields it sends. */
  fields: PropellerUser;
  /** The number of each bulk request that wrote it (1 for the first that passed the schema), in order. */
  requests: number[];
};

/** An access token the simulator issued; `issuedAt` and `expiresAt` are ms of the `now` clock. */
export type SimulatedToken = Record<"issuedAt" | "expiresAt", number> & {
  /** The token itself: `sim-token-1`, `sim-token-2`, … */
  token: string;
  /** Set by `revokeToken` and `rotateClient`: a call with it gets a 401. */
  revoked: boolean;
};
/** What {@link createPropellerSimulator} returns: a simulator with its users, tokens and token controls. */
export type PropellerSimulator = ReturnType<typeof createPropellerSimulator>;

/** Propeller's error envelope, e.g. for a scripted answer: `Response.json(propellerError(…), { status })`. */
export function propellerError(
  status: number,
  code: number,
  type: string,
  messages: string[],
): Schemas["ErrorResponse"] {
  const moreInfo = `https://www.propel.us/docs/errors/${code}`;
  return { error: { code, messages, moreInfo, status, type } };
}

/** The key `faults.reject` decides a user by: `source:sourceId`, then `:LANGUAGE` if any. */
export function propellerRecordKey(
  user: Pick<PropellerUser, "source" | "sourceId" | "primaryLanguage">,
) {
  const language =
    user.primaryLanguage === undefined ? "" : `:${user.primaryLanguage.toUpperCase()}`;
  return `${user.source}:${String(user.sourceId)}${language}`;
}

const matchKey = (user: PropellerUser) =>
  JSON.stringify([user.source, String(user.sourceId), user.primaryLanguage?.toUpperCase() ?? ""]);
const sourceKey = (source = "", sourceId: string | number) =>
  JSON.stringify([source, String(sourceId)]);
/** The bulk endpoint's error the spec shows under `name`. */
const documented = (status: number, name: string) =>
  documentedExample(document, "bulkUsersBySourceId", status, name);
const OAUTH_FAULTS: Record<number, string> = { 429: "slow_down", 503: "temporarily_unavailable" };
const TOKEN = documentedExample(document, "getAccessToken", 200) as Schemas["TokenResponse"];

/**
 * A Propeller simulator: the token endpoint (client credentials) and the bulk upsert by sourceId, answered
 * as specs/propeller.yaml says. Users are matched on source, sourceId and primaryLanguage, and items fail one
 * by one (an unknown parent or attribute, a refusal). `users()` and `tokensIssued()` return copies; with
 * `revokeToken` and `expireAllTokens` a test makes the next calls answer 401.
 * @throws RangeError naming an option out of range; TypeError for a `faults.script` or `faults.reject`
 *   that is not a function, or a `tokenFaults` that is not a boolean.
 */
export function createPropellerSimulator(options: PropellerSimulatorOptions = {}) {
  // `let`: `rotateClient` replaces them.
  let { clientId = "sim-client", clientSecret = "sim-secret" } = options;
  const expiresIn = wholeNumberOption("expiresIn", options.expiresIn, TOKEN.expires_in);
  wholeNumberOption("maxUsers", options.maxUsers, undefined);
  const tokenFaults = booleanOption("tokenFaults", options.tokenFaults, true);
  const now = options.now ?? Date.now;
  const defined = options.definedAttributes && new Set(options.definedAttributes);
  const parents = options.existingParents ?? [];
  const tokens = new Map<string, SimulatedToken>();
  const users = new Map<string, SimulatedPropellerUser>();
  const sources = new Set<string>(); // source + sourceId of every stored user, for `parent`
  let bulkRequests = 0;
  const oauthError = (status: number, error: string, error_description: string) =>
    json({ error, error_description } satisfies Schemas["OAuthError"], status);
  const unauthorized = (why: string) =>
    json(propellerError(401, 401, "Unauthorized", [`Unauthorized: ${why}`]), 401);

  const kit = createSimulatorKit({
    vendor: "propeller",
    document,
    options,
    // The spec lists no 429 or 5xx: an injected one takes the OAuth or the bulk endpoint's error shape.
    faultBody(status, operation) {
      if (operation === "getAccessToken")
        return { error: OAUTH_FAULTS[status] ?? "server_error", error_description: "fault" };
      const words = (STATUS_CODES[status] ?? "Error").split(" ");
      const message = words.join(" ").replace(/ \w/g, (w) => w.toLowerCase());
      return propellerError(status, status, words.join(""), [message]);
    },
    notFound: () => json(documented(404, "notFound"), 404),
    authenticate(request, operation) {
      if (operation === "getAccessToken") return true;
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
      if (bearer === null) return unauthorized("missing Bearer access token");
      const token = tokens.get(bearer[1]!);
      if (token === undefined || token.revoked) return unauthorized("invalid token");
      return now() >= token.expiresAt ? unauthorized("token expired") : true;
    },
    spared: (operation) => operation === "getAccessToken" && !tokenFaults,
  });
  // The bulk page lists `return-format` on the 200 and 400 with no value: the spec's example (UNCONFIRMED).
  const answer = (body: unknown, status?: number) =>
    kit.answerWithId(body, status, { "return-format": "json" });

  async function issueToken({ request }: { request: Request }): Promise<Response> {
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
    return json({ ...TOKEN, access_token: token, expires_in: expiresIn });
  }

  async function bulk({ request }: { request: Request }): Promise<Response> {
    const { value: body, problems } = await kit.readJson(request, "BulkUsersBySourceIdRequest");
    if (problems === undefined) return answer(documented(400, "invalidJson"), 400);
    const refusals = everitProblems(body, problems, options);
    if (refusals.length > 0)
      return answer(propellerError(400, 10007, "SchemaValidationException", refusals), 400);
    const number = ++bulkRequests;
    const data = (body as Schemas["BulkUsersBySourceIdRequest"]).users.map(
      (user): Schemas["BulkUserResult"] => {
        const existing = users.get(matchKey(user));
        const action = existing === undefined ? "create" : "update";
        const base = { action, key: user.sourceId, lookupKey: "sourceId" } as const;
        const error = itemProblem(user, existing === undefined);
        if (error !== undefined) return { ...base, success: false, error };
        const stored = existing ?? create(user);
        kit.addWriter(stored.requests, number);
        stored.fields = { ...stored.fields, ...user };
        return { ...base, id: stored.id, success: true };
      },
    );
    return answer({ data, messages: ["Completed"], total: data.length });
  }

  /** A new user for `user`'s key, whose fields and requests the write that made it then adds. */
  function create(user: PropellerUser): SimulatedPropellerUser {
    const { source, sourceId, primaryLanguage } = user;
    const id = 1000 + users.size;
    const stored: SimulatedPropellerUser = { id, source, sourceId, fields: user, requests: [] };
    if (primaryLanguage !== undefined) stored.primaryLanguage = primaryLanguage;
    users.set(matchKey(user), stored);
    sources.add(sourceKey(source, sourceId));
    return stored;
  }

  function itemProblem(user: PropellerUser, isNew: boolean): string | undefined {
    const { parent } = user;
    if (parent !== undefined && "id" in parent) {
      // Ids are given from `1000` on, one per stored user, and never taken back.
      const stored = parent.id >= 1000 && parent.id < 1000 + users.size;
      if (!stored && !parents.some((p) => p.id === parent.id))
        return `Parent user with id [${parent.id}] not found.`;
    } else if (parent !== undefined) {
      const wanted = sourceKey(parent.source, parent.sourceId);
      const given = parents.some(
        (p) => p.sourceId !== undefined && sourceKey(p.source, p.sourceId) === wanted,
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

  return {
    ...kit.serve({ getAccessToken: issueToken, bulkUsersBySourceId: bulk }),
    // The store is keyed by the match key: two users for one key cannot happen here (whether they can at
    // Propeller is UNCONFIRMED; its code 70005 UserMultipleFound is named as if they could).
    /** The common counts; `duplicates` is always 0. */
    stats: () => {
      const rewrites = kit.rewritesOf([...users.values()].map((user) => user.requests));
      return kit.stats({ users: users.size, duplicates: 0, rewrites });
    },
    /** The users stored, in order of creation. */
    users: () => structuredClone([...users.values()]),
    /** Every token issued, in order, as copies. */
    tokensIssued: () => [...tokens.values()].map((t) => ({ ...t })),
    /** The next call with `token` gets a 401. */
    revokeToken(token: string) {
      const issued = tokens.get(token);
      if (issued !== undefined) issued.revoked = true;
    },
    /**
     * Rotates the OAuth2 client (a secret revoked after a leak, or a new client of the same tenant): from now
     * on the token endpoint takes only the given id and secret (each one not given stays), and every token
     * issued so far is revoked. Its users stay the tenant's (Propeller matches them on source and sourceId;
     * that the client sending them does not count is UNCONFIRMED); that a token issued before answers 401 is
     * the simulator's choice (UNCONFIRMED).
     */
    rotateClient(next: { clientId?: string; clientSecret?: string }) {
      clientId = next.clientId ?? clientId;
      clientSecret = next.clientSecret ?? clientSecret;
      for (const token of tokens.values()) token.revoked = true;
    },
    /** The next call with any token issued so far gets a 401. */
    expireAllTokens() {
      for (const token of tokens.values()) token.expiresAt = Math.min(token.expiresAt, now());
    },
  };
}
