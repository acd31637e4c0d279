// FullStory's keyed writes reached by another spelling of their path: one that percent-encodes some of its
// letters (`/v2/users/%62atch`), which RFC 3986 (6.2.2.2) makes the same path and servers decode, or one with
// a trailing slash or a slash written twice (`/v2/users/batch/`, `/v2//users/batch`), which the simulators
// and many servers (nginx merges slashes) route as the path itself. The request is the same batch import and
// carries an Idempotency-Key, which its retries keep, so a lost answer cannot import twice.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("a keyed write whose path is spelled another way", () => {
  it.each([
    ...["/v2/users/%62atch", "/%76%32/users/batch", "/v2/%75sers/b%61tch", "/v2/users"],
    ...["/v2/users/batch/", "/v2/users/", "/v2//users/batch", "//v2/users//"],
  ])("raw.POST %s carries a key, the same on its retry", async (path) => {
    const f = seededFaker(`encoded path ${path}`);
    const job = { id: f.string.uuid(), status: "PROCESSING", created: "2026-01-01T00:00:00Z" };
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${HOSTS.fullstory}/*`, ({ request }) => {
        keys.push(request.headers.get("idempotency-key"));
        return keys.length === 1
          ? HttpResponse.json({ code: "unavailable", message: "later" }, { status: 500 })
          : HttpResponse.json({ job, id: f.string.numeric(6) });
      }),
    );
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      maxRetries: 1,
      sleep: async () => {},
    });
    await client.raw.POST(path as "/v2/users/batch", {
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    expect(keys).toEqual([expect.stringMatching(UUID_V4), keys[0]]);
  });

  it("an escape of a reserved character (`%2F`) is not decoded: another path, no key", async () => {
    const f = seededFaker("encoded slash");
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${HOSTS.fullstory}/*`, ({ request }) => {
        keys.push(request.headers.get("idempotency-key"));
        return HttpResponse.json({}, { status: 404 });
      }),
    );
    const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
    await client.raw.POST("/v2/users%2Fbatch" as "/v2/users/batch", {
      body: { requests: [{ uid: f.string.uuid() }] },
    });
    expect(keys).toEqual([null]);
  });

  it("a base URL ending in a slash keys the batch path too", async () => {
    const f = seededFaker("slashed base url");
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${HOSTS.fullstory}/*`, ({ request }) => {
        keys.push(request.headers.get("idempotency-key"));
        return HttpResponse.json({}, { status: 400 });
      }),
    );
    const client = createFullStoryClient({
      apiKey: fullStoryApiKey(f),
      baseUrl: `${HOSTS.fullstory}/fs//`,
      maxRetries: 0,
    });
    await client.raw.POST("/v2/users/batch/" as "/v2/users/batch", { body: { requests: [] } });
    expect(keys).toEqual([expect.stringMatching(UUID_V4)]);
  });
});
