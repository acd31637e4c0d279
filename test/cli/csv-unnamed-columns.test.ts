// A filled cell under a column without a name rejects its row (input.unnamed_column), whichever of several
// unnamed columns (`uid,,email,` as a spreadsheet saves them) holds it: csv-parse would keep one cell per
// name, the last, and the row would be imported without the filled one, with no word of it.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvRow, readRecords, recordFromCsvRow } from "../../src/cli/read-records.js";
import { tempDir } from "../support/temp-dir.js";

async function recordsOf(csv: string): Promise<unknown[]> {
  const file = path.join(tempDir("csv-unnamed-"), "in.csv");
  writeFileSync(file, csv);
  const out: unknown[] = [];
  for await (const entry of readRecords(file, "csv")) {
    if (!(entry instanceof CsvRow)) {
      out.push(entry);
      continue;
    }
    try {
      out.push({ ...recordFromCsvRow(entry.cells) });
    } catch (error) {
      out.push({ refused: (error as { rule?: string }).rule });
    }
  }
  return out;
}

describe("a filled cell under the first of two unnamed columns", () => {
  it("rejects its row, as under a single unnamed column", async () => {
    const records = await recordsOf("uid,,email,\nu-1,stray,a@example.com,\n");
    expect(records).toEqual([{ refused: "input.unnamed_column" }]);
  });

  it("so does one under the second, the first left empty", async () => {
    const records = await recordsOf("uid,,email,\nu-1,,a@example.com,stray\n");
    expect(records).toEqual([{ refused: "input.unnamed_column" }]);
  });

  it("leaves empty unnamed columns out, and gives SlashID's rows the filled cell as a column of their own", async () => {
    expect(await recordsOf("uid,,email,\nu-1,,a@example.com,\n")).toEqual([
      { uid: "u-1", email: "a@example.com" },
    ]);
    const file = path.join(tempDir("csv-unnamed-"), "in.csv");
    writeFileSync(file, "slashid:emails,,\nann@example.com,stray,\n");
    const rows: unknown[] = [];
    for await (const entry of readRecords(file, "csv"))
      rows.push(entry instanceof CsvRow ? { ...entry.cells } : entry);
    expect(rows).toEqual([{ "slashid:emails": "ann@example.com", "": "stray" }]);
  });
});
