// Propeller's token endpoint reached by another spelling of its path: one that percent-encodes some of its
// letters (`/oauth2/%74oken`), which RFC 3986 (6.2.2.2) makes the same path, or one with a trailing or
// doubled slash (`/oauth2/token/`), which many servers route to the endpoint too: it takes the client
// credentials the call carries, so nothing fetches a token first, and its own refusal is its 401, not `auth`.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

describe("the token endpoint called by another spelling of its path", () => {
  it.each([
    "/oauth2/%74oken",
    "/%6Fauth2/token",
    // Escapes in lower case hex are the same letters.
    "/%6fauth2/to%6ben",
    "/oauth2/token/",
    "/oauth2//token",
    "//oauth2/token",
  ])("raw.POST %s: one request, no token", async (path) => {
    const f = seededFaker(`escaped token path ${path}`);
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
  });
});
