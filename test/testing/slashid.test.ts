// The SlashID simulator, driven by the project's typed client: in msw and over loopback HTTP.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import { createSlashIdClient, type SlashIdClientOptions } from "../../src/slashid/client.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { createSlashIdSimulator, type SlashIdSimulatorOptions } from "../../src/testing/slashid.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const URL_IMPORT = `${HOSTS.slashid}/persons/bulk-import`;
const COLUMNS = [
  "slashid:emails",
  "slashid:phone_numbers",
  "slashid:usernames",
  "slashid:region",
  "slashid:groups",
  "slashid:attributes",
];

type Row = Record<string, string>;

/** The `persons` CSV, every cell quoted (as SlashID's own example). */
const csv = (columns: readonly string[], rows: readonly Row[]) =>
  stringify(
    rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""]))),
    { header: true, columns: [...columns], quoted: true },
  );

/** Serves `sim` on loopback; msw lets requests to it through to the real network. */
async function serve(sim: Parameters<typeof serveSimulator>[0]) {
  const running = await serveSimulator(sim);
  server.use(http.all(`${running.url}/*`, () => passthrough()));
  return running;
}

const readCsv = (text: string) => parse<Row>(text, { columns: true });

function setup(options: SlashIdSimulatorOptions = {}, client: Partial<SlashIdClientOptions> = {}) {
  const sim = createSlashIdSimulator(options);
  server.use(...simulatorHandlers(sim, HOSTS.slashid));
  const slashid = createSlashIdClient({
    apiKey: "sim-key",
    orgId: "sim-org",
    maxRetries: 0,
    sleep: async () => {},
    ...client,
  });
  return { sim, slashid };
}

const jane: Row = {
  "slashid:emails": "jane.doe@example.com,jane@example.org",
  "slashid:phone_numbers": "+13475043201",
  "slashid:usernames": "janedoe",
  "slashid:region": "europe-belgium",
  "slashid:groups": "admins,editors",
  "slashid:attributes": JSON.stringify({
    end_user_read_write: { plan: "pro" },
    "person_pool-end_user_no_access": { crm_id: "C-1042" },
  }),
};
const phoneOnly: Row = {
  "slashid:phone_numbers": "+447700900123",
  "slashid:region": "europe-england",
};

