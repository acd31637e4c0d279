// A Propeller call waits for its OAuth2 access token before it sends anything. Aborting the call must end
// that wait at once, and must stop the token request (each one carries the client secret) unless another call
// still waits for the same token.
import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { containing } from "../support/matchers.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const f = seededFaker("token abort");
const credentials = { clientId: f.string.uuid(), clientSecret: f.string.alphanumeric(32) };
const tokenUrl = `${HOSTS.propeller}/oauth2/token`;
const bulkUrl = `${HOSTS.propeller}/v2/users/bulk/sourceId`;

const user = () => ({ source: "CRM", sourceId: f.string.alphanumeric(8) });
const bulkOk = (request: Request) =>
  request.json().then((body: { users: { sourceId: string }[] }) =>
    HttpResponse.json({
      data: body.users.map((u) => ({
        action: "create",
        key: u.sourceId,
        lookupKey: "sourceId",
        success: true,
      })),
      messages: [],
      total: body.users.length,
    }),
  );

/** Lets go of every token request a test held back, so none outlives it. */
let releaseHeld: () => void = () => {};
afterEach(() => releaseHeld());

/** A token endpoint that holds every request until `release()`, then issues a token. */
function heldTokenEndpoint() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  releaseHeld = release;
  const seen: Request[] = [];
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  server.use(
    http.post(tokenUrl, async ({ request }) => {
      seen.push(request);
      arrived();
      await released;
      return HttpResponse.json({
        access_token: f.string.alphanumeric(24),
        expires_in: 1800,
        token_type: "Bearer",
      });
    }),
  );
  return { seen, firstArrived, release };
}

describe("aborting a Propeller call that waits for its token", () => {
  it("ends the wait at once, failing `aborted`, while the token endpoint has not answered", async () => {
    const token = heldTokenEndpoint();
    const bulk: Request[] = [];
    server.use(http.post(bulkUrl, ({ request }) => (bulk.push(request), bulkOk(request))));
    const controller = new AbortController();
    const call = createPropellerClient(credentials).bulkUsersBySourceId({
      body: { users: [user()] },
      signal: controller.signal,
    });
    await token.firstArrived;
    controller.abort();
    // Before the fix, the call settled only once the token endpoint answered: here, never.
    const result = await call;
    expect(result.ok ? "ok" : result.error.status).toBe("aborted");
    expect(bulk).toHaveLength(0);
  }, 5_000);

  it("sends no further token request once the only waiting call aborted", async () => {
    let tokenRequests = 0;
    server.use(
      http.post(tokenUrl, () => {
        tokenRequests += 1;
        return HttpResponse.json({ error: "server_error" }, { status: 500 });
      }),
    );
    const controller = new AbortController();
    const client = createPropellerClient({
      ...credentials,
      // The token request is between retries when the caller gives up.
      sleep: () => {
        controller.abort();
        return new Promise((resolve) => setImmediate(resolve));
      },
    });
    const result = await client.bulkUsersBySourceId({
      body: { users: [user()] },
      signal: controller.signal,
    });
    expect(result.ok ? "ok" : result.error.status).toBe("aborted");
    expect(tokenRequests).toBe(1);
  });

  it("lets a call that still waits have the shared token", async () => {
    const token = heldTokenEndpoint();
    server.use(http.post(bulkUrl, ({ request }) => bulkOk(request)));
    const client = createPropellerClient(credentials);
    // The call that goes on asks first: its token request is the one the aborted call joins.
    const waiting = client.bulkUsersBySourceId({ body: { users: [user()] } });
    const controller = new AbortController();
    const aborted = client.bulkUsersBySourceId({
      body: { users: [user()] },
      signal: controller.signal,
    });
    await token.firstArrived;
    controller.abort();
    const first = await aborted;
    expect(first.ok ? "ok" : first.error.status).toBe("aborted");
    token.release();
    expect((await waiting).ok).toBe(true);
    expect(token.seen).toHaveLength(1);
  }, 5_000);

  it("asks for no token for a call whose signal aborted before it began", async () => {
    const token = heldTokenEndpoint();
    const result = await createPropellerClient(credentials).bulkUsersBySourceId({
      body: { users: [user()] },
      signal: AbortSignal.abort(),
    });
    expect(result.ok ? "ok" : result.error.status).toBe("aborted");
    expect(token.seen).toHaveLength(0);
  }, 5_000);

  it("an import aborted while its chunk waits for the token fails its records `aborted`", async () => {
    const token = heldTokenEndpoint();
    const controller = new AbortController();
    void token.firstArrived.then(() => controller.abort());
    const report = await importUsers(createPropellerClient(credentials), [user(), user()], {
      signal: controller.signal,
    });
    expect(report.outcomes).toHaveLength(2);
    for (const outcome of report.outcomes) {
      // Nothing went out, and the reason says so, whatever the engine adds about a request that did.
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: containing("waiting for an access token: the request was not sent"),
      });
    }
    expect(token.seen).toHaveLength(1);
  }, 5_000);
});

describe("tokenRefreshBeforeMs", () => {
  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])(
    "%s is refused with a RangeError naming the option",
    (value) => {
      expect(() => createPropellerClient({ ...credentials, tokenRefreshBeforeMs: value })).toThrow(
        new RangeError(
          `tokenRefreshBeforeMs: expected a duration in ms from 0 to 2147483647, got ${value}`,
        ),
      );
    },
  );

  it("0 is accepted: the token is renewed when it expires, not before", () => {
    expect(() => createPropellerClient({ ...credentials, tokenRefreshBeforeMs: 0 })).not.toThrow();
  });
});
