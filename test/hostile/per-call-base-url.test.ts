// openapi-fetch lets each raw call name its own `baseUrl`. The client's credentials (an API key header, or
// Propeller's access token) belong to the client's base URL's origin: a call aimed at another origin must not
// carry them there, nor make Propeller fetch a token for it.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const ELSEWHERE = "https://collector.attacker.example";
const f = seededFaker("per-call base url");
const users = { users: [{ source: "CRM", sourceId: "C-1" }] };

/** Every request the other origin and Propeller's token endpoint receive. */
function watch() {
  const elsewhere: Request[] = [];
  const tokenRequests: Request[] = [];
  server.use(
    http.all(`${ELSEWHERE}/*`, ({ request }) => {
      elsewhere.push(request);
      return HttpResponse.json({ data: [], messages: [], total: 0 });
    }),
    http.post(`${HOSTS.propeller}/oauth2/token`, ({ request }) => {
      tokenRequests.push(request);
      return HttpResponse.json({
        access_token: f.string.alphanumeric(32),
        expires_in: 1800,
        token_type: "Bearer",
      });
    }),
  );
  return { elsewhere, tokenRequests };
}

const propeller = () =>
  createPropellerClient({
    clientId: f.string.uuid(),
    clientSecret: f.string.alphanumeric(32),
    sleep: async () => {},
  });

