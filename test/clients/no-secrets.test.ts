// Every error variant, serialised every way a log might, never holds a credential — even when the vendor
// (or a proxy) echoes the request's auth headers back in its body.
import { inspect } from "node:util";
import { HttpResponse, delay, http } from "msw";
import { describe, expect, it } from "vitest";
import type { ApiError } from "../../src/core/errors/api-error.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

const SECRETS = {
  fullstory: "na1.FULLSTORY-SECRET-KEY-0001",
  slashid: "SLASHID-SECRET-KEY-0002",
  propellerSecret: "PROPELLER-CLIENT-SECRET-0003",
  propellerToken: "PROPELLER-ACCESS-TOKEN-0004",
  userpilot: "USERPILOT-SECRET-KEY-0005",
};
const ALL = Object.values(SECRETS);

const echo = (request: Request) => JSON.stringify(Object.fromEntries(request.headers.entries()));

/** What a response does to the call: each kind reaches a different error variant. */
const faults = {
  documented: (r: Request, status: number, body: (text: string) => unknown) =>
    HttpResponse.json(body(echo(r)) as object, { status }),
  undocumented: (r: Request) => HttpResponse.json({ echoed: echo(r) }, { status: 418 }),
  malformed: (r: Request) =>
    new HttpResponse(`<html>${echo(r)}</html>`, {
      status: 400,
      headers: { "Content-Type": "text/html" },
    }),
  network: () => HttpResponse.error(),
  timeout: async () => {
    await delay(1000);
    return HttpResponse.json({});
  },
} as const;

function expectNoSecret(error: ApiError, expectedStatus: string | number) {
  expect(error.status).toBe(expectedStatus);
  const renderings = [
    error.message,
    String(error),
    error.stack ?? "",
    JSON.stringify(error),
    JSON.stringify(error.toJSON()),
    inspect(error, { depth: 10 }),
  ];
  for (const rendering of renderings)
    for (const secret of ALL) expect(rendering).not.toContain(secret);
}

type Kind = keyof typeof faults | "aborted";
const kinds: [Kind, string | number][] = [
  ["documented", 400],
  ["undocumented", "undocumented"],
  ["malformed", "malformed"],
  ["network", "network"],
  ["timeout", "timeout"],
  ["aborted", "aborted"],
];
const common = (kind: Kind) => ({
  maxRetries: 0,
  timeoutMs: 30,
  ...(kind === "aborted" ? { signal: AbortSignal.abort() } : {}),
});

function answer(kind: Kind, request: Request, body: (text: string) => unknown) {
  if (kind === "documented") return faults.documented(request, 400, body);
  if (kind === "aborted") return HttpResponse.json({});
  return faults[kind](request);
}

describe.each(kinds)("the %s variant", (kind, expectedStatus) => {
  it("FullStory", async () => {
    server.use(
      http.post(`${HOSTS.fullstory}/v2/users/batch`, ({ request }) =>
        answer(kind, request, (text) => ({ message: text, code: "required_field" })),
      ),
    );
    const client = createFullStoryClient({ apiKey: SECRETS.fullstory, ...common(kind) });
    const result = await client.createBatchImport({ body: { requests: [{ uid: "u" }] } });
    if (result.ok) throw new Error("expected an error");
    expectNoSecret(result.error, expectedStatus);
  });

  it("SlashID", async () => {
    server.use(
      http.post(`${HOSTS.slashid}/persons/bulk-import`, ({ request }) =>
        answer(kind, request, (text) => ({ errors: [{ httpcode: 400, message: text }] })),
      ),
    );
    const client = createSlashIdClient({
      apiKey: SECRETS.slashid,
      orgId: "org-1",
      ...common(kind),
    });
    const result = await client.bulkImportPersons({
      body: { persons: "slashid:emails\na@example.com\n" },
    });
    if (result.ok) throw new Error("expected an error");
    expectNoSecret(result.error, expectedStatus);
  });

  it("Propeller", async () => {
    server.use(
      http.post(`${HOSTS.propeller}/oauth2/token`, () =>
        HttpResponse.json({
          access_token: SECRETS.propellerToken,
          expires_in: 1800,
          token_type: "Bearer",
        }),
      ),
      http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, ({ request }) =>
        answer(kind, request, (text) => ({
          error: { code: 10007, messages: [text], status: 400, type: "SchemaValidationException" },
        })),
      ),
    );
    const client = createPropellerClient({
      clientId: "client-1",
      clientSecret: SECRETS.propellerSecret,
      ...common(kind),
    });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "1" }] },
    });
    if (result.ok) throw new Error("expected an error");
    expectNoSecret(result.error, expectedStatus);
  });

  it("Userpilot", async () => {
    server.use(
      http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, ({ request }) =>
        answer(kind, request, (text) => ({ errors: [{ message: text }] })),
      ),
    );
    const client = createUserpilotClient({ apiKey: SECRETS.userpilot, ...common(kind) });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u" }] } });
    if (result.ok) throw new Error("expected an error");
    expectNoSecret(result.error, expectedStatus);
  });
});

it("the auth variant (a token endpoint that echoes the secret) holds no secret", async () => {
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) =>
      HttpResponse.json(
        { error: "invalid_client", error_description: await request.text() },
        { status: 401 },
      ),
    ),
  );
  const client = createPropellerClient({
    clientId: "client-1",
    clientSecret: SECRETS.propellerSecret,
    maxRetries: 0,
  });
  const result = await client.bulkUsersBySourceId({
    body: { users: [{ source: "crm", sourceId: "1" }] },
  });
  if (result.ok) throw new Error("expected an error");
  expectNoSecret(result.error, "auth");
});

it("the echoed body is really there, with the secret replaced", async () => {
  server.use(
    http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, ({ request }) =>
      HttpResponse.json({ errors: [{ message: echo(request) }] }, { status: 400 }),
    ),
  );
  const client = createUserpilotClient({ apiKey: SECRETS.userpilot, maxRetries: 0 });
  const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u" }] } });
  if (result.ok || result.error.status !== 400) throw new Error("expected the 400 variant");
  expect(result.error.body.errors?.[0]?.message).toContain('"authorization":"Token [REDACTED]"');
});
