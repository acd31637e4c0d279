// A base URL must be an absolute http(s) URL: anything else is refused when the client is created (the
// library) or as a usage error (the CLI), never quoted, never journaled.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/index.js";
import { createSlashIdClient } from "../../src/slashid/index.js";
import { CREDS, cli, fullStoryUsers, ndjson, useTempDir } from "./helpers.js";

describe("a base URL that is not an http(s) URL", () => {
  const file = useTempDir("bui-base-url-scheme-");
  const password = "Sup3rSecretProxyPw";

  it("with user:password@ but no scheme is refused when the client is created, unquoted", () => {
    // `user:pw@host` parses as a URL of scheme `user:`, so the check for a user name or password missed it,
    // and the client's destination (which a journal records) held the password.
    let thrown: unknown;
    try {
      createSlashIdClient({
        apiKey: "test-key-123456",
        orgId: "org",
        baseUrl: `proxyuser:${password}@proxy.example`,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String((thrown as Error).message)).not.toContain(password);
  });

  it("that does not parse is refused when the client is created, not thrown by each call", () => {
    expect(() =>
      createFullStoryClient({ apiKey: "test-key-123456", baseUrl: "api.fullstory.com" }),
    ).toThrow(TypeError);
  });

  it("is a usage error of the CLI (exit 2), writing no journal that names it", async () => {
    const journal = file("bad-base.journal");
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    for (const baseUrl of ["127.0.0.1:4010", `proxyuser:${password}@proxy.example`]) {
      const result = await cli([
        "import",
        "fullstory",
        input,
        "--base-url",
        baseUrl,
        "--api-key",
        CREDS.apiKey,
        "--journal",
        journal,
        "--chunk-attempts",
        "1",
        "--retries",
        "0",
      ]);
      expect(result.code, result.all).toBe(2);
      expect(result.all).not.toContain(password);
      expect(existsSync(journal)).toBe(false);
    }
  });
});
