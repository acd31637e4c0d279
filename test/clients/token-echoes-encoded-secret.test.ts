// A token endpoint that echoes the form it was sent issues a token holding the client secret, which the
// client refuses to send (README, Propeller tokens). The token request is form-encoded, so an echo holds the
// secret as the form carries it: a secret with `+`, `/` or `=` (a base64 secret) is percent-encoded there,
// and a plain `includes` check misses it while the Authorization header carries it to the API's logs.
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const secret = "Zm9v+YmFy/c2VjcmV0==";
const encoded = new URLSearchParams({ s: secret }).toString().slice(2);

it("a token echoing the form-encoded client secret is not sent to the API", async () => {
  const bulk: string[] = [];
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) =>
      HttpResponse.json({
        // The whole form, as an echo service returns it.
        access_token: await request.text(),
        expires_in: 1800,
        token_type: "Bearer",
      }),
    ),
    http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, ({ request }) => {
      bulk.push(request.headers.get("authorization") ?? "");
      return HttpResponse.json({
        data: [{ action: "create", key: "s-1", lookupKey: "sourceId", success: true }],
        messages: [],
        total: 1,
      });
    }),
  );
  const client = createPropellerClient({
    clientId: "c-1",
    clientSecret: secret,
    sleep: async () => {},
  });
  const result = await client.bulkUsersBySourceId({
    body: { users: [{ source: "CRM", sourceId: "s-1" }] },
  });
  expect(bulk.filter((header) => header.includes(encoded))).toEqual([]);
  expect(result.ok ? "ok" : result.error.status).toBe("auth");
});
