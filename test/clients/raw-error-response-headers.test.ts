// A raw call's non-2xx answer resolves to `{ error, response }`, which a caller logs as it is (util.inspect
// shows a Response's headers and status text). A server that echoes the request's credential back in a
// header (a debug proxy, a `WWW-Authenticate` quoting the token it refused) must not put it in that log:
// the response's headers and status text are scrubbed, as an operation method's error headers are, and
// everything else of the answer stays as the vendor sent it.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

function echoingServer(apiKey: string, status: number) {
  server.use(
    http.all(`${HOSTS.fullstory}/*`, () =>
      HttpResponse.json(
        { code: "unauthenticated", message: "no" },
        {
          status,
          statusText: `Refused ${apiKey}`,
          headers: [
            ["WWW-Authenticate", `Basic realm="api", key="${apiKey}"`],
            [`X-Echo-${apiKey}`, "1"],
            ["Retry-After", "7"],
            ["Set-Cookie", "a=1"],
            ["Set-Cookie", "b=2"],
          ],
        },
      ),
    ),
  );
}

describe("a raw call's non-2xx response", () => {
  it.each([401, 500])("HTTP %i: holds no credential, the rest as sent", async (status) => {
    const f = seededFaker(`raw error headers ${status}`);
    const apiKey = fullStoryApiKey(f);
    echoingServer(apiKey, status);
    const client = createFullStoryClient({ apiKey, maxRetries: 0 });
    const result = await client.raw.GET("/v2/users/{id}", { params: { path: { id: "u1" } } });
    expectNoSecret(result, [apiKey]);
    const { response } = result;
    expect(response.status).toBe(status);
    expect(response.statusText).toBe("Refused [REDACTED]");
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="api", key="[REDACTED]"');
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(result.error).toEqual({ code: "unauthenticated", message: "no" });
    // As an operation method's error shows them.
    const method = await client.getUser({ params: { path: { id: "u1" } } });
    expectNoSecret(method, [apiKey]);
  });

  it("HEAD, whose body openapi-fetch leaves unread: scrubbed too", async () => {
    const f = seededFaker("raw error headers head");
    const apiKey = fullStoryApiKey(f);
    echoingServer(apiKey, 403);
    const client = createFullStoryClient({ apiKey, maxRetries: 0 });
    const result = await client.raw.HEAD(
      "/v2/users/{id}" as never,
      {
        params: { path: { id: "u1" } },
      } as never,
    );
    expectNoSecret(result, [apiKey]);
    expect(result.response.status).toBe(403);
  });
});
