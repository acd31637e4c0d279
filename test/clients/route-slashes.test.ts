// A route reached with a trailing slash (`/v2/users/batch/`) or a slash written twice (`/v2//users/batch`),
// which the simulators (a trailing slash) and many servers (nginx merges slashes) route as the route
// itself: FullStory's keyed writes still carry an Idempotency-Key, the same on a retry, so a lost answer
// cannot import twice; Propeller's token endpoint gets the credentials the call carries, and no token first.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("a keyed write spelled with extra slashes", () => {
  it.each(["/v2/users/batch/", "/v2/users/", "/v2//users/batch", "//v2/users//"])(
    "raw.POST %s carries a key, the same on its retry",
    async (path) => {
      const f = seededFaker(`slashed path ${path}`);
      const keys: (string | null)[] = [];
      server.use(
        http.post(`${HOSTS.fullstory}/*`, ({ request }) => {
          keys.push(request.headers.get("idempotency-key"));
          return HttpResponse.json({ code: "unavailable", message: "later" }, { status: 500 });
        }),
      );
      const client = createFullStoryClient({
        apiKey: fullStoryApiKey(f),
        maxRetries: 1,
        sleep: async () => {},
      });
      await client.raw.POST(path as "/v2/users/batch", {
        body: { requests: [{ uid: f.string.uuid() }] },
      });
      expect(keys).toEqual([expect.stringMatching(UUID_V4), keys[0]]);
    },
  );

  it("a base URL ending in a slash keys the batch path too", async () => {
    const f = seededFaker("slashed base url");
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${HOSTS.fullstory}/*`, ({ request }) => {
        keys.push(request.headers.get("idempotency-key"));
        return HttpResponse.json({}, { status: 400 });
      }),
    );
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      baseUrl: `${HOSTS.fullstory}/fs//`,
      maxRetries: 0,
    });
    await client.raw.POST("/v2/users/batch/" as "/v2/users/batch", { body: { requests: [] } });
    expect(keys).toEqual([expect.stringMatching(UUID_V4)]);
  });
});

describe("the token endpoint spelled with extra slashes", () => {
  it.each(["/oauth2/token/", "/oauth2//token", "//oauth2/token"])(
    "raw.POST %s: one request, no token",
    async (path) => {
      const f = seededFaker(`slashed token path ${path}`);
      const [clientId, clientSecret] = [f.string.alphanumeric(12), f.string.alphanumeric(24)];
      const sent: [string, string | null][] = [];
      server.use(
        http.post(`${HOSTS.propeller}/*`, ({ request }) => {
          sent.push([new URL(request.url).pathname, request.headers.get("authorization")]);
          return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
        }),
      );
      const client = createPropellerClient({ clientId, clientSecret, maxRetries: 0 });
      const { response } = await client.raw.POST(path as "/oauth2/token", {
        body: {
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
        },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      });
      expect(response.status).toBe(401);
      expect(sent).toEqual([[path, null]]);
    },
  );
});
