// A raw call's error body is the vendor's JSON as openapi-fetch parsed it, scrubbed of secrets by a walk of
// it: nested deeper than the stack, that walk threw, and the call rejected where it resolves to `{ error }`.
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const f = seededFaker("deep raw error");

it("a raw call answered with an error body nested 200,000 levels deep resolves with that error", async () => {
  const deep = `{"message":"x","code":"y","deep":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  server.use(
    http.get(
      `${HOSTS.fullstory}/v2/users/:id`,
      () =>
        new HttpResponse(deep, { status: 400, headers: { "Content-Type": "application/json" } }),
    ),
  );
  const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
  const result = await client.raw.GET("/v2/users/{id}", { params: { path: { id: "u-1" } } });

  expect(result.response.status).toBe(400);
  expect(result.error).toMatchObject({ message: "x", code: "y" });
});

it("a raw call's error body comes back whole 256 levels deep; what lies deeper is marked", async () => {
  // A vendor's error body nests a few levels ({"error": {"details": [{...}]}}): every level an answer may
  // have is kept.
  const nested = (levels: number, inner: string) =>
    `{"message":"x","deep":${"[".repeat(levels)}${inner}${"]".repeat(levels)}}`;
  const leaf = JSON.stringify(f.lorem.word());
  const answered = async (body: string) => {
    server.use(
      http.get(
        `${HOSTS.fullstory}/v2/users/:id`,
        () =>
          new HttpResponse(body, { status: 400, headers: { "Content-Type": "application/json" } }),
      ),
    );
    const client = createFullStoryClient({ apiKey: `na1.${f.string.alphanumeric(32)}` });
    return (await client.raw.GET("/v2/users/{id}", { params: { path: { id: "u-1" } } })).error;
  };

  const whole = nested(256, leaf);
  expect(await answered(whole)).toEqual(JSON.parse(whole));
  expect(await answered(nested(257, leaf))).toEqual(
    JSON.parse(nested(256, '"[nested too deep to keep]"')),
  );
});
