// A token endpoint that answers with a token_type other than Bearer (here one that carries the access token,
// as a broken gateway may answer `token_type: "<token>"`): the import stops, and the access token it issued
// appears nowhere in the report.
import { describe, expect, it } from "vitest";
import { http, HttpResponse } from "msw";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LWFjY2Vzcy10b2tlbg.c2ln";

describe("Propeller token endpoint: an unusable token's value never reaches the report", () => {
  it.each([
    ["the token itself", TOKEN],
    ["the token after a scheme", `JWT ${TOKEN}`],
  ])("token_type holding %s", async (_, tokenType) => {
    const vendor = mountPropeller(server);
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, () =>
        HttpResponse.json({ access_token: TOKEN, token_type: tokenType, expires_in: 1800 }),
      ),
    );
    const report = await importUsers(propellerClient().client, users(3), { sleep: async () => {} });
    expect(report.fatal).toMatch(/not Bearer/);
    expect(vendor.sent).toEqual([]);
    const text = JSON.stringify(report);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(0, 30));
  });
});

describe("a token_type shown cut to 40 characters", () => {
  it("that echoes the client secret across the cut keeps none of it", async () => {
    const clientSecret = "Hx7pQ2vL9mZk4Rt8";
    const vendor = mountPropeller(server);
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        // The secret's first 5 characters fall before the cut: too few for run scrubbing once cut.
        const tokenType = `${"x".repeat(35)}${form.get("client_secret") ?? ""}`;
        return HttpResponse.json({ access_token: TOKEN, token_type: tokenType, expires_in: 1800 });
      }),
    );
    const client = createPropellerClient({ clientId: "c-1", clientSecret, sleep: async () => {} });
    const report = await importUsers(client, users(1), { sleep: async () => {} });
    expect(report.fatal).toMatch(/not Bearer/);
    expect(vendor.sent).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(clientSecret.slice(0, 5));
  });

  it("that is long (a gateway's page) is shown as its first 40 characters and an ellipsis", async () => {
    const page = `<html><body>${"Service Unavailable. ".repeat(50)}</body></html>`;
    mountPropeller(server);
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, () =>
        HttpResponse.json({ access_token: TOKEN, token_type: page, expires_in: 1800 }),
      ),
    );
    const report = await importUsers(propellerClient().client, users(1), { sleep: async () => {} });
    expect(report.fatal).toContain(
      `of type ${JSON.stringify(`${page.slice(0, 40)}…`)}, not Bearer`,
    );
  });
});
