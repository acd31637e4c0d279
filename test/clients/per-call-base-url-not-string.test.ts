// From JavaScript a call's baseUrl may be any value, and openapi-fetch takes a String object (or anything
// with `endsWith`) as its text: such a baseUrl is refused as a string's would be checked, before anything is
// sent, without quoting it, instead of reaching another path or a password-quoting error past the checks.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

const SECRET = "Qm83LxTr0pVzK";

describe("a call's own baseUrl that is not a string", () => {
  it.each([
    ["a query", `https://api.fullstory.com/?sig=${SECRET}`],
    ["a password", `https://user:${SECRET}@api.fullstory.com`],
  ])("a String object with %s: refused, not quoted, nothing sent", async (_, text) => {
    const sent: string[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz8Pn",
      maxRetries: 0,
      fetch: (request) => {
        sent.push(`${request.method} ${request.url}`);
        return Promise.resolve(Response.json({}, { status: 404 }));
      },
    });
    const baseUrl = new String(text) as unknown as string;
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
      expect(String(error)).toMatch(/baseUrl/);
      expect(String(error)).not.toContain(SECRET);
    }
    expect(sent).toEqual([]);
  });
});
