// A stateful msw stand-in for Propeller's bulk user API: OAuth2 client-credentials tokens, the closed
// request schema checked with the spec (a violation is a 400 10007 naming `#/users/<n>` like the real one),
// upserts keyed on source + sourceId with stable ids (a second write of a key answers `action: "update"`),
// per-user failures, and hooks for faults before the request is processed and for answers lost after it.
import { HttpResponse, http } from "msw";
import type { components } from "../../generated/propeller.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { HOSTS, type useMswServer } from "../support/msw.js";
import { loadSpec } from "../support/specs.js";

type Result = components["schemas"]["BulkUserResult"];

export const TOKEN_URL = `${HOSTS.propeller}/oauth2/token`;
export const BULK_URL = `${HOSTS.propeller}/v2/users/bulk/sourceId`;

export interface VendorOptions {
  /** Keys this tenant requires beyond the spec (the vendor's documented example: firstName). */
  requiredKeys?: readonly string[];
  /** Report only the first schema violation of a request. */
  firstViolationOnly?: boolean;
  /** A per-user failure (`success: false` with this text) instead of a write. */
  itemError?: (user: PropellerUser) => string | undefined;
  /** Rewrites `data[]` before it is answered (reorder, drop). */
  rewrite?: (data: Result[]) => Result[];
  /** Answers the n-th bulk request (1-based, counting every attempt) itself when it returns a Response. */
  fault?: (
    n: number,
    users: readonly PropellerUser[],
  ) => Response | undefined | Promise<Response | undefined>;
  /**
   * Called once the n-th bulk request was processed (its users written); a Response it returns replaces
   * the 200, so the answer is lost though the vendor holds the users (a dropped connection, a gateway page).
   */
  loseAnswer?: (
    n: number,
    users: readonly PropellerUser[],
  ) => Response | undefined | Promise<Response | undefined>;
}

/** A 200 whose body breaks off part-way: the connection dropped while the answer was arriving. */
export function cutAnswer(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"data":[{"action":"cre'));
      controller.error(new Error("socket hang up"));
    },
  });
  return new HttpResponse(body, { status: 200, headers: { "Content-Type": "application/json" } });
}

/** A gateway's HTML error page, as a load balancer answers when the upstream answer is lost. */
export const gatewayPage = (status: 502 | 504) =>
  new HttpResponse(
    `<html><head><title>${status}</title></head><body><h1>${status === 502 ? "Bad Gateway" : "Gateway Time-out"}</h1></body></html>`,
    { status, headers: { "Content-Type": "text/html" } },
  );

export const userKey = (user: { source: string; sourceId: string | number }) =>
  `${user.source}:${String(user.sourceId)}`;

export const errorBody = (status: number, code: number, type: string, messages: string[]) =>
  HttpResponse.json(
    {
      error: {
        code,
        messages,
        moreInfo: `https://www.propel.us/docs/errors/${code}`,
        status,
        type,
      },
    },
    { status },
  );

/** Installs the vendor on `server`; what it saw and wrote is on the returned object. */
export function propellerVendor(
  server: ReturnType<typeof useMswServer>,
  options: VendorOptions = {},
) {
  const validate = loadSpec("propeller").validator(
    "#/components/schemas/BulkUsersBySourceIdRequest",
  );
  const issued = new Set<string>();
  const state = {
    tokenRequests: 0,
    /** The users of every bulk request that reached the vendor, in arrival order. */
    requests: [] as PropellerUser[][],
    /** Writes per user key (a create or an update). */
    writes: new Map<string, number>(),
    /** Propeller id per user key: the users the vendor holds, one per key. */
    ids: new Map<string, number>(),
    /** By the request's 1-based number: the `action` of each user it wrote (whether answered or lost). */
    actions: new Map<number, Map<string, "create" | "update">>(),
    /** When set, every bulk request is answered 401 (credentials revoked). */
    revoked: false,
    options,
  };
  let nextId = 1;

  server.use(
    http.post(TOKEN_URL, () => {
      state.tokenRequests += 1;
      const token = `token-${state.tokenRequests}`;
      issued.add(token);
      return HttpResponse.json({ access_token: token, expires_in: 1800, token_type: "Bearer" });
    }),
    http.post(BULK_URL, async ({ request }) => {
      const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      if (!issued.has(token) || state.revoked)
        return errorBody(401, 401, "Unauthorized", ["Unauthorized"]);
      const body = (await request.json()) as { users: PropellerUser[] };
      state.requests.push(body.users);
      const fault = await state.options.fault?.(state.requests.length, body.users);
      if (fault !== undefined) return fault;

      const violations = schemaViolations(validate(body) ? [] : (validate.errors ?? []));
      body.users.forEach((user, n) => {
        for (const key of state.options.requiredKeys ?? []) {
          if (!(key in user)) violations.push(`#/users/${n}: required key [${key}] not found`);
        }
      });
      if (violations.length > 0) {
        return errorBody(
          400,
          10007,
          "SchemaValidationException",
          state.options.firstViolationOnly ? violations.slice(0, 1) : violations,
        );
      }

      const actions = new Map<string, "create" | "update">();
      state.actions.set(state.requests.length, actions);
      const data: Result[] = body.users.map((user) => {
        const key = userKey(user);
        const existing = state.ids.get(key);
        const action = existing === undefined ? "create" : "update";
        const failure = state.options.itemError?.(user);
        const base = { action, key: user.sourceId, lookupKey: "sourceId" } as const;
        if (failure !== undefined) return { ...base, success: false, error: failure };
        const id = existing ?? nextId++;
        state.ids.set(key, id);
        state.writes.set(key, (state.writes.get(key) ?? 0) + 1);
        actions.set(key, action);
        return { ...base, id, success: true };
      });
      const lost = await state.options.loseAnswer?.(state.requests.length, body.users);
      if (lost !== undefined) return lost;
      const answered = state.options.rewrite?.(data) ?? data;
      return HttpResponse.json({
        data: answered,
        messages: ["Completed"],
        total: answered.length,
      });
    }),
  );
  return state;
}

/** Ajv's errors as Propeller words them (`#/users/0: extraneous key [x] is not permitted`). */
function schemaViolations(
  errors: readonly { instancePath: string; keyword: string; params: object; message?: string }[],
): string[] {
  return errors.map((e) => {
    const at = `#${e.instancePath}`;
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    if (e.keyword === "required")
      return `${at}: required key [${params.missingProperty}] not found`;
    if (e.keyword === "additionalProperties")
      return `${at}: extraneous key [${params.additionalProperty}] is not permitted`;
    return `${at}: ${e.message ?? e.keyword}`;
  });
}
