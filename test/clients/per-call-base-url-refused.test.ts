// A call's own baseUrl that would send the request elsewhere, or past the client's checks, is refused before
// anything is sent, without quoting it, as the client's own baseUrl is when the client is made:
// - with a query or a fragment (`https://host/?sig=…`, `https://host#`), the request's path would be appended
//   inside them: `POST /v2/users/batch` would go out as `POST /`, another path of the host, without the
//   Idempotency-Key its write gets (a signature in the query is a credential);
// - from JavaScript it may be any value, and openapi-fetch takes a String object (or anything with `endsWith`)
//   as its text: such a baseUrl skipped the checks, reaching another path or a password-quoting error.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

const SECRET = "sig-Qm83LxTr0pVz";

describe("a call's own baseUrl that is refused", () => {
  it.each<[string, unknown, RegExp]>([
    ["a query", `https://api.fullstory.com/?sig=${SECRET}`, /query or fragment/],
    ["a query, no slash", `https://api.fullstory.com?sig=${SECRET}`, /query or fragment/],
    ["a fragment", `https://api.fullstory.com/#${SECRET}`, /query or fragment/],
    [
      "a String object with a query",
      new String(`https://api.fullstory.com/?sig=${SECRET}`),
      /must be a string/,
    ],
    [
      "a String object with a password",
      new String(`https://user:${SECRET}@api.fullstory.com`),
      /must be a string/,
    ],
  ])("%s: refused without quoting it, nothing sent", async (_, given, message) => {
    const sent: string[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz8Pn",
      maxRetries: 0,
      fetch: (request) => {
        sent.push(`${request.method} ${request.url}`);
        return Promise.resolve(Response.json({}, { status: 404 }));
      },
    });
    const baseUrl = given as string;
    const body = { requests: [{ uid: "u-1" }] };
    const raw = client.raw.POST("/v2/users/batch", { baseUrl, body });
    const method = (client.createBatchImport as (init: object) => Promise<unknown>)({
      baseUrl,
      body,
    });
    for (const call of [raw, method]) {
      const error = await call.then(
        () => expect.fail("the call went out"),
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(message);
      expect(String(error)).not.toContain(SECRET);
    }
    expect(sent).toEqual([]);
  });
});
