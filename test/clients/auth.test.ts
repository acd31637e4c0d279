// Each vendor's credentials, hosts and identification, as the vendor sees them on the wire.
import { readFileSync } from "node:fs";
import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isFatal } from "../../src/core/engine/chunk-outcomes.js";
import { VERSION } from "../../src/core/version.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const job = { id: "job-1", status: "PROCESSING", created: "2026-01-01T00:00:00Z" };

/** Records every request to `url` and answers with `answer`. */
function record(
  method: "get" | "post",
  url: string,
  answer: (request: Request) => Response | Promise<Response>,
) {
  const seen: Request[] = [];
  server.use(
    http[method](url, ({ request }) => {
      seen.push(request.clone());
      return answer(request);
    }),
  );
  return seen;
}

describe("FullStory", () => {
  const batch = { body: { requests: [{ uid: "u-1" }] } };

  it("sends the raw key as Authorization: Basic <key>, to the US host by default", async () => {
    const seen = record("post", `${HOSTS.fullstory}/v2/users/batch`, () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({ apiKey: "na1.abcdef123456" }).createBatchImport(batch);
    expect(seen[0]?.headers.get("authorization")).toBe("Basic na1.abcdef123456");
  });

  it("picks the EU host from an eu1. key prefix", async () => {
    const seen = record("post", "https://api.eu1.fullstory.com/v2/users/batch", () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({ apiKey: "eu1.abcdef123456" }).createBatchImport(batch);
    expect(seen).toHaveLength(1);
  });

  it("picks the EU host from an eu1. key read with surrounding whitespace (fetch trims it from the header)", async () => {
    const seen = record("post", "https://api.eu1.fullstory.com/v2/users/batch", () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({ apiKey: " \teu1.abcdef123456\r\n" }).createBatchImport(batch);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get("authorization")).toBe("Basic eu1.abcdef123456");
  });

  it("picks the EU host from the region option, whatever the key", async () => {
    const seen = record("post", "https://api.eu1.fullstory.com/v2/users/batch", () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({ apiKey: "legacy-key-0001", region: "eu1" }).createBatchImport(
      batch,
    );
    expect(seen).toHaveLength(1);
  });

  it("uses baseUrl over both", async () => {
    const seen = record("post", "http://127.0.0.1:9/fs/v2/users/batch", () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({
      apiKey: "eu1.abcdef123456",
      baseUrl: "http://127.0.0.1:9/fs",
    }).createBatchImport(batch);
    expect(seen).toHaveLength(1);
  });

  it("names the library and the integration in the User-Agent", async () => {
    const seen = record("post", `${HOSTS.fullstory}/v2/users/batch`, () =>
      HttpResponse.json({ job }),
    );
    await createFullStoryClient({
      apiKey: "na1.abcdef123456",
      userAgent: "acme-sync/2.1",
    }).createBatchImport(batch);
    expect(seen[0]?.headers.get("user-agent")).toBe(`bulk-user-import/${VERSION} acme-sync/2.1`);
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe("SlashID", () => {
  const result = { result: { successful_imports: 1, failed_imports: 0 } };

  it("sends the API key and org id, and the CSV as a persons.csv file part", async () => {
    const seen = record("post", `${HOSTS.slashid}/persons/bulk-import`, () =>
      HttpResponse.json(result),
    );
    const csv = 'slashid:emails,slashid:region\n"a@example.com,b@example.com",us-iowa\n';
    await createSlashIdClient({ apiKey: "slashid-key-123", orgId: "org-42" }).bulkImportPersons({
      body: { persons: csv },
    });
    const request = seen[0]!;
    expect(request.headers.get("slashid-api-key")).toBe("slashid-key-123");
    expect(request.headers.get("slashid-orgid")).toBe("org-42");
    expect(request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const file = (await request.formData()).get("persons");
    expect(file).toBeInstanceOf(File);
    expect((file as File).name).toBe("persons.csv");
    expect((file as File).type).toBe("text/csv");
    expect(await (file as File).text()).toBe(csv);
  });

  it("sends a CSV given as a Blob (a file read from disk) as its persons.csv part, unchanged", async () => {
    const seen = record("post", `${HOSTS.slashid}/persons/bulk-import`, () =>
      HttpResponse.json(result),
    );
    const csv = "slashid:emails,slashid:region\nc@example.com,europe-belgium\n";
    const persons = new Blob([csv], { type: "text/csv" });
    await createSlashIdClient({ apiKey: "slashid-key-123", orgId: "org-42" }).bulkImportPersons({
      body: { persons: persons as unknown as string },
    });
    const file = (await seen[0]!.formData()).get("persons");
    expect((file as File).name).toBe("persons.csv");
    expect(await (file as File).text()).toBe(csv);
  });

  it.each(["text/csv; charset=utf-8", "Text/CSV"])(
    "reads the template sent as %s (a media type is case-insensitive)",
    async (contentType) => {
      record(
        "get",
        `${HOSTS.slashid}/persons/bulk-import`,
        () => new HttpResponse("slashid:emails\n", { headers: { "Content-Type": contentType } }),
      );
      const template = await createSlashIdClient({
        apiKey: "slashid-key-123",
        orgId: "org-42",
      }).getPersonsBulkImportTemplate();
      expect(template.ok && template.data).toBe("slashid:emails\n");
    },
  );

  it("uses the sandbox host when asked", async () => {
    const seen = record(
      "get",
      "https://api.sandbox.slashid.com/persons/bulk-import",
      () => new HttpResponse("slashid:emails\n", { headers: { "Content-Type": "text/csv" } }),
    );
    const template = await createSlashIdClient({
      apiKey: "slashid-key-123",
      orgId: "org-42",
      environment: "sandbox",
    }).getPersonsBulkImportTemplate();
    expect(seen).toHaveLength(1);
    expect(template.ok && template.data).toBe("slashid:emails\n");
  });
});

describe("Userpilot", () => {
  it("sends Authorization: Token <key> to the chosen environment's host", async () => {
    const seen = record("post", "https://analytex-eu.userpilot.io/v1/users/bulk_identify", () =>
      HttpResponse.json({ job_id: "j:1", status: "queued" }, { status: 202 }),
    );
    await createUserpilotClient({
      apiKey: "up-key-123456",
      environment: "analytex-eu",
    }).bulkIdentifyUsers({
      body: { users: [{ user_id: "u-1" }] },
    });
    expect(seen[0]?.headers.get("authorization")).toBe("Token up-key-123456");
  });

  it("sends a key read with surrounding whitespace as Token <key>, with one space", async () => {
    const seen = record("post", `${HOSTS.userpilot}/v1/users/bulk_identify`, () =>
      HttpResponse.json({ job_id: "j:1", status: "queued" }, { status: 202 }),
    );
    await createUserpilotClient({ apiKey: " \tup-key-123456\r\n" }).bulkIdentifyUsers({
      body: { users: [{ user_id: "u-1" }] },
    });
    expect(seen[0]?.headers.get("authorization")).toBe("Token up-key-123456");
  });

  it("URL-encodes job ids that contain a colon", async () => {
    const seen = record("get", `${HOSTS.userpilot}/v1/background_jobs/:id`, () =>
      HttpResponse.json({ job_id: "users:job:1", status: "completed" }),
    );
    await createUserpilotClient({ apiKey: "up-key-123456" }).getBackgroundJob({
      params: { path: { job_id: "users:job:1" } },
    });
    expect(new URL(seen[0]!.url).pathname).toBe("/v1/background_jobs/users%3Ajob%3A1");
  });
});

describe("Propeller OAuth2 client credentials", () => {
  const secret = "propeller-client-secret-xyz";
  const options = { clientId: "client-1", clientSecret: secret, sleep: async () => {} };
  const okBulk = (request: Request) =>
    request.json().then((body: { users: { sourceId: string }[] }) =>
      HttpResponse.json({
        data: body.users.map((u) => ({
          action: "create",
          key: u.sourceId,
          lookupKey: "sourceId",
          success: true,
        })),
        messages: ["Completed"],
        total: body.users.length,
      }),
    );
  const bulk = (client: ReturnType<typeof createPropellerClient>, id = "s-1") =>
    client.bulkUsersBySourceId({ body: { users: [{ source: "crm", sourceId: id }] } });

  /** A token endpoint issuing token-1, token-2, … each living `expiresIn` seconds. */
  function tokenEndpoint(expiresIn = 1800) {
    let issued = 0;
    const seen = record("post", `${HOSTS.propeller}/oauth2/token`, () => {
      issued += 1;
      return HttpResponse.json({
        access_token: `token-${issued}`,
        expires_in: expiresIn,
        token_type: "Bearer",
      });
    });
    return seen;
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it("fetches a token on first use with a form-encoded client_credentials grant", async () => {
    const tokens = tokenEndpoint();
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const result = await bulk(createPropellerClient(options));
    expect(result.ok).toBe(true);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(await tokens[0]!.text()))).toEqual({
      grant_type: "client_credentials",
      client_id: "client-1",
      client_secret: secret,
    });
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer token-1");
  });

  it("sends the form's exact bytes: odd characters percent-encoded, a credential read with a line end without it (and names the client so)", async () => {
    const tokens = tokenEndpoint();
    record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const oddSecret = "s+&=% ü/x";
    const client = createPropellerClient({
      ...options,
      clientId: " client-1\r\n",
      clientSecret: `${oddSecret}\n`,
    });
    await bulk(client);
    expect(client.destination).toBe(`${HOSTS.propeller} client:client-1`);
    expect(await tokens[0]!.text()).toBe(
      "grant_type=client_credentials&client_id=client-1&client_secret=s%2B%26%3D%25+%C3%BC%2Fx",
    );
  });

  it("caches the token across calls, and concurrent first callers share one token request", async () => {
    const tokens = tokenEndpoint();
    record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const client = createPropellerClient(options);
    await Promise.all([bulk(client, "a"), bulk(client, "b"), bulk(client, "c")]);
    await bulk(client, "d");
    expect(tokens).toHaveLength(1);
  });

  it("renews the token before it expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    const tokens = tokenEndpoint(1800);
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const client = createPropellerClient({ ...options, tokenRefreshBeforeMs: 120_000 });
    await bulk(client);
    vi.setSystemTime(new Date("2026-01-01T00:27:00Z")); // 3 minutes before expiry: still good
    await bulk(client);
    vi.setSystemTime(new Date("2026-01-01T00:28:30Z")); // inside the renewal window
    await bulk(client);
    expect(tokens).toHaveLength(2);
    expect(calls.map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("in the renewal window, the call that asks waits for the new token; calls meanwhile go with the one in hand", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const tokens = record("post", `${HOSTS.propeller}/oauth2/token`, async () => {
      if (tokens.length > 1) await slow;
      return HttpResponse.json({
        access_token: `token-${tokens.length}`,
        expires_in: 1800,
        token_type: "Bearer",
      });
    });
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const client = createPropellerClient(options);
    await bulk(client, "a");
    vi.setSystemTime(new Date("2026-01-01T00:29:30Z")); // inside the 60 s renewal window
    const asking = bulk(client, "b");
    await vi.waitFor(() => expect(tokens).toHaveLength(2));
    const meanwhile = await Promise.all([bulk(client, "c"), bulk(client, "d")]);
    expect(meanwhile.map((result) => result.ok)).toEqual([true, true]);
    release();
    expect((await asking).ok).toBe(true);
    expect(calls.map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("renews once on a 401 and resends the same request", async () => {
    const tokens = tokenEndpoint();
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, (request) =>
      request.headers.get("authorization") === "Bearer token-1"
        ? HttpResponse.json(
            { error: { code: 401, messages: ["expired"], status: 401, type: "Unauthorized" } },
            { status: 401 },
          )
        : okBulk(request),
    );
    const result = await bulk(createPropellerClient(options));
    expect(result.ok).toBe(true);
    expect(tokens).toHaveLength(2);
    expect(calls).toHaveLength(2);
    expect(await calls[1]!.text()).toBe(await calls[0]!.text());
  });

  it("gives up after one renewal when the API keeps answering 401", async () => {
    const tokens = tokenEndpoint();
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, () =>
      HttpResponse.json(
        { error: { code: 401, messages: ["no"], status: 401, type: "Unauthorized" } },
        { status: 401 },
      ),
    );
    const result = await bulk(createPropellerClient(options));
    expect(!result.ok && result.error.status).toBe(401);
    expect(tokens).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it("a 403 is not sent again with a renewed token: the token was good, the permission is missing", async () => {
    const tokens = tokenEndpoint();
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, () =>
      HttpResponse.json(
        { error: { code: 403, messages: ["forbidden"], status: 403, type: "Forbidden" } },
        { status: 403 },
      ),
    );
    const result = await bulk(createPropellerClient(options));
    expect(!result.ok && result.error.status).toBe(403);
    expect(tokens).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it("turns a refused token request into the auth variant, without the secret", async () => {
    record("post", `${HOSTS.propeller}/oauth2/token`, () =>
      HttpResponse.json(
        { error: "invalid_client", error_description: `bad secret ${secret}` },
        { status: 401 },
      ),
    );
    const calls = record("post", `${HOSTS.propeller}/v2/users/bulk/sourceId`, okBulk);
    const result = await bulk(createPropellerClient(options));
    if (result.ok || result.error.status !== "auth") throw new Error("expected the auth variant");
    expect(result.error.reason).toMatch(/getAccessToken .*HTTP 401/);
    // The token endpoint's status: a refusal of the credentials, not a wrong URL's 404.
    expect(result.error.httpStatus).toBe(401);
    expect(JSON.stringify(result.error)).not.toContain(secret);
    expect(result.error.message).not.toContain(secret);
    expect(calls).toHaveLength(0);
  });
});

describe("pre-serialised bodies", () => {
  it("sends serializedBody as is, as JSON", async () => {
    const seen = record("post", `${HOSTS.fullstory}/v2/users/batch`, () =>
      HttpResponse.json({ job }),
    );
    const requests = [{ uid: "u-1" }, { uid: "u-2" }];
    // Spaced unlike JSON.stringify's output, so the bytes show which of the two was sent.
    const text = `{"requests": [${requests.map((r) => JSON.stringify(r)).join(", ")}]}`;
    await createFullStoryClient({ apiKey: "na1.abcdef123456" }).createBatchImport({
      body: { requests },
      serializedBody: text,
    });
    expect(await seen[0]!.text()).toBe(text);
    expect(seen[0]!.headers.get("content-type")).toBe("application/json");
  });
});

describe("middleware added with raw.use()", () => {
  it("may read the response body, and the operation still returns its typed result", async () => {
    record("post", `${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    const client = createFullStoryClient({ apiKey: "na1.abcdef123456" });
    const bodies: string[] = [];
    client.raw.use({
      onResponse: async ({ response }) => {
        bodies.push(await response.text());
      },
    });
    const result = await client.createBatchImport({ body: { requests: [{ uid: "u-1" }] } });
    expect(result.ok && result.data.job.id).toBe("job-1");
    expect(bodies.map((b) => JSON.parse(b) as unknown)).toEqual([{ job }]);
  });
});

describe("Propeller token endpoint failures", () => {
  it("retries a token request that failed with a 500 (asking again is harmless)", async () => {
    let calls = 0;
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: "server_error" }, { status: 500 })
          : HttpResponse.json({
              access_token: "token-after-500",
              expires_in: 1800,
              token_type: "Bearer",
            });
      }),
      http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, () =>
        HttpResponse.json({
          data: [{ action: "create", key: "s-1", lookupKey: "sourceId", success: true }],
          messages: [],
          total: 1,
        }),
      ),
    );
    const client = createPropellerClient({
      clientId: "c",
      clientSecret: "secret-123456",
      sleep: async () => {},
    });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "s-1" }] },
    });
    expect(result.ok).toBe(true);
    expect(calls).toBe(2);
  });

  it("a token endpoint still down after retries is a network failure, not refused credentials", async () => {
    server.use(http.post(`${HOSTS.propeller}/oauth2/token`, () => HttpResponse.error()));
    const client = createPropellerClient({
      clientId: "c",
      clientSecret: "secret-123456",
      maxRetries: 1,
      sleep: async () => {},
    });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "s-1" }] },
    });
    expect(!result.ok && result.error.status).toBe("network");
  });

  it("a token endpoint whose 200 is too large to read stops the import too: no token will come", async () => {
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, () =>
        HttpResponse.json({
          access_token: "t".repeat(4096),
          expires_in: 1800,
          token_type: "Bearer",
        }),
      ),
    );
    const client = createPropellerClient({
      clientId: "c",
      clientSecret: "secret-123456",
      maxResponseBytes: 1024,
    });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "s-1" }] },
    });
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe("auth");
    expect(isFatal(result.error)).toBe(true);
  });

  it("a token endpoint whose 200 is a portal's HTML page stops the import: no token will come", async () => {
    server.use(
      http.post(
        `${HOSTS.propeller}/oauth2/token`,
        () => new HttpResponse("<html>Sign in to the Wi-Fi</html>", { status: 200 }),
      ),
    );
    const client = createPropellerClient({ clientId: "c", clientSecret: "secret-123456" });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "s-1" }] },
    });
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe("auth");
    expect(isFatal(result.error)).toBe(true);
  });
});

describe("a credential read with its line end names the same destination", () => {
  // A journal is tied to its destination: the same key, read once from a CRLF file and once from a flag,
  // must resume the same journal (fetch sends both the same).
  it.each<[string, (tail: string) => { destination: string }]>([
    ["FullStory", (tail) => createFullStoryClient({ apiKey: `na1.Kq8vT3xW${tail}` })],
    ["SlashID", (tail) => createSlashIdClient({ apiKey: "sid-key", orgId: `org-7${tail}` })],
    ["Userpilot", (tail) => createUserpilotClient({ apiKey: `up-Kq8vT3xW${tail}` })],
    [
      "Propeller",
      (tail) => createPropellerClient({ clientId: `client-1${tail}`, clientSecret: "s" }),
    ],
  ])("%s", (_, create) => {
    expect(create("\r\n").destination).toBe(create("").destination);
    // A tab too, as a TSV export or a pasted value leaves it: fetch strips it from a header's edges.
    expect(create(" \t").destination).toBe(create("").destination);
  });
});

describe("a credential that ends in a no-break space, which fetch sends", () => {
  // fetch strips only tab, LF, CR and space from a header's edges: a key or org id ending in U+00A0 is another
  // credential, so another account, and must not resume the first one's journal.
  it("SlashID's org id names another destination", () => {
    const create = (tail: string) =>
      createSlashIdClient({ apiKey: "sid-key", orgId: `org-7${tail}` });
    expect(create("\u00a0").destination).not.toBe(create("").destination);
  });

  // FullStory and Userpilot trim their key themselves before sending it, byte order mark and all: the key
  // sent is the same, so is the account, and a journal of one resumes with the other.
  it.each<[string, (tail: string) => { destination: string }]>([
    ["FullStory", (tail) => createFullStoryClient({ apiKey: `na1.Kq8vT3xW${tail}` })],
    ["Userpilot", (tail) => createUserpilotClient({ apiKey: `up-Kq8vT3xW${tail}` })],
  ])(
    "%s's key with a no-break space or byte order mark at its edge names the same one",
    (_, create) => {
      expect(create("\u00a0").destination).toBe(create("").destination);
      expect(create("\ufeff").destination).toBe(create("").destination);
    },
  );
});

describe("two accounts whose ids overlap their secrets", () => {
  // A destination is scrubbed of whole secrets only: scrubbed of their runs, both ids read
  // `client:[REDACTED]`, and one account's journal was taken for the other's, its users reported imported.
  it("name two destinations", () => {
    const eu = createPropellerClient({
      clientId: "acme-import-eu",
      clientSecret: "acme-import-eu.Zk29xLq0Vv",
    });
    const us = createPropellerClient({
      clientId: "acme-import-us",
      clientSecret: "acme-import-us.P0qLm2Rt8s",
    });
    expect([eu.destination, us.destination]).toEqual([
      `${HOSTS.propeller} client:acme-import-eu`,
      `${HOSTS.propeller} client:acme-import-us`,
    ]);
  });
});
