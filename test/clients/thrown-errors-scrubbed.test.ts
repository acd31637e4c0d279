// What a client call throws, or fails with, when something under it threw: the same kind of error, with its
// name, every piece of a secret it quotes gone (a runtime quotes text cut short, which no whole-secret scrub
// finds), and, for a failure not retried because the request may have reached the vendor, that reason kept.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { slashIdCredentials, slashIdImport } from "../../src/testing/fixtures/slashid.js";
import { createSlashIdClient } from "../../src/slashid/client.js";

const body = (f: ReturnType<typeof seededFaker>) => ({ requests: [{ uid: f.string.uuid() }] });

describe("a failure under a client call", () => {
  it("a connection lost after a POST went out: the error says it was not retried, and why", async () => {
    // SlashID's bulk import is no call a retry makes safe: it may have imported the file.
    const f = seededFaker("withheld retry");
    const client = createSlashIdClient({
      ...slashIdCredentials(f),
      fetch: () => Promise.reject(new Error("socket hang up")),
    });
    const result = await client.bulkImportPersons({ body: slashIdImport(f, 2) });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(error.message).toContain(
      "not retried by the client: the request may have reached the vendor",
    );
  });

  it("a lost connection whose message quotes a piece of the key: the piece is gone", async () => {
    const f = seededFaker("piece of the key in a transport failure");
    const apiKey = fullStoryApiKey(f);
    const piece = apiKey.slice(2, 12);
    const client = createFullStoryClient({
      apiKey,
      maxRetries: 0,
      fetch: () => Promise.reject(new Error(`socket hang up after "${piece}`)),
    });
    const result = await client.createBatchImport({ body: body(f) });
    const error = !result.ok ? result.error : expect.fail("ok");
    expect(JSON.stringify(error)).not.toContain(piece);
    expect(error.message).not.toContain(piece);
  });

  for (const Kind of [TypeError, SyntaxError, RangeError])
    it(`a middleware's ${Kind.name}: rethrown as one, its name kept, the key's piece gone`, async () => {
      const f = seededFaker(`middleware throws ${Kind.name}`);
      const apiKey = fullStoryApiKey(f);
      const piece = apiKey.slice(2, 12);
      const client = createFullStoryClient({ apiKey, maxRetries: 0 });
      client.raw.use({
        onRequest: () => {
          throw Object.assign(new Kind(`broke near "${piece}`), { name: "HookError" });
        },
      });
      const thrown = await client.createBatchImport({ body: body(f) }).then(
        () => expect.fail("resolved"),
        (error: unknown) => error,
      );
      expect(thrown).toBeInstanceOf(Kind);
      expect((thrown as Error).name).toBe("HookError");
      expect((thrown as Error).message).toContain("broke near");
      expect((thrown as Error).message).not.toContain(piece);
    });

  it("a string a middleware throws, quoting a piece of the key: an Error without it", async () => {
    const f = seededFaker("middleware throws a string");
    const apiKey = fullStoryApiKey(f);
    const piece = apiKey.slice(2, 12);
    const client = createFullStoryClient({ apiKey, maxRetries: 0 });
    client.raw.use({
      onRequest: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw `broke near "${piece}`;
      },
    });
    const thrown = await client.createBatchImport({ body: body(f) }).then(
      () => expect.fail("resolved"),
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain("broke near");
    expect((thrown as Error).message).not.toContain(piece);
  });

  it("a caller's onError middleware sees the transport's failure without a piece of the key", async () => {
    const f = seededFaker("onError sees a scrubbed failure");
    const apiKey = fullStoryApiKey(f);
    const piece = apiKey.slice(2, 12);
    const seen: unknown[] = [];
    for (const fetch of [
      () => Promise.reject(new Error(`socket hang up after "${piece}`)),
      // A redirect is not followed: its Location, which may quote the key cut short, is the failure's.
      () =>
        Promise.resolve(
          new Response(null, { status: 302, headers: { location: `https://x.test/?k=${piece}` } }),
        ),
    ]) {
      const client = createFullStoryClient({ apiKey, maxRetries: 0, fetch });
      client.raw.use({
        onError: ({ error }) => {
          seen.push(error);
        },
      });
      await client.createBatchImport({ body: body(f) });
    }
    expect(seen).toHaveLength(2);
    for (const error of seen) {
      expect((error as Error).message).not.toContain(piece);
      expect(JSON.stringify(error)).not.toContain(piece);
    }
    expect(seen[1]).toMatchObject({ response: { location: "https://x.test/?k=[REDACTED]" } });
  });
});
