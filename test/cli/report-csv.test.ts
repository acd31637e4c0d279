// `--report out.csv` writes CSV, one row per record under a header row, as an integrator opening it in a
// spreadsheet or a CSV reader expects; before, the file held NDJSON whatever its name. A cell a spreadsheet
// would run as a formula (a key from the input, a vendor's reason) starts with a single quote.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { ReportWriter } from "../../src/cli/report-file.js";
import { reportOf } from "../support/report.js";
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
  fullStoryFlags,
  ndjson,
  steppingClock,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-csv-");
const serve = useServedSimulators();

const HEADER = "index,key,outcome,id,code,rule,reason,vendorMayHold,warning,line";

/** A CSV report's rows by its header, in input order. */
function rowsOf(report: string): Record<string, string>[] {
  const rows = parse<Record<string, string>>(readFileSync(report, "utf8"), { columns: true });
  return rows.sort((a, b) => Number(a["index"]) - Number(b["index"]));
}

describe("--report with a .csv name", () => {
  it("writes a header row and one row per record, with each outcome's fields in its columns", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file(
      "users.ndjson",
      ndjson([
        { uid: 'ann, "the first"', email: "ann@example.com" },
        { uid: 7 },
        { uid: "bob", email: "bob@example.com" },
        { uid: "bob", email: "bob@example.org" },
      ]),
    );
    const report = file("outcomes.csv");

    const { code } = await cli([
      "import",
      "fullstory",
      input,
      "--report",
      report,
      ...fullStoryFlags(url),
    ]);

    expect(code).toBe(1);
    expect(readFileSync(report, "utf8").split("\n")[0]).toBe(HEADER);
    const rows = rowsOf(report);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ key: 'ann, "the first"', outcome: "imported", code: "" });
    expect(rows[0]?.["id"]).not.toBe("");
    expect(rows[1]).toMatchObject({
      key: "#1",
      outcome: "rejected",
      rule: "fullstory.field_type",
      reason: "record 1 (#1): uid: must be a string",
    });
    expect(rows[3]).toMatchObject({ key: "bob", outcome: "imported" });
    expect(rows[3]?.["warning"]).toContain("same key");
  });

  it("puts a single quote before a key that a spreadsheet would run as a formula (=, +, -, @)", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const keys = ['=HYPERLINK("https://evil.example","open")', "+1+1", "-2+3", "@SUM(1)", "plain"];
    const input = file("formulas.ndjson", ndjson(keys.map((uid) => ({ uid }))));
    const report = file("formulas.csv");

    const { code } = await cli([
      "import",
      "fullstory",
      input,
      "--report",
      report,
      ...fullStoryFlags(url),
    ]);

    expect(code).toBe(0);
    expect(rowsOf(report).map((row) => row["key"])).toEqual([
      `'${keys[0]}`,
      "'+1+1",
      "'-2+3",
      "'@SUM(1)",
      "plain",
    ]);
  });

  it("quotes a vendor's reason, code, id and warning alike, and takes .CSV in capitals as CSV", async () => {
    const report = file("vendor.CSV");
    const writer = await ReportWriter.open(report, {
      vendor: "fullstory",
      input: "users.ndjson",
      startedAt: new Date(0).toISOString(),
    });
    writer.outcome({
      index: 0,
      key: "a",
      outcome: "failed",
      code: "=1",
      reason: "=cmd|'/C calc'!A0",
      vendorMayHold: true,
    });
    writer.outcome({ index: 1, key: "b", outcome: "imported", id: "-9", warning: "@x" });
    await writer.finish(reportOf({ total: 2, imported: 1, failed: 1, vendorMayHold: 1 }));

    const [failed, imported] = rowsOf(report);
    expect(failed).toMatchObject({
      code: "'=1",
      reason: "'=cmd|'/C calc'!A0",
      vendorMayHold: "true",
    });
    expect(imported).toMatchObject({ id: "'-9", warning: "'@x", vendorMayHold: "" });
  });
});

