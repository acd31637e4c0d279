// A vendor (or a proxy) whose JSON writes the echoed credential with `\u` escapes, as serializers do for
// some characters (.NET's `+` as `\u002B`, Go's `&` `<` `>`, Python's every one beyond ASCII) and a hostile
// one for all: the body's raw text, which an unusable answer's excerpt quotes, then holds no form of the
// secret a scrub of its text finds, and the stretches between its escapes are runs too short to find.
import { http } from "msw";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
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

/** Answers the call with the 2xx missing a required field, the credential it got escaped in a field. */
function echoingEscaped(vendor: HostileVendor, every: number): void {
  server.use(
    ...vendor.support,
    http.post(vendor.url, ({ request }) => {
      const credential = request.headers.get(vendor.credentialHeader)!;
      const text = JSON.stringify({ ...vendor.success.broken, echo: "=" }).replace(
        '"="',
        `"${escaped(credential, every)}"`,
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
  ])("a malformed 2xx writing the credential with $name escaped", async ({ every }) => {
    echoingEscaped(vendor, every);
    const result = await vendor.client({ maxRetries: 0 }).operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["bodyText"]).toContain('"echo":');
    expectNoEscapedSecret(result.error, vendor.secrets);
  });
});