describe("SlashID simulator: bulk import", () => {
  it("imports every row, columns in any order, and keeps the parsed rows of the upload", async () => {
    const { sim, slashid } = setup();
    const columns = [...COLUMNS].reverse();
    const result = await slashid.bulkImportPersons({
      body: { persons: csv(columns, [jane, phoneOnly]) },
    });
    expect(result.ok && result.data).toEqual({
      result: { successful_imports: 2, failed_imports: 0 },
    });

    const persons = sim.persons();
    expect(persons.map((p) => p.key)).toEqual(["jane.doe@example.com", "+447700900123"]);
    expect(persons[0]).toMatchObject({
      emails: ["jane.doe@example.com", "jane@example.org"],
      phone_numbers: ["+13475043201"],
      usernames: ["janedoe"],
      region: "europe-belgium",
      groups: ["admins", "editors"],
      attributes: {
        end_user_read_write: { plan: "pro" },
        "person_pool-end_user_no_access": { crm_id: "C-1042" },
      },
      uploads: [1],
    });
    const [upload] = sim.uploads();
    expect(upload?.columns).toEqual(columns);
    expect(upload?.rows).toEqual([
      jane,
      { ...Object.fromEntries(COLUMNS.map((c) => [c, ""])), ...phoneOnly },
    ]);
    expect(sim.stats()).toEqual({
      requests: { "POST /persons/bulk-import": 1 },
      faults: {},
      users: 2,
      duplicates: 0,
      rewrites: 0,
      duplicateWrites: 0,
      rejected: 0,
      alreadyExisting: 0,
    });
  });

  it("serves the CSV template as a file download", async () => {
    const { slashid } = setup();
    const result = await slashid.getPersonsBulkImportTemplate();
    if (!result.ok) throw result.error;
    expect(result.headers["content-type"]).toMatch(/^text\/csv/);
    expect(result.headers["content-disposition"]).toBe('attachment; filename="persons.csv"');
    expect(parse(result.data)).toEqual([COLUMNS]);
  });

  it("answers the same over loopback HTTP", async () => {
    const sim = createSlashIdSimulator({ basePath: "/slashid" });
    const running = await serve(sim);
    try {
      const slashid = createSlashIdClient({
        apiKey: "sim-key",
        orgId: "sim-org",
        baseUrl: `${running.url}/slashid`,
        maxRetries: 0,
        sleep: async () => {},
      });
      const imported = await slashid.bulkImportPersons({
        body: { persons: csv(COLUMNS, [jane, { "slashid:usernames": "x" }]) },
      });
      expect(imported.ok && imported.data.result.successful_imports).toBe(2);
      const template = await slashid.getPersonsBulkImportTemplate();
      expect(template.ok && parse(template.data)).toEqual([COLUMNS]);
      expect(sim.stats().users).toBe(2);
    } finally {
      await running.close();
    }
  });

  it("returns failed rows in failed_csv: the uploaded columns and cells, plus a reason", async () => {
    const { sim, slashid } = setup();
    const bad: Row[] = [
      { "slashid:region": "us-iowa" },
      { "slashid:emails": "a@example.com", "slashid:region": "mars-north" },
      { "slashid:usernames": "b", "slashid:attributes": '{"secret_bucket":{"k":1}}' },
      {
        "slashid:usernames": "c",
        "slashid:attributes": JSON.stringify({ end_user_read_only: { ["é".repeat(36)]: 1 } }),
      },
      { "slashid:usernames": "d", "slashid:attributes": "{not json" },
      { "slashid:emails": "not-an-email" },
    ];
    const columns = ["slashid:usernames", "slashid:emails", "slashid:region", "slashid:attributes"];
    const result = await slashid.bulkImportPersons({
      body: { persons: csv(columns, [jane, ...bad]) },
    });
    if (!result.ok) throw result.error;
    expect(result.data.result).toMatchObject({ successful_imports: 1, failed_imports: 6 });

    const failedCsv = result.data.result.failed_csv ?? "";
    expect(parse(failedCsv)[0]).toEqual([...columns, "reason"]);
    const failed = readCsv(failedCsv);
    expect(failed.map(({ reason: _, ...cells }) => cells)).toEqual(
      bad.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""]))),
    );
    const reasons = failed.map((r) => r["reason"]);
    expect(reasons[0]).toMatch(/at least one handle/);
    expect(reasons[1]).toMatch(/slashid:region/);
    expect(reasons[2]).toMatch(/unknown attribute bucket \[secret_bucket\]/);
    expect(reasons[3]).toMatch(/longer than 70 bytes/);
    expect(reasons[4]).toMatch(/not valid JSON/);
    expect(reasons[5]).toBe("invalid email address: not-an-email");
    expect(sim.stats().users).toBe(1);
    expect(sim.stats().rejected).toBe(0);
  });

  it("refuses a share of valid rows with rejectRate, counted in stats", async () => {
    const { sim, slashid } = setup({ faults: { rejectRate: 0.5, seed: 7 } });
    const rows = Array.from({ length: 40 }, (_, i) => ({ "slashid:usernames": `user-${i}` }));
    const result = await slashid.bulkImportPersons({
      body: { persons: csv(["slashid:usernames"], rows) },
    });
    if (!result.ok) throw result.error;
    const { successful_imports, failed_imports, failed_csv } = result.data.result;
    expect(failed_imports).toBeGreaterThan(0);
    expect(successful_imports).toBeGreaterThan(0);
    expect(successful_imports + failed_imports).toBe(40);
    const failed = readCsv(failed_csv ?? "");
    expect(failed).toHaveLength(failed_imports);
    expect(failed.every((r) => /simulated rejection/.test(r["reason"] ?? ""))).toBe(true);
    expect(sim.stats()).toMatchObject({ users: successful_imports, rejected: failed_imports });
    const stored = new Set(sim.persons().map((p) => p.key));
    expect(failed.some((r) => stored.has(r["slashid:usernames"] ?? ""))).toBe(false);
  });

  it("upsert mode: a later upload updates the person (a rewrite), rows within an upload merge", async () => {
    const { sim, slashid } = setup({ existingPersons: "upsert" });
    const columns = ["slashid:emails", "slashid:groups"];
    const first = await slashid.bulkImportPersons({
      body: {
        persons: csv(columns, [
          { "slashid:emails": "a@example.com", "slashid:groups": "one" },
          { "slashid:emails": "A@example.com,b@example.com", "slashid:groups": "two" },
        ]),
      },
    });
    expect(first.ok && first.data.result.successful_imports).toBe(2);
    expect(sim.stats()).toMatchObject({ users: 1, rewrites: 0, duplicates: 0 });

    await slashid.bulkImportPersons({
      body: {
        persons: csv(columns, [{ "slashid:emails": "b@example.com", "slashid:groups": "three" }]),
      },
    });
    expect(sim.stats()).toMatchObject({ users: 1, rewrites: 1, duplicates: 0 });
    expect(sim.persons()[0]).toMatchObject({
      key: "a@example.com",
      emails: ["a@example.com", "A@example.com", "b@example.com"],
      groups: ["one", "two", "three"],
      uploads: [1, 2],
    });
  });

  it("answers 402 when an upload would exceed the pricing tier, storing nothing", async () => {
    const { sim, slashid } = setup({ pricingTierLimit: 2 });
    const three = csv(
      ["slashid:usernames"],
      [{ "slashid:usernames": "a" }, { "slashid:usernames": "b" }, { "slashid:usernames": "c" }],
    );
    const refused = await slashid.bulkImportPersons({ body: { persons: three } });
    expect(!refused.ok && refused.error.status).toBe(402);
    if (!refused.ok && refused.error.status === 402)
      expect(refused.error.body.errors?.[0]?.httpcode).toBe(402);
    expect(sim.stats().users).toBe(0);

    const two = csv(
      ["slashid:usernames"],
      [{ "slashid:usernames": "a" }, { "slashid:usernames": "b" }],
    );
    expect((await slashid.bulkImportPersons({ body: { persons: two } })).ok).toBe(true);
    // Updating stored persons needs no room; a new one does not fit.
    expect((await slashid.bulkImportPersons({ body: { persons: two } })).ok).toBe(true);
    const more = await slashid.bulkImportPersons({
      body: { persons: csv(["slashid:usernames"], [{ "slashid:usernames": "c" }]) },
    });
    expect(!more.ok && more.error.status).toBe(402);
    expect(sim.uploads().map((u) => u.status)).toEqual([402, 200, 200, 402]);
  });
  it("fails a row whose handles belong to two persons; persons are numbered 1, 2, … as made", async () => {
    const { sim, slashid } = setup();
    const columns = ["slashid:emails", "slashid:usernames"];
    const rows: Row[] = [
      { "slashid:emails": "a@example.com" },
      { "slashid:usernames": "bee" },
      { "slashid:emails": "a@example.com", "slashid:usernames": "bee" },
    ];
    const result = await slashid.bulkImportPersons({ body: { persons: csv(columns, rows) } });
    if (!result.ok) throw result.error;
    expect(result.data.result).toMatchObject({ successful_imports: 2, failed_imports: 1 });
    expect(readCsv(result.data.result.failed_csv ?? "").map((r) => r["reason"])).toEqual([
      "the row's handles belong to more than one person",
    ]);
    expect(sim.persons().map((p) => [p.id, p.key, p.emails, p.usernames])).toEqual([
      [1, "a@example.com", ["a@example.com"], []],
      [2, "bee", [], ["bee"]],
    ]);
  });

  it("rows of one person: the last region and password given win, attributes merge per bucket", async () => {
    const { sim, slashid } = setup();
    const columns = ["slashid:emails", "slashid:region", "slashid:password", "slashid:attributes"];
    const rows: Row[] = [
      {
        "slashid:emails": "a@example.com",
        "slashid:region": "us-iowa",
        "slashid:password": "first-secret",
        "slashid:attributes": JSON.stringify({ end_user_read_write: { plan: "free", crm: "C-1" } }),
      },
      {
        "slashid:emails": "a@example.com",
        "slashid:region": "europe-belgium",
        "slashid:password": "second-secret",
        "slashid:attributes": JSON.stringify({ end_user_read_write: { plan: "pro" } }),
      },
      { "slashid:emails": "a@example.com" },
    ];
    const result = await slashid.bulkImportPersons({ body: { persons: csv(columns, rows) } });
    expect(result.ok && result.data.result).toEqual({ successful_imports: 3, failed_imports: 0 });
    expect(sim.persons()).toMatchObject([
      {
        region: "europe-belgium",
        password: "second-secret",
        attributes: { end_user_read_write: { plan: "pro", crm: "C-1" } },
      },
    ]);
  });

  it("says of a row without a handle only that a handle is required", async () => {
    const { slashid } = setup();
    const persons = csv(["slashid:emails", "slashid:region"], [{ "slashid:region": "us-iowa" }]);
    const result = await slashid.bulkImportPersons({ body: { persons } });
    if (!result.ok) throw result.error;
    expect(readCsv(result.data.result.failed_csv ?? "").map((r) => r["reason"])).toEqual([
      "at least one handle is required (slashid:emails, slashid:phone_numbers or slashid:usernames)",
    ]);
  });

  it("refuses an e-mail address with nothing before or after its @, or with a blank in it", async () => {
    const { sim, slashid } = setup();
    const rows = ["@example.com", "jane@", "jane doe@example.com"].map((address) => ({
      "slashid:emails": address,
    }));
    const result = await slashid.bulkImportPersons({
      body: { persons: csv(["slashid:emails"], rows) },
    });
    if (!result.ok) throw result.error;
    expect(readCsv(result.data.result.failed_csv ?? "").map((r) => r["reason"])).toEqual([
      "invalid email address: @example.com",
      "invalid email address: jane@",
      "invalid email address: jane doe@example.com",
    ]);
    expect(sim.stats().users).toBe(0);
  });

  it("fails a row whose attribute bucket holds something other than an object", async () => {
    const { sim, slashid } = setup();
    const rows = [
      {
        "slashid:usernames": "ann",
        "slashid:attributes": JSON.stringify({ end_user_read_write: "pro" }),
      },
    ];
    const result = await slashid.bulkImportPersons({
      body: { persons: csv(["slashid:usernames", "slashid:attributes"], rows) },
    });
    if (!result.ok) throw result.error;
    expect(result.data.result).toMatchObject({ successful_imports: 0, failed_imports: 1 });
    expect(readCsv(result.data.result.failed_csv ?? "")[0]?.["reason"]).toMatch(
      /^slashid:attributes\/end_user_read_write: must be object/,
    );
    expect(sim.persons()).toEqual([]);
  });

  it("counts in alreadyExisting only the rows refused because their person exists", async () => {
    const { sim, slashid } = setup();
    const columns = ["slashid:emails"];
    const a = { "slashid:emails": "a@example.com" };
    await slashid.bulkImportPersons({ body: { persons: csv(columns, [a]) } });
    const again = await slashid.bulkImportPersons({
      body: { persons: csv(columns, [a, { "slashid:emails": "not-an-address" }]) },
    });
    expect(again.ok && again.data.result).toMatchObject({
      successful_imports: 0,
      failed_imports: 2,
    });
    expect(sim.stats()).toMatchObject({ users: 1, alreadyExisting: 1, rejected: 0 });
  });

  it("persons() gives copies: changing one leaves what the simulator holds as it was", async () => {
    const { sim, slashid } = setup();
    await slashid.bulkImportPersons({ body: { persons: csv(COLUMNS, [jane]) } });
    const before = structuredClone(sim.persons());
    const [person] = sim.persons();
    person?.emails.push("intruder@example.com");
    person?.uploads.push(9);
    expect(sim.persons()).toEqual(before);
  });
});

