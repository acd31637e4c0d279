// The Propeller simulator, driven by the project's typed client: in msw and over loopback HTTP.
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import {
  createPropellerClient,
  type PropellerClient,
  type PropellerClientOptions,
} from "../../src/propeller/client.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import {
  createPropellerSimulator,
  type PropellerSimulatorOptions,
} from "../../src/testing/propeller.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { HOSTS, useMswServer } from "../support/msw.js";

type BulkUser = components["schemas"]["BulkUser"];

const server = useMswServer();
const BULK_URL = `${HOSTS.propeller}/v2/users/bulk/sourceId`;
const TOKEN_URL = `${HOSTS.propeller}/oauth2/token`;

function setup(
  options: PropellerSimulatorOptions = {},
  client: Partial<PropellerClientOptions> = {},
) {
  const sim = createPropellerSimulator(options);
  server.use(...simulatorHandlers(sim, HOSTS.propeller));
  const propeller = createPropellerClient({
    clientId: "sim-client",
    clientSecret: "sim-secret",
    maxRetries: 0,
    sleep: async () => {},
    ...client,
  });
  return { sim, propeller };
}

/** The simulator's 400 to a bulk request of `users` (any other answer fails the test). */
async function refused(propeller: PropellerClient, users: readonly unknown[]) {
  const result = await propeller.bulkUsersBySourceId({ body: { users: users as BulkUser[] } });
  if (result.ok || result.error.status !== 400) throw new Error("expected a 400");
  return result.error;
}

/** Serves `sim` on loopback; msw lets requests to it through to the real network. */
async function serve(sim: Parameters<typeof serveSimulator>[0]) {
  const running = await serveSimulator(sim);
  server.use(http.all(`${running.url}/*`, () => passthrough()));
  return running;
}

const miles: BulkUser = {
  source: "REST-API",
  sourceId: 3002196,
  firstName: "Miles",
  lastName: "McCoy",
  email: "miles@propel.us",
};
const anna: BulkUser = {
  source: "CRM",
  sourceId: "CRM-000482",
  firstName: "Anna",
  primaryLanguage: "NL",
  addresses: [{ type: "delivery", street: "Keizersgracht", city: "Amsterdam", country: "NL" }],
  attributes: [{ name: "LOYALTY_TIER", value: "gold", class: "user" }],
};

