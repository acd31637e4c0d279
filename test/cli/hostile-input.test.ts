// Hostile and careless input files (issue #12): keys that reach a prototype, broken CSV rows, deep nesting,
// bytes that are not UTF-8 and a byte-order mark. Each file is read through the CLI as a user would.
import { writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { recordFromCsvRow } from "../../src/cli/read-records.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { nestedJson } from "../support/hostile.js";
import {
  CREDS,
  cli,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";
import { readReportFile } from "../../src/cli/report-file.js";

const file = useTempDir("bui-hostile-");
const serve = useServedSimulators();
const FULLSTORY = ["--api-key", CREDS.apiKey] as const;
const anyObject = (): Record<string, unknown> => ({});

async function fullStory() {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  return { sim, url };
}

/** A CSV of FullStory users, one `uid,email` row each. */
function csvRows(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i},${prefix}.${i}@example.com`);
}

describe("keys that reach a prototype", () => {
  it("a CSV header __proto__.baseUrl is a usage error naming it; nothing is sent or polluted", async () => {
    const { sim, url } = await fullStory();
    const elsewhere = await fullStory();
    const csv = `uid,email,__proto__.baseUrl\nu-1,a@example.com,${elsewhere.url}\n`;

    const result = await cli([
      "import",
      "fullstory",
      file("proto.csv", csv),
      "--base-url",
      url,
      ...FULLSTORY,
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "CSV header __proto__.baseUrl is refused [input.forbidden_key]",
    );
    expect(anyObject()["baseUrl"]).toBeUndefined();
    expect(totalRequests(sim)).toBe(0);
    expect(totalRequests(elsewhere.sim)).toBe(0);
  });

  for (const header of ["__proto__.x", "constructor.prototype.x", "metadata.__proto__.x"]) {
    it(`userpilot: a CSV header ${header} is refused before anything is read (dry run too)`, async () => {
      const csv = `user_id,${header}\nu-1,polluted\nu-2,polluted\n`;
      const result = await cli(["import", "userpilot", file("proto-up.csv", csv), "--dry-run"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`CSV header ${header} is refused [input.forbidden_key]`);
      expect(anyObject()["x"]).toBeUndefined();
    });
  }

  it("recordFromCsvRow refuses such a header, and builds records without prototypes", () => {
    expect(() => recordFromCsvRow({ uid: "u", "__proto__.x": "1" })).toThrow(
      /header __proto__\.x \[input\.forbidden_key\]/,
    );
    expect(anyObject()["x"]).toBeUndefined();

    const record = recordFromCsvRow({ uid: "u", "properties.plan": "pro", "properties.a.b": "c" });
    const properties = record["properties"] as object;
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.getPrototypeOf(properties)).toBeNull();
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      uid: "u",
      properties: { plan: "pro", a: { b: "c" } },
    });
  });

  it("a JSON record with an own __proto__ key is rejected as fullstory.forbidden_key, naming the path", async () => {
    const text = [
      JSON.stringify(fullStoryUsers(1)[0]),
      '{"uid":"p-1","__proto__":{"baseUrl":"http://127.0.0.1:9"}}',
      '{"uid":"p-2","properties":{"plan":{"__proto__":{"polluted":"yes"}}}}',
    ].join("\n");

    const result = await cli(["import", "fullstory", file("proto.ndjson", text), "--dry-run"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 1 \(p-1\): \[fullstory\.forbidden_key\] __proto__: /m);
    expect(result.stdout).toMatch(
      /^record 2 \(p-2\): \[fullstory\.forbidden_key\] properties\.plan\.__proto__: /m,
    );
    expect(result.stdout).toContain("dry run: 3 records, 1 valid, 2 rejected");
    expect(anyObject()["baseUrl"]).toBeUndefined();
    expect(anyObject()["polluted"]).toBeUndefined();
  });
});

describe("a record that is not an object", () => {
  it.each(VENDOR_NAMES)(
    "%s dry run: null, a number and a string are each rejected, and every later record is checked",
    async (vendor) => {
      const text = ["null", "42", '"text"', "[]"].join("\n");
      const result = await cli([
        "import",
        vendor,
        file(`not-objects-${vendor}.ndjson`, text),
        "--dry-run",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("dry run: 4 records, 0 valid, 4 rejected");
    },
  );
});

describe("a CSV row with the wrong number of cells", () => {
  it("dry run: every row is counted, the broken one is rejected naming its line, reading goes on", async () => {
    const rows = [
      "uid,email",
      ...csvRows(4000, "a"),
      "bad,b@example.com,extra",
      ...csvRows(10, "z"),
    ];
    const result = await cli([
      "import",
      "fullstory",
      file("ragged-4000.csv", rows.join("\n")),
      "--dry-run",
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 4000 \(#4000\): \[input\.parse\] line 4002: /m);
    expect(result.stdout).toContain(
      "dry run: 4011 records, 4010 valid, 1 rejected; nothing was sent",
    );
  });

  it("import: the rows before and after it are imported and reported", async () => {
    const { sim, url } = await fullStory();
    const rows = ["uid,email", ...csvRows(2500, "b"), "short", ...csvRows(5, "y")];
    const reportFile = file("ragged-report.json");

    const result = await cli([
      "import",
      "fullstory",
      file("ragged-2500.csv", rows.join("\n")),
      "--base-url",
      url,
      "--report",
      reportFile,
      ...FULLSTORY,
    ]);

    expect(result.code).toBe(1);
    const report = await readReportFile(reportFile);
    expect([report.total, report.imported, report.rejected]).toEqual([2506, 2505, 1]);
    expect(report.outcomes[2500]).toMatchObject({ outcome: "rejected", rule: "input.parse" });
    expect(JSON.stringify(report.outcomes[2500])).toContain("line 2502");
    expect(sim.stats().users).toBe(2505);
  });

  it("a stray quote ends reading at its line, after every row before it: exit 2 naming the file", async () => {
    const rows = ["uid,email", ...csvRows(3000, "q"), 'x,"a"b@example.com', ...csvRows(3, "r")];
    const result = await cli([
      "import",
      "fullstory",
      file("quote.csv", rows.join("\n")),
      "--dry-run",
    ]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 3000 records, 3000 valid, 0 rejected");
    expect(result.stderr).toMatch(/^bulk-user-import: .*quote\.csv: .*line 3002/m);
  });
});

describe("nesting 10,000 deep", () => {
  it("import: the deep record is rejected, the users around it are imported and reported", async () => {
    const { sim, url } = await fullStory();
    const [first, second, last] = fullStoryUsers(3, "deep");
    const text = [
      JSON.stringify(first),
      JSON.stringify(second),
      // Empty names keep the dotted path short, so no path-length rule stops the walk.
      `{"uid":"deep-x","properties":${nestedJson(10_000, "")}}`,
      `{"uid":"deep-y","properties":${nestedJson(10_000)}}`,
      JSON.stringify(last),
    ].join("\n");
    const reportFile = file("deep-report.json");

    const result = await cli([
      "import",
      "fullstory",
      file("deep.ndjson", text),
      "--base-url",
      url,
      "--report",
      reportFile,
      ...FULLSTORY,
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 5 records: 3 imported, 0 failed, 2 rejected/);
    const report = await readReportFile(reportFile);
    expect(report.outcomes[2]).toMatchObject({ outcome: "rejected" });
    expect(report.outcomes[3]).toMatchObject({
      outcome: "rejected",
      rule: "fullstory.nesting_depth",
    });
    expect(sim.users().map((u) => u.uid)).toEqual(["deep-0", "deep-1", "deep-2"]);
  });

  it("dry run: every vendor rejects a 10,000-deep value instead of crashing", async () => {
    const deep = nestedJson(10_000);
    const inputs = {
      fullstory: `{"uid":"u","properties":{"p":${deep}}}`,
      slashid: `{"emails":["a@example.com"],"attributes":{"end_user_read_only":{"p":${deep}}}}`,
      propeller: `{"source":"crm","sourceId":"1","attributes":[{"name":"P","value":${deep}}]}`,
      userpilot: `{"user_id":"u","metadata":{"p":${deep}}}`,
    };
    for (const [vendor, line] of Object.entries(inputs)) {
      const result = await cli([
        "import",
        vendor,
        file(`deep-${vendor}.ndjson`, line),
        "--dry-run",
      ]);
      expect(result.code, vendor).toBe(1);
      expect(result.stdout, vendor).toContain("dry run: 1 records, 0 valid, 1 rejected");
    }
  });
});

describe("bytes that are not UTF-8", () => {
  const bad = Buffer.from([0xc3, 0x28]); // a lead byte followed by an ASCII byte

  it("ndjson: the line is rejected as input.encoding naming it; the others are imported intact", async () => {
    const { sim, url } = await fullStory();
    const users = fullStoryUsers(3, "enc");
    const input = file("bad-utf8.ndjson");
    writeFileSync(
      input,
      Buffer.concat([
        Buffer.from(
          `${JSON.stringify(users[0])}\n${JSON.stringify(users[1])}\n{"uid":"enc-x","display_name":"`,
        ),
        bad,
        Buffer.from(`"}\n${JSON.stringify(users[2])}\n`),
      ]),
    );

    const result = await cli(["import", "fullstory", input, "--base-url", url, ...FULLSTORY]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected \[input\.encoding\] record 2 \(#2\): line 3: not valid UTF-8/,
    );
    expect(sim.users().map((u) => u.uid)).toEqual(["enc-0", "enc-1", "enc-2"]);
    expect(JSON.stringify(sim.users())).not.toContain("\uFFFD");
  });

  it("csv: the row is rejected as input.encoding naming its line; the others are valid", async () => {
    const input = file("bad-utf8.csv");
    writeFileSync(
      input,
      Buffer.concat([
        Buffer.from("uid,display_name\nc-1,Ann\nc-2,"),
        bad,
        Buffer.from("\nc-3,Bo\n"),
      ]),
    );
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 1 \(#1\): \[input\.encoding\] line 3: not valid UTF-8/m);
    expect(result.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
  });

  it("csv: a header that is not UTF-8 ends reading with the input error", async () => {
    const input = file("bad-header.csv");
    writeFileSync(input, Buffer.concat([Buffer.from("uid,na"), bad, Buffer.from("me\nc-1,Ann\n")]));
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the CSV header is not valid UTF-8");
  });

  it("json: reading ends at the byte, naming its offset; the records before it are read", async () => {
    const input = file("bad-utf8.json");
    const before = '[{"uid":"j-1"},{"uid":"j-2"},{"uid":"j-';
    writeFileSync(
      input,
      Buffer.concat([Buffer.from(before), bad, Buffer.from('"},{"uid":"j-4"}]')]),
    );
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
    expect(result.stderr).toContain(`not valid UTF-8 at byte ${before.length} [input.encoding]`);
  });
});

