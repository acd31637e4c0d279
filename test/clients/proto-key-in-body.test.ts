// A vendor (or a proxy in front of it) controls every key of an error body, `__proto__` included. The copy
// the library hands back must keep that key as data: never the body's prototype, never a property the body
// seems to have without holding it.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const f = seededFaker("proto key in body");
const injected = f.lorem.word();
const hostileBody = `{"code":"invalid_argument","message":"bad request","__proto__":{"injected":"${injected}"}}`;

function answer(status: number) {
  server.use(
    http.post(
      `${HOSTS.fullstory}/v2/users/batch`,
      () =>
        new HttpResponse(hostileBody, { status, headers: { "content-type": "application/json" } }),
    ),
  );
}

function client() {
  return createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
}

/** The body is a plain object holding `__proto__` as an ordinary key, and nothing it did not hold. */
function expectKeptAsData(body: unknown) {
  const record = body as Record<string, unknown>;
  expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  expect("injected" in record).toBe(false);
  expect(Object.getOwnPropertyDescriptor(record, "__proto__")?.value).toEqual({ injected });
  expect(Object.keys(record)).toEqual(["code", "message", "__proto__"]);
}

const batch = { requests: [{ uid: f.string.uuid() }] };

describe("an error body with a __proto__ key", () => {
  it("a documented status (400): the typed body keeps the key as data", async () => {
    answer(400);
    const result = await client().createBatchImport({ body: batch });
    if (result.ok || result.error.status !== 400) throw new Error("expected the 400 variant");
    expectKeptAsData(result.error.body);
  });

  it("an undocumented status (418): the body kept in the error keeps the key as data", async () => {
    answer(418);
    const result = await client().createBatchImport({ body: batch });
    if (result.ok || result.error.status !== "undocumented")
      throw new Error("expected undocumented");
    expectKeptAsData(result.error.body);
  });

  it("raw: the returned `error` keeps the key as data", async () => {
    answer(400);
    const { error } = await client().raw.POST("/v2/users/batch", { body: batch });
    expectKeptAsData(error);
  });

  it("scrubDeep copies a nested __proto__ key as data, and still scrubs what it holds", () => {
    const secrets = new SecretSet();
    const secret = f.string.alphanumeric(16);
    secrets.add(secret);
    const parsed: unknown = JSON.parse(
      `{"errors":[{"__proto__":{"echo":"${secret}"}}],"__proto__":{"isAdmin":true}}`,
    );
    const copy = secrets.scrubDeep(parsed) as { errors: Record<string, unknown>[] };
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect("isAdmin" in copy).toBe(false);
    const nested = copy.errors[0]!;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(nested, "__proto__")?.value).toEqual({
      echo: "[REDACTED]",
    });
  });
});
