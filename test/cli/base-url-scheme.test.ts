// A base URL must be an absolute http(s) URL: anything else is refused when the client is created (the
// library) or as a usage error (the CLI), never quoted, never journaled.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/index.js";
import { createSlashIdClient } from "../../src/slashid/index.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  CREDS,
  cli,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

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

  it("of another scheme is refused when the client is created, not thrown by each call", () => {
    for (const baseUrl of ["ftp://proxy.example", "wss://proxy.example", "ws://127.0.0.1:9"])
      expect(() => createFullStoryClient({ apiKey: "test-key-123456", baseUrl })).toThrow(
        /baseUrl must be an absolute http or https URL/,
      );
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

describe("a base URL with a query or a fragment", () => {
  const file = useTempDir("bui-base-url-query-");
  const signature = "Sig7SecretQueryToken";
  const serve = useServedSimulators();

  // Each request's path was appended after the query (`/?sig=…/v2/users/batch`): every request missed its
  // operation (a 404 per record), and the query, a signature, was journaled and printed as the destination.
  it.each([`?sig=${signature}`, `#${signature}`, "?"])(
    "%s is refused when the client is created, unquoted",
    (suffix) => {
      expect(() =>
        createFullStoryClient({
          apiKey: "test-key-123456",
          baseUrl: `https://proxy.example/fullstory${suffix}`,
        }),
      ).toThrow(/must not contain a query or fragment/);
    },
  );

  it("is a usage error of the CLI (exit 2): nothing sent, no journal, the query not printed", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const journal = file("query-base.journal");
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    const result = await cli([
      "import",
      "fullstory",
      input,
      "--base-url",
      `${url}/?sig=${signature}`,
      "--api-key",
      CREDS.apiKey,
      "--journal",
      journal,
    ]);
    expect(result.code, result.all).toBe(2);
    expect(result.stderr).toContain("--base-url must not contain a query or fragment");
    expect(result.all).not.toContain(signature);
    expect(totalRequests(sim)).toBe(0);
    expect(existsSync(journal)).toBe(false);
  });
});

describe("a plain http base URL", () => {
  const file = useTempDir("bui-base-url-clear-");
  const serve = useServedSimulators();

  // Credentials sent over plain http to another machine are readable on the way; nothing said so.
  it("to another machine is warned of, in a dry run too", async () => {
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    for (const host of [
      "192.0.2.7:8080",
      "proxy.example",
      "127.0.0.1.nip.io",
      "localhost.example",
      // Another machine's IPv4 address in IPv6 form (192.0.2.7), as the URL parser writes it.
      "[::ffff:c000:207]:8080",
    ]) {
      const result = await cli([
        ...["import", "fullstory", input, "--dry-run", "--base-url", `http://${host}`],
        ...["--api-key", CREDS.apiKey],
      ]);
      expect(result.code, result.all).toBe(0);
      expect(result.stderr).toContain(`--base-url is plain http to ${host}`);
    }
  });

  // A variable mixed up in a script (`--base-url "http://$FULLSTORY_API_KEY"`): the warning names the host.
  it("whose host is a credential given is warned of without the credential", async () => {
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    const key = "k3yfromtheenvironment7f9c2a";
    const result = await cli(
      ["import", "fullstory", input, "--dry-run", "--base-url", `http://${key}:8080`],
      { env: { FULLSTORY_API_KEY: key } },
    );
    expect(result.code, result.all).toBe(0);
    expect(result.stderr).toContain("--base-url is plain http to [REDACTED]:8080");
    expect(result.all).not.toContain(key);
  });

  it("to this machine's loopback, or https anywhere, is not", async () => {
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    const { url } = await serve(createFullStorySimulator({ apiKey: CREDS.apiKey }));
    const loopback = await cli([
      ...["import", "fullstory", input, "--base-url", url],
      ...["--api-key", CREDS.apiKey],
    ]);
    expect(loopback.code, loopback.all).toBe(0);
    for (const baseUrl of [
      "http://localhost:9",
      "http://[::1]:9",
      "http://127.1:9",
      "http://localhost.:9",
      "http://[::ffff:127.0.0.1]:9",
      "https://proxy.example",
    ]) {
      const result = await cli([
        ...["import", "fullstory", input, "--dry-run", "--base-url", baseUrl],
        ...["--api-key", CREDS.apiKey],
      ]);
      expect(result.code, result.all).toBe(0);
      expect(result.all).not.toContain("plain http");
    }
    expect(loopback.all).not.toContain("plain http");
  });
});