/** A token straight from the token endpoint, bypassing the client. */
async function token(form: Record<string, string>): Promise<Response> {
  return fetch(TOKEN_URL, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

describe("Propeller simulator: bulk users by source id", () => {
  it("creates, then updates on the next request, counting the second write as a rewrite", async () => {
    const { sim, propeller } = setup();
    const first = await propeller.bulkUsersBySourceId({ body: { users: [miles, anna] } });
    if (!first.ok) throw first.error;
    expect(first.data).toEqual({
      data: [
        { action: "create", id: 1000, key: 3002196, lookupKey: "sourceId", success: true },
        { action: "create", id: 1001, key: "CRM-000482", lookupKey: "sourceId", success: true },
      ],
      messages: ["Completed"],
      total: 2,
    });
    expect(first.headers["x-request-id"]).toBeTruthy();
    // The bulk page lists `return-format` on the 200 and the 400; the value is the spec's illustrative one.
    expect(first.headers["return-format"]).toBe("json");
    expect(sim.stats()).toMatchObject({ users: 2, duplicateWrites: 0 });

    const second = await propeller.bulkUsersBySourceId({
      body: { users: [{ source: "REST-API", sourceId: "3002196", phone: "0032445888" }] },
    });
    expect(second.ok && second.data.total).toBe(1);
    expect(second.ok && second.data.data[0]).toEqual({
      action: "update",
      id: 1000,
      key: "3002196",
      lookupKey: "sourceId",
      success: true,
    });
    expect(sim.users()[0]).toMatchObject({
      id: 1000,
      fields: { firstName: "Miles", phone: "0032445888", email: "miles@propel.us" },
      requests: [1, 2],
    });
    expect(sim.stats()).toEqual({
      requests: { "POST /oauth2/token": 1, "POST /v2/users/bulk/sourceId": 2 },
      faults: {},
      users: 2,
      duplicates: 0,
      rewrites: 1,
      duplicateWrites: 0,
      rejected: 0,
    });
    expect(sim.tokensIssued().map((t) => t.token)).toEqual(["sim-token-1"]);
  });

  it("matches on the language too, and within one request writes a user once", async () => {
    const { sim, propeller } = setup();
    const result = await propeller.bulkUsersBySourceId({
      body: {
        users: [
          { ...anna, primaryLanguage: "NL" },
          { ...anna, primaryLanguage: "EN" },
          { ...anna, primaryLanguage: "nl", lastName: "Dijk" },
        ],
      },
    });
    expect(result.ok && result.data.data.map((d) => [d.action, d.id])).toEqual([
      ["create", 1000],
      ["create", 1001],
      ["update", 1000],
    ]);
    expect(sim.users().map((u) => u.primaryLanguage)).toEqual(["NL", "EN"]);
    expect(sim.stats()).toMatchObject({ users: 2, duplicateWrites: 0 });
  });

  it("answers the same over loopback HTTP", async () => {
    const sim = createPropellerSimulator({ basePath: "/propeller" });
    const running = await serve(sim);
    try {
      const propeller = createPropellerClient({
        clientId: "sim-client",
        clientSecret: "sim-secret",
        baseUrl: `${running.url}/propeller`,
        maxRetries: 0,
        sleep: async () => {},
      });
      const result = await propeller.bulkUsersBySourceId({ body: { users: [miles] } });
      expect(result.ok && result.data.total).toBe(1);
      expect(sim.stats().users).toBe(1);
    } finally {
      await running.close();
    }
  });

  it("fails an item whose parent does not exist, and finds parents stored or given", async () => {
    const { sim, propeller } = setup({ existingParents: [{ id: 119 }] });
    const result = await propeller.bulkUsersBySourceId({
      body: {
        users: [
          { source: "CRM", sourceId: "ORG-0042" },
          { source: "CRM", sourceId: "A", parent: { source: "CRM", sourceId: "ORG-0042" } },
          { source: "CRM", sourceId: "B", parent: { source: "CRM", sourceId: "ORG-9999" } },
          { source: "CRM", sourceId: "C", parent: { id: 119 } },
          { source: "CRM", sourceId: "D", parent: { id: 1000 } },
          { source: "CRM", sourceId: "E", parent: { id: 5 } },
        ],
      },
    });
    if (!result.ok) throw result.error;
    expect(result.data.data.map((d) => d.success)).toEqual([true, true, false, true, true, false]);
    expect(result.data.data[2]).toEqual({
      action: "create",
      key: "B",
      lookupKey: "sourceId",
      success: false,
      error: "Parent user with sourceId [ORG-9999] not found.",
    });
    expect(result.data.data[5]?.error).toBe("Parent user with id [5] not found.");
    expect(sim.users().map((u) => u.sourceId)).toEqual(["ORG-0042", "A", "C", "D"]);
    expect(sim.stats().rejected).toBe(0);
  });

  it("finds a parent given by source and sourceId, and none by the id the next user will get", async () => {
    const { sim, propeller } = setup({
      existingParents: [{ id: 7, source: "ERP", sourceId: "ORG-1" }],
    });
    const result = await propeller.bulkUsersBySourceId({
      body: {
        users: [
          { source: "CRM", sourceId: "A", parent: { source: "ERP", sourceId: "ORG-1" } },
          { source: "CRM", sourceId: "B", parent: { id: 1001 } },
        ],
      },
    });
    if (!result.ok) throw result.error;
    expect(result.data.data.map((d) => d.error)).toEqual([
      undefined,
      "Parent user with id [1001] not found.",
    ]);
    expect(sim.users().map((u) => u.sourceId)).toEqual(["A"]);
  });

  it("fails an item setting an attribute that is not defined, when definitions are given", async () => {
    const { propeller } = setup({ definedAttributes: ["LOYALTY_TIER"] });
    const result = await propeller.bulkUsersBySourceId({
      body: {
        users: [anna, { ...miles, attributes: [{ name: "SHOE_SIZE", value: 44 }] }],
      },
    });
    expect(result.ok && result.data.data.map((d) => d.error)).toEqual([
      undefined,
      "Attribute [SHOE_SIZE] not found.",
    ]);
  });

  it("asks faults.reject by source:sourceId:LANGUAGE, the language in capitals", async () => {
    const asked: string[] = [];
    const { sim, propeller } = setup({
      faults: {
        reject: (key) => {
          asked.push(key);
          return key === "CRM:7:NL";
        },
      },
    });
    const result = await propeller.bulkUsersBySourceId({
      body: {
        users: [
          { source: "CRM", sourceId: 7, primaryLanguage: "nl" },
          { source: "CRM", sourceId: 7, primaryLanguage: "EN" },
          { source: "CRM", sourceId: 7 },
        ],
      },
    });
    if (!result.ok) throw result.error;
    expect(result.data.data.map((d) => d.success)).toEqual([false, true, true]);
    expect(asked).toEqual(["CRM:7:NL", "CRM:7:EN", "CRM:7"]);
    expect(sim.stats().rejected).toBe(1);
  });

  it("gives copies of its users and tokens: changing one changes nothing in the simulator", async () => {
    const { sim, propeller } = setup();
    expect((await propeller.bulkUsersBySourceId({ body: { users: [miles] } })).ok).toBe(true);

    const [user] = sim.users();
    const [issued] = sim.tokensIssued();
    if (user === undefined || issued === undefined) throw new Error("nothing stored");
    user.fields.firstName = "Changed";
    user.requests.push(99);
    issued.revoked = true;
    issued.expiresAt = 0;

    expect(sim.users()[0]).toMatchObject({ fields: { firstName: "Miles" }, requests: [1] });
    expect(sim.tokensIssued()[0]).toMatchObject({ revoked: false });
    expect((await propeller.bulkUsersBySourceId({ body: { users: [anna] } })).ok).toBe(true);
    expect(sim.tokensIssued()).toHaveLength(1);
  });

  it("refuses a share of items with rejectRate, in Propeller's per-item way", async () => {
    const { sim, propeller } = setup({ faults: { rejectRate: 0.5, seed: 3 } });
    const users = Array.from({ length: 40 }, (_, i) => ({ source: "CRM", sourceId: i }));
    const result = await propeller.bulkUsersBySourceId({ body: { users } });
    if (!result.ok) throw result.error;
    const failed = result.data.data.filter((d) => !d.success);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(40);
    expect(failed.every((d) => d.error !== undefined && d.id === undefined)).toBe(true);
    expect(result.data.data.map((d) => d.key)).toEqual(users.map((u) => u.sourceId));
    expect(sim.stats()).toMatchObject({ users: 40 - failed.length, rejected: failed.length });
  });
});

describe("Propeller simulator: refusals", () => {
  it("refuses a spec-invalid body whole with 10007, naming each bad item by index", async () => {
    const { sim, propeller } = setup();
    const users = [
      { ...miles, nickname: "Miles" },
      { ...anna, gender: "X" },
      { source: "CRM" },
      miles,
      { ...anna, addresses: [{ type: "delivery", street: "S", city: "C", country: "NLD" }] },
    ];
    const error = await refused(propeller, users);
    expect(error.headers["return-format"]).toBe("json");
    expect(error.body.error).toMatchObject({
      code: 10007,
      status: 400,
      type: "SchemaValidationException",
      moreInfo: "https://www.propel.us/docs/errors/10007",
    });
    expect(error.body.error.messages).toEqual([
      "#/users/0: extraneous key [nickname] is not permitted",
      '#/users/1/gender: "X" is not a valid enum value',
      "#/users/2: required key [sourceId] not found",
      "#/users/4/addresses/0/country: string [NLD] does not match pattern ^[A-Za-z]{2}$",
    ]);
    expect(sim.stats().users).toBe(0);
  });

  it("names the type found as everit does, each extraneous key of an address, and a short name", async () => {
    const { sim, propeller } = setup();
    const address = { type: "delivery", street: "S", city: "C", country: "NL" };
    const users = [
      { ...miles, firstName: null },
      { ...miles, firstName: 1.5 },
      { ...miles, firstName: ["Miles"] },
      { ...miles, firstName: true },
      { ...miles, firstName: { given: "Miles" } },
      { ...miles, firstName: 7 },
      { ...anna, addresses: [{ ...address, floor: 2, door: "b" }] },
      { ...anna, attributes: [{ name: "", value: "gold" }] },
    ];
    expect((await refused(propeller, users)).body.error.messages).toEqual([
      "#/users/0/firstName: expected type: String, found: Null",
      "#/users/1/firstName: expected type: String, found: BigDecimal",
      "#/users/2/firstName: expected type: String, found: JSONArray",
      "#/users/3/firstName: expected type: String, found: Boolean",
      "#/users/4/firstName: expected type: String, found: JSONObject",
      "#/users/5/firstName: expected type: String, found: Integer",
      "#/users/6/addresses/0: extraneous key [floor] is not permitted",
      "#/users/6/addresses/0: extraneous key [door] is not permitted",
      "#/users/7/attributes/0/name: must NOT have fewer than 1 characters",
    ]);
    expect(sim.stats().users).toBe(0);
  });

  it("names a problem of the body as a whole by #, and takes exactly maxUsers users", async () => {
    const { sim, propeller } = setup({ maxUsers: 2 });
    const send = (body: object) =>
      propeller.bulkUsersBySourceId({ body: body as { users: BulkUser[] } });
    const messagesOf = (result: Awaited<ReturnType<typeof send>>) =>
      !result.ok && result.error.status === 400 && result.error.body.error.messages;

    expect(messagesOf(await send({ users: [miles], note: "x" }))).toEqual([
      "#: extraneous key [note] is not permitted",
    ]);
    expect(messagesOf(await send({}))).toEqual(["#: required key [users] not found"]);
    const two = await send({ users: [miles, anna] });
    expect(two.ok && two.data.total).toBe(2);
    expect(sim.stats().users).toBe(2);
  });

  it("names a missing required field of each user that is an object, and a bad parent once", async () => {
    const { propeller } = setup({ requiredFields: ["email"] });
    const users = [
      miles,
      { source: "CRM", sourceId: "N" },
      "just text",
      { ...miles, parent: { source: "CRM" } },
    ];
    expect((await refused(propeller, users)).body.error.messages).toEqual([
      "#/users/2: expected type: Object, found: String",
      "#/users/3/parent: #: 0 subschemas matched instead of one (expected {id} or {source, sourceId})",
      "#/users/1: required key [email] not found",
    ]);
  });

  it("refuses an empty list, a body that is not JSON, and more than maxUsers users", async () => {
    const { sim, propeller } = setup({ maxUsers: 2 });
    const empty = await propeller.bulkUsersBySourceId({ body: { users: [] } });
    expect(!empty.ok && empty.error.status === 400 && empty.error.body.error.messages).toEqual([
      "#/users: expected minimum item count: 1, found: 0",
    ]);
    const tooMany = await propeller.bulkUsersBySourceId({
      body: { users: [miles, anna, { source: "X", sourceId: 1 }] },
    });
    expect(!tooMany.ok && tooMany.error.status === 400 && tooMany.error.body.error).toMatchObject({
      code: 10007,
      messages: ["#/users: expected maximum item count: 2, found: 3"],
    });

    const access = (await (
      await token({
        grant_type: "client_credentials",
        client_id: "sim-client",
        client_secret: "sim-secret",
      })
    ).json()) as { access_token: string };
    const notJson = await fetch(BULK_URL, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${access.access_token}`,
        "Content-Type": "application/json",
      },
      body: "{users:",
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({
      error: { code: 10005, type: "InvalidJSONPayload", status: 400 },
    });
    expect(sim.stats().users).toBe(0);
  });

  it("answers 401 with Propeller's error envelope without a valid Bearer token", async () => {
    setup();
    for (const authorization of [undefined, "Bearer sim-token-99", "Basic abc"]) {
      const response = await fetch(BULK_URL, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(authorization === undefined ? {} : { Authorization: authorization }),
        },
        body: JSON.stringify({ users: [miles] }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 401, status: 401 } });
    }
  });

  it("issues tokens for the right client and refuses the wrong one or a malformed request", async () => {
    const { sim } = setup({ expiresIn: 600 });
    const good = await token({
      grant_type: "client_credentials",
      client_id: "sim-client",
      client_secret: "sim-secret",
    });
    expect(await good.json()).toEqual({
      access_token: "sim-token-1",
      expires_in: 600,
      token_type: "Bearer",
      scope: "profile",
    });
    const wrong = await token({
      grant_type: "client_credentials",
      client_id: "sim-client",
      client_secret: "nope",
    });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([
      401,
      "invalid_client",
    ]);
    const missing = await token({ grant_type: "client_credentials", client_id: "sim-client" });
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([
      400,
      "invalid_request",
    ]);
    const grant = await token({ grant_type: "password", client_id: "a", client_secret: "b" });
    expect([grant.status, ((await grant.json()) as { error: string }).error]).toEqual([
      400,
      "unsupported_grant_type",
    ]);
    expect(sim.tokensIssued()).toHaveLength(1);
  });

  it("takes only a form-urlencoded request for client_credentials naming its own client id", async () => {
    const { sim } = setup();
    const form = {
      grant_type: "client_credentials",
      client_id: "sim-client",
      client_secret: "sim-secret",
    };
    const errorOf = async (response: Response) => [
      response.status,
      ((await response.json()) as { error: string }).error,
    ];

    const asJson = await fetch(TOKEN_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(form),
    });
    expect([asJson.status, await asJson.json()]).toEqual([
      400,
      { error: "invalid_request", error_description: "expected a form-urlencoded body" },
    ]);
    expect(
      await errorOf(await token({ client_id: "sim-client", client_secret: "sim-secret" })),
    ).toEqual([400, "invalid_request"]);
    expect(await errorOf(await token({ ...form, client_id: "another-client" }))).toEqual([
      401,
      "invalid_client",
    ]);
    const capitals = await fetch(TOKEN_URL, {
      method: "POST",
      headers: { "Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8" },
      body: new URLSearchParams(form).toString(),
    });
    expect(capitals.status).toBe(200);
    expect(sim.tokensIssued()).toHaveLength(1);
  });

  it("says in its 401 why: no Bearer token, a token it never issued, or one expired", async () => {
    let clock = 1_000_000;
    setup({ now: () => clock, expiresIn: 60 });
    const issued = (await (
      await token({
        grant_type: "client_credentials",
        client_id: "sim-client",
        client_secret: "sim-secret",
      })
    ).json()) as { access_token: string };
    const call = async (authorization?: string) => {
      const response = await fetch(BULK_URL, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(authorization === undefined ? {} : { Authorization: authorization }),
        },
        body: JSON.stringify({ users: [miles] }),
      });
      const body = (await response.json()) as { error?: { messages: string[] } };
      return [response.status, body.error?.messages];
    };

    expect(await call()).toEqual([401, ["Unauthorized: missing Bearer access token"]]);
    expect(await call("Bearer sim-token-99")).toEqual([401, ["Unauthorized: invalid token"]]);
    // The scheme's case does not matter (RFC 7235).
    expect(await call(`bearer ${issued.access_token}`)).toEqual([200, undefined]);
    clock += 60 * 1000;
    expect(await call(`Bearer ${issued.access_token}`)).toEqual([
      401,
      ["Unauthorized: token expired"],
    ]);
  });

  it("after rotateClient, an earlier token answers 401 and only the new secret gets a token", async () => {
    const { sim } = setup();
    const form = {
      grant_type: "client_credentials",
      client_id: "sim-client",
      client_secret: "sim-secret",
    };
    const before = (await (await token(form)).json()) as { access_token: string };
    sim.rotateClient({ clientSecret: "rotated-secret" });

    const call = await fetch(BULK_URL, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${before.access_token}`,
      },
      body: JSON.stringify({ users: [miles] }),
    });
    expect(call.status).toBe(401);
    expect((await token(form)).status).toBe(401);
    expect((await token({ ...form, client_secret: "rotated-secret" })).status).toBe(200);
    expect(sim.tokensIssued().map((t) => t.revoked)).toEqual([true, false]);
    expect(sim.stats().users).toBe(0);
  });

  it("answers a path it does not serve with 404 and the spec's not-found body", async () => {
    setup();
    const response = await fetch(`${HOSTS.propeller}/v2/users/unknown`, { method: "GET" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 10008, status: 404, type: "NotFound", messages: ["Resource not found"] },
    });
  });

  it("gives the client's auth variant when its credentials are refused", async () => {
    const { sim, propeller } = setup({}, { clientSecret: "wrong" });
    const result = await propeller.bulkUsersBySourceId({ body: { users: [miles] } });
    expect(!result.ok && result.error.status).toBe("auth");
    expect(sim.stats().requests).toEqual({ "POST /oauth2/token": 1 });
  });

  it("makes a revoked or expired token fail once; the client renews it and the call succeeds", async () => {
    let clock = 1_000_000;
    const { sim, propeller } = setup({ now: () => clock });
    expect((await propeller.bulkUsersBySourceId({ body: { users: [miles] } })).ok).toBe(true);

    sim.revokeToken("sim-token-1");
    expect((await propeller.bulkUsersBySourceId({ body: { users: [anna] } })).ok).toBe(true);
    sim.expireAllTokens();
    expect((await propeller.bulkUsersBySourceId({ body: { users: [anna] } })).ok).toBe(true);
    clock += 1800 * 1000;
    expect((await propeller.bulkUsersBySourceId({ body: { users: [anna] } })).ok).toBe(true);

    expect(sim.tokensIssued().map((t) => [t.token, t.revoked])).toEqual([
      ["sim-token-1", true],
      ["sim-token-2", false],
      ["sim-token-3", false],
      ["sim-token-4", false],
    ]);
    expect(sim.tokensIssued()[3]?.expiresAt).toBe(clock + 1800 * 1000);
    expect(sim.stats().requests).toEqual({
      "POST /oauth2/token": 4,
      "POST /v2/users/bulk/sourceId": 7,
    });
  });
});

