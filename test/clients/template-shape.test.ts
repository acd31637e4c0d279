// The path-segment guard checks the URL about to be sent against its template's shape. That check must not
// refuse a call it has no reason to (a base URL whose own path holds an escaped brace, `%7B`, was taken for
// a parameter, so every call with one was refused), nor take time growing as a power of the path's length
// (a regex of `[^/]+[^/]+…` for a segment of several parameters backtracked over every split of it: with
// 300 characters, the run hung).
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { hasTemplateShape } from "../../src/core/client/template-shape.js";

function client(baseUrl: string) {
  const urls: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? `${input.method} ${input.url}` : String(input));
    return Promise.resolve(Response.json({ message: "no", code: "not_found" }, { status: 404 }));
  };
  const fs = createFullStoryClient({ apiKey: "na1.Vq7Rk2Lw9Xc4Tz", baseUrl, fetch, maxRetries: 0 });
  return { urls, fs };
}

describe("the template shape a request's path is checked against", () => {
  it("an escaped brace in the base URL's path is no parameter: the call goes out", async () => {
    const { urls, fs } = client("https://vendor.test/a%7Bb");
    await fs.getUser({ params: { path: { id: "u-1" } } });
    await fs.raw.GET("/v2/users/batch/{job_id}/imports", { params: { path: { job_id: "j:1" } } });
    expect(urls).toEqual([
      "GET https://vendor.test/a%7Bb/v2/users/u-1",
      "GET https://vendor.test/a%7Bb/v2/users/batch/j%3A1/imports",
    ]);
  });

  it("an escaped letter or tilde in the base URL's path (`%7E`, `%41`): the call goes out", async () => {
    const { urls, fs } = client("https://vendor.test/%7Eteam/%41pi");
    await fs.getUser({ params: { path: { id: "u-1" } } });
    expect(urls).toEqual(["GET https://vendor.test/%7Eteam/%41pi/v2/users/u-1"]);
  });

  it("a segment of several parameters with a / put in is refused at once", async () => {
    const { urls, fs } = client("https://vendor.test");
    const names = ["a", "b", "c", "d", "e", "f"];
    const slashed = (url: string, params: Record<string, unknown>) =>
      url.replace(/\{(\w)\}/g, (_, name: string) => String(params[name])).replace("/y", "/z/y");
    const call = fs.raw.GET(
      "/x/{a}{b}{c}{d}{e}{f}/y" as "/v2/users/{id}",
      {
        params: {
          path: Object.fromEntries(names.map((n) => [n, n === "a" ? "A".repeat(300) : n])),
        },
        pathSerializer: slashed,
      } as never,
    );
    // No time limit here: a check that backtracked over every split of 300 characters would not end at all.
    await expect(call).rejects.toThrow("is not one segment of its own");
    expect(urls).toEqual([]);
  });

  it.each([
    ["/v2/users/u1", "https://h", "/v2/users/{id}", true],
    ["/api/v2/users/u1", "https://h/api", "/v2/users/{id}", true],
    ["/a%7Bb/v2/users/u1", "https://h/a%7Bb", "/v2/users/{id}", true],
    ["/a%7bb/v2/users/u1", "https://h/a%7bb", "/v2/users/{id}", true],
    ["/x/%7By%7D/v2/u1", "https://h/x/{y}", "/v2/{id}", true],
    ["/v2/users/%7B%7D", "https://h", "/v2/users/{}", true],
    ["/v2/users/x-1.2", "https://h", "/v2/users/x{a}.{b}", true],
    ["/v2/users/x-.2", "https://h", "/v2/users/x{a}.{b}", true],
    ["/v2/users/x.2", "https://h", "/v2/users/x{a}.{b}", false],
    ["/v2/users/x-1.", "https://h", "/v2/users/x{a}.{b}", false],
    ["/v2/users/y-1.2", "https://h", "/v2/users/x{a}.{b}", false],
    ["/v2/users/ab", "https://h", "/v2/users/{a}{b}", true],
    ["/v2/users/a", "https://h", "/v2/users/{a}{b}", false],
    ["/v2/users/", "https://h", "/v2/users/{id}", false],
    ["/v2/users/a/b", "https://h", "/v2/users/{id}", false],
    ["/v2/users", "https://h", "/v2/users/{id}", false],
    ["/v2/users/batch/j/imports", "https://h", "/v2/users/batch/{job_id}/imports", true],
    ["/v2/users/batch/j/errors", "https://h", "/v2/users/batch/{job_id}/imports", false],
    ["/v2/%F3%B0%80%80/u", "https://h/v2/%F3%B0%80%80", "/{id}", true],
  ])("%s under %s for %s: %s", (path, baseUrl, template, fits) => {
    expect(hasTemplateShape(path, baseUrl, template)).toBe(fits);
  });
});
