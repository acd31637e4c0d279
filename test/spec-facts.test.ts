// The specs are the single source of truth (README "Layout", "After a spec change"): a vendor fact changed in
// a copy of specs/*.yaml and regenerated must change what the library does, with no other edit. Each case
// below changes one fact the code used to state by hand, and checks the product follows the spec.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseDocument } from "yaml";
import { matching } from "./support/matchers.js";
import { HOSTS, useMswServer } from "./support/msw.js";
import { loadSpec, VENDORS, type Vendor } from "./support/specs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(tmpdir(), "spec-facts-"));
const specs = path.join(dir, "specs");
const generated = path.join(dir, "generated");
const server = useMswServer();

type Edit = [at: (string | number)[], value: unknown] | [at: (string | number)[], "delete"];

/** Edits one spec copy in place (setting, adding or deleting a key), keeping the rest of the YAML. */
function mutate(vendor: string, edits: Edit[]): void {
  const file = path.join(specs, `${vendor}.yaml`);
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const [at, value] of edits) {
    if (value === "delete") {
      expect(doc.hasIn(at), `${vendor}: ${at.join("/")} exists`).toBe(true);
      doc.deleteIn(at);
    } else doc.setIn(at, value);
  }
  writeFileSync(file, doc.toString());
}

const schemas = ["components", "schemas"];
const MODULES = ["rules", "operations", "document"];
const tokenAnswer = ["paths", "/oauth2/token", "post", "responses", "200", "content"];

beforeAll(() => {
  cpSync(path.join(root, "specs"), specs, { recursive: true });
  // SlashID confirms `slashid:roles`, and `slashid:groups` becomes UNCONFIRMED (x-unconfirmed).
  mutate("slashid", [
    [[...schemas, "PersonCsvRow", "properties", "slashid:roles", "x-unconfirmed"], "delete"],
    [[...schemas, "PersonCsvRow", "properties", "slashid:groups", "x-unconfirmed"], true],
  ]);
  // Userpilot documents a limit on user_id and refuses an empty company_id.
  mutate("userpilot", [
    [[...schemas, "BulkIdentifyUser", "properties", "user_id", "maxLength"], 64],
    [[...schemas, "BulkIdentifyUser", "properties", "company_id", "minLength"], 1],
    // Userpilot documents one more field of a user.
    [[...schemas, "BulkIdentifyUser", "properties", "locale"], { type: "string", maxLength: 10 }],
    // A new region.
    [
      ["servers", 0, "variables", "environment", "enum"],
      ["analytex", "analytex-eu", "analytex-au"],
    ],
  ]);
  // Propeller documents one more user field and one more address field.
  mutate("propeller", [
    [[...schemas, "BulkUser", "properties", "mobile"], { type: "string" }],
    [[...schemas, "Address", "properties", "province"], { type: "string" }],
    // Propeller moves its API host.
    [["servers", 0, "url"], "https://api.propeller.example"],
    // Propeller documents a per-request maximum, below the default chunk of 2,000.
    [[...schemas, "BulkUsersBySourceIdRequest", "properties", "users", "maxItems"], 500],
    // Propeller's documented token answer lasts 600 seconds.
    [[...tokenAnswer, "application/json", "examples", "token", "value", "expires_in"], 600],
  ]);
  // FullStory's Update User body gets a shorter email limit than a batch item's.
  mutate("fullstory", [
    [[...schemas, "UpdateUserRequest", "properties", "email", "maxLength"], 64],
    // FullStory documents a phone number on a batch item and on an update.
    [
      [...schemas, "BatchUserImportRequest", "properties", "phone"],
      { type: "string", maxLength: 32 },
    ],
    [[...schemas, "UpdateUserRequest", "properties", "phone"], { type: "string", maxLength: 32 }],
    // A new data centre, whose keys carry its name as their prefix.
    [["servers", 2], { url: "https://api.au1.fullstory.com", "x-name": "au1" }],
    // FullStory answers 429 at 2 batch jobs in progress, or at 3 users in flight.
    [[...schemas, "CreateBatchImportRequest", "x-429-at-in-progress-jobs"], 2],
    [[...schemas, "CreateBatchImportRequest", "x-429-at-operations-in-flight"], 3],
    // FullStory keeps the first answer to an Idempotency-Key for 2 hours, not 24.
    [["components", "parameters", "IdempotencyKey", "x-replay-window-hours"], 2],
  ]);
  // SlashID opens a staging environment.
  mutate("slashid", [
    [["servers", 2], { url: "https://api.staging.slashid.com", "x-name": "staging" }],
  ]);
  execFileSync(
    process.execPath,
    [path.join(root, "scripts/generate.mjs"), "--specs", specs, "--out", generated],
    { stdio: "pipe" },
  );
  for (const vendor of VENDORS) {
    for (const kind of MODULES) {
      vi.doMock(
        `../generated/${vendor}.${kind}.js`,
        () => import(path.join(generated, `${vendor}.${kind}.ts`)),
      );
    }
  }
  vi.resetModules();
}, 60_000);

afterAll(() => {
  for (const vendor of VENDORS)
    for (const kind of MODULES) vi.doUnmock(`../generated/${vendor}.${kind}.js`);
  vi.resetModules();
  rmSync(dir, { recursive: true, force: true });
});

