// A token request refused stops the import, and `report.fatalOAuthError` says what the token endpoint
// refused: the OAuth2 `error` code of its 400 or 401 (RFC 6749 §5.2). `invalid_client` refused the
// credentials, `invalid_request` the request as it was made; a 400 from a host that is no token endpoint (a
// wrong --base-url) carries none, even with an `error` shaped as a code (`bad_request`), so a caller does
// not send the operator to credentials that are not at fault.
// Only a code is carried, never the endpoint's own words, nor what scrubbing took out of them.
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

/** The report of an import whose every token request is answered `answer()`. */
async function tokenAnswered(answer: () => Response, client = propellerClient().client) {
  const vendor = mountPropeller(server, {
    faults: {
      script: ({ operation }) => (operation === "getAccessToken" ? { answer } : undefined),
    },
  });
  const report = await importUsers(client, users(2), { sleep: async () => {} });
  expect(vendor.sent).toEqual([]);
  expect(report.fatal).toMatch(/could not obtain credentials/);
  return report;
}

describe("report.fatalOAuthError", () => {
  it.each([
    [400, "invalid_client"],
    [400, "unauthorized_client"],
    [400, "invalid_grant"],
    [400, "invalid_request"],
    [400, "unsupported_grant_type"],
    [400, "invalid_scope"],
    [401, "invalid_client"],
  ])("is the code of a token request's %i in OAuth2's shape: %s", async (status, code) => {
    const report = await tokenAnswered(() =>
      json({ error: code, error_description: "Client authentication failed" }, status),
    );
    expect([report.fatalStatus, report.fatalOAuthError]).toEqual([status, code]);
  });

  it.each([
    [
      "a JSON error page of its own (Spring's)",
      () =>
        json(
          { timestamp: "2026-01-01T00:00:00Z", status: 400, error: "Bad Request", path: "/x" },
          400,
        ),
    ],
    [
      "an HTML page",
      () =>
        new Response("<html><body><h1>400 Bad Request</h1></body></html>", {
          status: 400,
          headers: { "Content-Type": "text/html" },
        }),
    ],
    ["JSON without `error`", () => json({ message: "no such route" }, 400)],
    // An `error` in the shape of a code, but none RFC 6749 registers: some other API's.
    [
      "JSON whose `error` is bad_request",
      () => json({ error: "bad_request", message: "No route for POST /oauth2/token" }, 400),
    ],
    ["JSON whose `error` is not_found", () => json({ error: "not_found" }, 400)],
  ])("is absent when the 400 is no token endpoint's: %s", async (_, answer) => {
    const report = await tokenAnswered(answer);
    expect(report.fatalStatus).toBe(400);
    expect(report).not.toHaveProperty("fatalOAuthError");
  });

  it("is absent when `error` is free text, or an echoed secret that is no registered code", async () => {
    const free = await tokenAnswered(() =>
      json({ error: "invalid_client: unknown client, see the docs" }, 400),
    );
    expect(free.fatalStatus).toBe(400);
    expect(free).not.toHaveProperty("fatalOAuthError");

    // A secret in the shape of a code, but none RFC 6749 registers: no code is carried, and the report holds
    // no copy of it (a secret that is a registered code is below).
    const clientSecret = "client_secret_of_lower_case_letters";
    const client = createPropellerClient({
      clientId: "client-id-1",
      clientSecret,
      sleep: async () => {},
    });
    const echoed = await tokenAnswered(() => json({ error: clientSecret }, 400), client);
    expect(echoed.fatalStatus).toBe(400);
    expect(echoed).not.toHaveProperty("fatalOAuthError");
    expect(JSON.stringify(echoed)).not.toContain(clientSecret);
  });

  // The scrub takes out of the answer every run of 6 a secret shares with it: `acme_client_secret_123` made
  // `invalid_client` `invalid[REDACTED]`, and a secret holding `invalid` every code but two; the code is
  // read before, from the answer as it came. Its own words, which quote the secret, are scrubbed as before.
  it.each([
    [400, "invalid_client", "acme_client_secret_123"],
    [401, "invalid_client", "acme_client_secret_123"],
    [400, "invalid_grant", "invalid-Qv73Hx"],
    [400, "invalid_request", "invalid-Qv73Hx"],
    [400, "invalid_scope", "invalid-Qv73Hx"],
    [400, "unauthorized_client", "unauthorized-Qv73Hx"],
    [400, "unsupported_grant_type", "unsupported-Qv73Hx"],
  ])(
    "is the code of a token request's %i (%s) when the client secret shares a run with it",
    async (status, code, clientSecret) => {
      const client = createPropellerClient({
        clientId: "client-id-1",
        clientSecret,
        sleep: async () => {},
      });
      const report = await tokenAnswered(
        () => json({ error: code, error_description: `no client with ${clientSecret}` }, status),
        client,
      );
      expect([report.fatalStatus, report.fatalOAuthError]).toEqual([status, code]);
      expect(JSON.stringify(report)).not.toContain(clientSecret);
    },
  );

  // Read before the scrub, a code that is the client secret (as given, or in another case) showed the secret.
  it.each([
    [400, "invalid_client"],
    [401, "invalid_client"],
    [400, "INVALID_CLIENT"],
    [400, "invalid_grant"],
  ])(
    "is absent when the code is the client secret: %i, secret %s",
    async (status, clientSecret) => {
      const client = createPropellerClient({
        clientId: "client-id-1",
        clientSecret,
        sleep: async () => {},
      });
      const report = await tokenAnswered(
        () => json({ error: clientSecret.toLowerCase() }, status),
        client,
      );
      expect(report.fatalStatus).toBe(status);
      expect(report).not.toHaveProperty("fatalOAuthError");
      expect(JSON.stringify(report).toLowerCase()).not.toContain(clientSecret.toLowerCase());
    },
  );

  it("is absent from a run no token refusal stopped", async () => {
    mountPropeller(server);
    const report = await importUsers(propellerClient().client, users(2));
    expect(report.imported).toBe(2);
    expect(report).not.toHaveProperty("fatalOAuthError");
  });
});
