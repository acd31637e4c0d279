// A server or proxy that echoes the credential header with its case changed: an error page shouting it
// back upper-cased, or a gateway that lower-cases its whole message. The echo is the secret all the same
// (a key's letters are found again by trying both cases of each): no rendering may hold it in any case.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { expectNoSecret, renderings } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

const server = useMswServer();

/** Answers the vendor's call with `respond(credential header value as received)`. */
function echoing(vendor: HostileVendor, respond: (credential: string) => Response): void {
  server.use(
    ...vendor.support,
    http.post(vendor.url, ({ request }) => respond(request.headers.get(vendor.credentialHeader)!)),
  );
}

/** Fails when any rendering of `error` holds a run of 6 of a secret's characters, in any case. */
function expectNoSecretInAnyCase(error: unknown, secrets: readonly string[]): void {
  const lower = secrets.map((secret) => secret.toLowerCase());
  for (const text of renderings(error)) expectNoSecret(text.toLowerCase(), lower);
}

describe.each(hostileVendors(seededFaker("echoes in another case")))("$name", (vendor) => {
  const client = () => vendor.client({ maxRetries: 0 });

  it("a documented error quoting the credential upper-cased", async () => {
    const { status, body } = vendor.documentedError;
    echoing(vendor, (credential) =>
      HttpResponse.json(body(`REJECTED: ${credential.toUpperCase()}`), { status }),
    );
    const result = await client().operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(status);
    expectNoSecretInAnyCase(result.error, vendor.secrets);
  });

  it("an undocumented status whose text body is lower-cased whole", async () => {
    echoing(
      vendor,
      (credential) =>
        new HttpResponse(`bad credentials: ${credential}`.toLowerCase(), {
          status: 418,
          headers: { "Content-Type": "text/plain" },
        }),
    );
    const result = await client().operation();
    if (result.ok || result.error.status !== "undocumented")
      throw new Error("expected undocumented");
    expect(String(result.error["body"])).toContain("[REDACTED]");
    expectNoSecretInAnyCase(result.error, vendor.secrets);
  });
});