describe("a regenerated spec changes the library with no other edit", () => {
  it("SlashID slashid:groups marked x-unconfirmed: a person's groups are still uploaded, not silently dropped", async () => {
    const { createSlashIdClient } = await import("../src/slashid/client.js");
    const { importUsers } = await import("../src/slashid/import.js");
    const { createSlashIdSimulator } = await import("../src/testing/slashid.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const sim = createSlashIdSimulator({ apiKey: "k-7Hq2xZ", orgId: "org-1" });
    server.use(...simulatorHandlers(sim, HOSTS.slashid));
    const client = createSlashIdClient({ apiKey: "k-7Hq2xZ", orgId: "org-1", maxRetries: 0 });
    const report = await importUsers(client, [{ emails: ["ada@example.com"], groups: ["admins"] }]);
    expect(report.imported).toBe(1);
    expect(sim.uploads()[0]?.columns).toContain("slashid:groups");
    expect(sim.persons().map((p) => p.groups)).toEqual([["admins"]]);
  });

  it("SlashID slashid:roles confirmed: a person with roles is uploaded in a file with one roles column", async () => {
    const { createSlashIdClient } = await import("../src/slashid/client.js");
    const { importUsers } = await import("../src/slashid/import.js");
    const { createSlashIdSimulator } = await import("../src/testing/slashid.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const sim = createSlashIdSimulator({ apiKey: "k-7Hq2xZ", orgId: "org-1" });
    server.use(...simulatorHandlers(sim, HOSTS.slashid));
    const client = createSlashIdClient({ apiKey: "k-7Hq2xZ", orgId: "org-1", maxRetries: 0 });
    const report = await importUsers(client, [{ emails: ["bob@example.com"], roles: ["editor"] }]);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
    expect(sim.persons().map((p) => p.roles)).toEqual([["editor"]]);
  });

  it("Userpilot user_id maxLength 64, company_id minLength 1: the breaking users are rejected, the rest imported", async () => {
    const { validateUserpilotUser } = await import("../src/userpilot/validate.js");
    expect(validateUserpilotUser({ user_id: "u".repeat(65) }).map((p) => p.rule)).toEqual([
      "userpilot.user_id",
    ]);
    expect(validateUserpilotUser({ user_id: "u", company_id: "" }).map((p) => p.rule)).toEqual([
      "userpilot.company_id",
    ]);
    expect(validateUserpilotUser({ user_id: "u".repeat(64), company_id: "c" })).toEqual([]);

    const { createUserpilotClient } = await import("../src/userpilot/client.js");
    const { importUsers } = await import("../src/userpilot/import.js");
    const { createUserpilotSimulator } = await import("../src/testing/userpilot.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const sim = createUserpilotSimulator({ apiKey: "k-7Hq2xZ", pollsPerStep: 1 });
    server.use(...simulatorHandlers(sim, HOSTS.userpilot));
    const client = createUserpilotClient({ apiKey: "k-7Hq2xZ", maxRetries: 0 });
    const report = await importUsers(
      client,
      [{ user_id: "ok-1" }, { user_id: "x".repeat(65) }, { user_id: "ok-2", company_id: "" }],
      { pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: async () => {} },
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "rejected", "rejected"]);
    expect(sim.users().map((u) => u.user_id)).toEqual(["ok-1"]);
  });

  it("Userpilot BulkIdentifyUser.locale added to the closed schema: it is sent, and held to the spec's type and length", async () => {
    const { validateUserpilotUser } = await import("../src/userpilot/validate.js");
    expect(validateUserpilotUser({ user_id: "u", locale: "nl-NL" })).toEqual([]);
    for (const locale of ["x".repeat(11), 5]) {
      expect(validateUserpilotUser({ user_id: "u", locale })).toMatchObject([
        {
          rule: "userpilot.field_type",
          message: matching(/^locale: must be a string of at most 10/),
        },
      ]);
    }
  });

  it("Userpilot servers gain the analytex-au environment: the CLI setting and the client take it", async () => {
    const { userpilotModule } = await import("../src/userpilot/module.js");
    const { settingsFromFlags } = await import("../src/cli/vendors.js");
    const settings = settingsFromFlags(
      userpilotModule,
      { environment: "analytex-au", "api-key": "k-7Hq2xZ" },
      {},
    );
    const client = userpilotModule.createClient(settings, {});
    expect(client.destination).toMatch(/^https:\/\/analytex-au\.userpilot\.io /);
  });

  it("FullStory servers gain the au1 data centre: an au1. key goes there, and the region option takes it", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    expect(createFullStoryClient({ apiKey: "au1.k-7Hq2xZ" }).destination).toMatch(
      /^https:\/\/api\.au1\.fullstory\.com /,
    );
    const chosen = createFullStoryClient({ apiKey: "k-7Hq2xZ", region: "au1" as "na1" });
    expect(chosen.destination).toMatch(/^https:\/\/api\.au1\.fullstory\.com /);
    // A key without a prefix still goes to the first host.
    expect(createFullStoryClient({ apiKey: "k-7Hq2xZ" }).destination).toMatch(
      /^https:\/\/api\.fullstory\.com /,
    );
  });

  it("SlashID servers gain a staging environment: the CLI setting and the client take it", async () => {
    const { slashIdModule } = await import("../src/slashid/module.js");
    const { settingsFromFlags } = await import("../src/cli/vendors.js");
    const settings = settingsFromFlags(
      slashIdModule,
      { environment: "staging", "api-key": "k-7Hq2xZ", "org-id": "org-1" },
      {},
    );
    const client = slashIdModule.createClient(settings, {});
    expect(client.destination).toMatch(/^https:\/\/api\.staging\.slashid\.com /);
  });

  it("Propeller BulkUser.mobile and Address.province added to the closed schema: they are sent, not refused", async () => {
    const { validatePropellerUser } = await import("../src/propeller/validate.js");
    const address = { type: "delivery", street: "Main", city: "Delft", country: "NL" };
    expect(
      validatePropellerUser({
        source: "CRM",
        sourceId: 1,
        mobile: "+31 6 1234 5678",
        addresses: [{ ...address, province: "Zuid-Holland" }],
      }),
    ).toEqual([]);
    // Still typed as the spec says.
    expect(
      validatePropellerUser({ source: "CRM", sourceId: 1, mobile: 612345678 }).map((p) => p.rule),
    ).toEqual(["propeller.field_type"]);
  });

  it("Propeller servers name another host: the client sends there, and asks its token there", async () => {
    const { createPropellerClient } = await import("../src/propeller/client.js");
    const hosts: string[] = [];
    const client = createPropellerClient({
      clientId: "client-1",
      clientSecret: "s3cret-Qz8w",
      maxRetries: 0,
      fetch: (input: Request | URL | string) => {
        const url = new URL(input instanceof Request ? input.url : input);
        hosts.push(url.host);
        return Promise.resolve(
          url.pathname === "/oauth2/token"
            ? Response.json({ access_token: "tok-1", expires_in: 1800, token_type: "Bearer" })
            : Response.json({ data: [], messages: [], total: 0 }),
        );
      },
    });
    expect(client.destination).toMatch(/^https:\/\/api\.propeller\.example /);
    await client.bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: 1 }] } });
    expect(hosts).toEqual(["api.propeller.example", "api.propeller.example"]);
  });

  it("Propeller documents maxItems 500 on a request's users: 1,200 users go in three requests of at most 500, all imported", async () => {
    const { createPropellerClient } = await import("../src/propeller/client.js");
    const { importUsers } = await import("../src/propeller/import.js");
    const { createPropellerSimulator } = await import("../src/testing/propeller.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const sim = createPropellerSimulator({ clientId: "client-1", clientSecret: "s3cret-Qz8w" });
    server.use(...simulatorHandlers(sim, "https://api.propeller.example"));
    const client = createPropellerClient({
      clientId: "client-1",
      clientSecret: "s3cret-Qz8w",
      maxRetries: 0,
    });
    const users = Array.from({ length: 1_200 }, (_, i) => ({ source: "CRM", sourceId: i + 1 }));
    const report = await importUsers(client, users, { sleep: async () => {} });
    expect(report.imported).toBe(1_200);
    expect(sim.stats().requests["POST /v2/users/bulk/sourceId"]).toBe(3);
    // A larger chunk is refused before anything is sent, naming the documented limit.
    await expect(importUsers(client, users, { chunkRecords: 501 })).rejects.toThrow(
      /limit of records per request, 500/,
    );
    // Our guard cannot be raised past it either.
    const { createPropellerAdapter } = await import("../src/propeller/adapter.js");
    expect(() => createPropellerAdapter(client, { maxRecords: 501 })).toThrow(
      /^maxRecords: expected a whole number from 1 to 500, got 501$/,
    );
  });

  it("Propeller's token example lasts 600 seconds: the simulator's tokens do too, and the client renews one after", async () => {
    const { createPropellerClient } = await import("../src/propeller/client.js");
    const { createPropellerSimulator } = await import("../src/testing/propeller.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    let clock = 1_000_000;
    const sim = createPropellerSimulator({ now: () => clock });
    server.use(...simulatorHandlers(sim, "https://api.propeller.example"));
    const client = createPropellerClient({ clientId: "sim-client", clientSecret: "sim-secret" });
    const users = [{ source: "CRM", sourceId: 1 }];
    expect((await client.bulkUsersBySourceId({ body: { users } })).ok).toBe(true);
    clock += 600_000;
    expect((await client.bulkUsersBySourceId({ body: { users } })).ok).toBe(true);
    expect(sim.tokensIssued().map((t) => t.expiresAt - t.issuedAt)).toEqual([600_000, 600_000]);
  });

  it("FullStory documents phone (at most 32 characters) on both bodies: it is sent, and held to the spec's type and length", async () => {
    const { checkFullStoryUser } = await import("../src/fullstory/validate.js");
    for (const kind of ["batch", "update"] as const) {
      const rules = (phone: unknown) =>
        checkFullStoryUser({ uid: "u", phone }, kind).map((p) => `${p.rule} ${p.message}`);
      expect(rules("+31 6 1234 5678"), kind).toEqual([]);
      expect(rules("1".repeat(33)), kind).toEqual([
        "fullstory.field_length phone: 33 characters, more than 32",
      ]);
      expect(rules(31612345678), kind).toEqual(["fullstory.field_type phone: must be a string"]);
    }
  });

  it("FullStory answers 429 at 2 jobs in progress or 3 users in flight: the simulator's defaults follow", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { createFullStorySimulator } = await import("../src/testing/fullstory.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const statuses = async (batches: number[]) => {
      const sim = createFullStorySimulator({ apiKey: "k-7Hq2xZ" });
      server.use(...simulatorHandlers(sim, HOSTS.fullstory));
      const client = createFullStoryClient({ apiKey: "k-7Hq2xZ", maxRetries: 0 });
      const answers: (number | string)[] = [];
      for (const [b, size] of batches.entries()) {
        const requests = Array.from({ length: size }, (_, i) => ({ uid: `u-${b}-${i}` }));
        const result = await client.createBatchImport({ body: { requests } });
        answers.push(result.ok ? 200 : result.error.status);
      }
      return answers;
    };
    expect(await statuses([1, 1, 1])).toEqual([200, 200, 429]);
    expect(await statuses([3, 1])).toEqual([200, 429]);
  });

  it("FullStory keeps an Idempotency-Key 2 hours: the simulator forgets it, and a resume does not resend it", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { importUsers } = await import("../src/fullstory/index.js");
    const { createFullStorySimulator } = await import("../src/testing/fullstory.js");
    const { DropConnection } = await import("../src/testing/simulator.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    const HOUR_MS = 60 * 60 * 1000;
    let clock = Date.now();
    const aborter = new AbortController();
    let dropped = false;
    const sim = createFullStorySimulator({
      apiKey: "k-7Hq2xZ",
      now: () => clock,
      processingMs: 0,
      faults: {
        // The first import's job is made, but its answer is lost as the import is killed.
        script: ({ operation, request }) =>
          operation === "createBatchImport" &&
          request.headers.get("idempotency-key") !== "k-1" &&
          !dropped
            ? {
                after: () => {
                  dropped = true;
                  aborter.abort();
                  throw new DropConnection();
                },
              }
            : undefined,
      },
    });
    server.use(...simulatorHandlers(sim, HOSTS.fullstory));
    const client = createFullStoryClient({ apiKey: "k-7Hq2xZ", maxRetries: 0 });
    // The simulator: 3 hours on, another body under a used key is a new request, not a reuse (400).
    const create = (uid: string) =>
      client.createBatchImport({
        body: { requests: [{ uid }] },
        params: { header: { "Idempotency-Key": "k-1" } },
      });
    expect((await create("a")).ok).toBe(true);
    clock += 3 * HOUR_MS;
    expect((await create("b")).ok).toBe(true);

    // The adapter: resumed 90 minutes on (past 2 hours less its hour of margin), the saved key is not resent.
    const journal = path.join(dir, "journal.ndjson");
    const options = { journal, pollIntervalMs: 10, sleep: async () => {} };
    await importUsers(client, [{ uid: "u-1" }], { ...options, signal: aborter.signal });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 90 * 60 * 1000 });
    try {
      const resumed = await importUsers(client, [{ uid: "u-1" }], options);
      expect(resumed.outcomes).toHaveLength(1);
      expect(resumed.outcomes[0]).toMatchObject({
        outcome: "failed",
        code: "key_expired",
        reason: matching(/for 2 hours only/),
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("FullStory UpdateUserRequest email maxLength 64: updateUser refuses a 100-character email before sending", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { updateUser } = await import("../src/fullstory/update-user.js");
    let sent = 0;
    const client = createFullStoryClient({
      apiKey: "k-7Hq2xZ",
      maxRetries: 0,
      fetch: () => {
        sent += 1;
        return Promise.resolve(Response.json({ id: "1" }));
      },
    });
    const email = `${"a".repeat(88)}@example.com`;
    const result = await updateUser(client, "1", { email });
    expect(result.ok ? "ok" : result.error.status).toBe("invalid");
    expect(sent).toBe(0);
  });
});

// Facts the vendors' own pages and published specs state (shared/seeds, shared/reference), pinned against
// the specs as written: each failed on the spec before the specs were checked fact by fact against them.
describe("the specs hold what the vendors' pages state, and mark what no page states", () => {
  const at = (vendor: Vendor, pointer: string) => loadSpec(vendor).at(pointer);
  const fs = "#/components/schemas";
  const operation = (vendor: Vendor, id: string) =>
    loadSpec(vendor)
      .operations()
      .find((op) => op.operationId === id)!;
  const response = (vendor: Vendor, id: string, status: string) =>
    operation(vendor, id).responses.find((r) => r.status === status)!;
  const text = (value: unknown) => String(value);

  it("FullStory: the errors list echoes each user with schema and type_conflicts null, and that validates", () => {
    const spec = loadSpec("fullstory");
    const ok = response("fullstory", "getBatchImportErrors", "200");
    const users = ok.examples.flatMap(
      (ex) => (ex.value as { results: { user: Record<string, unknown> }[] }).results,
    );
    expect(users.length).toBeGreaterThan(0);
    for (const { user } of users) {
      expect(user).toMatchObject({ schema: null, type_conflicts: null });
    }
    for (const ex of ok.examples) expect(spec.problems(ok.schema!.pointer, ex.value)).toEqual([]);
    // Declared, not merely let through: the echoed user's schema names type_conflicts.
    expect(JSON.stringify(at("fullstory", `${fs}/FailedUserImport/properties/user`))).toContain(
      '"type_conflicts"',
    );
  });

  it("FullStory: the imports list keeps FullStory's example, whose users carry no id", () => {
    const examples = response("fullstory", "getBatchImports", "200").examples;
    const withoutIds = examples.filter((ex) =>
      (ex.value as { results: object[] }).results.every((user) => !("id" in user)),
    );
    expect(withoutIds.length).toBeGreaterThan(0);
  });

  it("FullStory: Get User keeps FullStory's own example, which has no is_being_deleted, and it validates", () => {
    const spec = loadSpec("fullstory");
    const ok = response("fullstory", "getUser", "200");
    const own = ok.examples.filter((ex) => !("is_being_deleted" in (ex.value as object)));
    expect(own.map((ex) => ex.value)).toContainEqual(
      expect.objectContaining({ id: "987654321", schema: null, type_conflicts: null }),
    );
    for (const ex of own) expect(spec.problems(ok.schema!.pointer, ex.value)).toEqual([]);
  });

  it("FullStory: a batch request example shows an item's FullStory id beside its uid, as FullStory's item example does", () => {
    const items = operation("fullstory", "createBatchImport").requestExamples.flatMap(
      (ex) => (ex.value as { requests: Record<string, unknown>[] }).requests,
    );
    expect(items).toContainEqual(expect.objectContaining({ id: "123", uid: "xyz123" }));
  });

  it("FullStory: the imports list's total_records is given in FullStory's words, its reading marked UNCONFIRMED", () => {
    const total = text(
      at("fullstory", `${fs}/BatchImportsResponse/properties/total_records/description`),
    );
    expect(total).toMatch(/"Total number of records in this batch import"[^]*UNCONFIRMED/);
    expect(text(operation("fullstory", "getBatchImports").operation["description"])).not.toMatch(
      /total_records` is the total number of\s+imported users/,
    );
  });

  it("FullStory: app_url links to the app's segments page focused on the user, as the reference says, not a profile", () => {
    for (const where of [
      `${fs}/GetUserResponse/properties/app_url/description`,
      "#/paths/~1v2~1users~1{id}/get/description",
    ]) {
      expect(text(at("fullstory", where)), where).toMatch(/segments page,\s+focused on this user/);
      expect(text(at("fullstory", where)), where).not.toMatch(/profile/);
    }
  });

  it("FullStory: the job status's reference default UNKNOWN, outside its enum, is named and marked UNCONFIRMED", () => {
    expect(at("fullstory", `${fs}/JobStatus/enum`)).not.toContain("UNKNOWN");
    expect(text(at("fullstory", `${fs}/JobStatus/description`))).toMatch(
      /`default: UNKNOWN`[^]*UNCONFIRMED/,
    );
  });

  it("FullStory: app_url is a plain string (no format is documented)", () => {
    expect(at("fullstory", `${fs}/GetUserResponse/properties/app_url`)).toMatchObject({
      type: "string",
    });
    expect(at("fullstory", `${fs}/GetUserResponse/properties/app_url/format`)).toBeUndefined();
  });

  it("SlashID: a 200 may carry meta and errors beside the result (SlashID's example); meta lists cursor pagination", () => {
    const examples = response("slashid", "bulkImportPersons", "200").examples.map(
      (ex) => ex.value as Record<string, unknown>,
    );
    expect(examples.some((body) => "meta" in body && Array.isArray(body["errors"]))).toBe(true);
    expect(at("slashid", `${fs}/ApiMeta/properties/cursor_pagination`)).toBeDefined();
    expect(
      text(at("slashid", `${fs}/PersonsBulkImportResponse/properties/errors/description`)),
    ).not.toMatch(/normally absent/);
  });

  it("SlashID: the 400 and the 402 keep SlashID's own example (meta beside the errors), and it validates", () => {
    const spec = loadSpec("slashid");
    for (const status of ["400", "402"]) {
      const answer = response("slashid", "bulkImportPersons", status);
      const bodies = answer.examples.map((ex) => ex.value);
      expect(bodies, status).toContainEqual({
        meta: { pagination: { limit: 0, offset: 0, total_count: 0 } },
        errors: [{ httpcode: 0, message: "string" }],
      });
      for (const body of bodies) expect(spec.problems(answer.schema!.pointer, body)).toEqual([]);
    }
  });

  it("Propeller: update semantics the bulk page does not state are marked UNCONFIRMED", () => {
    expect(text(at("propeller", `${fs}/BulkUser/description`))).toMatch(
      /UNCONFIRMED[^]*fields left out are kept[^]*merged/,
    );
    expect(text(at("propeller", `${fs}/UserAttributeValue/description`))).toMatch(
      /UNCONFIRMED[^.]*whole request/,
    );
    expect(text(at("propeller", "#/info/description"))).toMatch(/fields left out are kept/);
  });

  it("Propeller: the 200 and 400 declare the bulk page's X-Request-Id and return-format headers", () => {
    for (const status of ["200", "400"]) {
      const names = response("propeller", "bulkUsersBySourceId", status).headers.map((h) =>
        h.name.toLowerCase(),
      );
      expect(names, status).toEqual(expect.arrayContaining(["x-request-id", "return-format"]));
    }
  });

  it("Userpilot: the 202 and both job answers declare the reference's x-request-id header", () => {
    for (const [id, status] of [
      ["bulkIdentifyUsers", "202"],
      ["bulkIdentifyCompanies", "202"],
      ["getBackgroundJob", "200"],
      ["listBackgroundJobs", "200"],
    ] as const) {
      const names = response("userpilot", id, status).headers.map((h) => h.name.toLowerCase());
      expect(names, `${id} ${status}`).toContain("x-request-id");
    }
  });

  it("Userpilot: the 202 example carries all nine fields of the bulk page's example; end_time is <any> there", () => {
    const spec = loadSpec("userpilot");
    const accepted = response("userpilot", "bulkIdentifyUsers", "202");
    const documented = [
      ...["end_time", "file_size", "filename", "job_id", "links", "start_time", "status"],
      ...["total_rows", "type"],
    ];
    const keys = accepted.examples.map((ex) => Object.keys(ex.value as object).sort());
    expect(keys).toContainEqual(documented.sort());
    // `<any>` on the page, untyped (nullable) in the reference: a number there is no broken 202.
    const job = { job_id: "bulk:jobs:1", status: "queued", end_time: 1747639752 };
    expect(spec.problems(accepted.schema!.pointer, job)).toEqual([]);
  });

  it("Userpilot: a 400 on bulk identify and the reference's string-only metadata note are marked UNCONFIRMED", () => {
    expect(text(at("userpilot", "#/components/responses/BadRequest/description"))).toMatch(
      /UNCONFIRMED[^.]*`400`/,
    );
    expect(text(at("userpilot", `${fs}/Metadata/description`))).toMatch(
      /UNCONFIRMED[^.]*Only string values/,
    );
  });

  it("bounds no source states (an empty list, an empty id, a closed record) are marked UNCONFIRMED", () => {
    const minOne: [Vendor, string][] = [
      ["fullstory", `${fs}/CreateBatchImportRequest/properties/requests`],
      ["propeller", `${fs}/BulkUsersBySourceIdRequest/properties/users`],
      ["userpilot", `${fs}/BulkIdentifyUsersRequest/properties/users`],
    ];
    for (const [vendor, pointer] of minOne) {
      expect(at(vendor, `${pointer}/minItems`), pointer).toBe(1);
      expect(text(at(vendor, `${pointer}/description`)), pointer).toMatch(
        /at least (one|1)[^.]*UNCONFIRMED/,
      );
    }
    const closed: [Vendor, string][] = [
      ["fullstory", "CreateBatchImportRequest"],
      ["fullstory", "CreateUserRequest"],
      ["fullstory", "UpdateUserRequest"],
      ["userpilot", "BulkIdentifyUser"],
      ["userpilot", "BulkIdentifyCompany"],
      ["slashid", "PersonsBulkImportRequest"],
      ["propeller", "TokenRequest"],
    ];
    for (const [vendor, name] of closed) {
      expect(at(vendor, `${fs}/${name}/additionalProperties`), name).toBe(false);
      expect(text(at(vendor, `${fs}/${name}/description`)), name).toMatch(
        /UNCONFIRMED[^.]*(unknown|another top-level) key|(unknown|another top-level) key[^.]*UNCONFIRMED/,
      );
    }
  });

  it("non-empty bounds no source states (a header, a key, a name) are marked UNCONFIRMED", () => {
    const nonEmpty: [Vendor, string, string][] = [
      [
        "fullstory",
        "#/components/parameters/IdempotencyKey/schema",
        "#/components/parameters/IdempotencyKey",
      ],
      [
        "slashid",
        "#/components/parameters/OrgIdHeader/schema",
        "#/components/parameters/OrgIdHeader",
      ],
      ["slashid", `${fs}/AttributeBuckets/propertyNames`, `${fs}/AttributeBuckets`],
      [
        "slashid",
        `${fs}/AttributeBuckets/additionalProperties/propertyNames`,
        `${fs}/AttributeBuckets`,
      ],
      [
        "propeller",
        `${fs}/UserAttributeValue/properties/name`,
        `${fs}/UserAttributeValue/properties/name`,
      ],
    ];
    for (const [vendor, schema, described] of nonEmpty) {
      expect(at(vendor, `${schema}/minLength`), schema).toBe(1);
      expect(text(at(vendor, `${described}/description`)), schema).toMatch(
        /[Nn]on-empty[^]*our\s+bound[^]*UNCONFIRMED/,
      );
    }
    // FullStory's key is refused when empty, so the spec no longer says that any string is accepted.
    expect(text(at("fullstory", "#/info/description"))).not.toMatch(/any string is accepted/);
  });

  it("Userpilot: a job's links is a string, as the bulk identify page's 202 example and the reference give it", () => {
    const spec = loadSpec("userpilot");
    for (const name of ["BackgroundJob", "BackgroundJobStatus"]) {
      expect(at("userpilot", `${fs}/${name}/properties/links/type`), name).toBe("string");
      const job = { job_id: "bulk:jobs:1", status: "queued" };
      expect(spec.problems(`${fs}/${name}`, { ...job, links: "<string>" }), name).toEqual([]);
      expect(spec.problems(`${fs}/${name}`, { ...job, links: { self: "/x" } }), name).not.toEqual(
        [],
      );
    }
  });

  it("Userpilot: a job's elapsed_time is an integer, as the reference types it in a job's status and the job list", () => {
    const spec = loadSpec("userpilot");
    expect(at("userpilot", `${fs}/BackgroundJobStatus/properties/elapsed_time/type`)).toBe(
      "integer",
    );
    const job = { job_id: "bulk:jobs:1", status: "processing" };
    expect(spec.problems(`${fs}/BackgroundJobStatus`, { ...job, elapsed_time: 180 })).toEqual([]);
    expect(spec.problems(`${fs}/BackgroundJobStatus`, { ...job, elapsed_time: 1.5 })).not.toEqual(
      [],
    );
    expect(spec.problems(`${fs}/BackgroundJobList`, [{ ...job, elapsed_time: 1.5 }])).not.toEqual(
      [],
    );
  });

  it("Userpilot: the info's license is the MIT license Userpilot's reference states for its API", () => {
    expect(at("userpilot", "#/info/license")).toEqual({
      name: "MIT",
      url: "https://opensource.org/licenses/MIT",
    });
  });

  it("Userpilot: a required users / companies list, which the reference does not require, is marked ours", () => {
    for (const [name, list] of [
      ["BulkIdentifyUsersRequest", "users"],
      ["BulkIdentifyCompaniesRequest", "companies"],
    ] as const) {
      expect(at("userpilot", `${fs}/${name}/required`), name).toEqual([list]);
      expect(text(at("userpilot", `${fs}/${name}/description`)), name).toMatch(
        new RegExp(`\`${list}\` is required by our choice \\(UNCONFIRMED`),
      );
    }
    expect(text(at("userpilot", "#/info/description"))).toMatch(
      /Bounds of our own[^]*`users` \/ `companies`\s+required/,
    );
  });

  it("Userpilot: a 202 example that names the reference's fields says how many of the nine it carries", () => {
    const examples = at(
      "userpilot",
      "#/components/responses/BulkJobAccepted/content/application~1json/examples",
    ) as Record<string, { summary: string; value: object }>;
    const named = Object.entries(examples).filter(([, ex]) =>
      /fields the API reference lists/.test(ex.summary),
    );
    expect(named.length).toBeGreaterThan(0);
    const words = ["six", "seven", "eight", "nine"];
    for (const [name, ex] of named) {
      const count = Object.keys(ex.value).length;
      expect(ex.summary, name).toMatch(new RegExp(`\\b${words[count - 6] ?? count} of the nine`));
    }
  });

  // Userpilot's reference tags only the users' identify endpoints "Real-time", the API the limit is for.
  it("Userpilot: the 600 requests/minute limit is UNCONFIRMED wherever an operation other than the users' bulk identify states it", () => {
    const paths = at("userpilot", "#/paths") as Record<
      string,
      Record<string, { description?: string }>
    >;
    const stating = Object.entries(paths).flatMap(([route, operations]) =>
      Object.values(operations)
        .filter((operation) => /600\s+requests/.test(operation.description ?? ""))
        .map((operation) => [route, operation.description ?? ""] as const),
    );
    expect(stating.map(([route]) => route)).toEqual(
      expect.arrayContaining(["/v1/companies/bulk_identify", "/v1/background_jobs/{job_id}"]),
    );
    for (const [route, description] of stating) {
      if (route === "/v1/users/bulk_identify") continue;
      expect(description, route).toMatch(/600\s+requests[^.]*UNCONFIRMED/);
    }
    const unconfirmed = text(at("userpilot", "#/info/description")).split("UNCONFIRMED facts")[1];
    expect(unconfirmed).toMatch(/600 requests per minute[^.]*companies' bulk\s+identify/);
    expect(text(at("userpilot", "#/components/responses/TooManyRequests/description"))).toMatch(
      /UNCONFIRMED for\s+the companies' bulk identify and the background job endpoints/,
    );
  });

  it("FullStory: a user id's 256-character bound, which the reference gives only some ids, is explained where it is ours", () => {
    for (const pointer of [
      "#/components/parameters/UserId",
      `${fs}/CreateUserResponse/properties/id`,
      `${fs}/GetUserResponse/properties/id`,
    ]) {
      expect(
        at(
          "fullstory",
          pointer.endsWith("UserId") ? `${pointer}/schema/maxLength` : `${pointer}/maxLength`,
        ),
      ).toBe(256);
      expect(text(at("fullstory", `${pointer}/description`)), pointer).toMatch(
        /256[^]*UNCONFIRMED|UNCONFIRMED[^]*256/,
      );
    }
  });

  it("claims only pages outside the sources make (idempotency, sandbox keys, the Backoffice) are marked UNCONFIRMED", () => {
    const claims: [Vendor, string, RegExp][] = [
      ["fullstory", "#/info/description", /UNCONFIRMED,\s+when it collided with a concurrent/],
      [
        "fullstory",
        "#/components/parameters/IdempotencyKey/description",
        /UNCONFIRMED: that\s+another random string[^]*UNCONFIRMED, when it collided with a concurrent/,
      ],
      ["slashid", "#/servers/1/description", /separate[^)]*UNCONFIRMED/],
      ["slashid", "#/components/securitySchemes/ApiKeyAuth/description", /separate \(UNCONFIRMED/],
      ["slashid", "#/info/description", /sandbox organizations and API keys are separate/],
      ["propeller", "#/info/description", /UNCONFIRMED[^]*Admin > API Key Management/],
      ["propeller", "#/paths/~1oauth2~1token/post/description", /API Key Management, UNCONFIRMED/],
    ];
    for (const [vendor, pointer, marked] of claims)
      expect(text(at(vendor, pointer)), `${vendor} ${pointer}`).toMatch(marked);
  });

  it("SlashID: the bulk page's own words on roles are quoted beside the roles column being UNCONFIRMED", () => {
    expect(text(at("slashid", "#/info/description"))).toMatch(
      /`slashid:roles` column[^]*"you can specify a list of roles"[^]*no roles column/,
    );
  });

  it("Propeller: moreInfo, shown in the 400 example, is optional and the spec says why", () => {
    const error = `${fs}/ErrorResponse/properties/error`;
    expect(at("propeller", `${error}/required`)).not.toContain("moreInfo");
    expect(text(at("propeller", `${error}/properties/moreInfo/description`))).toMatch(
      /400 example[^]*UNCONFIRMED/,
    );
  });

  it("numbers in answers declared non-negative, which no source states, are named as our bounds", () => {
    for (const vendor of ["fullstory", "propeller", "slashid", "userpilot"] as const) {
      const named: string[] = [];
      const walk = (node: unknown, name: string): void => {
        if (node === null || typeof node !== "object") return;
        const record = node as Record<string, unknown>;
        if (record["minimum"] === 0) named.push(name);
        const properties = (record["properties"] ?? {}) as Record<string, unknown>;
        for (const [key, value] of Object.entries(properties)) walk(value, key);
        for (const [key, value] of Object.entries(record))
          if (key !== "properties") walk(value, name);
      };
      walk(at(vendor, fs), "");
      expect(named.length, vendor).toBeGreaterThan(0);
      const info = text(at(vendor, "#/info/description"));
      const bullet = info.split(/\n\s*- /).find((line) => line.includes("`minimum: 0`"));
      expect(bullet, vendor).toBeDefined();
      for (const name of new Set(named))
        expect(bullet, `${vendor} ${name}`).toContain(`\`${name}\``);
    }
  });
});

