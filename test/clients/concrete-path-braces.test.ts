// The path an ApiError names is the call's template with its parameters filled in. A raw call's template is
// the developer's, and one of `{` after `{` with no `}` (a path built from a broken template) took time
// growing as the square of its length to name: a regex scanned the rest of the path from every `{` (11 s for
// 128 Ki of them, about 60 s for the 256 Ki here, three times the tests' 20 s timeout). The one-pass reading
// must find the parameters that regex found, in every template.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { concretePath } from "../../src/core/client/transport-variant.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";

/** What concretePath did before: the regex's parameters, filled in where a value can be. */
function byRegex(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return ["string", "number", "boolean", "bigint"].includes(typeof value)
      ? encodeURIComponent(String(value))
      : whole;
  });
}

const text = fc.string({ unit: fc.constantFrom(..."{}/.%abAB"), maxLength: 24 });

describe("the path a call's target names", () => {
  it("fills in the parameters the regex found, with the same values", () => {
    const values = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant({}),
      fc.constant(null),
    );
    fc.assert(
      fc.property(text, fc.dictionary(text, values, { maxKeys: 4 }), (template, drawn) => {
        // Names most templates hold, of each kind of value a path takes, as well as the drawn ones.
        const params = { a: "x y", b: 7, A: true, B: 12n, "{a": "z/", ...drawn };
        expect(concretePath(template, params)).toBe(byRegex(template, params));
        expect(concretePath(template, undefined)).toBe(template);
      }),
      { numRuns: 5000 },
    );
  });

  it("a raw call on a path of 256 Ki `{` and no `}` that fails names its path at once", async () => {
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz",
      baseUrl: "https://vendor.test/api",
      fetch: () => Promise.reject(new TypeError("fetch failed")),
      maxRetries: 0,
    });
    const braces = "{".repeat(256 * 1024);
    const thrown: unknown = await client.raw
      .GET(`/v2/{id}/${braces}` as "/v2/users/{id}", { params: { path: { id: "u 1" } } })
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: "network", operation: "raw" });
    expect((thrown as ApiError).path).toBe(`/v2/u%201/${braces}`);
  });

  it("a raw call on such a path that leaves the base URL is refused at once", async () => {
    const client = createFullStoryClient({
      apiKey: "na1.Vq7Rk2Lw9Xc4Tz",
      baseUrl: "https://vendor.test/api",
      fetch: () => Promise.reject(new Error("nothing may be sent")),
      maxRetries: 0,
    });
    const call = client.raw.GET(`/../{id}/${"{".repeat(256 * 1024)}` as "/v2/users/{id}", {
      params: { path: { id: "u-1" } },
    });
    await expect(call).rejects.toThrow(
      "raw: the call's baseUrl or path leaves the client's base URL",
    );
  });
});
