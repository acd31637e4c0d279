// A secret comes back in other forms than the one the client was given: trimmed of the stray CR or space a
// secrets file left on it (fetch trims header values), form-urlencoded (Propeller's token request body),
// JSON-escaped inside a raw text body, percent-encoded after `%20`. Each must be scrubbed. And a base URL
// never carries credentials: one with `user:password@` is refused when the client is created, unquoted.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const faker = seededFaker("secret forms");
const secretOf = (length: number) => faker.string.alphanumeric({ length });
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
/** JSON as PHP's `json_encode` writes it by default: `/` escaped as `\/`. */
const phpJson = (value: unknown) => JSON.stringify(value).replaceAll("/", "\\/");

describe("SecretSet: the forms a secret comes back in", () => {
  it.each(["\r", "\n", " ", "\t", "\r\n"])(
    "a key given with a trailing %j is redacted without it",
    (tail) => {
      const key = secretOf(32);
      const secrets = new SecretSet();
      secrets.add(key + tail);
      expect(secrets.scrub(`bad key: Basic ${key}.`)).toBe("bad key: Basic [REDACTED].");
    },
  );

  it("a secret form-urlencoded (space as +, ~!'() escaped) is redacted", () => {
    const secret = `${secretOf(6)} ${secretOf(6)}~!'()${secretOf(6)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    expect(secrets.scrub(`rejected: client_secret=${formEncoded(secret)}&x=1`)).toBe(
      "rejected: client_secret=[REDACTED]&x=1",
    );
  });

  it("a secret percent-encoded as a URL quotes it (space as %20, ~!'() kept) is redacted", () => {
    const secret = `${secretOf(6)} ${secretOf(6)}~!'()/${secretOf(6)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    expect(secrets.scrub(`redirect to /auth?key=${encodeURIComponent(secret)}&x=1`)).toBe(
      "redirect to /auth?key=[REDACTED]&x=1",
    );
  });

  it("a secret holding a lone surrogate is taken (no URIError), and redacted as a URL quotes it", () => {
    const secret = `${secretOf(8)}\ud800${secretOf(8)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    // A URL writes the lone surrogate as U+FFFD (%EF%BF%BD).
    const quoted = new URL(`https://example.com/auth?key=${secret}`).search;
    expect(secrets.scrub(`redirect to /auth${quoted}&x=1`)).toBe(
      "redirect to /auth?key=[REDACTED]&x=1",
    );
  });

  it('a secret JSON-escaped (`\\/`, `\\"`, `\\\\`) is redacted', () => {
    const secret = `${secretOf(8)}/"\\${secretOf(8)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    expect(secrets.scrub(`said ${JSON.stringify({ k: secret })}`)).toBe(`said {"k":"[REDACTED]"}`);
    expect(secrets.scrub(`said ${phpJson({ k: secret })}`)).toBe(`said {"k":"[REDACTED]"}`);
  });

  it("a short secret after a percent-escape is redacted; inside a word it is not", () => {
    const secrets = new SecretSet();
    secrets.add("Qz7Wk");
    expect(secrets.scrub("?auth=Token%20Qz7Wk&next=%2FQz7Wk")).toBe(
      "?auth=Token%20[REDACTED]&next=%2F[REDACTED]",
    );
    expect(secrets.scrub("xQz7Wk Qz7Wkx %2Qz7Wk")).toBe("xQz7Wk Qz7Wkx %2Qz7Wk");
  });
});

describe("a vendor echoing a secret in another form leaks no part of it", () => {
  it.each(["\r", " ", "\n", "\t"])(
    "FullStory: a key read with a trailing %j, echoed",
    async (tail) => {
      const key = `na1.${secretOf(32)}`;
      server.use(
        http.post(`${HOSTS.fullstory}/v2/users/batch`, ({ request }) =>
          HttpResponse.json(
            {
              code: "invalid_argument",
              message: `bad key: ${request.headers.get("authorization")}`,
            },
            { status: 400 },
          ),
        ),
      );
      const client = createFullStoryClient({ apiKey: key + tail, maxRetries: 0 });
      const result = await client.createBatchImport({ body: { requests: [{ uid: "u-1" }] } });
      if (result.ok) throw new Error("expected an error");
      expect(result.error.status).toBe(400);
      expectNoSecret(result.error, [key]);
    },
  );

  it.each(["\r", " "])(
    "Userpilot: an HTML page quoting a key read with a trailing %j",
    async (tail) => {
      const key = secretOf(32);
      server.use(
        http.post(
          `${HOSTS.userpilot}/v1/users/bulk_identify`,
          ({ request }) =>
            new HttpResponse(`<pre>Authorization: ${request.headers.get("authorization")}</pre>`, {
              status: 502,
              headers: { "Content-Type": "text/html" },
            }),
        ),
      );
      const client = createUserpilotClient({ apiKey: key + tail, maxRetries: 0 });
      const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u" }] } });
      if (result.ok) throw new Error("expected an error");
      expectNoSecret(result.error, [key]);
    },
  );

  it.each([
    // Pieces shorter than the 6-character runs any runtime message is scrubbed of.
    `${secretOf(5)} ${secretOf(4)} ${secretOf(5)} ${secretOf(3)}`,
    Array.from({ length: 8 }, () => secretOf(2)).join("~"),
  ])(
    "Propeller: a token endpoint quoting its form body with the secret %j",
    async (clientSecret) => {
      server.use(
        http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) =>
          HttpResponse.json(
            { error: "invalid_client", error_description: `rejected: ${await request.text()}` },
            { status: 401 },
          ),
        ),
      );
      const client = createPropellerClient({ clientId: "client-1", clientSecret, maxRetries: 0 });
      const result = await client.bulkUsersBySourceId({
        body: { users: [{ source: "crm", sourceId: "1" }] },
      });
      if (result.ok) throw new Error("expected an error");
      expect(result.error.status).toBe("auth");
      const report = await importPropeller(client, [{ source: "crm", sourceId: "1" }]);
      for (const text of [JSON.stringify(result.error), String(report.fatal)]) {
        expect(text).toMatch(/client_secret=\[REDACTED\]\\?"/);
        expect(text).not.toContain(formEncoded(clientSecret));
      }
    },
  );

  it("FullStory: an undocumented text body quoting the key JSON-escaped as PHP writes it", async () => {
    const key = `na1.${secretOf(6)}/${secretOf(9)}+${secretOf(8)}/${secretOf(7)}`;
    server.use(
      http.post(
        `${HOSTS.fullstory}/v2/users/batch`,
        ({ request }) =>
          new HttpResponse(
            `upstream said: ${phpJson({ auth: request.headers.get("authorization") })} <- cut`,
            { status: 418, headers: { "Content-Type": "text/plain" } },
          ),
      ),
    );
    const client = createFullStoryClient({ apiKey: key, maxRetries: 0 });
    const result = await client.createBatchImport({ body: { requests: [{ uid: "u-1" }] } });
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe("undocumented");
    expectNoSecret(result.error, [key, key.replaceAll("/", "\\/")]);
  });

  it("Userpilot: a 5-character key in a redirect's Location as Token%20<key>", async () => {
    const key = secretOf(5);
    server.use(
      http.post(
        `${HOSTS.userpilot}/v1/users/bulk_identify`,
        ({ request }) =>
          new HttpResponse(null, {
            status: 302,
            headers: {
              Location: `https://elsewhere.example/login?auth=${encodeURIComponent(request.headers.get("authorization")!)}`,
            },
          }),
      ),
    );
    const client = createUserpilotClient({ apiKey: key, maxRetries: 0 });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u" }] } });
    if (result.ok || result.error.status !== "redirect") throw new Error("expected a redirect");
    expect(result.error.location).toBe("https://elsewhere.example/login?auth=Token%20[REDACTED]");
    expect(result.error.message).not.toContain(key);
  });
});

