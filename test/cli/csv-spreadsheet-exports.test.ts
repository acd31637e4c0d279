// CSV files as spreadsheets save them when not as "CSV UTF-8" with commas: a European Excel's `;`, Excel's
// "Unicode Text" (UTF-16 with tabs), a database tool's `|`. Read with commas, every row was one cell under a
// column naming no field: each row rejected (exit 1) for a field it lacked, the separator never named, and a
// UTF-16 file refused as "not valid UTF-8" without saying what it was or how to save it.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  steppingClock,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-csv-sheets-");
const serve = useServedSimulators();

/** A file of `text` in UTF-16LE, after Excel's byte order mark when `bom`. */
function utf16File(name: string, text: string, bom: boolean): string {
  const input = file(name);
  writeFileSync(
    input,
    Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, "utf16le")]),
  );
  return input;
}

const SEPARATED = [
  {
    name: "a European Excel export (;)",
    text: "user_id;metadata.amount\r\nu-1;1,5\r\nu-2;7\r\n",
    hint: '";"',
  },
  { name: "a TSV", text: "user_id\tmetadata.name\nu-1\tAnn\n", hint: "tabs" },
  {
    name: "Excel's sep=; line",
    text: "sep=;\r\nuser_id;metadata.name\r\nu-1;Ann\r\n",
    hint: '";"',
  },
  { name: "a database tool's | export", text: "user_id|metadata.name\nu-1|Ann\n", hint: '"|"' },
];

describe("a CSV header of one column holding another separator", () => {
  for (const { name, text, hint } of SEPARATED) {
    it(`${name}: exit 2 naming the separator; nothing is sent`, async () => {
      const sim = createUserpilotSimulator(steppingClock());
      const { url } = await serve(sim);
      const input = file("sep.csv", text);

      const dry = await cli(["import", "userpilot", input, "--dry-run"]);
      const result = await cli(["import", "userpilot", input, "--base-url", url, ...FAST_POLL], {
        env: { USERPILOT_API_KEY: CREDS.apiKey },
      });

      for (const run of [dry, result]) {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${input}: the CSV header is one column holding ${hint}`);
        expect(run.stdout).not.toMatch(/record \d/);
      }
      expect(totalRequests(sim)).toBe(0);
    });
  }

  it("a one-column file without another separator still imports", async () => {
    const result = await cli([
      "import",
      "userpilot",
      file("one.csv", "user_id\nu-1\nu-2\n"),
      "--dry-run",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
  });
});

describe("a CSV saved as UTF-16 (Excel's Unicode Text)", () => {
  it("with its byte order mark: exit 2, named as UTF-16 with how to save it", async () => {
    const input = utf16File("utf16.csv", "user_id\tmetadata.name\r\nu-1\tJosé\r\n", true);
    const result = await cli(["import", "userpilot", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${input}: the CSV header is not valid UTF-8 [input.encoding]`);
    expect(result.stderr).toMatch(/UTF-16.*save it as CSV UTF-8/);
  });

  for (const separator of ["\t", ","]) {
    it(`without one (${JSON.stringify(separator)}): exit 2, named as UTF-16, not as a separator`, async () => {
      const text = ["user_id", "metadata.name\r\nu-1", "Ann\r\n"].join(separator);
      const input = utf16File("utf16-nobom.csv", text, false);
      const result = await cli(["import", "userpilot", input, "--dry-run"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/UTF-16.*save it as CSV UTF-8/);
      expect(result.stdout).not.toMatch(/record \d/);
    });
  }
});

describe("cells a spreadsheet wrote in place of the value", () => {
  // A long id Excel showed rounded is saved so: imported, it is another user's id, and two such ids one user.
  const CSV: Record<string, (cell: string) => string> = {
    userpilot: (cell) => `user_id,metadata.name\nu-1,Ann\n${cell},Bob\n`,
    fullstory: (cell) => `uid,display_name\nu-1,Ann\n${cell},Bob\n`,
    propeller: (cell) =>
      `source,sourceId,email\nCRM,1,ann@example.com\nCRM,${cell},bob@example.com\n`,
    slashid: (cell) =>
      `slashid:emails,slashid:phone_numbers\nann@example.com,\nbob@example.com,${cell}\n`,
  };

  for (const [vendor, csv] of Object.entries(CSV)) {
    it.each(["1.23457E+15", "4.15555E+10", "1E+15", "#N/A", " #VALUE! ", "Err:502"])(
      `${vendor} %j: the row is rejected naming its line and column, the others read`,
      async (cell) => {
        const result = await cli(["import", vendor, file(`${vendor}.csv`, csv(cell)), "--dry-run"]);
        expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
        expect(result.stdout).toMatch(/\[input\.spreadsheet_value\] .*line 3: column \S+: a /);
        expect(result.stdout).not.toContain(cell.trim());
      },
    );
  }

  it.each(["1.5e+15", "1.234567E+15", "12E+15", "N/A", "#hashtag"])(
    "%j is data: read as written",
    async (cell) => {
      const result = await cli([
        "import",
        "userpilot",
        file("data.csv", CSV.userpilot!(cell)),
        "--dry-run",
      ]);
      expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
    },
  );

  it("a column typed :string is taken as written", async () => {
    const csv = "user_id,metadata.code:string\nu-1,1E+05\nu-2,#N/A\n";
    const result = await cli(["import", "userpilot", file("typed.csv", csv), "--dry-run"]);
    expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
  });

  it("an import sends the other rows, and the rejected one is in the report", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const report = file("report.ndjson");
    const result = await cli(
      [
        "import",
        "userpilot",
        file("mangled.csv", CSV.userpilot!("1.23457E+15")),
        "--base-url",
        url,
        "--report",
        report,
        ...FAST_POLL,
      ],
      { env: { USERPILOT_API_KEY: CREDS.apiKey } },
    );
    expect(result.code).toBe(1);
    expect(sim.users().map((u) => u.user_id)).toEqual(["u-1"]);
  });
});