describe("a byte-order mark", () => {
  it("at the start of an .ndjson file does not reject the first record", async () => {
    const input = file("bom.ndjson");
    const users = [
      { uid: faker.string.uuid(), display_name: faker.person.fullName() },
      { uid: faker.string.uuid(), email: faker.internet.email() },
    ];
    writeFileSync(input, `\uFEFF${ndjson(users)}`);
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.stdout).toBe("dry run: 2 records, 2 valid, 0 rejected; nothing was sent\n");
    expect(result.code).toBe(0);
  });
});

describe("the SlashID and Userpilot CSV layouts", () => {
  it("slashid: a broken row is named by its line; the rows around it import", async () => {
    const csv = [
      "slashid:emails,slashid:region",
      "a@example.com,europe-belgium",
      "b@example.com,europe-belgium,extra",
      "c@example.com,us-iowa",
    ].join("\n");
    const result = await cli(["import", "slashid", file("sid-ragged.csv", csv), "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 1 \(#1\): \[input\.parse\] line 3: /m);
    expect(result.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
  });

  it("userpilot: dotted metadata headers still build metadata (records without prototypes pass)", async () => {
    const csv = "user_id,metadata.plan,metadata.seats\nu-1,pro,5\n";
    const result = await cli(["import", "userpilot", file("up.csv", csv), "--dry-run"]);
    expect(result.stdout).toBe("dry run: 1 records, 1 valid, 0 rejected; nothing was sent\n");
  });
});
