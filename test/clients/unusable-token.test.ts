// Propeller's client-credentials flow when the token endpoint issues a token the client cannot send as a Bearer
// token: one that is no valid header value (a character outside visible ASCII, a line break), an empty one, or
// one whose token_type is not Bearer (the spec: "Token type, `Bearer` (compare case-insensitively)").
// The operation methods "return a result and never throw for an HTTP or network outcome"; no token comes that
// a request could carry, so each is the `auth` variant, nothing reaches the bulk endpoint, and an import stops
// saying why instead of failing every chunk with a runtime's TypeError.
import { randomBytes } from "node:crypto";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const secret = "test-client-secret-7f3Kq9";
const tokenUrl = `${HOSTS.propeller}/oauth2/token`;
const bulkUrl = `${HOSTS.propeller}/v2/users/bulk/sourceId`;
const input = Array.from({ length: 6 }, (_, i) => ({ source: "CRM", sourceId: `s-${i}` }));

/** A token endpoint issuing `token` of `tokenType`; the bulk endpoint records what reaches it. */
function endpoints(token: string, tokenType = "Bearer") {
  const seen = { tokenRequests: 0, bulk: [] as string[] };
  server.use(
    http.post(tokenUrl, () => {
      seen.tokenRequests += 1;
      return HttpResponse.json({ access_token: token, expires_in: 1800, token_type: tokenType });
    }),
    http.post(bulkUrl, async ({ request }) => {
      seen.bulk.push(request.headers.get("authorization") ?? "");
      const body = (await request.json()) as { users: { sourceId: string }[] };
      return HttpResponse.json({
        data: body.users.map((u) => ({
          action: "create",
          key: u.sourceId,
          lookupKey: "sourceId",
          success: true,
        })),
        messages: [],
        total: body.users.length,
      });
    }),
  );
  return seen;
}

const client = () =>
  createPropellerClient({ clientId: "c-1", clientSecret: secret, sleep: async () => {} });
const bulk = (c: ReturnType<typeof client>) =>
  c.bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: "s-1" }] } });

const UNSENDABLE: Record<string, string> = {
  "a character beyond Latin-1": "eyJhbGciOi€JSUzI1NiJ9.payload.sig",
  "a line break": "eyJhbGciOiJSUzI1NiJ9.pay\nload.sig",
  "nothing at all": "",
  // Visible ASCII only: fetch strips a space at a header's end, and DEL is no header character.
  "a space": "eyJhbGciOiJSUzI1NiJ9.pay load.sig",
  "a DEL character": "eyJhbGciOiJSUzI1NiJ9.pay\u007fload.sig",
};

describe("a token the client cannot send as a Bearer token", () => {
  for (const [what, token] of Object.entries(UNSENDABLE)) {
    it(`an access token holding ${what} is the auth variant, not a thrown TypeError`, async () => {
      const seen = endpoints(token);
      const result = await bulk(client()).catch((thrown: unknown) => ({ thrown }));
      expect(result).not.toHaveProperty("thrown");
      if (!("ok" in result) || result.ok) throw new Error("expected an error result");
      expect(result.error.status).toBe("auth");
      expect(seen.bulk).toEqual([]);
      if (token !== "") expect(JSON.stringify(result.error)).not.toContain(token);
    });
  }

  it("an import stops at once with a fatal that says so, sending no chunk", async () => {
    const seen = endpoints(UNSENDABLE["a character beyond Latin-1"]!);
    const report = await importUsers(client(), input, {
      chunkRecords: 2,
      concurrency: 1,
      replayDelayMs: 0,
    });
    expect(report.fatal).toMatch(/access token/);
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual(
      input.map(() => "fatal"),
    );
    expect(seen.bulk).toEqual([]);
    expect(seen.tokenRequests).toBe(1);
    expect(JSON.stringify(report)).not.toContain(secret);
  });

  it("an access token holding a lone surrogate is no header value, not 'URI malformed'", async () => {
    // Its JSON escapes it (`\ud800`). Taken among the client's secrets before it is checked, its
    // percent-encoded form threw URIError: every chunk failed 'could not obtain credentials: URI malformed'.
    const seen = endpoints("eyJhbGciOiJSUzI1NiJ9.pay\ud800load.sig");
    const report = await importUsers(client(), input, { chunkRecords: 2, replayDelayMs: 0 });
    expect(report.fatal).toMatch(/issued an access token that is not a valid Bearer token/);
    expect(report.fatal).not.toMatch(/URI malformed/);
    expect(seen.bulk).toEqual([]);
  });

  it("an access token holding a space inside is said to be no Bearer token, not no header value", async () => {
    // A header carries a space inside its value; a Bearer token (RFC 6750 b64token) holds none.
    const seen = endpoints(UNSENDABLE["a space"]!);
    const report = await importUsers(client(), input, { chunkRecords: 2, replayDelayMs: 0 });
    expect(report.fatal).toMatch(/issued an access token that is not a valid Bearer token/);
    expect(report.fatal).not.toMatch(/header value/);
    expect(seen.bulk).toEqual([]);
  });

  it("a token_type other than Bearer is the auth variant, and the token is not sent as a Bearer token", async () => {
    const seen = endpoints("mac-token-abcdef123456", "mac");
    const result = await bulk(client());
    expect(result.ok ? "ok" : result.error.status).toBe("auth");
    expect(seen.bulk).toEqual([]);
  });

  it("a token of megabytes is the auth variant, and no request carries it", async () => {
    // 3 MiB of base64: no server takes such a header (431), and indexing it for scrubbing took seconds.
    const huge = randomBytes(3 * 1024 * 1024).toString("base64");
    const seen = endpoints(huge);
    const report = await importUsers(client(), input, { chunkRecords: 2, replayDelayMs: 0 });
    expect(report.fatal).toMatch(
      /access token of \d+ characters, longer than a request header can carry/,
    );
    expect(seen.bulk).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(huge.slice(0, 40));
  });

  it("a token of 65,536 characters is sent; one of 65,537 is the auth variant, and no request carries it", async () => {
    const longest = "t".repeat(65_536);
    const sent = endpoints(longest);
    expect((await bulk(client())).ok).toBe(true);
    expect(sent.bulk).toEqual([`Bearer ${longest}`]);

    const refused = endpoints(`${longest}u`);
    const result = await bulk(client());
    expect(result.ok ? "ok" : result.error.status).toBe("auth");
    expect(refused.bulk).toEqual([]);
  });

  it("token_type is read without blanks around it: ` Bearer ` is Bearer", async () => {
    const seen = endpoints("padded-type-token-abcdef123456", " Bearer ");
    const result = await bulk(client());
    expect(result.ok).toBe(true);
    expect(seen.bulk).toEqual(["Bearer padded-type-token-abcdef123456"]);
  });

  it("token_type is compared case-insensitively: `bearer` is Bearer", async () => {
    const seen = endpoints("lower-token-abcdef123456", "bearer");
    const result = await bulk(client());
    expect(result.ok).toBe(true);
    expect(seen.bulk).toEqual(["Bearer lower-token-abcdef123456"]);
  });
});
