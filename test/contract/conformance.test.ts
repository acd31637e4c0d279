// The request checker that every contract case runs on every request: a conforming request passes, and
// each kind of non-conforming request is reported (the suite fails the test that sent it).
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import {
  fullStoryApiKey,
  fullStoryBatch,
  fullStoryCreateUser,
} from "../../src/testing/fixtures/fullstory.js";
import {
  propellerBulk,
  propellerCredentials,
  propellerToken,
} from "../../src/testing/fixtures/propeller.js";
import {
  SLASHID_COLUMNS,
  slashIdCredentials,
  slashIdCsv,
  slashIdImport,
  slashIdPersons,
} from "../../src/testing/fixtures/slashid.js";
import {
  userpilotApiKey,
  userpilotJobId,
  userpilotUsersBulk,
} from "../../src/testing/fixtures/userpilot.js";
import { including, matching } from "../support/matchers.js";
import { MockVendor } from "../support/mock-vendor.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { loadSpec, type Vendor } from "../support/specs.js";
import { HARNESSES } from "./harness.js";

const server = useMswServer();

/** A mock vendor whose routes answer 200 `{}`-ish bodies; only the recorded violations matter here. */
function mockOf(vendor: Vendor): MockVendor {
  return new MockVendor(loadSpec(vendor), HARNESSES[vendor].route);
}

/** Matches a list of violations that has, among others, one matching each of `patterns`. */
const mentions = (...patterns: RegExp[]) => including(patterns.map((p) => matching(p)));

describe("FullStory requests", () => {
  function setup() {
    const f = seededFaker("conformance fullstory");
    const apiKey = fullStoryApiKey(f);
    const mock = mockOf("fullstory");
    mock.credentials = {
      BasicApiKey: (r) =>
        r.headers.get("authorization") === `Basic ${apiKey}` ? undefined : "not the client's key",
    };
    const ok = () => HttpResponse.json({ job: { id: "j", status: "PROCESSING", created: "x" } });
    server.use(
      mock.handle("createBatchImport", ok),
      mock.handle("createUser", () => HttpResponse.json({ id: "1" })),
      mock.handle("getUser", () => HttpResponse.json({ id: "1", is_being_deleted: false })),
    );
    return { f, mock, client: createFullStoryClient({ apiKey, maxRetries: 0 }) };
  }

  it("passes a conforming batch import", async () => {
    const { f, mock, client } = setup();
    await client.createBatchImport({ body: fullStoryBatch(f, 3) });
    expect(mock.attempts).toHaveLength(1);
    expect(mock.violations).toEqual([]);
  });

  it("reports a body missing a required field, sent with the raw openapi-fetch POST", async () => {
    const { mock, client } = setup();
    await client.raw.POST("/v2/users/batch", { body: {} as never });
    expect(mock.violations).toEqual([
      matching(/^createBatchImport request 1: body \/ must have required property 'requests'/),
    ]);
  });

  it("reports an empty batch and an unknown key in a closed body", async () => {
    const { f, mock, client } = setup();
    await client.raw.POST("/v2/users/batch", { body: { requests: [] } });
    await client.raw.POST("/v2/users", {
      body: { ...fullStoryCreateUser(f), nickname: "x" } as never,
    });
    expect(mock.violations).toEqual(
      mentions(
        /body \/requests must NOT have fewer than 1 items/,
        /must NOT have additional properties/,
      ),
    );
  });

  it("reports a property name FullStory rejects and a uid over 256 characters", async () => {
    const { mock, client } = setup();
    await client.raw.POST("/v2/users/batch", {
      body: { requests: [{ uid: "u".repeat(257), properties: { "1st-plan": "x" } }] },
    });
    expect(mock.violations).toEqual(
      mentions(
        /\/requests\/0\/uid must NOT have more than 256 characters/,
        /property name must be valid/,
      ),
    );
  });

  it("reports a missing key, a wrong Content-Type, an undocumented query and a bad boolean", async () => {
    const { mock } = setup();
    await fetch(`${HOSTS.fullstory}/v2/users`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "{}",
    });
    await fetch(`${HOSTS.fullstory}/v2/users/123?include_schema=yes&debug=1`);
    expect(mock.violations).toEqual(
      mentions(
        /createUser request 1: header Authorization \(BasicApiKey\) is missing/,
        /createUser request 1: Content-Type text\/plain, expected application\/json/,
        /getUser request 1: query parameter include_schema="yes": .*must be boolean/,
        /getUser request 1: query parameter debug is not documented/,
      ),
    );
  });

  it("reports the wrong credential value", async () => {
    const { mock } = setup();
    await fetch(`${HOSTS.fullstory}/v2/users/123`, {
      headers: { Authorization: `Basic ${btoa("na1.key:")}` },
    });
    expect(mock.violations).toEqual(["getUser request 1: BasicApiKey: not the client's key"]);
  });
});

