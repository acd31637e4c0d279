// A CSV file whose lines end in a lone CR (classic Mac OS) names every row's line right when a CR is the
// last byte but one of a read (64 KiB): that CR ends a line as any other does, and the rows after it are
// not named a line too early.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CsvRow, readRecords } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-lone-cr-");

describe("CSV lines ended by lone CRs across a read's end", () => {
  it("a CR at the last byte but one of the first read ends its line", async () => {
    const header = "uid,name\r";
    // 10-byte rows after a first one sized so that the 6000th row's CR is byte 65534 of the file.
    const first = `r00000,${"x".repeat(65534 - header.length - 6000 * 10 - 7)}\r`;
    const rows = Array.from({ length: 6010 }, (_, i) => `r${String(i + 1).padStart(5, "0")},ab\r`);
    const input = file("mac.csv");
    writeFileSync(input, header + first + rows.join(""));
    expect(Buffer.from(header + first + rows.slice(0, 6000).join(""))[65534]).toBe(0x0d);

    const lines: number[] = [];
    for await (const record of readRecords(input, "csv"))
      if (record instanceof CsvRow) lines.push(record.line);

    expect(lines).toEqual(Array.from({ length: 6011 }, (_, i) => i + 2));
  });
});
