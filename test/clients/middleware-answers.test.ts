// A middleware added with `raw.use` may answer a request itself, as openapi-fetch lets it: an `onRequest`
// returning a Response (a cache), an `onError` recovering with one, an `onResponse` replacing the answer. An
// operation method interprets that answer as `raw` returns it, and never throws for it.
import { HttpResponse, http } from "msw";
import type { Middleware } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const BATCH = `${HOSTS.fullstory}/v2/users/batch`;

function setup(label: string) {
  const f = seededFaker(`middleware answers ${label}`);
  const job = { id: f.string.uuid(), status: "PROCESSING", created: f.date.recent().toISOString() };
  const client = createFullStoryClient({
    apiKey: fullStoryApiKey(f),
    maxRetries: 0,
    sleep: async () => {},
  });
  const batch = { body: { requests: [{ uid: f.string.uuid() }] } };
  return { job, client, batch };
}

describe("an answer a raw.use middleware gives", () => {
  it("onRequest answering from a cache: the operation returns that answer, nothing is sent", async () => {
    const { job, client, batch } = setup("cache");
    let sent = 0;
    server.use(http.post(BATCH, () => ((sent += 1), HttpResponse.json({ job }))));
    client.raw.use({ onRequest: () => HttpResponse.json({ job }) });
    const result = await client.createBatchImport(batch);
    expect(result).toMatchObject({ ok: true, status: 200, data: { job } });
    expect(sent).toBe(0);
  });

  it("onRequest answering with a documented error: its typed variant", async () => {
    const { client, batch } = setup("cached error");
    client.raw.use({
      onRequest: () =>
        HttpResponse.json({ code: "invalid_argument", message: "no" }, { status: 400 }),
    });
    const result = await client.createBatchImport(batch);
    expect(!result.ok && result.error).toMatchObject({
      status: 400,
      body: { code: "invalid_argument", message: "no" },
    });
  });

  it("onError recovering from a network failure with a Response: that answer, typed", async () => {
    const { job, client, batch } = setup("recover");
    server.use(http.post(BATCH, () => HttpResponse.error()));
    client.raw.use({ onError: () => HttpResponse.json({ job }) });
    const result = await client.createBatchImport(batch);
    expect(result).toMatchObject({ ok: true, data: { job } });
  });

  it("onResponse replacing the vendor's answer: the operation sees the one raw would return", async () => {
    const { job, client, batch } = setup("replace");
    server.use(http.post(BATCH, () => HttpResponse.json({ job })));
    const replaced = { code: "held", message: "held by policy" };
    client.raw.use({ onResponse: () => HttpResponse.json(replaced, { status: 403 }) });
    const { error } = await client.raw.POST("/v2/users/batch", batch);
    const result = await client.createBatchImport(batch);
    expect(error).toEqual(replaced);
    expect(!result.ok && result.error).toMatchObject({ status: 403, body: replaced });
  });
});

describe("a middleware taken off with raw.eject", () => {
  it("answers no more: the vendor's answer comes back, to raw and the operation alike", async () => {
    const { job, client, batch } = setup("eject");
    server.use(http.post(BATCH, () => HttpResponse.json({ job })));
    const refusing = {
      onRequest: () => HttpResponse.json({ code: "held", message: "held" }, { status: 403 }),
    };
    client.raw.use(refusing);
    expect((await client.createBatchImport(batch)).ok).toBe(false);
    client.raw.eject(refusing);
    const { data } = await client.raw.POST("/v2/users/batch", batch);
    expect(data).toEqual({ job });
    expect(await client.createBatchImport(batch)).toMatchObject({ ok: true, data: { job } });
  });
});

// From JavaScript, `raw.use(debug && logger)` hands on `false` or `undefined` when it is off: openapi-fetch
// skips such a value, and so does the client.
it("raw.use given no middleware (false, undefined) adds none, and calls go on", async () => {
  const { job, client, batch } = setup("none");
  server.use(http.post(BATCH, () => HttpResponse.json({ job })));
  client.raw.use(false as never, undefined as never);
  expect(await client.createBatchImport(batch)).toMatchObject({ ok: true, data: { job } });
});

it("a middleware's hooks run as its methods: one reading its own fields (`this`) works", async () => {
  const { job, client, batch } = setup("this");
  server.use(http.post(BATCH, () => HttpResponse.json({ job })));
  const statuses: number[] = [];
  client.raw.use({
    statuses,
    onResponse({ response }) {
      this.statuses.push(response.status);
    },
  } as Middleware & { statuses: number[] });
  expect(await client.createBatchImport(batch)).toMatchObject({ ok: true, data: { job } });
  expect(statuses).toEqual([200]);
});

it("onResponse answering with an HTML 403: the operation's error quotes that page as sent", async () => {
  const { job, client, batch } = setup("html");
  server.use(http.post(BATCH, () => HttpResponse.json({ job })));
  const page = "<html><body>denied by policy</body></html>";
  client.raw.use({ onResponse: () => HttpResponse.html(page, { status: 403 }) });
  const result = await client.createBatchImport(batch);
  expect(!result.ok && result.error).toMatchObject({
    status: "malformed",
    httpStatus: 403,
    bodyText: page,
  });
});