describe("a call whose own baseUrl names another origin", () => {
  it("Propeller raw.POST: refused before sending, no token fetched, nothing reaches the other origin", async () => {
    const seen = watch();
    const call = propeller().raw.POST("/v2/users/bulk/sourceId", {
      baseUrl: ELSEWHERE,
      body: users,
    });
    await expect(call).rejects.toThrow(
      /bulkUsersBySourceId: .*another origin than the client's base URL.*nothing was sent/,
    );
    expect(seen.elsewhere).toHaveLength(0);
    expect(seen.tokenRequests).toHaveLength(0);
  });

  it("a Propeller operation method given a baseUrl from JavaScript: refused alike", async () => {
    const seen = watch();
    const send = propeller().bulkUsersBySourceId as (init: object) => Promise<unknown>;
    await expect(send({ baseUrl: ELSEWHERE, body: users })).rejects.toBeInstanceOf(TypeError);
    expect(seen.elsewhere).toHaveLength(0);
    expect(seen.tokenRequests).toHaveLength(0);
  });

  it("FullStory raw.POST: its API key does not go there", async () => {
    const seen = watch();
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const call = client.raw.POST("/v2/users/batch", {
      baseUrl: `${ELSEWHERE}/`,
      body: { requests: [{ uid: "u-1" }] },
    });
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect(seen.elsewhere).toHaveLength(0);
  });

  it("a baseUrl on the client's own origin still goes out, with the token", async () => {
    const seen = watch();
    const received: Request[] = [];
    server.use(
      http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, ({ request }) => {
        received.push(request);
        return HttpResponse.json({ data: [], messages: [], total: 0 });
      }),
    );
    const { response } = await propeller().raw.POST("/v2/users/bulk/sourceId", {
      baseUrl: `${HOSTS.propeller}/`,
      body: users,
    });
    expect(response.status).toBe(200);
    expect(received[0]?.headers.get("authorization")).toMatch(/^Bearer /);
    expect(seen.tokenRequests).toHaveLength(1);
  });

  // The same host is not the same origin: plain http would carry the key unencrypted, another port reaches
  // another server, and a host the client's is only a prefix of is someone else's.
  it.each([
    "http://api.fullstory.com",
    "https://api.fullstory.com:8443",
    "https://api.fullstory.com.attacker.example",
  ])("%s is another origin: refused, nothing sent", async (baseUrl) => {
    const sent: string[] = [];
    const fetch = (input: RequestInfo | URL) => {
      sent.push(input instanceof Request ? input.url : String(input));
      return Promise.resolve(Response.json({}, { status: 500 }));
    };
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}`, fetch });
    const call = client.raw.POST("/v2/users/batch", {
      baseUrl,
      body: { requests: [{ uid: "u-1" }] },
    });
    await expect(call).rejects.toThrow(/another origin than the client's base URL/);
    expect(sent).toEqual([]);
  });
});

// Tenants behind one gateway, each under a path of its own (`https://gw/tenant-a`, `https://gw/tenant-b`): a
// journal tells them apart by base URL, path and all, and so must a call. A client's credentials do not go
// past its base URL's path, whether a call names another base URL on the origin, a path whose dot segments
// climb out of it, or a caller's middleware points there; a base URL below the client's is still its own.
//
// A server may also decode a path before it resolves its dot segments, which URL parsing does not: nginx
// decodes `%2F`, others take `\` or its `%5C` for `/`, Tomcat drops a segment's `;parameter`, and a chain of
// servers may decode `%25` once each. `/tenant-a/..%2Ftenant-b/…` is `/tenant-b/…` to them.
const GATEWAY = "https://gateway.example";
describe.each([`${GATEWAY}/tenant-a/`, `${GATEWAY}/tenant-a`])(
  "a call that leaves the client's base URL's path on its origin (client's base URL %s)",
  (clientBaseUrl) => {
    const client = (sent: string[]) =>
      createPropellerClient({
        clientId: f.string.uuid(),
        clientSecret: f.string.alphanumeric(32),
        baseUrl: clientBaseUrl,
        sleep: async () => {},
        maxRetries: 0,
        fetch: (request) => {
          sent.push(`${request.method} ${new URL(request.url).pathname}`);
          return Promise.resolve(
            request.url.endsWith("/oauth2/token")
              ? Response.json({
                  access_token: "t".repeat(24),
                  expires_in: 1800,
                  token_type: "Bearer",
                })
              : Response.json({ data: [], messages: [], total: 0 }),
          );
        },
      });
    const climbing = {
      onRequest: ({ request }: { request: Request }) =>
        new Request(request.url.replace("/tenant-a/", "/tenant-b/"), request),
    };

    /** A raw bulk request to `path`, which names the operation's path in a form that leaves the base. */
    const postTo = (path: string) => (c: ReturnType<typeof client>) =>
      c.raw.POST(path as "/v2/users/bulk/sourceId", { body: users });

    it.each<[string, (c: ReturnType<typeof client>) => Promise<unknown>]>([
      [
        "a call's baseUrl of another tenant",
        (c) =>
          c.raw.POST("/v2/users/bulk/sourceId", { baseUrl: `${GATEWAY}/tenant-b`, body: users }),
      ],
      [
        "a call's baseUrl of the origin's root",
        (c) => c.raw.POST("/v2/users/bulk/sourceId", { baseUrl: GATEWAY, body: users }),
      ],
      [
        "a base URL that the client's is only a prefix of",
        (c) =>
          c.raw.POST("/v2/users/bulk/sourceId", { baseUrl: `${GATEWAY}/tenant-ab`, body: users }),
      ],
      ["a path whose dot segments climb out", postTo("/../tenant-b/v2/users/bulk/sourceId")],
      [
        "a path whose escaped dot segments climb out",
        postTo("/%2e%2e/tenant-b/v2/users/bulk/sourceId"),
      ],
      ["escaped dot segments in upper case", postTo("/%2E%2E/tenant-b/v2/users/bulk/sourceId")],
      ["a dot and an escaped dot", postTo("/.%2e/tenant-b/v2/users/bulk/sourceId")],
      ["backslashes for slashes", postTo("/..\\tenant-b/v2/users/bulk/sourceId")],
      [
        "dots before an escaped slash, which a server may decode first",
        postTo("/..%2ftenant-b/v2/users/bulk/sourceId"),
      ],
      [
        "escaped dots and an escaped slash in upper case",
        postTo("/%2E%2E%2Ftenant-b/v2/users/bulk/sourceId"),
      ],
      ["dots before an escaped backslash", postTo("/..%5Ctenant-b/v2/users/bulk/sourceId")],
      [
        "dots under an escaped slash, past a segment below",
        postTo("/v2%2f..%2f..%2ftenant-b/v2/users/bulk/sourceId"),
      ],
      [
        "dots with a path parameter (`;`), as Tomcat drops it",
        postTo("/..;x=1/tenant-b/v2/users/bulk/sourceId"),
      ],
      ["dots and a slash escaped twice", postTo("/%252e%252e%252ftenant-b/v2/users/bulk/sourceId")],
      [
        "dots after a doubled escaped slash, which a server may merge",
        postTo("/%2f..%2f..%2ftenant-b/v2/users/bulk/sourceId"),
      ],
      [
        "a call's baseUrl of the client's path in another case",
        (c) =>
          c.raw.POST("/v2/users/bulk/sourceId", { baseUrl: `${GATEWAY}/Tenant-A`, body: users }),
      ],
      [
        "a call's baseUrl climbing out through an escaped slash",
        (c) =>
          c.raw.POST("/v2/users/bulk/sourceId", {
            baseUrl: `${GATEWAY}/tenant-a/..%2Ftenant-b`,
            body: users,
          }),
      ],
      [
        "an operation method given another tenant's baseUrl from JavaScript",
        (c) =>
          (c.bulkUsersBySourceId as (init: object) => Promise<unknown>)({
            baseUrl: `${GATEWAY}/tenant-b`,
            body: users,
          }),
      ],
      [
        "a middleware pointing at another tenant's path",
        (c) => {
          c.raw.use(climbing);
          return c.bulkUsersBySourceId({ body: users });
        },
      ],
    ])("%s: refused, no token fetched, nothing sent", async (_, call) => {
      const sent: string[] = [];
      await expect(call(client(sent))).rejects.toThrow(
        /leaves the client's base URL's path.*nothing was sent/,
      );
      expect(sent).toEqual([]);
    });

    it("a call's baseUrl at or below the client's goes out, with the token", async () => {
      const sent: string[] = [];
      const c = client(sent);
      for (const baseUrl of [`${GATEWAY}/tenant-a`, `${GATEWAY}/tenant-a/v2/..`])
        expect(
          (await c.raw.POST("/v2/users/bulk/sourceId", { baseUrl, body: users })).response.status,
        ).toBe(200);
      expect(sent).toEqual([
        "POST /tenant-a/oauth2/token",
        "POST /tenant-a/v2/users/bulk/sourceId",
        "POST /tenant-a/v2/users/bulk/sourceId",
      ]);
    });

    it("a call's baseUrl with a trailing slash, or an escaped slash that stays below, goes out", async () => {
      const sent: string[] = [];
      const c = client(sent);
      for (const [baseUrl, path] of [
        [`${GATEWAY}/tenant-a/`, "/v2/users/bulk/sourceId"],
        [`${GATEWAY}/tenant-a/x`, "/v2/users/bulk/sourceId"],
        [`${GATEWAY}/tenant-a`, "/v2/users/a%2Fb%2F..%2F..%2Fbulk/sourceId"],
      ] as const)
        expect(
          (await c.raw.POST(path as "/v2/users/bulk/sourceId", { baseUrl, body: users })).response
            .status,
        ).toBe(200);
      expect(sent).toEqual([
        "POST /tenant-a/oauth2/token",
        "POST /tenant-a/v2/users/bulk/sourceId",
        "POST /tenant-a/x/v2/users/bulk/sourceId",
        "POST /tenant-a/v2/users/a%2Fb%2F..%2F..%2Fbulk/sourceId",
      ]);
    });
  },
);

describe("a request that a caller's raw.use middleware points at another origin", () => {
  const elsewhere = {
    onRequest: ({ request }: { request: Request }) =>
      new Request(`${ELSEWHERE}${new URL(request.url).pathname}`, request),
  };

  it("Propeller bulkUsersBySourceId: refused as it goes out, its access token not sent there", async () => {
    const seen = watch();
    const client = propeller();
    client.raw.use(elsewhere);
    await expect(client.bulkUsersBySourceId({ body: users })).rejects.toThrow(
      /another origin than the client's base URL \(a middleware added with raw.use changed it\?\).*nothing was sent/,
    );
    expect(seen.elsewhere).toHaveLength(0);
  });

  it("SlashID raw.POST: its API key header, which fetch would carry anywhere, does not go there", async () => {
    const seen = watch();
    const client = createSlashIdClient({ apiKey: f.string.alphanumeric(32), orgId: "org-1" });
    client.raw.use(elsewhere);
    const call = client.raw.POST("/persons/bulk-import", {
      params: { header: { "SlashID-OrgID": "org-1" } },
      body: { persons: "" },
      bodySerializer: () => "",
    });
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect(seen.elsewhere).toHaveLength(0);
  });
});

describe("a raw call given its own fetch", () => {
  it("is refused: that fetch would get the client's key with no origin check, retry or redirect refusal", async () => {
    const handed: Request[] = [];
    const ownFetch = (request: Request) => {
      handed.push(request);
      return Promise.resolve(Response.json({}, { status: 200 }));
    };
    const client = createSlashIdClient({ apiKey: f.string.alphanumeric(32), orgId: "org-1" });
    const call = client.raw.POST("/persons/bulk-import", {
      params: { header: { "SlashID-OrgID": "org-1" } },
      body: { persons: "" },
      bodySerializer: () => "",
      fetch: ownFetch,
    });
    await expect(call).rejects.toThrow(
      /own fetch would send past the client's transport.*nothing was sent/,
    );
    expect(handed).toEqual([]);
  });

  it("is refused when more arguments follow the init, and in raw.request", async () => {
    const handed: Request[] = [];
    const ownFetch = (request: Request) => {
      handed.push(request);
      return Promise.resolve(Response.json({}, { status: 200 }));
    };
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const init = { params: { path: { id: "x" } }, fetch: ownFetch };
    const get = client.raw.GET as (...args: unknown[]) => Promise<unknown>;
    const request = client.raw.request as (...args: unknown[]) => Promise<unknown>;
    await expect(get("/v2/users/{id}", init, undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(request("get", "/v2/users/{id}", init)).rejects.toBeInstanceOf(TypeError);
    expect(handed).toEqual([]);
  });

  it("is refused when the init's fetch is a getter that first reads undefined", async () => {
    const handed: Request[] = [];
    const ownFetch = (request: Request) => {
      handed.push(request);
      return Promise.resolve(Response.json({}, { status: 200 }));
    };
    let reads = 0;
    const init = {
      params: { path: { id: "x" } },
      get fetch() {
        reads += 1;
        return reads === 1 ? undefined : ownFetch;
      },
    };
    let served = 0;
    server.use(
      http.get(`${HOSTS.fullstory}/v2/users/:id`, () => {
        served += 1;
        return HttpResponse.json({ id: "x" });
      }),
    );
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const get = client.raw.GET as (...args: unknown[]) => Promise<unknown>;
    await get("/v2/users/{id}", init);
    expect(handed).toEqual([]);
    expect(served).toBe(1);
  });
});

describe("a raw call's init made by a class", () => {
  it.each([
    ["aborted", true],
    ["live", false],
  ])("keeps the signal (%s) and params its getters give", async (_, aborted) => {
    const served: string[] = [];
    server.use(
      http.get(`${HOSTS.fullstory}/v2/users/:id`, ({ params }) => {
        served.push(String(params["id"]));
        return HttpResponse.json({ id: "x" });
      }),
    );
    class Init {
      readonly #signal = aborted
        ? AbortSignal.abort(new Error("stopped by the caller"))
        : new AbortController().signal;
      get signal() {
        return this.#signal;
      }
      get params() {
        return { path: { id: "u-1" } };
      }
    }
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const get = client.raw.GET as (...args: unknown[]) => Promise<unknown>;
    const call = get("/v2/users/{id}", new Init());
    if (aborted) await expect(call).rejects.toThrow();
    else await call;
    expect(served).toEqual(aborted ? [] : ["u-1"]);
  });

  it("a function given as the init is checked as one: its own fetch is refused", async () => {
    const handed: Request[] = [];
    const ownFetch = (request: Request) => {
      handed.push(request);
      return Promise.resolve(Response.json({ id: "x" }, { status: 200 }));
    };
    const init = Object.assign(() => undefined, { params: { path: { id: "x" } }, fetch: ownFetch });
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const get = client.raw.GET as (...args: unknown[]) => Promise<unknown>;
    await expect(get("/v2/users/{id}", init)).rejects.toBeInstanceOf(TypeError);
    expect(handed).toEqual([]);
  });

  it("a fetch the class's getter gives is refused as an own one is", async () => {
    const handed: Request[] = [];
    class Init {
      get params() {
        return { path: { id: "x" } };
      }
      get fetch() {
        return (request: Request) => {
          handed.push(request);
          return Promise.resolve(Response.json({ id: "x" }, { status: 200 }));
        };
      }
    }
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    const get = client.raw.GET as (...args: unknown[]) => Promise<unknown>;
    await expect(get("/v2/users/{id}", new Init())).rejects.toThrow(/a call's own fetch/);
    expect(handed).toEqual([]);
  });
});

// fetch refuses a URL holding a user name or password, or one it cannot parse, with an error that quotes it
// whole, as the client's own baseUrl would be (refused when the client is made): a call's own holds the caller's
// credential just as much, in its user info or (a gateway's URL) in its path.
describe("a call whose own baseUrl holds a user name or password, or is no URL fetch can parse", () => {
  const password = "hunter2-Gx81qZ";
  const token = "gw-Tk7qLm92ZxP4";
  it.each([
    [`https://deploy:${password}@api.fullstory.com`, password],
    [`https://deploy:${password}@collector.attacker.example`, password],
    // Not a URL fetch can parse (a `/` ends the authority), whose error quotes it all the same.
    [`https://deploy:${password}/x@api.fullstory.com`, password],
    [`https://api.fullstory.com:99999/${token}`, token],
    [`https://api.full story.com/${token}`, token],
    [`https://[api.fullstory.com/${token}`, token],
  ])("%s: refused without quoting it, nothing sent", async (baseUrl, secret) => {
    const sent: string[] = [];
    const fetch = (request: Request) => {
      sent.push(request.url);
      return Promise.resolve(Response.json({}, { status: 500 }));
    };
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}`, fetch });
    const raw = client.raw.POST("/v2/users/batch", {
      baseUrl,
      body: { requests: [{ uid: "u-1" }] },
    });
    const method = (client.createBatchImport as (init: object) => Promise<unknown>)({
      baseUrl,
      body: { requests: [{ uid: "u-1" }] },
    });
    for (const call of [raw, method]) {
      const error = await call.then(
        () => expect.fail("the call went out"),
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(TypeError);
      expectNoSecret(error, [secret]);
    }
    expect(sent).toEqual([]);
  });
});

// openapi-fetch builds a call's request with the call's own `Request` class, and a caller's raw.use
// middleware may hand on a Request of its own. The checks (origin, path) and the send each read `url`: a
// class whose `url` answers the client's URL to the first reads and another origin's after would pass every
// check and then be sent there, with the client's credentials. One read decides both what is checked and
// where the request goes.
describe("a Request whose url answers the client's URL to its first reads, another origin's after", () => {
  /** A Request class whose `url` is the one it was made for up to read `honest`, then ELSEWHERE's. */
  function turning(honest: number) {
    return class Turning extends Request {
      #reads = 0;
      override get url(): string {
        this.#reads += 1;
        const url = super.url;
        return this.#reads <= honest ? url : `${ELSEWHERE}${new URL(url).pathname}`;
      }
    };
  }
  const served = () => {
    const paths: string[] = [];
    server.use(
      http.get(`${HOSTS.fullstory}/v2/users/:id`, ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json({ id: "u1" });
      }),
      http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json({ data: [], messages: [], total: 0 });
      }),
    );
    return paths;
  };

  it.each([1, 2, 3, 4, 5, 6, 8])(
    "FullStory, a call's Request class honest for %i reads: sent to the client's origin only",
    async (honest) => {
      const seen = watch();
      const paths = served();
      const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
      const init = { params: { path: { id: "u1" } }, Request: turning(honest) };
      const get = client.raw.GET as (...args: unknown[]) => Promise<{ response: Response }>;
      const { response } = await get("/v2/users/{id}", init);
      expect(response.status).toBe(200);
      // An operation method given one from JavaScript.
      const getUser = client.getUser as (init: object) => Promise<{ ok: boolean }>;
      expect((await getUser(init)).ok).toBe(true);
      expect(seen.elsewhere).toHaveLength(0);
      expect(paths).toEqual(["/v2/users/u1", "/v2/users/u1"]);
    },
  );

  it.each([1, 2, 3, 4, 5, 6, 8])(
    "Propeller, a raw.use middleware's Request honest for %i reads: its access token goes to its origin only",
    async (honest) => {
      const seen = watch();
      const paths = served();
      const client = propeller();
      const Turning = turning(honest);
      client.raw.use({ onRequest: ({ request }) => new Turning(request.url, request) });
      const result = await client.bulkUsersBySourceId({ body: users });
      expect(seen.elsewhere).toHaveLength(0);
      expect(result.ok).toBe(true);
      expect(paths).toEqual(["/v2/users/bulk/sourceId"]);
    },
  );
});
