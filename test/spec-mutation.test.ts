// The specs are the single source of truth: a copy of them with changed limits, enum values, `x-` limits,
// required fields and newly documented statuses is regenerated into a temporary folder, the library is loaded
// against that generated output, and its validation, chunking, answers read and simulators follow the changed
// spec with no other edit (a status read by HTTP status, so that documenting it changes nothing).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { http, HttpResponse } from "msw";
import { parseDocument } from "yaml";
import { seededFaker } from "../src/testing/fixtures/faker.js";
import { matching } from "./support/matchers.js";
import { HOSTS, useMswServer } from "./support/msw.js";
import { VENDORS } from "./support/specs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(tmpdir(), "spec-mutation-"));
const specs = path.join(dir, "specs");
const generated = path.join(dir, "generated");
const server = useMswServer();

/** Edits one spec copy in place, keeping the rest of the YAML as it is; a key is added to an existing object. */
function mutate(vendor: string, edits: [path: (string | number)[], value: unknown][]): void {
  const file = path.join(specs, `${vendor}.yaml`);
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const [at, value] of edits) {
    expect(doc.hasIn(at.slice(0, -1)), `${vendor}: ${at.slice(0, -1).join("/")} exists`).toBe(true);
    doc.setIn(at, value);
  }
  writeFileSync(file, doc.toString());
}

const schemas = ["components", "schemas"];

beforeAll(() => {
  cpSync(path.join(root, "specs"), specs, { recursive: true });
  mutate("fullstory", [
    [[...schemas, "BatchUserImportRequest", "properties", "email", "maxLength"], 64],
    [[...schemas, "CreateBatchImportRequest", "properties", "requests", "maxItems"], 100],
    [[...schemas, "UserProperties", "x-max-value-bytes"], 100],
    [[...schemas, "UserProperties", "propertyNames", "maxLength"], 256],
    [[...schemas, "BatchUserImportRequest", "required"], ["uid"]],
    // FullStory stops keying Create User and keys Update User instead.
    [["paths", "/v2/users", "post", "parameters"], []],
    [
      ["paths", "/v2/users/{id}", "post", "parameters"],
      [{ $ref: "#/components/parameters/IdempotencyKey" }],
    ],
    // FullStory documents a fourth job state.
    [
      [...schemas, "JobStatus", "enum"],
      ["PROCESSING", "COMPLETED", "FAILED", "CANCELLED"],
    ],
    // FullStory documents the status it answers an update that changes a uid with (UNCONFIRMED today).
    [
      ["paths", "/v2/users/{id}", "post", "responses", "409"],
      { $ref: "#/components/responses/BadRequest" },
    ],
  ]);
  mutate("userpilot", [
    [
      [...schemas, "BulkIdentifyUser", "required"],
      ["user_id", "company_id"],
    ],
    // Userpilot documents a smaller body for companies than for users.
    [[...schemas, "BulkIdentifyCompaniesRequest", "x-max-body-bytes"], 100],
  ]);
  mutate("propeller", [
    [
      [...schemas, "Address", "properties", "type", "enum"],
      ["delivery", "invoice", "billing"],
    ],
    // Propeller documents a third action of a user's result.
    [
      [...schemas, "BulkUserResult", "properties", "action", "enum"],
      ["create", "update", "unchanged"],
    ],
    // Propeller documents the 422 it was assumed to answer as its 400 (UNCONFIRMED today).
    [
      ["paths", "/v2/users/bulk/sourceId", "post", "responses", "422"],
      { $ref: "#/components/responses/BadRequest" },
    ],
  ]);
  mutate("slashid", [
    [[...schemas, "AttributeBuckets", "additionalProperties", "x-max-key-bytes"], 10],
  ]);
  execFileSync(
    process.execPath,
    [path.join(root, "scripts/generate.mjs"), "--specs", specs, "--out", generated],
    { stdio: "pipe" },
  );
  // From here on, every module that imports generated rules gets the mutated ones.
  for (const vendor of VENDORS) {
    vi.doMock(
      `../generated/${vendor}.rules.js`,
      () => import(path.join(generated, `${vendor}.rules.ts`)),
    );
  }
  for (const vendor of ["fullstory", "propeller"]) {
    vi.doMock(
      `../generated/${vendor}.operations.js`,
      () => import(path.join(generated, `${vendor}.operations.ts`)),
    );
  }
  vi.resetModules();
}, 60_000);

