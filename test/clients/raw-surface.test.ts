// `client.raw`, openapi-fetch's client under the operation methods, keeps the operation methods' guarantees:
// FullStory's writes carry an Idempotency-Key, errors hold no credential, and a call that got no usable
// answer rejects with the same typed ApiError an operation method returns.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const quiet = { maxRetries: 0, sleep: async () => {} };

function setup(label: string) {
  const f = seededFaker(`raw surface ${label}`);
  const apiKey = fullStoryApiKey(f);
  const job = { id: f.string.uuid(), status: "PROCESSING", created: f.date.recent().toISOString() };
  const batch = { requests: [{ uid: f.string.uuid(), email: f.internet.email() }] };
  return { f, apiKey, job, batch, client: createFullStoryClient({ apiKey, ...quiet }) };
}

/** The Idempotency-Key of every request to `url`, in order (null where none was sent). */
function keysSentTo(url: string, answer: () => Response): (string | null)[] {
  const keys: (string | null)[] = [];
  server.use(
    http.post(url, ({ request }) => {
      keys.push(request.headers.get("idempotency-key"));
      return answer();
    }),
  );
  return keys;
}

describe("FullStory writes through raw", () => {
  it("raw.POST /v2/users/batch carries a fresh UUID v4 Idempotency-Key per call", async () => {
    const { job, batch, client } = setup("batch key");
    const keys = keysSentTo(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    const { data } = await client.raw.POST("/v2/users/batch", { body: batch });
    await client.raw.POST("/v2/users/batch", { body: batch });
    expect(data?.job.id).toBe(job.id);
    expect(keys).toEqual([expect.stringMatching(UUID_V4), expect.stringMatching(UUID_V4)]);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("keeps the caller's own key, given as a parameter or a header", async () => {
    const { f, job, batch, client } = setup("own key");
    const keys = keysSentTo(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    const [first, second] = [f.string.uuid(), f.string.uuid()];
    await client.raw.POST("/v2/users/batch", {
      body: batch,
      params: { header: { "Idempotency-Key": first } },
    });
    await client.raw.POST("/v2/users/batch", {
      body: batch,
      headers: { "Idempotency-Key": second },
    });
    expect(keys).toEqual([first, second]);
  });

  it("the operation method gets its key from the same middleware", async () => {
    const { job, batch, client } = setup("operation key");
    const keys = keysSentTo(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    const seenByCallerMiddleware: (string | null)[] = [];
    client.raw.use({
      onRequest: ({ request }) => {
        seenByCallerMiddleware.push(request.headers.get("idempotency-key"));
      },
    });
    const result = await client.createBatchImport({ body: batch });
    expect(result.ok).toBe(true);
    expect(keys).toEqual([expect.stringMatching(UUID_V4)]);
    expect(seenByCallerMiddleware).toEqual(keys);
  });

  it("a path spelled another way to the same write (a query, a `.` segment) carries a key too", async () => {
    const { job, batch, client } = setup("other spelling");
    const keys = keysSentTo(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    // Paths the spec's types do not list, as plain JavaScript (or a cast) may send them.
    for (const path of ["/v2/users/batch?source=crm", "/v2/./users/batch"])
      await client.raw.POST(path as "/v2/users/batch", { body: batch });
    expect(keys).toEqual([expect.stringMatching(UUID_V4), expect.stringMatching(UUID_V4)]);
  });

  it("raw.POST /v2/users (Create User) carries a key too; a vendor without keys gets none", async () => {
    const { f, apiKey, client } = setup("create user");
    const created = keysSentTo(`${HOSTS.fullstory}/v2/users`, () =>
      HttpResponse.json({ id: f.string.numeric(8) }),
    );
    await client.raw.POST("/v2/users", { body: { uid: f.string.uuid() } });
    expect(created).toEqual([expect.stringMatching(UUID_V4)]);

    const userpilot = keysSentTo(`${HOSTS.userpilot}/v1/users/bulk_identify`, () =>
      HttpResponse.json({ job_id: f.string.uuid(), status: "queued" }, { status: 202 }),
    );
    await createUserpilotClient({ apiKey, ...quiet }).raw.POST("/v1/users/bulk_identify", {
      body: { users: [{ user_id: f.string.uuid() }] },
    });
    expect(userpilot).toEqual([null]);
  });

  // fetch's `keepalive` forbids a body it cannot measure (a stream): the request the transport is handed,
  // rebuilt from one read of its URL, must not turn a call's measured body into one.
  it("a write with keepalive set (by the call, or a Request middleware hands on) is sent", async () => {
    const { job, batch, client } = setup("keepalive");
    const keys = keysSentTo(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json({ job }));
    const post = client.raw.POST as (...args: unknown[]) => Promise<{ data?: unknown }>;
    const { data } = await post("/v2/users/batch", { body: batch, keepalive: true });
    expect(data).toEqual({ job });
    client.raw.use({
      onRequest: async ({ request }) =>
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: await request.text(),
          keepalive: true,
        }),
    });
    expect((await client.createBatchImport({ body: batch })).ok).toBe(true);
    expect(keys).toEqual([expect.stringMatching(UUID_V4), expect.stringMatching(UUID_V4)]);
  });
});

describe("errors of raw calls", () => {
  it("an error body echoing the API key comes back scrubbed", async () => {
    const { apiKey, batch, client } = setup("echo");
    server.use(
      http.post(`${HOSTS.fullstory}/v2/users/batch`, ({ request }) =>
        HttpResponse.json(
          { code: "invalid_argument", message: `bad ${request.headers.get("authorization")}` },
          { status: 400 },
        ),
      ),
    );
    const { error, response } = await client.raw.POST("/v2/users/batch", { body: batch });
    expect(response.status).toBe(400);
    expect(JSON.stringify(error)).toContain("[REDACTED]");
    expectNoSecret(error, [apiKey]);
  });

  it("a network failure rejects with the operation's typed ApiError, the same as the method returns", async () => {
    const { batch, client } = setup("network");
    server.use(http.post(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.error()));
    const thrown = await client.raw.POST("/v2/users/batch", { body: batch }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const result = await client.createBatchImport({ body: batch });
    expect(thrown).toBeInstanceOf(ApiError);
    const expected = {
      status: "network",
      operation: "createBatchImport",
      method: "POST",
      path: "/v2/users/batch",
    };
    expect(thrown).toMatchObject(expected);
    expect(!result.ok && result.error).toMatchObject(expected);
  });

  it("a thrown failure quoting the API key is scrubbed in every rendering", async () => {
    const f = seededFaker("raw surface thrown");
    const apiKey = fullStoryApiKey(f);
    const client = createFullStoryClient({
      apiKey,
      ...quiet,
      fetch: (request) =>
        Promise.reject(new TypeError(`fetch failed: ${request.headers.get("authorization")}`)),
    });
    const thrown = await client.raw
      .GET("/v2/users/{id}", { params: { path: { id: f.string.numeric(8) } } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: "network", operation: "getUser", method: "GET" });
    expectNoSecret(thrown, [apiKey]);
  });

  it("the client has no request methods of its own beside raw", () => {
    const { client } = setup("shape");
    for (const name of ["GET", "POST", "request", "use"]) expect(name in client).toBe(false);
  });
});
