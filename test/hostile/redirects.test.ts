// A vendor API never redirects: a 3xx to another origin must not carry the request (and its credential
// headers, or Propeller's client secret in a token request's body) there. Every vendor, every redirect status,
// through the operation method and through the raw `POST`.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { isTransient } from "../../src/core/errors/transient.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";
import { hostileVendors } from "./vendors.js";

const server = useMswServer();
const ELSEWHERE = "https://collector.attacker.example";

/** Counts every request the other origin receives, whatever its method or path. */
function otherOrigin(): Request[] {
  const received: Request[] = [];
  server.use(
    http.all(`${ELSEWHERE}/*`, ({ request }) => {
      received.push(request);
      return HttpResponse.json({ job: { id: "stolen" } });
    }),
  );
  return received;
}

/** The vendor answers every call with `status`, naming a URL on the other origin that quotes `echo`. */
function redirecting(url: string, status: number, echo: (request: Request) => string): Request[] {
  const sent: Request[] = [];
  server.use(
    http.all(url, ({ request }) => {
      sent.push(request);
      const location = `${ELSEWHERE}/capture?echo=${encodeURIComponent(echo(request))}`;
      return new HttpResponse(null, { status, headers: { Location: location } });
    }),
  );
  return sent;
}

describe.each(hostileVendors(seededFaker("hostile redirects")))("$name", (vendor) => {
  describe.each([301, 302, 307, 308])("HTTP %i to another origin", (status) => {
    it("is the redirect variant, sent once, and the other origin receives nothing", async () => {
      server.use(...vendor.support);
      const received = otherOrigin();
      const sent = redirecting(vendor.url, status, (r) => r.headers.get(vendor.credentialHeader)!);
      const result = await vendor.client().operation();
      if (result.ok || result.error.status !== "redirect") {
        throw new Error(`expected the redirect variant, got ${JSON.stringify(result)}`);
      }
      expect(received).toHaveLength(0);
      // Not retried, even with retries on: a redirect would only repeat.
      expect(sent).toHaveLength(1);
      expect(isTransient(result.error)).toBe(false);
      expect(result.error.httpStatus).toBe(status);
      expect(result.error.location).toMatch(new RegExp(`^${ELSEWHERE}/capture\\?echo=`));
      expect(result.error.location).toContain("[REDACTED]");
      // The message names where the vendor sent the call: a login page or a moved API says what is wrong.
      expect(result.error.message).toContain(
        `HTTP ${status} redirect to ${String(result.error.location)}, not followed`,
      );
      expectNoSecret(result.error, vendor.secrets);
    });

    it("through the raw POST, rejects with a scrubbed redirect failure and sends nothing there", async () => {
      server.use(...vendor.support);
      const received = otherOrigin();
      redirecting(vendor.url, status, (r) => r.headers.get(vendor.credentialHeader)!);
      const thrown = await vendor
        .client()
        .raw()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(received).toHaveLength(0);
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ status: "redirect", httpStatus: status });
      expectNoSecret(thrown, vendor.secrets);
    });
  });

  it("a Location quoting the credential cut short keeps no piece of it, in the error nor its cause", async () => {
    server.use(...vendor.support);
    otherOrigin();
    redirecting(vendor.url, 302, () => vendor.secrets[0]!.slice(2, 14));
    const result = await vendor.client().operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.cause).toMatchObject({
      response: { location: expect.any(String) as unknown },
    });
    expectNoSecret(result.error, vendor.secrets);
  });
});

it("Propeller's token request (client secret in its body) is not resent to a 307's origin", async () => {
  const [propeller] = hostileVendors(seededFaker("hostile token redirect")).filter(
    (v) => v.name === "Propeller",
  );
  const received = otherOrigin();
  redirecting(`${HOSTS.propeller}/oauth2/token`, 307, () => "token");
  const result = await propeller!.client().operation();
  expect(received).toHaveLength(0);
  if (result.ok) throw new Error("expected an error");
  expect(result.error.status).toBe("auth");
  expect(result.error.message).toMatch(/redirect/);
  expectNoSecret(result.error, propeller!.secrets);
});
