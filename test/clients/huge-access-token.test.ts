// A token endpoint that issues a very long access token (64,000 characters of standard base64, well under
// maxResponseBytes). Every issued token joins the client's secrets; had they all been one regular expression,
// V8 would refuse it ("Regular expression too large") with a SyntaxError quoting every secret, the client
// secret too, the operation method would throw instead of returning a result, and an import would end every
// record `fatal` though Propeller imported them.
import { randomBytes } from "node:crypto";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const secret = "test-client-secret-Q7w2Zp";
const tokenUrl = `${HOSTS.propeller}/oauth2/token`;
const bulkUrl = `${HOSTS.propeller}/v2/users/bulk/sourceId`;
// Standard base64: `+` and `/` give the token several echoed forms (percent-, form-, JSON-escaped).
const hugeToken = randomBytes(48_000).toString("base64");

/**
 * A token endpoint issuing `hugeToken`; a bulk endpoint that refuses the first user of each request, or, with
 * `refuseWhole`, the whole request (a 400, whose error the client builds and scrubs).
 */
function endpoints(refuseWhole = false) {
  const seen = { bulk: 0, held: 0 };
  server.use(
    http.post(tokenUrl, () =>
      HttpResponse.json({ access_token: hugeToken, expires_in: 1800, token_type: "Bearer" }),
    ),
    http.post(bulkUrl, async ({ request }) => {
      seen.bulk += 1;
      if (refuseWhole) {
        const error = { code: 10007, messages: ["extraneous key [x] is not permitted"] };
        const envelope = { ...error, moreInfo: "https://www.propel.us/docs/errors/10007" };
        return HttpResponse.json(
          { error: { ...envelope, status: 400, type: "SchemaValidationException" } },
          { status: 400 },
        );
      }
      const body = (await request.json()) as { users: { sourceId: string }[] };
      const data = body.users.map((u, i) => ({
        action: "create",
        key: u.sourceId,
        lookupKey: "sourceId",
        ...(i === 0 ? { success: false, error: "User could not be saved." } : { success: true }),
      }));
      seen.held += body.users.length - 1;
      return HttpResponse.json({ data, messages: [], total: data.length });
    }),
  );
  return seen;
}

const client = () =>
  createPropellerClient({ clientId: "c-1", clientSecret: secret, sleep: async () => {} });

describe("a token endpoint issuing an access token of 64,000 characters", () => {
  it("the operation method returns a result (it does not throw), naming neither the secret nor the token", async () => {
    endpoints(true);
    const outcome = await client()
      .bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: "s-1" }] } })
      .then(
        (result) => ({ result }),
        (thrown: unknown) => ({ thrown: String(thrown) }),
      );
    const text = JSON.stringify(outcome);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(hugeToken.slice(0, 40));
    expect(outcome).not.toHaveProperty("thrown");
  });

  it("an import's report claims exactly what Propeller holds", async () => {
    const seen = endpoints();
    const input = Array.from({ length: 6 }, (_, i) => ({ source: "CRM", sourceId: `s-${i}` }));
    const report = await importUsers(client(), input, {
      chunkRecords: 3,
      concurrency: 1,
      replayDelayMs: 0,
    });
    expect(report.imported).toBe(seen.held);
    expect(JSON.stringify(report)).not.toContain(secret);
  });
});
