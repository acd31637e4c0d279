// Which CSV rows become records, and the line each is named by: the line an editor shows, whatever the
// line ends (LF, CRLF as Excel on Windows saves, or CR) and however many of them a quoted cell holds; and a
// row of empty cells (a spreadsheet's blank row) is skipped as an empty line is, not imported as `{}`, while
// a row whose cells hold spaces or quotes is a record like any other.
import { readFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { parse } from "csv-parse/sync";
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

describe("the report names the input line of each record, which its index alone does not give", () => {
  // An index counts records: a header, blank lines and rows, and a cell spanning lines put it apart from the
  // line, which an integrator joining the report back to the input file needs for records without a key.
  const cases = [
    {
      name: "users.csv",
      text: [
        "uid,email",
        "",
        "u1,a@example.com",
        ",",
        '"u\n2",b@example.com',
        "",
        ",bad",
        "u3,c@example.com,extra",
        "u4,d@example.com",
        "",
      ].join("\r\n"),
      lines: [3, 6, 8, 9, 10],
    },
    {
      name: "users.ndjson",
      text: ["", '{"uid":"u1"}', "  ", "{not json", "", '{"uid":7}', '{"uid":"u2"}', ""].join("\n"),
      lines: [2, 4, 6, 7],
    },
    {
      // A BOM, CR line ends, and a quoted cell spanning two of them.
      name: "cr.csv",
      text: [
        "\uFEFFuid,email",
        "",
        "u1,a@example.com",
        '"u\r2",b@example.com',
        ",bad",
        "u3,c@x.com",
        "",
      ].join("\r"),
      lines: [3, 5, 6, 7],
    },
    {
      name: "crlf.ndjson",
      text: ['\uFEFF{"uid":"u1"}', "", '{"uid":"u2"}', ""].join("\r\n"),
      lines: [1, 3],
    },
    {
      name: "cr.ndjson",
      text: ["", '{"uid":"u1"}', '{"uid":"u2"}', ""].join("\r"),
      lines: [2, 3],
    },
    {
      name: "users.json",
      text: '[\n\n{"uid":"u1"},\n\n{"uid":7}\n]',
      lines: [undefined, undefined],
    },
  ];

  it.each(cases)("$name: each outcome line's `line`, and the CSV report's column", async (c) => {
    const input = file(`joined-${c.name}`, c.text);
    const journal = file(`joined-${c.name}.journal`);
    // The third run is the first's again, every chunk taken from its journal.
    const runs = ["ndjson", "csv", "resumed.ndjson"].map((ext) => file(`joined-${c.name}.${ext}`));
    let journaled = "";
    for (const [run, report] of runs.entries()) {
      const { url } =
        run === 2
          ? { url: journaled }
          : await serve(createFullStorySimulator({ processingPolls: 0 }));
      if (run === 0) journaled = url;
      await cli([
        "import",
        "fullstory",
        input,
        "--report",
        report,
        ...(run === 1 ? [] : ["--journal", journal]),
        ...["--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL],
      ]);
      const text = readFileSync(report, "utf8");
      const rows = report.endsWith(".csv")
        ? parse<Record<string, string>>(text, { columns: true }).map((r) => ({
            index: Number(r["index"]),
            line: r["line"] === "" ? undefined : Number(r["line"]),
            reason: r["reason"],
          }))
        : text
            .split("\n")
            .filter((l) => l !== "")
            .map(
              (l) =>
                JSON.parse(l) as { kind: string; index: number; line?: number; reason?: string },
            )
            .filter((l) => l.kind === "outcome");
      const byIndex = rows.sort((a, b) => a.index - b.index).map((r) => r.line);
      expect(byIndex, report).toEqual(c.lines);
      // A record the reader refused is named by the same line in its reason.
      for (const r of rows) {
        const named = /\bline (\d+)\b/.exec(r.reason ?? "")?.[1];
        if (named !== undefined) expect(r.line, report).toBe(Number(named));
      }
      if (run === 2) expect((await readReportFile(report)).chunks.resumed).toBeGreaterThan(0);
    }
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
