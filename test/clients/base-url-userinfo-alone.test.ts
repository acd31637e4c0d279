// A base URL may carry a password with no user name (`http://:pw@proxy`) or a user name alone, which is
// often a token (`https://tok@gateway`). Either is refused when the client is created, not kept as its
// destination (printed, journaled) nor handed to fetch, which refuses it quoting the whole URL. Here the
// host has no dot (`proxy:3128`, an intranet name), so the URL's text alone does not give it away.
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { clientFromBaseUrl } from "../support/base-url-refusal.js";

const secret = seededFaker("userinfo alone").string.alphanumeric({ length: 20 });

describe("a base URL whose userinfo is only a password or only a user name", () => {
  it.each([
    ["a password alone", `http://:${secret}@proxy:3128`],
    ["a user name alone", `https://${secret}@gateway`],
  ])("%s is refused when the client is created, unquoted", (_what, baseUrl) => {
    const { destination, thrown } = clientFromBaseUrl(baseUrl);
    expect(destination).toBeUndefined();
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toMatch(/must not contain a user name or password/);
    expect(String(thrown)).not.toContain(secret);
  });
});