// A second pass over SlashID's and Propeller's specs against the seed pages, SlashID's published spec and the
// vendor facts: what the specs said as the vendors' words, or as fact, that none of those sources says.
describe("SlashID and Propeller say as the vendor's only what the sources state", () => {
  const fs = "#/components/schemas";
  const text = (vendor: Vendor, pointer: string) => String(loadSpec(vendor).at(pointer));
  const tokenExamples =
    "#/paths/~1oauth2~1token/post/responses/200/content/application~1json/examples";
  const bulkExamples =
    "#/paths/~1v2~1users~1bulk~1sourceId/post/requestBody/content/application~1json/examples";

  it("SlashID: when failed_csv is absent is UNCONFIRMED (its schema makes it optional and says no more)", () => {
    expect(
      text("slashid", `${fs}/PersonsBulkImportResult/properties/failed_csv/description`),
    ).toMatch(/UNCONFIRMED[^.]*absent/);
  });

  it("SlashID: the persons part's text/csv content type is named as our choice", () => {
    for (const pointer of [
      `${fs}/PersonsBulkImportRequest/properties/persons/description`,
      "#/paths/~1persons~1bulk-import/post/description",
    ]) {
      expect(text("slashid", pointer), pointer).toMatch(
        /`text\/csv`[^.]*our choice[^.]*UNCONFIRMED/,
      );
    }
  });

  it("SlashID: the attribute buckets' meanings, which the sources do not give, are marked UNCONFIRMED", () => {
    const buckets = text("slashid", `${fs}/AttributeBuckets/description`);
    expect(buckets).toMatch(/names only[^.]*UNCONFIRMED/);
    expect(buckets).not.toMatch(/shared across the organization's person pool/);
  });

  it("SlashID: the 400's causes and the template being a header line are marked UNCONFIRMED", () => {
    expect(text("slashid", "#/components/responses/BadRequest/description")).toMatch(
      /causes[^.]*UNCONFIRMED/,
    );
    for (const pointer of [
      "#/paths/~1persons~1bulk-import/get/description",
      "#/info/description",
    ]) {
      expect(text("slashid", pointer), pointer).toMatch(/header line[^.]*UNCONFIRMED/);
    }
  });

  it("Propeller: an error code as a string, and 10008's 404, which the sources do not give, are marked UNCONFIRMED", () => {
    const code = text(
      "propeller",
      `${fs}/ErrorResponse/properties/error/properties/code/description`,
    );
    expect(code).toMatch(/error table[^.]*UNCONFIRMED/);
    expect(code).not.toMatch(/10008 NotFound \(404\)/);
    expect(code).toMatch(/10008 NotFound \([^)]*UNCONFIRMED/);
    expect(text("propeller", "#/components/responses/NotFound/description")).toMatch(
      /10008 NotFound[^\n]*UNCONFIRMED/,
    );
  });

  it("Propeller: the token answer's scope, documented in it, is optional and the spec says why", () => {
    expect(loadSpec("propeller").at(`${fs}/TokenResponse/required`)).not.toContain("scope");
    expect(text("propeller", `${fs}/TokenResponse/properties/scope/description`)).toMatch(
      /[Oo]ptional[^.]*UNCONFIRMED/,
    );
  });

  it("Propeller: examples whose values no source gives do not say they are the vendor's", () => {
    expect(text("propeller", `${tokenExamples}/token/summary`)).not.toMatch(
      /as documented by the vendor/,
    );
    expect(text("propeller", `${tokenExamples}/token/summary`)).toMatch(/illustrative/);
    expect(text("propeller", `${bulkExamples}/singleUser/summary`)).toMatch(/UNCONFIRMED/);
    for (const [response, name] of [
      ["BadRequest", "invalidJson"],
      ["NotFound", "notFound"],
    ]) {
      expect(
        text(
          "propeller",
          `#/components/responses/${response}/content/application~1json/examples/${name}/summary`,
        ),
        name,
      ).toMatch(/illustrative/);
    }
  });

  it("Propeller: field meanings read from names (debtorId, login, parent, an address's icp) are marked UNCONFIRMED", () => {
    for (const pointer of [
      `${fs}/BulkUser/properties/debtorId/description`,
      `${fs}/BulkUser/properties/login/description`,
      `${fs}/ParentRef/description`,
      `${fs}/Address/properties/icp/description`,
    ]) {
      expect(text("propeller", pointer), pointer).toMatch(
        /meaning is UNCONFIRMED|UNCONFIRMED: the sources give/,
      );
    }
  });

  it("Propeller: the x-request-id header's purpose, the token errors' statuses and the renewal buffer are marked UNCONFIRMED", () => {
    expect(text("propeller", "#/components/headers/RequestId/description")).toMatch(
      /support[^.]*UNCONFIRMED/,
    );
    for (const name of ["TokenBadRequest", "TokenUnauthorized"]) {
      expect(text("propeller", `#/components/responses/${name}/description`), name).toMatch(
        /[Ss]tatus and body[^.]*UNCONFIRMED/,
      );
    }
    const token = text("propeller", "#/paths/~1oauth2~1token/post/description");
    expect(token).toMatch(/RFC 6749[^]*neither their statuses nor their bodies \(UNCONFIRMED/);
    expect(token).toMatch(/5 minutes[^.]*UNCONFIRMED/);
  });
});
