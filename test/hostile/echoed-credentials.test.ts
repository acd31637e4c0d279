// A vendor (or a proxy) that echoes the request's credential header back, placed so that the places where the
// library cuts text short (512 characters of a body excerpt, 300 of a body quoted in the message) fall in the
// middle of the credential: no secret and no piece of one may survive, in any rendering of the error.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

const server = useMswServer();
const BODY_EXCERPT = 512;
const MESSAGE_EXCERPT = 300;
const KEY_EXCERPT = 64;

/** `value` placed so that the character at `cut` is in its middle, `before` characters counted in front. */
function straddling(value: string, cut: number, before = 0): string {
  return "x".repeat(cut - before - Math.floor(value.length / 2)) + value + " and more after it";
}

/** Answers the vendor's call with `respond(credential header value as received)`. */
function echoing(vendor: HostileVendor, respond: (credential: string) => Response): void {
  server.use(
    ...vendor.support,
    http.post(vendor.url, ({ request }) => respond(request.headers.get(vendor.credentialHeader)!)),
  );
}

describe.each(hostileVendors(seededFaker("hostile echoes")))("$name", (vendor) => {
  const client = () => vendor.client({ maxRetries: 0 });

  it("a documented error quoting the credential across the message's cut", async () => {
    const { status, body } = vendor.documentedError;
    const before = JSON.stringify(body("\u2603")).indexOf("\u2603");
    echoing(vendor, (credential) =>
      HttpResponse.json(body(straddling(credential, MESSAGE_EXCERPT, before)), { status }),
    );
    const result = await client().operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(status);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("an HTML page quoting the credential across the body excerpt's cut", async () => {
    echoing(
      vendor,
      (credential) =>
        new HttpResponse(straddling(credential, BODY_EXCERPT), {
          status: vendor.documentedError.status,
          headers: { "Content-Type": "text/html" },
        }),
    );
    const result = await client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["bodyText"]).toMatch(/^x+/);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("an undocumented status with a text body quoting it across the cut", async () => {
    echoing(
      vendor,
      (credential) =>
        new HttpResponse(straddling(credential, BODY_EXCERPT), {
          status: 418,
          headers: { "Content-Type": "text/plain" },
        }),
    );
    const result = await client().operation();
    if (result.ok || result.error.status !== "undocumented")
      throw new Error("expected undocumented");
    expectNoSecret(result.error, vendor.secrets);
  });

  it("a documented error naming the credential as a key of its body", async () => {
    const { status, body } = vendor.documentedError;
    echoing(vendor, (credential) =>
      HttpResponse.json({ ...body("no"), [credential]: "echoed" }, { status }),
    );
    const result = await client().operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(status);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("a 2xx naming the credential as a key twice: malformed, the key not quoted", async () => {
    const { status, body } = vendor.success;
    echoing(vendor, (credential) => {
      const key = JSON.stringify(credential);
      const text = JSON.stringify(body).replace(/^\{/, `{${key}:1,${key}:2,`);
      return new HttpResponse(text, { status, headers: { "Content-Type": "application/json" } });
    });
    const result = await client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toMatch(/appears twice/);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("a 2xx naming the credential twice in a key cut across it: no piece of it kept", async () => {
    const { status, body } = vendor.success;
    echoing(vendor, (credential) => {
      const key = JSON.stringify(straddling(credential, KEY_EXCERPT));
      const text = JSON.stringify(body).replace(/^\{/, `{${key}:1,${key}:2,`);
      return new HttpResponse(text, { status, headers: { "Content-Type": "application/json" } });
    });
    const result = await client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toMatch(/appears twice/);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("the raw POST returns the echoed error body scrubbed", async () => {
    const { status, body } = vendor.documentedError;
    echoing(vendor, (credential) => HttpResponse.json(body(credential), { status }));
    const result = await client().raw();
    expect(result.response.status).toBe(status);
    expect(JSON.stringify(result.error)).toContain("[REDACTED]");
    expectNoSecret(result.error, vendor.secrets);
  });

  it("the raw POST's JSON parse error on an echoing 2xx is scrubbed", async () => {
    echoing(
      vendor,
      (credential) =>
        new HttpResponse(`${credential} is not JSON`, {
          status: vendor.success.status,
          headers: { "Content-Type": "application/json" },
        }),
    );
    const thrown = await client()
      .raw()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(SyntaxError);
    expectNoSecret(thrown, vendor.secrets);
  });
});
