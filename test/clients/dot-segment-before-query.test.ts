// A raw call's path may hold a query after its last parameter (`/v2/users/{id}?fields=…`): a parameter `.`
// or `..` there is a dot segment all the same (`/v2/users/.?fields=…` is `POST /v2/users/`, Create User),
// and is refused before anything is sent, as it is without the query.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

describe("a dot-segment path parameter followed by a query or fragment", () => {
  it.each([
    [".", "?fields=all"],
    ["..", "?fields=all"],
    ["", "?fields=all"],
    [".", "#top"],
  ])("id %j before %s is refused, nothing sent", async (id, tail) => {
    const urls: string[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz",
      baseUrl: "https://vendor.test",
      maxRetries: 0,
      fetch: (request) => {
        urls.push(request.url);
        return Promise.resolve(Response.json({ id: "1" }));
      },
    });
    const call = client.raw.POST(`/v2/users/{id}${tail}` as "/v2/users/{id}", {
      params: { path: { id } },
      body: {},
    });
    await expect(call).rejects.toThrow(/path parameter id is .*another path/);
    expect(urls).toEqual([]);
  });
});