describe("SlashID requests", () => {
  function setup() {
    const f = seededFaker("conformance slashid");
    const { apiKey, orgId } = slashIdCredentials(f);
    const mock = mockOf("slashid");
    mock.credentials = {
      ApiKeyAuth: (r) => (r.headers.get("slashid-api-key") === apiKey ? undefined : "wrong key"),
    };
    server.use(
      mock.handle("bulkImportPersons", () =>
        HttpResponse.json({ result: { successful_imports: 1, failed_imports: 0 } }),
      ),
    );
    const client = createSlashIdClient({ apiKey, orgId, maxRetries: 0 });
    const post = (form: FormData, headers: Record<string, string> = {}) =>
      fetch(`${HOSTS.slashid}/persons/bulk-import`, {
        method: "POST",
        headers: { "SlashID-API-Key": apiKey, "SlashID-OrgID": orgId, ...headers },
        body: form,
      });
    return { f, mock, client, post };
  }
  const csvFile = (text: string, type = "text/csv") => new File([text], "persons.csv", { type });

  it("passes a conforming import through the client", async () => {
    const { f, mock, client } = setup();
    await client.bulkImportPersons({ body: slashIdImport(f, 5) });
    expect(mock.attempts).toHaveLength(1);
    expect(mock.violations).toEqual([]);
  });

  it("reports a part that is not a file, or a file of another type", async () => {
    const { f, mock, post } = setup();
    const csv = slashIdCsv(slashIdPersons(f, 2));
    const asText = new FormData();
    asText.append("persons", csv);
    await post(asText);
    const asPlain = new FormData();
    asPlain.append("persons", csvFile(csv, "text/plain"));
    await post(asPlain);
    expect(mock.violations).toEqual([
      "bulkImportPersons request 1: multipart part persons is not a file",
      "bulkImportPersons request 2: multipart part persons has type text/plain, expected text/csv",
    ]);
  });

  it("reports a row without a handle, an unknown column, bad attributes and unparseable CSV", async () => {
    const { mock, post } = setup();
    const rows = [
      { "slashid:region": "europe-belgium" },
      { "slashid:emails": "a@example.com", "slashid:regions": "us-iowa" },
      { "slashid:usernames": "u", "slashid:attributes": '{"end_user_read_only":{"":1}}' },
      { "slashid:usernames": "v", "slashid:attributes": "{not json" },
    ];
    const form = new FormData();
    form.append("persons", csvFile(slashIdCsv(rows, [...SLASHID_COLUMNS, "slashid:regions"])));
    await post(form);
    const broken = new FormData();
    broken.append("persons", csvFile('"slashid:emails"\n"unterminated\n'));
    await post(broken);
    expect(mock.violations).toEqual(
      mentions(
        /request 1: body\/persons \(text\/csv\) \/0 must NOT be valid/,
        /request 1: body\/persons \(text\/csv\) \/1 must NOT have additional properties/,
        /request 1: body\/persons\/2\/slashid:attributes \(application\/json\) \/end_user_read_only property name must be valid/,
        /request 1: body\/persons\/3\/slashid:attributes is not valid application\/json/,
        /request 2: body\/persons is not valid text\/csv: .*Quote Not Closed/,
      ),
    );
  });

  it("reports a missing SlashID-OrgID header and a missing persons part", async () => {
    const { mock, post } = setup();
    const form = new FormData();
    form.append("people", csvFile("x\n"));
    await fetch(`${HOSTS.slashid}/persons/bulk-import`, {
      method: "POST",
      headers: { "SlashID-API-Key": "k" },
      body: form,
    });
    await post(new FormData());
    expect(mock.violations).toEqual(
      mentions(
        /request 1: required header parameter SlashID-OrgID is missing/,
        /request 1: body \/ must have required property 'persons'/,
        /request 1: body \/ must NOT have additional properties/,
        /request 2: body \/ must have required property 'persons'/,
      ),
    );
  });
});