describe("Propeller simulator: faults", () => {
  const body = { body: { users: [miles] } };

  it("answers 429 with Retry-After in Propeller's error envelope", async () => {
    const { sim, propeller } = setup({
      faults: { rate429: 1, retryAfterSeconds: 3 },
      tokenFaults: false,
    });
    const result = await propeller.bulkUsersBySourceId(body);
    if (result.ok || result.error.status !== "undocumented") throw new Error("expected a 429");
    expect(result.error.httpStatus).toBe(429);
    expect(result.error.headers["retry-after"]).toBe("3");
    expect(result.error.body).toMatchObject({ error: { code: 429, status: 429 } });
    expect(sim.stats()).toMatchObject({ faults: { "429": 1 }, users: 0 });
  });

  it("answers 500 and 503 in turn", async () => {
    const { sim, propeller } = setup({ faults: { rate5xx: 1 }, tokenFaults: false });
    const statuses = [];
    for (let i = 0; i < 2; i++) {
      const result = await propeller.bulkUsersBySourceId(body);
      statuses.push(
        !result.ok && result.error.status === "undocumented" && result.error.httpStatus,
      );
    }
    expect(statuses).toEqual([500, 503]);
    expect(sim.stats()).toMatchObject({ faults: { "5xx": 2 }, users: 0 });
  });

  it("words an injected fault as OAuth at the token endpoint, in Propeller's envelope at the bulk one", async () => {
    const form = {
      grant_type: "client_credentials",
      client_id: "sim-client",
      client_secret: "sim-secret",
    };
    const answered = async (response: Response): Promise<unknown[]> => [
      response.status,
      (await response.json()) as unknown,
    ];
    setup({ faults: { rate429: 1, retryAfterSeconds: 1 } });
    expect(await answered(await token(form))).toEqual([
      429,
      { error: "slow_down", error_description: "fault" },
    ]);
    setup({ faults: { rate5xx: 1 } });
    expect([await answered(await token(form)), await answered(await token(form))]).toEqual([
      [500, { error: "server_error", error_description: "fault" }],
      [503, { error: "temporarily_unavailable", error_description: "fault" }],
    ]);

    const { propeller } = setup({ faults: { rate5xx: 1 }, tokenFaults: false });
    const bodies = [];
    for (let i = 0; i < 2; i++) {
      const result = await propeller.bulkUsersBySourceId(body);
      bodies.push(!result.ok && result.error.status === "undocumented" && result.error.body);
    }
    expect(bodies).toEqual([
      {
        error: {
          code: 500,
          status: 500,
          type: "InternalServerError",
          messages: ["Internal server error"],
          moreInfo: "https://www.propel.us/docs/errors/500",
        },
      },
      {
        error: {
          code: 503,
          status: 503,
          type: "ServiceUnavailable",
          messages: ["Service unavailable"],
          moreInfo: "https://www.propel.us/docs/errors/503",
        },
      },
    ]);
  });

  it("faults the token endpoint too by default: a token endpoint that is down is a passing network failure", async () => {
    const { sim, propeller } = setup({ faults: { rate5xx: 1 } });
    const result = await propeller.bulkUsersBySourceId(body);
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.message).toMatch(/no access token/);
    expect(sim.stats().requests).toEqual({ "POST /oauth2/token": 1 });
  });

  it("drops the connection: a network error, in msw and over HTTP", async () => {
    const { propeller } = setup({ faults: { rateDrop: 1 }, tokenFaults: false });
    const viaMsw = await propeller.bulkUsersBySourceId(body);
    expect(!viaMsw.ok && viaMsw.error.status).toBe("network");

    const sim = createPropellerSimulator({ faults: { rateDrop: 1 }, tokenFaults: false });
    const running = await serve(sim);
    try {
      const client = createPropellerClient({
        clientId: "sim-client",
        clientSecret: "sim-secret",
        baseUrl: running.url,
        maxRetries: 0,
        sleep: async () => {},
      });
      const viaHttp = await client.bulkUsersBySourceId(body);
      expect(!viaHttp.ok && viaHttp.error.status).toBe("network");
      expect(sim.stats()).toMatchObject({ faults: { drop: 1 }, users: 0 });
    } finally {
      await running.close();
    }
  });

  it("answers slowly: past the client's timeout the call times out and nothing is written", async () => {
    const sim = createPropellerSimulator({
      faults: { rateSlow: 1, slowMs: 10_000 },
      tokenFaults: false,
    });
    const running = await serve(sim);
    try {
      const client = createPropellerClient({
        clientId: "sim-client",
        clientSecret: "sim-secret",
        baseUrl: running.url,
        maxRetries: 0,
        // The token request has the same timeout, and must not miss it on a busy machine.
        timeoutMs: 1_000,
        sleep: async () => {},
      });
      const result = await client.bulkUsersBySourceId(body);
      expect(!result.ok && result.error.status).toBe("timeout");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sim.stats()).toMatchObject({ faults: { slow: 1 }, users: 0 });
    } finally {
      await running.close();
    }
  });
});