afterAll(() => {
  vi.doUnmock("../generated/fullstory.rules.js");
  vi.doUnmock("../generated/propeller.rules.js");
  vi.doUnmock("../generated/slashid.rules.js");
  vi.doUnmock("../generated/userpilot.rules.js");
  vi.doUnmock("../generated/fullstory.operations.js");
  vi.doUnmock("../generated/propeller.operations.js");
  vi.resetModules();
  rmSync(dir, { recursive: true, force: true });
});

describe("a regenerated spec changes the library with no other edit", () => {
  it("FullStory email maxLength 128 → 64: a 100-character email is rejected", async () => {
    const { validateFullStoryUser, FULLSTORY_LIMITS } =
      await import("../src/fullstory/validate.js");
    expect(FULLSTORY_LIMITS.email).toBe(64);
    const email = `${"a".repeat(88)}@example.com`;
    expect(email).toHaveLength(100);
    expect(validateFullStoryUser({ uid: "u", email }).map((p) => p.rule)).toEqual([
      "fullstory.field_length",
    ]);
    expect(validateFullStoryUser({ uid: "u", email: "a@example.com" })).toEqual([]);
  });

  it("FullStory x-max-value-bytes 8192 → 100: a 101-byte property value is rejected", async () => {
    const { validateFullStoryUser } = await import("../src/fullstory/validate.js");
    expect(validateFullStoryUser({ uid: "u", properties: { note: "x".repeat(101) } })).toEqual([
      expect.objectContaining({ rule: "fullstory.property_value_size" }),
    ]);
    expect(validateFullStoryUser({ uid: "u", properties: { note: "x".repeat(100) } })).toEqual([]);
  });

  it("FullStory property names 512 → 256 characters: a longer name is rejected, nested too", async () => {
    const { validateFullStoryUser } = await import("../src/fullstory/validate.js");
    const rules = (properties: Record<string, unknown>) =>
      validateFullStoryUser({ uid: "u", properties }).map((p) => p.message);
    expect(rules({ ["a".repeat(256)]: 1, o: { ["b".repeat(256)]: 1 } })).toEqual([]);
    expect(rules({ ["a".repeat(257)]: 1, o: { ["b".repeat(257)]: 1 } })).toEqual([
      matching(/^properties\.a+…: property name of 257 characters, more than 256$/),
      matching(/^properties\.o\.b+…: property name of 257 characters, more than 256$/),
    ]);
  });

  it("FullStory batch maxItems 50,000 → 100: an import of 250 users is sent as batches of 100, 100, 50", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { importUsers, FULLSTORY_MAX_BATCH } = await import("../src/fullstory/index.js");
    const { createFullStorySimulator } = await import("../src/testing/fullstory.js");
    const { simulatorHandlers } = await import("../src/testing/msw.js");
    expect(FULLSTORY_MAX_BATCH).toBe(100);
    const sim = createFullStorySimulator({ processingPolls: 0 });
    server.use(...simulatorHandlers(sim, HOSTS.fullstory));
    const sizes: number[] = [];
    server.events.on("request:start", ({ request }) => {
      if (request.method === "POST" && new URL(request.url).pathname === "/v2/users/batch") {
        void request
          .clone()
          .json()
          .then((body: { requests: unknown[] }) => sizes.push(body.requests.length));
      }
    });
    const f = seededFaker("spec-mutation batch");
    // Small users: this spec also lowers the value-size limit, which faker's users may exceed.
    const users = Array.from({ length: 250 }, () => ({
      uid: f.string.uuid(),
      display_name: f.person.fullName(),
    }));
    const client = createFullStoryClient({ apiKey: "sim-key", maxRetries: 0 });
    const report = await importUsers(client, users, {
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      sleep: async () => {},
    });
    server.events.removeAllListeners();
    expect(report.imported).toBe(250);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it("Propeller address type enum + billing: a billing address is accepted", async () => {
    const { validatePropellerUser } = await import("../src/propeller/validate.js");
    const address = { type: "billing", street: "Main", city: "Delft", country: "NL" };
    expect(validatePropellerUser({ source: "CRM", sourceId: 1, addresses: [address] })).toEqual([]);
    const other = { ...address, type: "home" };
    expect(
      validatePropellerUser({ source: "CRM", sourceId: 1, addresses: [other] }).map((p) => p.rule),
    ).toEqual(["propeller.address"]);
  });

  it("Propeller documents a 422: one naming a user fails that user alone, and the rest are sent again", async () => {
    const { importUsers } = await import("../src/propeller/import.js");
    const { mountPropeller, propellerClient, userKey } = await import("./propeller/harness.js");
    // This tenant requires firstName; Propeller answers its schema refusal with the now documented 422.
    const vendor = mountPropeller(server, {
      requiredFields: ["firstName"],
      bulk: () => ({
        after: async (answer) =>
          answer.status === 400
            ? new Response(await answer.text(), { status: 422, headers: answer.headers })
            : answer,
      }),
    });
    const input = [
      { source: "CRM", sourceId: "a", firstName: "Ann" },
      { source: "CRM", sourceId: "b" },
      { source: "CRM", sourceId: "c", firstName: "Cy" },
    ];
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });
    expect(vendor.sent.map((users) => users.length)).toEqual([3, 2]);
    expect(report.imported).toBe(2);
    expect(report.outcomes[1]).toMatchObject({
      outcome: "failed",
      code: "10007",
      reason: "#/users/1: required key [firstName] not found",
    });
    expect([...vendor.ids().keys()].sort()).toEqual([userKey(input[0]!), userKey(input[2]!)]);
  });

  it("Propeller documents action unchanged: such a result is imported without a warning, another still warned of", async () => {
    const { importUsers } = await import("../src/propeller/import.js");
    const { mountPropeller, propellerClient, rewritingResults, users } =
      await import("./propeller/harness.js");
    mountPropeller(server, {
      bulk: () =>
        rewritingResults((data) =>
          data.map((r, i) => ({ ...r, action: i === 0 ? "unchanged" : "skipped" })),
        ),
    });
    const report = await importUsers(propellerClient().client, users(2), { chunkRecords: 2 });
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(report.outcomes[0]).not.toHaveProperty("warning");
    expect(report.outcomes[1]).toMatchObject({
      warning: matching(
        /action "skipped", which its documentation does not name \(create or update or unchanged\)/,
      ),
    });
  });

  it("SlashID x-max-key-bytes 70 → 10: an 11-byte attribute key is rejected", async () => {
    const { validateSlashIdPerson } = await import("../src/slashid/validate.js");
    const person = (key: string) => ({
      usernames: ["u"],
      attributes: { end_user_read_only: { [key]: 1 } },
    });
    expect(validateSlashIdPerson(person("k".repeat(11))).map((p) => p.rule)).toEqual([
      "slashid.attribute_key_length",
    ]);
    expect(validateSlashIdPerson(person("k".repeat(10)))).toEqual([]);
  });

  it("FullStory batch item requires uid: a user without one is rejected before sending, not left to refuse its batch", async () => {
    const { validateFullStoryUser } = await import("../src/fullstory/validate.js");
    expect(validateFullStoryUser({ email: "a@example.com" })).toMatchObject([
      { rule: "fullstory.field_type", message: matching(/^uid: required/) },
    ]);
    expect(validateFullStoryUser({ uid: "u", email: "a@example.com" })).toEqual([]);
  });

  it("Userpilot requires company_id: a user without one is rejected before sending, not left to refuse its chunk", async () => {
    const { validateUserpilotUser } = await import("../src/userpilot/validate.js");
    expect(validateUserpilotUser({ user_id: "u" })).toMatchObject([
      { rule: "userpilot.company_id", message: matching(/^company_id: required/) },
    ]);
    expect(validateUserpilotUser({ user_id: "u", company_id: "c" })).toEqual([]);
    // Neither is sent: JSON.stringify leaves out an undefined field, and an inherited one.
    const inherited = Object.assign(Object.create({ company_id: "c" }) as object, { user_id: "u" });
    for (const user of [{ user_id: "u", company_id: undefined }, inherited]) {
      expect(validateUserpilotUser(user)).toMatchObject([
        { rule: "userpilot.company_id", message: matching(/^company_id: required/) },
      ]);
    }
  });

  it("FullStory documents a CANCELLED job state: a job left in it is not said to be in a state FullStory does not document", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { importUsers } = await import("../src/fullstory/index.js");
    const { API_KEY, jobStatusAs, mountFullStory } = await import("./fullstory/harness.js");
    mountFullStory(server, { faults: { script: jobStatusAs("CANCELLED") } });
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      [{ uid: "u-0" }],
      { sleep: async () => {}, pollIntervalMs: 1, replayDelayMs: 0, jobTimeoutMs: 100 },
    );
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "job_timeout",
      reason: matching(
        /last status was "CANCELLED", which is no end state this import reads \(COMPLETED or FAILED\), so/,
      ),
    });
  });

  it("FullStory documents a 409 on Update User: one saying the uid cannot change is still uid_immutable, another its 409", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const { updateUser } = await import("../src/fullstory/index.js");
    let body = { code: "conflict", message: "uid cannot be updated" };
    server.use(
      http.post(`${HOSTS.fullstory}/v2/users/:id`, () => HttpResponse.json(body, { status: 409 })),
    );
    const client = createFullStoryClient({ apiKey: "na1.Qx7vK2mW9pLr4TzB", maxRetries: 0 });
    expect(await updateUser(client, "42", { uid: "other" })).toEqual({
      ok: false,
      error: { status: "uid_immutable", message: `user 42: ${body.message}`, body },
    });
    body = { code: "conflict", message: "email is taken by another user" };
    const other = await updateUser(client, "42", { uid: "other" });
    expect(other.ok === false && other.error.status).toBe(409);
  });

  it("Userpilot companies' x-max-body-bytes 50 MiB → 100: the simulator answers a larger companies body 413, a users body not", async () => {
    const { createUserpilotSimulator } = await import("../src/testing/userpilot.js");
    const sim = createUserpilotSimulator();
    const send = (kind: "users" | "companies", body: object) =>
      sim.handle(
        new Request(`${HOSTS.userpilot}/v1/${kind}/bulk_identify`, {
          method: "POST",
          headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const id = "x".repeat(100);
    const companies = await send("companies", { companies: [{ company_id: id }] });
    const users = await send("users", { users: [{ user_id: id, company_id: "c" }] });
    expect([companies.status, users.status]).toEqual([413, 202]);
  });

  it("FullStory's Idempotency-Key moved from Create User to Update User: the client keys the one the spec says", async () => {
    const { createFullStoryClient } = await import("../src/fullstory/client.js");
    const keys: Record<string, string | null> = {};
    server.use(
      http.post(`${HOSTS.fullstory}/v2/users`, ({ request }) => {
        keys["createUser"] = request.headers.get("Idempotency-Key");
        return HttpResponse.json({ id: "1" });
      }),
      http.post(`${HOSTS.fullstory}/v2/users/:id`, ({ request }) => {
        keys["updateUser"] = request.headers.get("Idempotency-Key");
        return HttpResponse.json({});
      }),
    );
    const client = createFullStoryClient({ apiKey: "sim-key", maxRetries: 0 });
    await client.createUser({ body: { uid: "u" } });
    await client.updateUser({ params: { path: { id: "1" } }, body: { display_name: "U" } });
    expect(keys).toEqual({ createUser: null, updateUser: matching(/^[0-9a-f-]{36}$/) });
  });
});