describe("Propeller requests", () => {
  it("passes the client's token request and bearer call, and reports a call without a token", async () => {
    const f = seededFaker("conformance propeller");
    const { clientId, clientSecret } = propellerCredentials(f);
    const mock = mockOf("propeller");
    const issued: string[] = [];
    mock.credentials = {
      oauth2: (r) =>
        r.headers.get("authorization") === `Bearer ${issued.at(-1)}` ? undefined : "stale token",
    };
    server.use(
      mock.handle("getAccessToken", () => {
        const token = propellerToken(f);
        issued.push(token.access_token);
        return HttpResponse.json(token);
      }),
      mock.handle("bulkUsersBySourceId", () =>
        HttpResponse.json({ data: [], messages: [], total: 0 }),
      ),
    );
    const client = createPropellerClient({ clientId, clientSecret, maxRetries: 0 });
    await client.bulkUsersBySourceId({ body: propellerBulk(f, 3) });
    expect(mock.attempts.map((a) => a.operationId)).toEqual([
      "getAccessToken",
      "bulkUsersBySourceId",
    ]);
    expect(mock.violations).toEqual([]);

    await fetch(`${HOSTS.propeller}/v2/users/bulk/sourceId`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer old" },
      body: JSON.stringify({ users: [{ source: "CRM", nickname: "x" }] }),
    });
    await fetch(`${HOSTS.propeller}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    await fetch(`${HOSTS.propeller}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "password", client_id: "a" }),
    });
    expect(mock.violations).toEqual(
      mentions(
        /bulkUsersBySourceId request 2: oauth2: stale token/,
        /bulkUsersBySourceId request 2: body \/users\/0 must have required property 'sourceId'/,
        /bulkUsersBySourceId request 2: body \/users\/0 must NOT have additional properties/,
        /getAccessToken request 2: Content-Type application\/json, expected application\/x-www-form-urlencoded/,
        /getAccessToken request 3: body \/grant_type must be equal to constant/,
        /getAccessToken request 3: body \/ must have required property 'client_secret'/,
      ),
    );
  });
});

describe("Userpilot requests", () => {
  it("passes the client's calls and reports non-primitive metadata and an unencoded job id", async () => {
    const f = seededFaker("conformance userpilot");
    const apiKey = userpilotApiKey(f);
    const mock = mockOf("userpilot");
    mock.credentials = {
      ApiKeyAuth: (r) =>
        r.headers.get("authorization") === `Token ${apiKey}` ? undefined : "not the key",
    };
    server.use(
      mock.handle("bulkIdentifyUsers", () =>
        HttpResponse.json({ job_id: "j", status: "queued" }, { status: 202 }),
      ),
      mock.handle("getBackgroundJob", () => HttpResponse.json({ job_id: "j", status: "queued" })),
    );
    const client = createUserpilotClient({ apiKey, maxRetries: 0 });
    await client.bulkIdentifyUsers({ body: userpilotUsersBulk(f, 4) });
    await client.getBackgroundJob({ params: { path: { job_id: userpilotJobId(f) } } });
    expect(mock.attempts).toHaveLength(2);
    expect(mock.violations).toEqual([]);

    await client.raw.POST("/v1/users/bulk_identify", {
      body: { users: [{ user_id: "u1", metadata: { nested: { a: 1 } as never } }] },
    });
    await fetch(`${HOSTS.userpilot}/v1/background_jobs/bulk:jobs:NX-1:abc`, {
      headers: { Authorization: `Token ${apiKey}` },
    });
    expect(mock.violations).toEqual([
      matching(
        /^bulkIdentifyUsers request 2: body \/users\/0\/metadata\/nested must be string,number,boolean,null/,
      ),
      "getBackgroundJob request 2: path parameter job_id is not percent-encoded: bulk:jobs:NX-1:abc",
    ]);
  });
});