describe("SlashID simulator: refusals", () => {
  it("answers 401 for a wrong API key and 403 for another organization", async () => {
    const { slashid: wrongKey } = setup({}, { apiKey: "nope" });
    const a = await wrongKey.bulkImportPersons({ body: { persons: csv(COLUMNS, [jane]) } });
    expect(!a.ok && a.error.status).toBe(401);
    if (!a.ok && a.error.status === 401) expect(a.error.body.errors?.[0]?.httpcode).toBe(401);

    const { slashid: wrongOrg, sim } = setup({}, { orgId: "other-org" });
    const b = await wrongOrg.bulkImportPersons({ body: { persons: csv(COLUMNS, [jane]) } });
    expect(!b.ok && b.error.status).toBe(403);
    const t = await wrongOrg.getPersonsBulkImportTemplate();
    expect(!t.ok && t.error.status).toBe(403);
    expect(sim.stats().users).toBe(0);
  });

  it("lets a member key download the template but not import", async () => {
    const { slashid } = setup({ memberApiKey: "member-key" }, { apiKey: "member-key" });
    expect((await slashid.getPersonsBulkImportTemplate()).ok).toBe(true);
    const result = await slashid.bulkImportPersons({ body: { persons: csv(COLUMNS, [jane]) } });
    expect(!result.ok && result.error.status).toBe(403);
  });

  it("answers 400 without SlashID-OrgID, without a persons part, or without multipart", async () => {
    setup();
    const headers = { "SlashID-API-Key": "sim-key", "SlashID-OrgID": "sim-org" };
    const noOrg = await fetch(URL_IMPORT, { headers: { "SlashID-API-Key": "sim-key" } });
    expect(noOrg.status).toBe(400);

    const form = new FormData();
    form.append("people", new Blob([csv(COLUMNS, [jane])], { type: "text/csv" }), "persons.csv");
    const noPart = await fetch(URL_IMPORT, { method: "POST", headers, body: form });
    expect(noPart.status).toBe(400);
    expect(await noPart.json()).toEqual({
      errors: [{ httpcode: 400, message: "missing multipart form field: persons" }],
    });

    const notMultipart = await fetch(URL_IMPORT, {
      method: "POST",
      headers: { ...headers, "Content-Type": "text/csv" },
      body: csv(COLUMNS, [jane]),
    });
    expect(notMultipart.status).toBe(400);
  });

  // The bulk import page: "The import will take the following CSV column headers into consideration";
  // specs/slashid.yaml (PersonCsvRow): other columns "are not taken into consideration by SlashID".
  it("leaves out a column it does not take into consideration, and imports the row", async () => {
    const { sim, slashid } = setup();
    const persons =
      '"slashid:emails","nickname","slashid:region"\n' +
      '"a@example.com","Al","us-iowa"\n' +
      '"","Bo","mars"\n';
    const result = await slashid.bulkImportPersons({ body: { persons } });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.result).toMatchObject({ successful_imports: 1, failed_imports: 1 });
    const failed = result.data.result.failed_csv ?? "";
    expect(failed.split("\n")[0]).toBe('"slashid:emails","nickname","slashid:region","reason"');
    expect(failed).not.toContain("nickname:");
    expect(sim.persons().map((p) => [p.emails, p.region])).toEqual([
      [["a@example.com"], "us-iowa"],
    ]);
  });

  it("answers 400 for a duplicated column, or an unreadable CSV", async () => {
    const { sim, slashid } = setup();
    const cases = [
      '"slashid:emails","slashid:emails"\n"a@example.com","b@example.com"\n',
      '"slashid:emails","slashid:region"\n"a@example.com"\n',
      '"slashid:emails"\n"a@example.com\n',
      "",
    ];
    const messages: string[] = [];
    for (const persons of cases) {
      const result = await slashid.bulkImportPersons({ body: { persons } });
      if (result.ok || result.error.status !== 400)
        throw new Error(`expected a 400 for ${persons}`);
      messages.push(result.error.body.errors?.[0]?.message ?? "");
    }
    expect(messages[0]).toMatch(/duplicate CSV column/);
    expect(messages[1]).toMatch(/^unreadable CSV/);
    expect(messages[2]).toMatch(/^unreadable CSV/);
    expect(messages[3]).toMatch(/empty CSV/);
    expect(sim.stats().users).toBe(0);
  });
  // Spreadsheet exports leave blank lines and repeat columns of their own; neither refuses the file.
  it("skips blank lines, and leaves out a column it does not consider even when repeated", async () => {
    const { sim, slashid } = setup();
    const persons =
      '"slashid:emails","note","note"\n' +
      '"a@example.com","x","y"\n' +
      "\n" +
      '"b@example.com","",""\n';
    const result = await slashid.bulkImportPersons({ body: { persons } });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.result).toEqual({ successful_imports: 2, failed_imports: 0 });
    expect(sim.persons().map((p) => p.key)).toEqual(["a@example.com", "b@example.com"]);
  });

  // A body the simulator cannot read is the client's mistake (400), never the simulator's own failure.
  it("answers 400 for a multipart body it cannot read, or a persons field that is not a file", async () => {
    setup();
    const headers = { "SlashID-API-Key": "sim-key", "SlashID-OrgID": "sim-org" };
    const unreadable = await fetch(URL_IMPORT, {
      method: "POST",
      headers: { ...headers, "Content-Type": "multipart/form-data; boundary=sim-boundary" },
      body: "this is not a multipart body",
    });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toEqual({
      errors: [{ httpcode: 400, message: "unreadable multipart/form-data body" }],
    });

    const form = new FormData();
    form.append("persons", csv(COLUMNS, [jane]));
    const textField = await fetch(URL_IMPORT, { method: "POST", headers, body: form });
    expect(textField.status).toBe(400);
    expect(await textField.json()).toEqual({
      errors: [{ httpcode: 400, message: "missing multipart form field: persons" }],
    });
  });

  it("answers an empty SlashID-OrgID as a missing one: 400, not another organization's 403", async () => {
    setup();
    const headers = { "SlashID-API-Key": "sim-key", "SlashID-OrgID": "" };
    const form = new FormData();
    form.append("persons", new Blob([csv(COLUMNS, [jane])], { type: "text/csv" }), "persons.csv");
    const answer = await fetch(URL_IMPORT, { method: "POST", headers, body: form });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      errors: [{ httpcode: 400, message: "missing header: SlashID-OrgID" }],
    });
  });
});

