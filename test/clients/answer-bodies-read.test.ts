// How an operation reads an answer's body into its result or error: a JSON media type of another spelling
// (`application/problem+json`) is JSON, and an unusable body is kept as an excerpt of its first 512
// characters, scrubbed before it is cut, so a key the cut would halve leaves no piece of itself behind.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";

/** The result of FullStory's getBatchImportStatus when every answer is `answer(apiKey)`. */
async function statusWith(label: string, answer: (apiKey: string) => Response) {
  const apiKey = fullStoryApiKey(seededFaker(`answer bodies read ${label}`));
  const client = createFullStoryClient({
    apiKey,
    maxRetries: 0,
    fetch: () => Promise.resolve(answer(apiKey)),
  });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  return { apiKey, result };
}

it("a documented error sent as application/problem+json is read as JSON: its status and body", async () => {
  const body = { code: "invalid_argument", message: "no such job" };
  const { result } = await statusWith("problem json", () =>
    Response.json(body, { status: 400, headers: { "Content-Type": "application/problem+json" } }),
  );
  expect(!result.ok && result.error).toMatchObject({ status: 400, body });
});

it("an HTML page where JSON is documented: the error keeps its first 512 characters", async () => {
  const page = `<html><body>${"Bad gateway. ".repeat(60)}</body></html>`;
  const { result } = await statusWith(
    "html page",
    () => new Response(page, { status: 500, headers: { "Content-Type": "text/html" } }),
  );
  expect(!result.ok && result.error).toMatchObject({
    status: "malformed",
    bodyText: page.slice(0, 512),
  });
});

it("a page echoing the key across the 512th character: no piece of the key stays", async () => {
  const { apiKey, result } = await statusWith("key at the cut", (key) => {
    const page = `${"-".repeat(508)}${key}${"-".repeat(100)}`;
    return new Response(page, { status: 500, headers: { "Content-Type": "text/html" } });
  });
  const error = !result.ok ? result.error : expect.fail("ok");
  expect(error.status).toBe("malformed");
  expect(JSON.stringify(error)).not.toContain(apiKey.slice(0, 4));
});

it.each([
  ["1.5", 2],
  // A number past any a double holds: no wait anyone could keep to.
  ["9".repeat(400), undefined],
])("a 429 with Retry-After %s: retryAfter says %s seconds", async (header, seconds) => {
  const { result } = await statusWith(`retry after ${header.length}`, () =>
    Response.json(
      { code: "resource_exhausted", message: "slow down" },
      { status: 429, headers: { "Retry-After": header } },
    ),
  );
  if (result.ok || result.error.status !== 429) throw new Error("expected the 429 variant");
  expect(result.error.retryAfter).toBe(seconds);
});

it("an undocumented status's body, not JSON or nested too deep, is kept as 512 characters", async () => {
  const page = `<html>${"I'm a teapot. ".repeat(100)}</html>`;
  const deep = `{"deep":${"[".repeat(300)}${"]".repeat(300)}}`;
  for (const text of [page, deep]) {
    const { result } = await statusWith(
      `undocumented ${text.length}`,
      () => new Response(text, { status: 418, headers: { "Content-Type": "application/json" } }),
    );
    expect(!result.ok && result.error).toMatchObject({
      status: "undocumented",
      httpStatus: 418,
      body: text.slice(0, 512),
    });
  }
});

it("a 2xx with a key twice echoing the API key: named scrubbed, cut only if that is long", async () => {
  const { apiKey, result } = await statusWith("key twice", (key) => {
    const job = { id: "job-1", status: "COMPLETED", created: "2026-01-01T00:00:00Z" };
    const echo = `${key}${"x".repeat(30)}`;
    const text = `{"${echo}":1,"${echo}":2,"imports":1,"errors":0,"job":${JSON.stringify(job)}}`;
    return new Response(text, { headers: { "Content-Type": "application/json" } });
  });
  expect(apiKey.length + 30).toBeGreaterThan(64);
  expect(!result.ok && result.error).toMatchObject({
    status: "malformed",
    reason: `key "[REDACTED]${"x".repeat(30)}" appears twice in one object`,
  });
});

it("an undocumented status without a body: the error's body is undefined, not empty text", async () => {
  const { result } = await statusWith(
    "undocumented empty",
    () => new Response(null, { status: 418 }),
  );
  const error = !result.ok ? result.error : expect.fail("ok");
  expect(error).toMatchObject({ status: "undocumented", httpStatus: 418, body: undefined });
});

// Only the 429 variant has the field: a caller may test for it to tell a rate limit apart.
it("a documented error other than a 429 has no retryAfter, even with a Retry-After header", async () => {
  const { result } = await statusWith("400 with retry after", () =>
    Response.json(
      { code: "invalid_argument", message: "no such job" },
      { status: 400, headers: { "Retry-After": "5" } },
    ),
  );
  const error = !result.ok ? result.error : expect.fail("ok");
  expect(error.status).toBe(400);
  expect(error).not.toHaveProperty("retryAfter");
});

// A Response with a 204 status may have no body at all: an empty one would make the call throw instead.
it("an undocumented 204 answer: the call returns the undocumented variant, it does not throw", async () => {
  const { result } = await statusWith(
    "undocumented 204",
    () => new Response(null, { status: 204 }),
  );
  expect(!result.ok && result.error).toMatchObject({ status: "undocumented", httpStatus: 204 });
});

it("a documented answer without a Content-Type is read as the type the spec names", async () => {
  const body = {
    imports: 1,
    errors: 0,
    job: { id: "job-1", status: "COMPLETED", created: "2026-01-01T00:00:00Z" },
  };
  const { result } = await statusWith(
    "no content type",
    // A body of bytes gets no Content-Type of its own, as a string would (text/plain).
    () => new Response(new TextEncoder().encode(JSON.stringify(body)), { status: 200 }),
  );
  expect(result.ok && result.data).toEqual(body);
});

it("a documented answer with an empty body is malformed, and the reason says it was empty", async () => {
  const { result } = await statusWith(
    "empty body",
    () => new Response(null, { status: 200, headers: { "Content-Type": "application/json" } }),
  );
  expect(!result.ok && result.error).toMatchObject({
    status: "malformed",
    reason: "empty body, expected application/json",
  });
});
