// Which CSV rows become records, and the line each is named by: the line an editor shows, whatever the
// line ends (LF, CRLF as Excel on Windows saves, or CR) and however many of them a quoted cell holds; and a
// row of empty cells (a spreadsheet's blank row) is skipped as an empty line is, not imported as `{}`, while
// a row whose cells hold spaces or quotes is a record like any other.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { LineBreaks } from "../../src/cli/line-breaks.js";
import { readReportFile } from "../../src/cli/report-file.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { CREDS, FAST_POLL, cli, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

const HEADER = "uid,display_name,email,properties.seats:number";
const row = (uid: string, seats: string | number = faker.number.int(50)) =>
  `${uid},${faker.person.firstName()},${faker.internet.email()},${seats}`;

describe.each([
  ["CRLF", "\r\n"],
  ["LF", "\n"],
  ["CR", "\r"],
])("a CSV with %s line ends", (_name, eol) => {
  // Line 1: the header; lines 2-4: u1, whose quoted name spans three lines; line 5: u2; line 6: u3.
  const text = (u2: string, u3: string) =>
    [HEADER, `u1,"Ada${eol}King${eol}Lovelace",ada@example.com,1`, u2, u3, ""].join(eol);

  it("a row with a cell too many is named by its own line", async () => {
    const csv = text(`${row("u2")},extra`, row("u3"));
    const result = await cli(["import", "fullstory", file(`extra-${_name}.csv`, csv), "--dry-run"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 1 \(#1\): \[input\.parse\] line 5: /m);
    // The parser's own words name the same line, not its count.
    expect(result.stdout).toMatch(/on line 5$/m);
  });

  it("a cell that is not its column's type is named by its own line", async () => {
    const csv = text(row("u2"), row("u3", "many"));
    const result = await cli(["import", "fullstory", file(`typed-${_name}.csv`, csv), "--dry-run"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^record 2 \(#2\): \[input\.type\] line 6: column properties/m);
  });

  it("a stray quote that ends the reading is named by its own line", async () => {
    const csv = text(row("u2"), 'u3,Cy"x",c@example.com,3');
    const result = await cli(["import", "fullstory", file(`quote-${_name}.csv`, csv), "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
    expect(result.stderr).toMatch(/at line 6\b/);
  });

  it("rows of empty cells are skipped, and the rows after them keep their lines", async () => {
    const csv = [HEADER, row("u1"), ",,,", "", ",,", row("u2", "many"), ",,,", ""].join(eol);
    const result = await cli(["import", "fullstory", file(`blank-${_name}.csv`, csv), "--dry-run"]);

    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
    expect(result.stdout).toMatch(/^record 1 \(#1\): \[input\.type\] line 6: /m);
  });

  it("rows of spaces or of quoted cells are records, counted, and the rows after them keep their lines", async () => {
    const csv = [HEADER, row("u1"), "  ,  ,  ,  ", '" ","","",""', ",,,", row("u2", "many"), ""];
    const result = await cli([
      "import",
      "fullstory",
      file(`spaces-${_name}.csv`, csv.join(eol)),
      "--dry-run",
    ]);

    expect(result.stdout).toContain("dry run: 4 records");
    expect(result.stdout).toMatch(/^record 3 \(#3\): \[input\.type\] line 6: /m);
  });
});

describe("blank spreadsheet rows in an import", () => {
  it("create no anonymous user at the vendor; every record is imported, exit 0", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const csv = [
      "uid,email,display_name",
      "u1,a@example.com,Ada",
      ",,",
      "u2,b@example.com,Bob",
      ",,",
    ]
      .join("\r\n")
      .concat("\r\n");
    const report = file("blank-rows-report.ndjson");

    const result = await cli([
      "import",
      "fullstory",
      file("blank-rows.csv", csv),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--report",
      report,
      ...FAST_POLL,
    ]);

    expect(result.code).toBe(0);
    expect(
      sim
        .users()
        .map((u) => u.uid)
        .sort(),
    ).toEqual(["u1", "u2"]);
    expect((await readReportFile(report)).total).toBe(2);
  });
});

describe("LineBreaks", () => {
  const linesOf = (chunks: string[], offsets: number[]) => {
    const breaks = new LineBreaks();
    for (const chunk of chunks) breaks.add(Buffer.from(chunk));
    breaks.end();
    return offsets.map((offset) => breaks.lineAt(offset));
  };

  it("counts CRLF once, a lone CR once, and a line's own end as part of it", () => {
    // a \r \n b \r c \n d
    // 0 1  2  3 4  5 6  7
    expect(linesOf(["a\r\nb\rc\nd"], [0, 1, 2, 3, 4, 5, 6, 7])).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
  });

  it("reads a CRLF or a lone CR split across two chunks alike", () => {
    expect(linesOf(["a\r", "\nb"], [3])).toEqual([2]);
    expect(linesOf(["a\r", "b\r"], [2, 3])).toEqual([2, 2]);
    expect(linesOf(["a\r"], [2])).toEqual([2]);
  });
});
