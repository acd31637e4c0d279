// A server may echo a credential base64-encoded: a gateway quoting the `Authorization: Basic …` it would
// have taken, a debug field holding the request's headers encoded, a token endpoint's refusal quoting a
// JWT whose claims copy the form it was sent (`client_secret` among them). Anyone who decodes it reads the
// secret, so it is scrubbed as the secret itself is, wherever in a longer base64 text it stands.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret, renderings } from "./leaks.js";
import { hostileVendors } from "./vendors.js";

const server = useMswServer();
const vendors = hostileVendors(seededFaker("echoes base64-encoded"));

/**
 * Fails when any base64 or base64url text in a rendering of `error` decodes to a piece of a secret, its
 * lines joined (MIME wraps base64 at 76 columns; a JSON rendering escapes the line breaks).
 */
function expectNoSecretDecoded(error: unknown, secrets: readonly string[]): void {
  for (const text of renderings(error))
    for (const [encoded] of text.replace(/\r?\n|\\r\\n|\\n/g, "").matchAll(/[A-Za-z0-9+/_-]{8,}/g))
      for (const offset of [0, 1, 2, 3]) {
        const part = encoded.slice(offset);
        expectNoSecret(Buffer.from(part, "base64").toString("latin1"), secrets);
        expectNoSecret(Buffer.from(part, "base64url").toString("latin1"), secrets);
      }
}

describe.each(vendors)("$name", (vendor) => {
  it("a documented error quoting the credential base64-encoded after other text", async () => {
    const { status, body } = vendor.documentedError;
    server.use(
      ...vendor.support,
      http.post(vendor.url, ({ request }) => {
        const credential = request.headers.get(vendor.credentialHeader)!;
        const headers = `x-request-id: 7;${vendor.credentialHeader}: ${credential}`;
        const debug = Buffer.from(headers).toString("base64");
        return HttpResponse.json(body(`rejected (debug ${debug})`), { status });
      }),
    );
    const result = await vendor.client({ maxRetries: 0 }).operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(status);
    expect(JSON.stringify(result.error)).toContain("[REDACTED]");
    expectNoSecretDecoded(result.error, vendor.secrets);
  });

  it("a documented error quoting the credential base64-encoded, wrapped at 76 columns", async () => {
    const { status, body } = vendor.documentedError;
    server.use(
      ...vendor.support,
      http.post(vendor.url, ({ request }) => {
        const credential = request.headers.get(vendor.credentialHeader)!;
        // Padded so the credential starts at byte 42, at column 56 of the base64: its text crosses a break.
        const header = `;${vendor.credentialHeader}: `;
        const headers = `${"x-request-id: ".padEnd(42 - header.length, "7")}${header}${credential}`;
        const debug = Buffer.from(headers)
          .toString("base64")
          .replace(/.{76}(?=.)/g, "$&\r\n");
        return HttpResponse.json(body(`rejected (debug ${debug})`), { status });
      }),
    );
    const result = await vendor.client({ maxRetries: 0 }).operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(status);
    expectNoSecretDecoded(result.error, vendor.secrets);
  });
});

it("Propeller: a token endpoint's refusal quoting a JWT that copies the form is scrubbed", async () => {
  const propeller = vendors.find((v) => v.name === "Propeller")!;
  const base64url = (text: string) => Buffer.from(text).toString("base64url");
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) => {
      const claims = Object.fromEntries(new URLSearchParams(await request.text()));
      const jwt = `${base64url('{"alg":"none"}')}.${base64url(JSON.stringify(claims))}.`;
      return HttpResponse.json(
        { error: "invalid_client", error_description: `client assertion ${jwt} refused` },
        { status: 401 },
      );
    }),
  );
  const result = await propeller.client({ maxRetries: 0 }).operation();
  if (result.ok) throw new Error("expected an error");
  expect(result.error.status).toBe("auth");
  expectNoSecretDecoded(result.error, propeller.secrets);
});
