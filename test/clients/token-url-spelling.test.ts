// Propeller's token endpoint called through the client itself (`getAccessToken`, or `raw.POST`) takes the
// client credentials, never an access token: however the base URL is spelled (a host in capitals, the default
// port written out) and whatever query the call adds, nothing fetches a token first, and the endpoint's own
// refusal comes back as its documented 401, not as `auth`.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const TOKEN = `${HOSTS.propeller}/oauth2/token`;

function refusingTokenEndpoint(): (string | null)[] {
  const authorizations: (string | null)[] = [];
  server.use(
    http.post(TOKEN, ({ request }) => {
      authorizations.push(request.headers.get("authorization"));
      return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
    }),
  );
  return authorizations;
}

describe("the token endpoint called through the Propeller client", () => {
  it.each([
    "https://API.HELICE.cloud",
    "https://api.helice.cloud:443",
    "https://api.helice.cloud:443/",
  ])("with baseUrl %s: one request, no token, the 401 variant", async (baseUrl) => {
    const f = seededFaker(`token url ${baseUrl}`);
    const [clientId, clientSecret] = [f.string.alphanumeric(12), f.string.alphanumeric(24)];
    const authorizations = refusingTokenEndpoint();
    const client = createPropellerClient({ clientId, clientSecret, baseUrl, maxRetries: 0 });
    const result = await client.getAccessToken({
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
    });
    expect(!result.ok && result.error.status).toBe(401);
    expect(authorizations).toEqual([null]);
  });

  it("raw.POST with a query: one request, no token", async () => {
    const f = seededFaker("token url query");
    const [clientId, clientSecret] = [f.string.alphanumeric(12), f.string.alphanumeric(24)];
    const authorizations = refusingTokenEndpoint();
    const client = createPropellerClient({ clientId, clientSecret, maxRetries: 0 });
    const { response } = await client.raw.POST("/oauth2/token?audience=api" as "/oauth2/token", {
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
    });
    expect(response.status).toBe(401);
    expect(authorizations).toEqual([null]);
  });
});