it("quotes a formula behind leading blanks or a NUL, which a spreadsheet trimming cells would run", async () => {
  // csv-stringify quotes a cell whose first character starts a formula (or is a tab or CR); a spreadsheet
  // that trims blanks as it imports a file (LibreOffice's "trim spaces") still runs ` =1+1`.
  const keys = [
    " =1+1",
    "  +HYPERLINK(0)",
    "\t -2+3",
    // Behind a space alone: a tab or CR first is quoted by csv-stringify's own rule already.
    " -2+3",
    " @SUM(1)",
    "\r\n@SUM(1)",
    "\u00a0\uFF1D1",
    // The full-width plus, minus and at sign, each behind a blank, as the ASCII ones.
    " \uFF0B1+1",
    " \uFF0D2+3",
    " \uFF20SUM(1)",
    "\0=1",
    "\0x",
  ];
  const plain = [" plain", "\tplain", "a =1", " 'x"];
  const report = file("blank-formulas.csv");
  const writer = await ReportWriter.open(report, {
    vendor: "fullstory",
    input: "users.ndjson",
    startedAt: new Date(0).toISOString(),
  });
  [...keys, ...plain].forEach((key, index) => writer.outcome({ index, key, outcome: "imported" }));
  await writer.finish(reportOf({ total: keys.length + plain.length, imported: keys.length }));

  const cells = rowsOf(report).map((row) => row["key"]);
  expect(cells.slice(0, keys.length)).toEqual(keys.map((key) => `'${key}`));
  // No other blank-led cell is touched, and a reader dropping the first ' still reads every key back.
  expect(cells.slice(keys.length)).toEqual([" plain", "'\tplain", "a =1", " 'x"]);
  expect(cells.map((cell) => cell?.replace(/^'/, ""))).toEqual([...keys, ...plain]);
});

it("a key that starts with ' reads back as it was: the reader's rule never takes a quote of its own", async () => {
  // A reader undoes the formula quote by dropping the first ' of a cell that starts with one. A key `'=1` was
  // written as it was, the very cell `=1` is written as: both read back as `=1`.
  const keys = ["'=1", "=1", "'plain", "''", "'", "'-2"];
  const report = file("apostrophes.csv");
  const writer = await ReportWriter.open(report, {
    vendor: "fullstory",
    input: "users.ndjson",
    startedAt: new Date(0).toISOString(),
  });
  keys.forEach((key, index) => writer.outcome({ index, key, outcome: "imported" }));
  await writer.finish(reportOf({ total: keys.length, imported: keys.length }));

  const readBack = (cell: string | undefined) => cell?.replace(/^'/, "");
  expect(rowsOf(report).map((row) => readBack(row["key"]))).toEqual(keys);
});

it("--help names the CSV report's columns as it writes them (vendorMayHold too)", async () => {
  const report = file("columns.csv");
  const writer = await ReportWriter.open(report, {
    vendor: "fullstory",
    input: "users.ndjson",
    startedAt: new Date(0).toISOString(),
  });
  await writer.finish(reportOf());
  const header = readFileSync(report, "utf8").split("\n")[0] ?? "";

  const { stdout } = await cli(["--help"]);

  // The help wraps its lines: a break after a comma is no part of the list.
  expect(stdout.replace(/,\n\s+/g, ",")).toContain(` ${header}, then a row per record`);
});

describe("a CSV report reads back, with csv-parse, to the NDJSON report of the same run", () => {
  // Keys with commas, quotes, line breaks, formula starts, a lone surrogate (U+FFFD in UTF-8 text, as README
  // says), a repeat and a look-alike (warnings), a record with no key, and one the vendor refuses.
  const KEYS = ["a,b", 'q"uote', "line\nbreak", "cr\rx", "=1+1", "-42", "@s", "'ap", "ü\u2028é"];
  const MORE = ["x".repeat(5000), " =x", "😀\ud800z", "dup", "dup", "rej-1", "Dup"];
  const refuse = { reject: (key: string) => key.includes("rej") };
  const cases = [
    {
      vendor: "fullstory",
      sim: () => createFullStorySimulator({ processingPolls: 0, faults: refuse }),
      record: (k: string) => ({ uid: k }),
      flags: ["--api-key", CREDS.apiKey, ...FAST_POLL],
    },
    {
      vendor: "userpilot",
      sim: () => createUserpilotSimulator(steppingClock()),
      record: (k: string) => ({ user_id: k }),
      flags: ["--api-key", CREDS.apiKey, ...FAST_POLL],
    },
    {
      vendor: "slashid",
      sim: () => createSlashIdSimulator({ faults: refuse }),
      record: (k: string) => ({ usernames: [k], region: "europe-belgium" }),
      flags: ["--api-key", CREDS.apiKey, "--org-id", CREDS.orgId],
    },
    {
      vendor: "propeller",
      sim: () => createPropellerSimulator({ faults: refuse }),
      record: (k: string) => ({ source: "crm", sourceId: k }),
      flags: ["--client-id", CREDS.clientId, "--client-secret", CREDS.clientSecret],
    },
  ];

  it.each(cases)("$vendor", async ({ vendor, sim, record, flags }) => {
    const records: unknown[] = [...KEYS, ...MORE].map((key): unknown => record(key));
    records.splice(2, 0, {});
    const input = file(`both-${vendor}.ndjson`, `\n${ndjson(records)}`);
    const read: Record<string, Record<string, unknown>[]> = {};
    for (const report of [
      file(`both-${vendor}-report.ndjson`),
      file(`both-${vendor}-report.csv`),
    ]) {
      const { url } = await serve(sim());
      await cli(["import", vendor, input, "--report", report, "--base-url", url, ...flags]);
      const text = readFileSync(report, "utf8");
      read[report.endsWith(".csv") ? "csv" : "ndjson"] = report.endsWith(".csv")
        ? parse<Record<string, string>>(text, { columns: true }).map(fromCsvRow)
        : text
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .filter((line) => line["kind"] === "outcome")
            .map(({ kind: _kind, ...outcome }) => outcome);
    }
    const byIndex = (rows: Record<string, unknown>[]) =>
      rows.sort((a, b) => Number(a["index"]) - Number(b["index"]));
    const asUtf8 = (rows: Record<string, unknown>[]) =>
      JSON.parse(JSON.stringify(rows).replaceAll("\\ud800", "\ufffd")) as unknown;
    expect(read["ndjson"]).toHaveLength(records.length);
    expect(byIndex(read["csv"]!)).toEqual(asUtf8(byIndex(read["ndjson"]!)));
  });
});

/** A CSV report's row as the NDJSON line's outcome: empty cells left out, numbers and booleans typed. */
function fromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const outcome: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === "") continue;
    const text = cell.startsWith("'") ? cell.slice(1) : cell;
    outcome[column] =
      column === "index" || column === "line"
        ? Number(text)
        : column === "vendorMayHold"
          ? true
          : text;
  }
  return outcome;
}
