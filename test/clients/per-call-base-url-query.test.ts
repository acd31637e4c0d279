// A call's own baseUrl with a query or a fragment (`https://host/?sig=…`, `https://host#`) would have the
// request's path appended inside them: `POST /v2/users/batch` would go out as `POST /`, another path of the
// host, without the Idempotency-Key its write gets. It is refused before sending, as the client's own baseUrl
// is when the client is made, without quoting it (a signature in the query is a credential).
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

const SIG = "sig-Qm83LxTr0pVz";

describe("a call's own baseUrl with a query or fragment", () => {
  it.each([
    `https://api.fullstory.com/?sig=${SIG}`,
    `https://api.fullstory.com?sig=${SIG}`,
    `https://api.fullstory.com/#${SIG}`,
  ])("%s: refused without quoting it, nothing sent", async (baseUrl) => {
    const sent: string[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz8Pn",
      maxRetries: 0,
      fetch: (request) => {
        sent.push(`${request.method} ${request.url}`);
        return Promise.resolve(Response.json({}, { status: 404 }));
      },
    });
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
      expect(String(error)).toMatch(/query or fragment/);
      expect(String(error)).not.toContain(SIG);
    }
    expect(sent).toEqual([]);
  });
});
