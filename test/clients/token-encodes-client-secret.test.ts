// The client secret is "sent only to the token endpoint" (PropellerClientOptions.clientSecret). A token
// endpoint may issue a token that carries the secret base64-encoded rather than as text: a JWT whose claims
// copy the request's form (`client_secret` among them), or an opaque token that is the base64 of
// `client_id:client_secret`, the credentials HTTP Basic carries. Sent as `Authorization: Bearer …`, either
// takes the secret, recoverable by anyone who decodes it, to the API's and every proxy's logs. So does a token
// that echoes the form itself, where a secret with `+`, `/` or `=` (a base64 secret) is percent-encoded.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const clientId = "c-1";
const secret = "s3cr3t-4fP9xQ-zK7?wR";

const base64url = (text: string) => Buffer.from(text).toString("base64url");
const jwt = (claims: object) =>
  `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}.c2ln`;

/**
 * A token endpoint issuing `token` of the form it was sent (parsed, and as its text); the Authorization headers
 * the API received.
 */
function endpoint(token: (form: URLSearchParams, text: string) => string): string[] {
  const bulk: string[] = [];
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) => {
      const text = await request.text();
      return HttpResponse.json({
        access_token: token(new URLSearchParams(text), text),
        expires_in: 1800,
        token_type: "Bearer",
      });
    }),
    http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, ({ request }) => {
      bulk.push(request.headers.get("authorization") ?? "");
      return HttpResponse.json({
        data: [{ action: "create", key: "s-1", lookupKey: "sourceId", success: true }],
        messages: [],
        total: 1,
      });
    }),
  );
  return bulk;
}

/** One bulk request through a client whose client secret is `clientSecret`. */
const sendOne = (clientSecret: string) =>
  createPropellerClient({ clientId, clientSecret, sleep: async () => {} }).bulkUsersBySourceId({
    body: { users: [{ source: "CRM", sourceId: "s-1" }] },
  });

const decodesToSecret = (header: string) =>
  header
    .replace(/^Bearer /, "")
    .split(".")
    .some((part) => Buffer.from(part, "base64url").toString().includes(secret));

describe("an access token that carries the client secret base64-encoded", () => {
  it.each<[string, (form: URLSearchParams) => string]>([
    ["a JWT whose claims copy the form", (form) => jwt(Object.fromEntries(form))],
    ["a JWT with the secret as its subject", (form) => jwt({ sub: form.get("client_secret") })],
    [
      "the base64 of client_id:client_secret",
      (form) =>
        Buffer.from(`${form.get("client_id")}:${form.get("client_secret")}`).toString("base64"),
    ],
    [
      "the base64 of the secret after one byte",
      (form) => base64url(`x${form.get("client_secret")}`),
    ],
  ])("%s is never sent to the API: the auth variant", async (_, token) => {
    const bulk = endpoint(token);
    const result = await sendOne(secret);
    expect(bulk.filter(decodesToSecret)).toEqual([]);
    expect(result.ok ? "ok" : result.error.status).toBe("auth");
  });

  it("a JWT that carries other claims only is sent", async () => {
    const bulk = endpoint((form) => jwt({ sub: form.get("client_id"), scope: "users" }));
    const result = await sendOne(secret);
    expect(result.ok).toBe(true);
    expect(bulk).toHaveLength(1);
  });
});

it("a token echoing the form-encoded client secret is not sent to the API", async () => {
  const base64Secret = "Zm9v+YmFy/c2VjcmV0==";
  const encoded = new URLSearchParams({ s: base64Secret }).toString().slice(2);
  // The whole form, as an echo service returns it.
  const bulk = endpoint((_, text) => text);
  const result = await sendOne(base64Secret);
  expect(bulk.filter((header) => header.includes(encoded))).toEqual([]);
  expect(result.ok ? "ok" : result.error.status).toBe("auth");
});
