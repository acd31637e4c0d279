// A raw.use middleware's answer stands in for what the vendor said, not for what it got: when a try of the
// call may have reached the vendor (a connection lost after sending, a vendor's own answer the middleware
// replaced), the operation's error says so, and a 503 or 429 the middleware made up never says the vendor
// turned the write away, which would have the import forget records the vendor may hold. The error says the
// answer was not the vendor's (replacedAnswer), so a refusal in it is not put in the vendor's mouth.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { unprocessedBy } from "../../src/core/errors/unprocessed.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const BATCH = `${HOSTS.fullstory}/v2/users/batch`;
const OFFLINE = () => new Response(null, { status: 503 });

describe("an operation's error from a middleware's answer after the request went out", () => {
  it("onError answering a connection lost after sending: may have arrived, not turned away", async () => {
    const f = seededFaker("middleware answer after lost connection");
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      maxRetries: 0,
      // Not a refused connection: the request may have reached the vendor before the socket closed.
      fetch: () => Promise.reject(new Error("socket hang up")),
    });
    client.raw.use({ onError: OFFLINE });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error).toMatchObject({ httpStatus: 503, afterArrivedTry: true, replacedAnswer: true });
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("onError answering a connection never made: nothing arrived, turned away stands", async () => {
    const f = seededFaker("middleware answer after refused connection");
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
    });
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      maxRetries: 0,
      fetch: () => Promise.reject(refused),
    });
    client.raw.use({ onError: OFFLINE });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error.afterArrivedTry).toBeUndefined();
    expect(error.replacedAnswer).toBe(true);
    expect(unprocessedBy(error)).toBe("turned_away");
  });

  it("onResponse replacing the vendor's 200 with a 503: the vendor got it, not turned away", async () => {
    const f = seededFaker("middleware replaces a success");
    const job = {
      id: f.string.uuid(),
      status: "PROCESSING",
      created: f.date.recent().toISOString(),
    };
    server.use(http.post(BATCH, () => HttpResponse.json({ job })));
    const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
    client.raw.use({ onResponse: OFFLINE });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error).toMatchObject({ httpStatus: 503, afterArrivedTry: true, replacedAnswer: true });
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("onRequest answering before anything is sent: nothing arrived", async () => {
    const f = seededFaker("middleware answers first");
    const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
    client.raw.use({ onRequest: OFFLINE });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error.replacedAnswer).toBe(true);
    expect(unprocessedBy(error)).toBe("turned_away");
  });

  it("a middleware that only read the vendor's own 503 leaves it the vendor's", async () => {
    const f = seededFaker("middleware reads the vendor's answer");
    // With a body, so that the read leaves it used and the client hands on a stand-in for the answer (an
    // answer without one stays readable, and is handed on as it is).
    server.use(http.post(BATCH, () => new Response("busy", { status: 503 })));
    const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
    client.raw.use({
      onResponse: async ({ response }) => {
        await response.text();
        return undefined;
      },
    });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error).not.toHaveProperty("replacedAnswer");
    expect(unprocessedBy(error)).toBe("turned_away");
  });
});

describe("an operation's error from a middleware's answer in place of the vendor's refusal", () => {
  const create = async (label: string, answers: (() => Response)[]) => {
    const f = seededFaker(`middleware replaces a refusal ${label}`);
    let tries = 0;
    server.use(http.post(BATCH, () => answers[Math.min(tries++, answers.length - 1)]!()));
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      maxRetries: answers.length - 1,
      sleep: async () => {},
    });
    client.raw.use({ onResponse: OFFLINE });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    return !result.ok ? result.error : expect.fail("ok");
  };

  it.each([503, 429])(
    "the vendor's own %i, its only answer: nothing arrived, turned away stands",
    async (status) => {
      const error = await create(String(status), [() => new Response(null, { status })]);
      expect(error.afterArrivedTry).toBeUndefined();
      expect(unprocessedBy(error)).toBe("turned_away");
    },
  );

  it("the vendor's 503 after a try it answered 500: an earlier try arrived, not turned away", async () => {
    const error = await create("after 500", [
      () => HttpResponse.json({ code: "internal", message: "no" }, { status: 500 }),
      () => new Response(null, { status: 503 }),
    ]);
    expect(error).toMatchObject({ httpStatus: 503, afterArrivedTry: true, replacedAnswer: true });
    expect(unprocessedBy(error)).toBeUndefined();
  });
});