describe("a key echoed in a form no exact match foresees leaks no run of 6 of its characters", () => {
  const key = `na1.${secretOf(8)}/${secretOf(10)}+${secretOf(12)}=`;
  const lowerHex = (text: string) =>
    encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  it.each<[string, (auth: string) => { type: string; body: string }]>([
    ["cut short", (auth) => ({ type: "json", body: `unknown key ${auth.slice(0, 24)}...` })],
    [
      "with lower-case percent-escapes",
      (auth) => ({ type: "json", body: `key=${lowerHex(auth)}` }),
    ],
    [
      "percent-encoded with `/` kept (Python's quote)",
      (auth) => ({ type: "json", body: `key=${encodeURIComponent(auth).replaceAll("%2F", "/")}` }),
    ],
    [
      "line-wrapped in an HTML page",
      (auth) => ({ type: "html", body: `<pre>${auth.slice(0, 20)}\n${auth.slice(20)}</pre>` }),
    ],
  ])("FullStory: %s, through the operation method and `raw`", async (_, echo) => {
    server.use(
      http.post(`${HOSTS.fullstory}/v2/users/batch`, ({ request }) => {
        const { type, body } = echo(request.headers.get("authorization") ?? "");
        return type === "json"
          ? HttpResponse.json({ code: "invalid_argument", message: body }, { status: 400 })
          : new HttpResponse(body, { status: 400, headers: { "Content-Type": "text/html" } });
      }),
    );
    const client = createFullStoryClient({ apiKey: key, maxRetries: 0 });
    const body = { requests: [{ uid: "u-1" }] };
    const result = await client.createBatchImport({ body });
    if (result.ok) throw new Error("expected an error");
    expectNoSecret(result.error, [key]);
    const raw = await client.raw.POST("/v2/users/batch", { body });
    expectNoSecret(raw.error, [key]);
  });
});

describe("a base URL with a user name or password is refused when the client is created", () => {
  const password = secretOf(16);
  const creators: [string, (options: CommonClientOptions) => unknown][] = [
    ["FullStory", (options) => createFullStoryClient({ apiKey: secretOf(20), ...options })],
    [
      "SlashID",
      (options) => createSlashIdClient({ apiKey: secretOf(20), orgId: "org", ...options }),
    ],
    [
      "Propeller",
      (options) => createPropellerClient({ clientId: "c", clientSecret: secretOf(20), ...options }),
    ],
    ["Userpilot", (options) => createUserpilotClient({ apiKey: secretOf(20), ...options })],
  ];
  const urls = [
    `http://proxy:${password}@127.0.0.1:9`,
    `https://${password}@proxy.example/base`,
    // fetch's error for a URL that does not parse quotes it too.
    `http://proxy:${password}@127.0.0.1:notaport`,
  ];

  for (const [name, create] of creators) {
    it.each(urls)(`${name}: %s`, (baseUrl) => {
      let thrown: unknown;
      try {
        create({ baseUrl });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as TypeError).message).toBe(
        "baseUrl must not contain a user name or password (user:password@); give credentials through the client's options",
      );
      expect(String((thrown as TypeError).stack)).not.toContain(password);
    });
  }

  it("a base URL with an @ only in its path is kept", () => {
    // (A query is refused for its own reason: each request's path would land inside it.)
    const client = createUserpilotClient({
      apiKey: secretOf(20),
      baseUrl: "http://127.0.0.1:9/tenant@example/owner=a@b",
    });
    expect(client.destination).toMatch(/^http:\/\/127\.0\.0\.1:9\/tenant@example\/owner=a@b /);
  });
});
