// The client secret is "sent only to the token endpoint" (PropellerClientOptions.clientSecret). A token
// endpoint that echoes the form it was sent (a misrouted echo service, a broken gateway) issues an access
// token that is, or holds, the client secret: the client then sends the secret as `Authorization: Bearer …`
// on every bulk request, where the API's and every proxy's access logs keep it.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const secret = "test-client-secret-4fP9xQ";
const tokenUrl = `${HOSTS.propeller}/oauth2/token`;
const bulkUrl = `${HOSTS.propeller}/v2/users/bulk/sourceId`;

/** A token endpoint whose token is built from the form's client_secret; what reaches the bulk endpoint. */
function echoingEndpoint(token: (clientSecret: string) => string) {
  const bulk: string[] = [];
  server.use(
    http.post(tokenUrl, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const accessToken = token(form.get("client_secret") ?? "");
      return HttpResponse.json({
        access_token: accessToken,
        expires_in: 1800,
        token_type: "Bearer",
      });
    }),
    http.post(bulkUrl, async ({ request }) => {
      const text = await request.text();
      bulk.push(`${request.headers.get("authorization") ?? ""} ${text}`);
      const { users } = JSON.parse(text) as { users: { sourceId: string }[] };
      const data = users.map((u) => ({
        action: "create",
        key: u.sourceId,
        lookupKey: "sourceId",
        success: true,
      }));
      return HttpResponse.json({ data, messages: [], total: data.length });
    }),
  );
  return bulk;
}

const client = () =>
  createPropellerClient({ clientId: "c-1", clientSecret: secret, sleep: async () => {} });

describe("an access token that holds the client secret", () => {
  const TOKENS: Record<string, (s: string) => string> = {
    "is the client secret": (s) => s,
    "holds the client secret": (s) => `echo.${s}.sig`,
  };
  for (const [what, token] of Object.entries(TOKENS)) {
    it(`a token that ${what} is never sent to the API`, async () => {
      const bulk = echoingEndpoint(token);
      const result = await client().bulkUsersBySourceId({
        body: { users: [{ source: "CRM", sourceId: "s-1" }] },
      });
      expect(bulk.filter((sent) => sent.includes(secret))).toEqual([]);
      expect(result.ok ? "ok" : result.error.status).toBe("auth");
      expect(JSON.stringify(result)).not.toContain(secret);
    });
  }

  it("an import stops at once saying why, and the secret reaches nothing but the token endpoint", async () => {
    const bulk = echoingEndpoint((s) => s);
    const input = Array.from({ length: 4 }, (_, i) => ({ source: "CRM", sourceId: `s-${i}` }));
    const report = await importUsers(client(), input, { chunkRecords: 2, concurrency: 1 });
    expect(bulk).toEqual([]);
    expect(report.fatal).toMatch(/access token/);
    expect(JSON.stringify(report)).not.toContain(secret);
  });
});

describe("how long a client secret must be for a token holding it to be refused", () => {
  const bulkWith = (clientSecret: string) =>
    createPropellerClient({
      clientId: "c-1",
      clientSecret,
      sleep: async () => {},
    }).bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: "s-1" }] } });

  it("a secret of 8 characters inside the token is refused: it is no chance match", async () => {
    const bulk = echoingEndpoint((s) => `tok-${s}-sig`);
    const result = await bulkWith("k3Y9pQ2z");
    expect(result.ok ? "ok" : result.error.status).toBe("auth");
    expect(bulk).toEqual([]);
  });

  it("a secret of 7 characters inside the token is taken as chance, so the token is sent", async () => {
    // A short secret turns up in long random tokens by chance: refusing them would lock the client out.
    const bulk = echoingEndpoint((s) => `tok-${s}-sig`);
    const result = await bulkWith("k3Y9pQ2");
    expect(result.ok).toBe(true);
    expect(bulk.map((sent) => sent.split(" ")[1])).toEqual(["tok-k3Y9pQ2-sig"]);
  });
});
