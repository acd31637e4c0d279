// A vendor (or a proxy) whose JSON writes the echoed credential with `\u` escapes, as serializers do for
// some characters (.NET's `+` as `\u002B`, Go's `&` `<` `>`, Python's every one beyond ASCII) and a hostile
// one for all: the body's raw text, which an unusable answer's excerpt quotes, then holds no form of the
// secret a scrub of its text finds, and the stretches between its escapes are runs too short to find. One
// whose error quotes the JSON text it got (.NET's, Java's) escapes those escapes again: `\\u0061`.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoEscapedSecret } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

const server = useMswServer();

/** `text` with the characters at every `every`th place written as JSON's `\u` escape of them. */
function escaped(text: string, every: number): string {
  return [...text]
    .map((c, i) =>
      i % every === 0 ? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : c,
    )
    .join("");
}

/** `text` as a JSON string writes it, without its quotes. */
const quoted = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * Answers the call with the 2xx missing a required field, the credential it got escaped in a field; with
 * `nested`, in a JSON text that the field quotes.
 */
function echoingEscaped(vendor: HostileVendor, every: number, nested = false): void {
  server.use(
    ...vendor.support,
    http.post(vendor.url, ({ request }) => {
      const echo = escaped(request.headers.get(vendor.credentialHeader)!, every);
      const text = JSON.stringify({ ...vendor.success.broken, echo: "=" }).replace(
        '"="',
        `"${nested ? quoted(`{"authorization":"${echo}"}`) : echo}"`,
      );
      return new Response(text, {
        status: vendor.success.status,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
}

describe.each(hostileVendors(seededFaker("hostile json escapes")))("$name", (vendor) => {
  it.each([
    { name: "every character", every: 1 },
    { name: "every third character, the runs between too short to find", every: 3 },
    { name: "every character, in a JSON text it quotes,", every: 1, nested: true },
    { name: "every third character, in a JSON text it quotes,", every: 3, nested: true },
  ])("a malformed 2xx writing the credential with $name escaped", async ({ every, nested }) => {
    echoingEscaped(vendor, every, nested);
    const result = await vendor.client({ maxRetries: 0 }).operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["bodyText"]).toContain('"echo":');
    expectNoEscapedSecret(result.error, vendor.secrets);
  });
});

it("Propeller: a malformed 2xx quoting a token with + and / and a client secret, escaped twice", async () => {
  // .NET writes a `+` as `\u002B`, Python every character beyond ASCII as an escape; between the escapes,
  // each holds no run of 6 of its characters.
  const clientSecret = "clé-Ünïcödé-sécrète-42é";
  const token = "k7+Qz/w9+Lm/R2+xT/p4+Hs/N8+dV/b6+";
  const python = clientSecret.replace(
    /[^\0-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const got = `{"authorization":"Bearer ${token.replaceAll("+", "\\u002B")}","client_secret":"${python}"}`;
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, () =>
      HttpResponse.json({ access_token: token, expires_in: 1800, token_type: "Bearer" }),
    ),
    http.post(
      `${HOSTS.propeller}/v2/users/bulk/sourceId`,
      () =>
        new Response(`{"data":[{"action":"create","key":1}],"total":1,"echo":"${quoted(got)}"}`, {
          headers: { "Content-Type": "application/json" },
        }),
    ),
  );
  const client = createPropellerClient({
    clientId: "client-1",
    clientSecret,
    maxRetries: 0,
    sleep: async () => {},
  });
  const result = await client.bulkUsersBySourceId({
    body: { users: [{ source: "crm", sourceId: "C-1" }] },
  });
  if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
  expect(result.error.bodyText).toContain('"echo":');
  expectNoEscapedSecret(result.error, [clientSecret, token]);
});
