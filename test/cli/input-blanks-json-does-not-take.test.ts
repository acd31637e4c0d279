// Blanks that JSON does not take as whitespace (a no-break space, an em space, a byte order mark after the
// file's start, a form feed). The .ndjson reader skipped a line of only these as blank (String#trim takes
// them for whitespace), so a record line an editor or a copy from a web page left as such vanished from the
// report, counted nowhere; the .json reader took a file of them for an empty one. A CSV cell of them is text.
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { containing } from "../support/matchers.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { CREDS, cli, readPlain, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-blanks-");
const serve = useServedSimulators();

const OTHER_BLANKS = [
  ["a no-break space", "\u00a0", "U+00A0"],
  ["an em space", "\u2003", "U+2003"],
  ["a byte order mark mid-file", "\ufeff", "U+FEFF"],
  ["a form feed", "\f", "U+000C"],
  ["a vertical tab and spaces", "  \v ", "U+000B"],
  // A CR is a blank to JSON: the character named is the one that is not.
  ["a CR, then a no-break space", "\r\u00a0", "U+00A0"],
] as const;

describe(".ndjson: a line that looks blank but holds a blank JSON does not take", () => {
  for (const [name, blank, code] of OTHER_BLANKS) {
    it(`${name}: rejected (input.parse) naming its line and the character, not skipped`, async () => {
      const input = file(`${name}.ndjson`, `{"uid":"a"}\n${blank}\n\n \t\n{"uid":"b"}\n`);
      expect(await readPlain(input, "ndjson")).toEqual([
        { uid: "a" },
        {
          where: "line 2",
          rule: "input.parse",
          problem: containing(
            `looks blank, but holds ${code}, which JSON does not take as whitespace`,
          ),
        },
        { uid: "b" },
      ]);
    });
  }

  it("an import counts it as a rejected record, in the report and the summary", async () => {
    const input = file("nbsp-dry.ndjson", '{"uid":"a"}\n\u00a0\u00a0\n{"uid":"b"}\n');
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "record 1 (#1): [input.parse] line 2: looks blank, but holds U+00A0",
    );
    expect(result.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
  });

  it("a line of JSON's own blanks (space, tab, CR) is still skipped", async () => {
    const input = file("json-blanks.ndjson", '{"uid":"a"}\n \t\r\n\n{"uid":"b"}\n');
    expect(await readPlain(input, "ndjson")).toEqual([{ uid: "a" }, { uid: "b" }]);
  });
});

describe(".json: blanks JSON does not take before the array", () => {
  it("a file of them is refused naming the character, not called empty", async () => {
    const input = file("nbsp.json", "\u00a0\n");
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${input}: not a JSON array of records (it starts with U+00A0)`,
    );
    expect(result.stderr).not.toContain("the file is empty");
  });

  it("a read's worth of them before the array is refused, not passed over", async () => {
    const input = file("nbsp-then-array.json", `${"\u00a0".repeat(64 * 1024)}[{"uid":"a"}]`);
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not a JSON array of records");
  });
});

describe(".csv: a row of such blanks", () => {
  it("is a record whose cell holds them, as a row of spaces is", async () => {
    const input = file("nbsp.csv", "uid\na\n\u00a0\n\u2003\nb\n");
    expect(await readPlain(input, "csv")).toEqual([
      { line: 2, uid: "a" },
      { line: 3, uid: "\u00a0" },
      { line: 4, uid: "\u2003" },
      { line: 5, uid: "b" },
    ]);
  });
});

describe("an import", () => {
  it("reports the line as a rejected record: one outcome per input record", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const reportFile = file("report-out.ndjson");
    const result = await cli([
      "import",
      "fullstory",
      file("report.ndjson", '{"uid":"a"}\n\u2003\n'),
      "--report",
      reportFile,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 2 records: 1 imported, 0 failed, 1 rejected/);
    const report = await readReportFile(reportFile);
    expect(report.outcomes[1]).toMatchObject({ outcome: "rejected", rule: "input.parse" });
  });
});