describe("SlashID simulator: faults", () => {
  const body = { body: { persons: csv(COLUMNS, [jane]) } };

  it("answers 429 with Retry-After in SlashID's error envelope", async () => {
    const { sim, slashid } = setup({ faults: { rate429: 1, retryAfterSeconds: 7 } });
    const result = await slashid.bulkImportPersons(body);
    if (result.ok || result.error.status !== "undocumented") throw new Error("expected a 429");
    expect(result.error.httpStatus).toBe(429);
    expect(result.error.headers["retry-after"]).toBe("7");
    expect(result.error.body).toEqual({
      errors: [{ httpcode: 429, message: "too many requests" }],
    });
    expect(sim.stats()).toMatchObject({ faults: { "429": 1 }, users: 0 });
  });

  it("answers 500 and 503 in turn", async () => {
    const { sim, slashid } = setup({ faults: { rate5xx: 1 } });
    const statuses = [];
    for (let i = 0; i < 2; i++) {
      const result = await slashid.bulkImportPersons(body);
      statuses.push(
        !result.ok && result.error.status === "undocumented" && result.error.httpStatus,
      );
    }
    expect(statuses).toEqual([500, 503]);
    expect(sim.stats()).toMatchObject({ faults: { "5xx": 2 }, users: 0 });
  });

  it("drops the connection: a network error, in msw and over HTTP", async () => {
    const { slashid } = setup({ faults: { rateDrop: 1 } });
    const viaMsw = await slashid.bulkImportPersons(body);
    expect(!viaMsw.ok && viaMsw.error.status).toBe("network");

    const sim = createSlashIdSimulator({ faults: { rateDrop: 1 } });
    const running = await serve(sim);
    try {
      const client = createSlashIdClient({
        apiKey: "sim-key",
        orgId: "sim-org",
        baseUrl: running.url,
        maxRetries: 0,
        sleep: async () => {},
      });
      const viaHttp = await client.bulkImportPersons(body);
      expect(!viaHttp.ok && viaHttp.error.status).toBe("network");
      expect(sim.stats()).toMatchObject({ faults: { drop: 1 }, users: 0 });
    } finally {
      await running.close();
    }
  });

  it("answers slowly: past the client's timeout the call times out and nothing is imported", async () => {
    const sim = createSlashIdSimulator({ faults: { rateSlow: 1, slowMs: 10_000 } });
    const running = await serve(sim);
    try {
      const client = createSlashIdClient({
        apiKey: "sim-key",
        orgId: "sim-org",
        baseUrl: running.url,
        maxRetries: 0,
        // Long enough for the request to reach the simulator on a busy machine, which the stats check.
        timeoutMs: 1_000,
        sleep: async () => {},
      });
      const result = await client.bulkImportPersons(body);
      expect(!result.ok && result.error.status).toBe("timeout");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sim.stats()).toMatchObject({ faults: { slow: 1 }, users: 0 });
    } finally {
      await running.close();
    }
  });
});
