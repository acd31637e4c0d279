// A call's own `pathSerializer` (an openapi-fetch option) that does not encode what it puts in the path lets a
// path parameter hold `/`, `\` or a dot segment, which URL parsing resolves into another path of the host (a
// user id of `../batch` makes an update Create Batch Import). The client checks the URL it is about to send,
// not the parameters, so the request is refused whatever the serializer did, and one that keeps each
// parameter one segment goes out.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

function client() {
  const urls: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? `${input.method} ${input.url}` : String(input));
    return Promise.resolve(Response.json({ message: "no", code: "not_found" }, { status: 404 }));
  };
  const fs = createFullStoryClient({
    apiKey: "na1.Vq7Rk2Lw9Xc4Tz",
    baseUrl: "https://vendor.test/fs",
    fetch,
    maxRetries: 0,
  });
  return { urls, fs };
}

/** Puts each parameter in the path as it is, as a careless serializer would. */
const unencoded = (url: string, params: Record<string, unknown>) =>
  url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params[name];
    return typeof value === "string" ? value : whole;
  });

describe("a pathSerializer that leaves a parameter more or less than one segment", () => {
  it.each(["../batch", "a/b", "..\\batch", "%2e%2E/batch", ".\t./batch", "x/../.."])(
    "id %j is refused before anything is sent, on raw and the operation methods",
    async (id) => {
      const { urls, fs } = client();
      const raw = fs.raw.POST("/v2/users/{id}", {
        params: { path: { id } },
        body: {},
        pathSerializer: unencoded,
      });
      await expect(raw).rejects.toThrow(
        "updateUser: a path parameter, as the call's pathSerializer put it, is not one segment of its own",
      );
      const method = fs.getUser({ params: { path: { id } }, pathSerializer: unencoded } as never);
      await expect(method).rejects.toBeInstanceOf(TypeError);
      expect(urls).toEqual([]);
    },
  );

  it("one that keeps each parameter one segment goes out", async () => {
    const { urls, fs } = client();
    await fs.raw.GET("/v2/users/{id}", {
      params: { path: { id: "u-1" } },
      pathSerializer: unencoded,
    });
    await fs.raw.GET("/v2/users/{id}", { params: { path: { id: "a/.." } } });
    expect(urls).toEqual([
      "GET https://vendor.test/fs/v2/users/u-1",
      "GET https://vendor.test/fs/v2/users/a%2F..",
    ]);
  });
});
