// The input formats the import command reads (.ndjson/.jsonl, a streamed .json array, .csv), and --dry-run.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  steppingClock,
  totalRequests,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";
import { readReportFile } from "../../src/cli/report-file.js";

const file = useTempDir();
const serve = useServedSimulators();
const FULLSTORY = ["--api-key", CREDS.apiKey] as const;

async function fullStory() {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  return { sim, url };
}

describe("line-delimited JSON", () => {
  for (const ext of ["ndjson", "jsonl"]) {
    it(`.${ext}: a blank line is skipped, a broken line is rejected with input.parse naming it, exit 1`, async () => {
      const { sim, url } = await fullStory();
      const users = fullStoryUsers(4, ext);
      const text = [
        JSON.stringify(users[0]),
        JSON.stringify(users[1]),
        "",
        '{"uid": "broken", ',
        JSON.stringify(users[2]),
        "   ",
        JSON.stringify(users[3]),
      ].join("\n");
      const reportFile = file(`lines-${ext}-report.json`);

      const result = await cli([
        "import",
        "fullstory",
        file(`lines.${ext}`, text),
        "--base-url",
        url,
        "--report",
        reportFile,
        ...FULLSTORY,
      ]);

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^fullstory: 5 records: 4 imported, 0 failed, 1 rejected/);
      expect(result.stdout).toMatch(/rejected \[input\.parse\] record 2 \(#2\): line 4: /);
      const report = await readReportFile(reportFile);
      expect(report.outcomes[2]).toMatchObject({ outcome: "rejected", rule: "input.parse" });
      expect(report.outcomes[2]?.outcome === "rejected" && report.outcomes[2].reason).toMatch(
        /line 4: /,
      );
      expect(
        sim
          .users()
          .map((u) => u.uid)
          .sort(),
      ).toEqual(users.map((u) => u.uid).sort());
    });
  }
});

describe(".json array", () => {
  it("is read as a stream: 3,000 users imported", async () => {
    const { sim, url } = await fullStory();
    const users = fullStoryUsers(3000, "arr");
    // Pretty-printed, so records span many lines and the read chunks cut through them.
    const input = file("big.json", JSON.stringify(users, null, 2));

    const result = await cli([
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--chunk-size",
      "1000",
      ...FULLSTORY,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^fullstory: 3000 records: 3000 imported, 0 failed, 0 rejected \(3 chunks sent or followed up/,
    );
    expect(sim.stats().users).toBe(3000);
    expect(sim.users()[2999]?.uid).toBe("arr-2999");
  });

  it("a truncated array: exit 2 (a usage error) naming the file and the break", async () => {
    const { url } = await fullStory();
    const text = JSON.stringify(fullStoryUsers(6, "cut"));
    const input = file("truncated.json", text.slice(0, text.lastIndexOf('"email"') + 10));

    const result = await cli(["import", "fullstory", input, "--base-url", url, ...FULLSTORY]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `bulk-user-import: ${input}: not a JSON array of records: the file ends before its array does ` +
        "(was the file cut off as it was written or copied?)",
    );
  });

  it("a truncated array: the records before the break are imported", async () => {
    const { sim, url } = await fullStory();
    const text = JSON.stringify(fullStoryUsers(6, "cut2"));
    const input = file("truncated2.json", text.slice(0, text.lastIndexOf('"email"') + 10));

    const result = await cli(["import", "fullstory", input, "--base-url", url, ...FULLSTORY]);

    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/input broken off: .*not a JSON array of records/);
    expect(sim.users().map((u) => u.uid)).toEqual([
      "cut2-0",
      "cut2-1",
      "cut2-2",
      "cut2-3",
      "cut2-4",
    ]);
  });

  it("a truncated array cut inside a character: the error says it was cut, not that it is not UTF-8", async () => {
    const text = Buffer.from(JSON.stringify([{ uid: "a" }, { uid: "b", display_name: "Zoë" }]));
    // Up to the first of ë's two bytes: a copy cut off at any byte may stop inside a character.
    const input = file("truncated-char.json");
    writeFileSync(input, text.subarray(0, text.indexOf("ë") + 1));

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid");
    expect(result.stderr).toContain(
      `bulk-user-import: ${input}: not a JSON array of records: the file ends before its array does ` +
        "(was the file cut off as it was written or copied?)",
    );
  });

  it("a .json object instead of an array is refused as not an array", async () => {
    const input = file("object.json", JSON.stringify({ uid: "x", email: "x@example.com" }));
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("not a JSON array of records");
  });

  it("a dry run of a truncated array is refused too", async () => {
    const input = file("truncated-dry.json", '[{"uid":"a"},{"uid":"b"},{"uid":');
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("not a JSON array of records");
  });

  for (const [name, text] of [
    ["empty.json", ""],
    ["blank.json", " \n\t\r\n"],
    ["bom-only.json", "\uFEFF\n"],
  ] as const) {
    it(`${name} holds no array: exit 2, as an object does; nothing is sent`, async () => {
      const { sim, url } = await fullStory();
      const input = file(name, text);

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);
      const result = await cli(["import", "fullstory", input, "--base-url", url, ...FULLSTORY]);

      for (const run of [dry, result]) {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${input}: not a JSON array of records (the file is empty)`);
      }
      expect(totalRequests(sim)).toBe(0);
    });
  }

  it("an empty array is 0 records, exit 0", async () => {
    const result = await cli(["import", "fullstory", file("none.json", " [ ]\n"), "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("dry run: 0 records, 0 valid, 0 rejected; nothing was sent\n");
  });

  // A CSV of no records still has its header: with none, the file is what a failed export leaves, which
  // read as 0 records passed for an import that went well (exit 0).
  // Only the empty one is said to be empty: of the others, that would send the operator to another file.
  const noNames = "no CSV header line: the file holds no column names";
  for (const [name, text, said] of [
    ["empty.csv", "", "no CSV header line (the file is empty)"],
    ["blank.csv", "\r\n\r\n", noNames],
    ["bom-only.csv", "\uFEFF", noNames],
    ["bom-line.csv", "\uFEFF\n", noNames],
    ["commas-only.csv", ",,\n,,\n", noNames],
    ["empty-quotes.csv", '""\n', noNames],
  ] as const) {
    it(`${name} has no header: exit 2, as an empty .json; nothing is sent`, async () => {
      const { sim, url } = await fullStory();
      const input = file(name, text);

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);
      const result = await cli(["import", "fullstory", input, "--base-url", url, ...FULLSTORY]);

      for (const run of [dry, result]) {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${input}: ${said}\n`);
      }
      expect(totalRequests(sim)).toBe(0);
    });
  }

  // An empty .ndjson is the only way NDJSON writes no records (a filter that matched none), where CSV has its
  // header alone and JSON `[]`.
  for (const [name, text] of [
    ["empty.ndjson", ""],
    ["header-only.csv", "\uFEFF\nuid,email\r\n\r\n"],
  ] as const) {
    it(`${name} is 0 records, exit 0 (a file of no lines, or a header and no rows)`, async () => {
      const result = await cli(["import", "fullstory", file(name, text), "--dry-run"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("dry run: 0 records, 0 valid, 0 rejected; nothing was sent\n");
    });
  }
});

describe(".csv", () => {
  it("fullstory: headers are field names, dotted headers build nested objects, empty cells are left out", async () => {
    const { sim, url } = await fullStory();
    const csv = [
      "uid,email,display_name,properties.plan,properties.billing.country",
      "c-1,one@example.com,One,pro,NL",
      'c-2,,"Two, Jr.",free,',
      "c-3,three@example.com,,,DE",
    ].join("\n");

    const result = await cli([
      "import",
      "fullstory",
      file("users.csv", csv),
      "--base-url",
      url,
      ...FULLSTORY,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 3 imported/);
    const byUid = new Map(sim.users().map((u) => [u.uid, u]));
    expect(byUid.get("c-1")).toMatchObject({
      email: "one@example.com",
      display_name: "One",
      properties: { plan: "pro", billing: { country: "NL" } },
    });
    expect(byUid.get("c-2")).toMatchObject({
      display_name: "Two, Jr.",
      properties: { plan: "free" },
    });
    expect(byUid.get("c-2")?.email).toBeUndefined();
    expect(byUid.get("c-3")?.properties).toEqual({ billing: { country: "DE" } });
  });

  it("slashid: the slashid:* columns, comma-separated lists in a quoted cell, attributes as JSON", async () => {
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);
    const csv = [
      "slashid:emails,slashid:phone_numbers,slashid:usernames,slashid:region,slashid:groups,slashid:attributes",
      `"ann@example.com, ann.b@example.com",,ann,europe-belgium,"admins,devs","{""end_user_read_only"":{""plan"":""pro""}}"`,
      "bob@example.com,+13475043201,,,,",
      ",,carol,asia-japan,,",
      'dave@example.com,,,,,"{not json"',
    ].join("\n");

    const result = await cli(["import", "slashid", file("persons.csv", csv), "--base-url", url], {
      env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId },
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^slashid: 4 records: 3 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toMatch(
      /rejected \[input\.parse\] record 3 \(#3\): line 5: slashid:attributes: not JSON/,
    );
    const persons = sim.persons();
    expect(persons.map((p) => p.key)).toEqual(["ann@example.com", "bob@example.com", "carol"]);
    expect(persons[0]).toMatchObject({
      emails: ["ann@example.com", "ann.b@example.com"],
      usernames: ["ann"],
      region: "europe-belgium",
      groups: ["admins", "devs"],
      attributes: { end_user_read_only: { plan: "pro" } },
    });
    expect(persons[1]).toMatchObject({ phone_numbers: ["+13475043201"] });
    expect(persons[2]).toMatchObject({ usernames: ["carol"], region: "asia-japan" });
  });

  it("a row with more cells than the header is rejected naming its line; the rows around it import", async () => {
    const { sim, url } = await fullStory();
    const csv = "uid,email\nr-1,a@example.com\nr-2,b@example.com,extra\nr-3,c@example.com\n";
    const result = await cli([
      "import",
      "fullstory",
      file("ragged.csv", csv),
      "--base-url",
      url,
      ...FULLSTORY,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 2 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toMatch(/rejected \[input\.parse\] record 1 \(#1\): line 3: /);
    expect(sim.users().map((u) => u.uid)).toEqual(["r-1", "r-3"]);
  });

  it("propeller and userpilot: field-name headers, dotted metadata", async () => {
    const propeller = createPropellerSimulator();
    const userpilot = createUserpilotSimulator(steppingClock());
    const p = await serve(propeller);
    const u = await serve(userpilot);

    const pResult = await cli(
      [
        "import",
        "propeller",
        file(
          "propeller.csv",
          "source,sourceId,email,firstName\ncrm,42,a@example.com,Ada\ncrm,43,,Bo\n",
        ),
        "--base-url",
        p.url,
      ],
      { env: { PROPELLER_CLIENT_ID: CREDS.clientId, PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
    const uResult = await cli(
      [
        "import",
        "userpilot",
        file(
          "userpilot.csv",
          "user_id,company_id,metadata.plan,metadata.seats\nu-1,c-1,pro,5\nu-2,,free,\n",
        ),
        ...FAST_POLL,
        "--base-url",
        u.url,
      ],
      { env: { USERPILOT_API_KEY: CREDS.apiKey } },
    );

    expect(pResult.code).toBe(0);
    expect(propeller.users().map((x) => [x.sourceId, x.fields.email])).toEqual([
      ["42", "a@example.com"],
      ["43", undefined],
    ]);
    expect(uResult.code).toBe(0);
    expect(userpilot.users().map((x) => [x.user_id, x.company_id, x.metadata])).toEqual([
      ["u-1", "c-1", { plan: "pro", seats: "5" }],
      ["u-2", undefined, { plan: "free" }],
    ]);
  });
});

describe("--dry-run", () => {
  it("all valid: exit 0, nothing sent, no credentials needed", async () => {
    const { sim, url } = await fullStory();
    const result = await cli(
      [
        "import",
        "fullstory",
        file("dry-ok.ndjson", ndjson(fullStoryUsers(8))),
        "--dry-run",
        "--base-url",
        url,
      ],
      { env: {} },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("dry run: 8 records, 8 valid, 0 rejected; nothing was sent\n");
    expect(totalRequests(sim)).toBe(0);
    expect(sim.stats().requests).toEqual({});
  });

  it("prints each rejection as `record <index> (<key>): [<rule>] <message>` and exits 1", async () => {
    const sim = createUserpilotSimulator();
    const { url } = await serve(sim);
    const users: unknown[] = userpilotUsers(5);
    users[1] = { user_id: "" };
    users[3] = { user_id: "u-meta", metadata: { nested: { no: true } } };
    const text = `${ndjson(users)}not json at all\n`;

    const result = await cli([
      "import",
      "userpilot",
      file("dry-bad.jsonl", text),
      "--dry-run",
      "--base-url",
      url,
    ]);

    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^record 1 \(#1\): \[userpilot\.user_id\] user_id: /),
      expect.stringMatching(/^record 3 \(u-meta\): \[userpilot\.metadata_value\] metadata/),
      expect.stringMatching(/^record 5 \(#5\): \[input\.parse\] line 6: /),
      "dry run: 6 records, 3 valid, 3 rejected; nothing was sent",
    ]);
    expect(totalRequests(sim)).toBe(0);
  });

  it("a csv dry run for propeller names the broken records by key", async () => {
    const csv = "source,sourceId,email\ncrm,1,a@example.com\ncrm,,b@example.com\n";
    const result = await cli(["import", "propeller", file("dry.csv", csv), "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 1 \([^)]*\): \[propeller\.\w+\] sourceId: /m);
    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected; nothing was sent");
  });

  it("propeller records from ndjson are valid in a dry run", async () => {
    const result = await cli([
      "import",
      "propeller",
      file("dry-pp.ndjson", ndjson(propellerUsers(3))),
      "--dry-run",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 3 records, 3 valid, 0 rejected");
  });
});
