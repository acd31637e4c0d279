// A raw call's non-2xx answer resolves to `{ error, response }`, which a caller logs as it is (util.inspect
// shows a Response's headers and status text). A server that echoes the request's credential back in a
// header (a debug proxy, a `WWW-Authenticate` quoting the token it refused) must not put it in that log:
// the response's headers and status text are scrubbed, as an operation method's error headers are, and
// everything else of the answer stays as the vendor sent it.
import { HttpResponse, http } from "msw";
import type { Middleware } from "openapi-fetch";
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

// A caller's middleware may take a reader on a non-2xx answer's body (a stream logger) or read it (to log its
// text), leaving the body no one can read again. The call still resolves, its headers scrubbed, and says
// the body was not kept; an operation method, which holds the vendor's own answer, still interprets that.
describe("a non-2xx answer whose body a raw.use middleware locked or read", () => {
  const lockedCopy = (response: Response) => {
    const copy = new Response("refused", response);
    void copy.body?.getReader();
    return copy;
  };
  // A made-up refusal quoting the request's credential, as a mock or a debug proxy may.
  const refusal = (request: Request) =>
    lockedCopy(
      new Response("", {
        status: 401,
        headers: { "X-Echo": request.headers.get("authorization") ?? "" },
      }),
    );
  const reading = (): Middleware => ({
    onResponse: async ({ response }) => void (await response.text()),
  });
  it.each<[string, "GET" | "HEAD", Middleware | Middleware[], boolean]>([
    [
      "onResponse handing on a locked copy",
      "GET",
      { onResponse: ({ response }) => lockedCopy(response) },
      false,
    ],
    [
      "onResponse locking the answer",
      "GET",
      { onResponse: ({ response }) => void response.body?.getReader() },
      true,
    ],
    [
      "onResponse reading the answer",
      "GET",
      { onResponse: async ({ response }) => void (await response.text()) },
      true,
    ],
    ["two onResponse, each reading the answer it was handed", "GET", [reading(), reading()], true],
    [
      "onResponse reading the answer, then giving back null (openapi-fetch's sign to keep it)",
      "GET",
      { onResponse: async ({ response }) => (await response.text(), null) as never },
      true,
    ],
    [
      "onResponse reading the answer's first chunk, then letting go of its reader",
      "GET",
      {
        onResponse: async ({ response }) => {
          const reader = response.body!.getReader();
          await reader.read();
          reader.releaseLock();
        },
      },
      true,
    ],
    [
      "onResponse locking a HEAD's answer",
      "HEAD",
      { onResponse: ({ response }) => lockedCopy(response) },
      false,
    ],
    [
      "onRequest answering with a locked one",
      "GET",
      { onRequest: ({ request }) => refusal(request) },
      false,
    ],
    [
      "onError answering with a locked one",
      "GET",
      { onError: ({ request }) => refusal(request) },
      false,
    ],
  ])(
    "%s (%s): resolves, scrubbed, saying the body was not kept",
    async (label, method, middleware, vendors) => {
      const f = seededFaker(`raw error locked body ${label}`);
      const apiKey = fullStoryApiKey(f);
      echoingServer(apiKey, 401);
      if (label.startsWith("onError"))
        server.use(http.all(`${HOSTS.fullstory}/*`, () => HttpResponse.error()));
      const client = createFullStoryClient({ apiKey, maxRetries: 0 });
      client.raw.use(...[middleware].flat());
      const send = client.raw[method] as (...args: unknown[]) => Promise<unknown>;
      const call = send("/v2/users/{id}", { params: { path: { id: "u1" } } });
      const result = (await call) as { error?: unknown; response: Response };
      expectNoSecret(result, [apiKey]);
      expect(result.response.status).toBe(401);
      if (method === "GET") expect(result.error).toMatch(/body not kept/);
      // The answer's status text and headers stay, as an answer's whose body was kept do; a length measured
      // on the body that was not kept goes.
      if (!label.startsWith("onRequest") && !label.startsWith("onError")) {
        expect(result.response.statusText).toBe("Refused [REDACTED]");
        expect(result.response.headers.get("retry-after")).toBe("7");
      }
      const length = result.response.headers.get("content-length");
      if (method === "GET" && length !== null)
        expect(Number(length)).toBe((await result.response.clone().arrayBuffer()).byteLength);
      const getUser = await client.getUser({ params: { path: { id: "u1" } } });
      expectNoSecret(getUser, [apiKey]);
      expect(getUser.ok).toBe(false);
      // The vendor's own answer, which the middleware only read, is the one interpreted.
      if (vendors)
        expect(!getUser.ok && getUser.error).toMatchObject({
          status: 401,
          body: { code: "unauthenticated" },
        });
    },
  );
});
