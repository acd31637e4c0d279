// A middleware added with `raw.use` may answer a request itself, as openapi-fetch lets it: an `onRequest`
// returning a Response (a cache), an `onError` recovering with one, an `onResponse` replacing the answer. An
// operation method interprets that answer as `raw` returns it, and never throws for it.
import { HttpResponse, http } from "msw";
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
