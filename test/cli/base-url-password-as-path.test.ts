// A password whose `/`, `?` or `#` comes after digits (or right after the colon) leaves a base URL that
// parses: `user:2024` becomes host and port, the rest of the password and the proxy host a path, query or
// fragment. No user name or password is parsed, yet the URL holds one: it must be refused, not printed as
// the client's destination (report header, journal, errors).
import { describe, expect, it } from "vitest";
import { clientFromBaseUrl } from "../support/base-url-refusal.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";

const urls = [
  "https://proxyuser:2024/ss7Word9xyz@proxy.example",
  "https://proxyuser:8080#x7Word9xyz@proxy.example",
  "https://proxyuser:443?pw7Word9xyz@proxy.example",
  "https://proxyuser:/Pass7Word9xyz@proxy.example",
  // The proxy named as this machine, in any case, or by an IPv6 literal; and a password holding an `@`.
  "http://proxyuser:2024/ss7Word9xyz@localhost:3128",
  "http://proxyuser:2024/ss7Word9xyz@LOCALHOST",
  "http://proxyuser:2024/ss7Word9xyz@[fd00::7]:3128",
  "https://proxyuser:2024/p@ss/7Word9xyz@proxy.example",
];

describe("a base URL whose password holds a delimiter yet parses", () => {
  for (const baseUrl of urls) {
    it(baseUrl, () => {
      const { destination, thrown } = clientFromBaseUrl(baseUrl);
      expect(destination).toBeUndefined();
      expect(String(thrown)).toMatch(/must not contain a user name or password/);
    });
  }

  it("a base URL with an @ only in its path is still kept", () => {
    // (A query is refused for its own reason: each request's path would land inside it.)
    const client = createUserpilotClient({
      apiKey: "abcdefghijklmnopqrst",
      baseUrl: "http://127.0.0.1:9/tenant@example/owner=a@b",
    });
    expect(client.destination).toMatch(/^http:\/\/127\.0\.0\.1:9\/tenant@example\/owner=a@b /);
  });

  it("a base URL with an @ in its path and a dot in a later segment is kept", () => {
    const client = createUserpilotClient({
      apiKey: "abcdefghijklmnopqrst",
      baseUrl: "http://127.0.0.1:9/tenant@example/api.v1",
    });
    expect(client.destination).toMatch(/^http:\/\/127\.0\.0\.1:9\/tenant@example\/api\.v1 /);
  });
});
