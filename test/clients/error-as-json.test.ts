// An ApiError is logged as JSON (a logger's serializer, a report file): JSON.stringify gives its name,
// message, target and variant fields, and never its cause, which holds the raw failure.
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

it("an error as JSON holds its name, message, target and variant, and not its cause", async () => {
  const f = seededFaker("error as JSON");
  const body = { code: "invalid_argument", message: f.lorem.sentence() };
  server.use(
    http.post(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.json(body, { status: 400 })),
  );
  const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
  const result = await client.createBatchImport({ body: { requests: [{ uid: f.string.uuid() }] } });
  if (result.ok) throw new Error("expected an error");
  const { error } = result;
  expect(error.message).toContain(body.message);
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: "ApiError",
    message: error.message,
    operation: "createBatchImport",
    method: "POST",
    path: "/v2/users/batch",
    status: 400,
    body,
    headers: expect.any(Object) as unknown,
  });
});

it("a documented error's message quotes at most 300 characters of a long body", async () => {
  const f = seededFaker("long documented body");
  const words = f.lorem.paragraphs(40);
  server.use(
    http.post(`${HOSTS.fullstory}/v2/users/batch`, () =>
      HttpResponse.json({ code: "invalid_argument", message: words }, { status: 400 }),
    ),
  );
  const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
  const result = await client.createBatchImport({ body: { requests: [{ uid: f.string.uuid() }] } });
  if (result.ok) throw new Error("expected an error");
  expect(words.length).toBeGreaterThan(2000);
  const where = "createBatchImport (POST /v2/users/batch): HTTP 400: ";
  expect(result.error.message.startsWith(where)).toBe(true);
  expect(result.error.message.length - where.length).toBeLessThanOrEqual(300);
  // The body itself is kept whole.
  expect(result.error).toMatchObject({ status: 400, body: { message: words } });
});
