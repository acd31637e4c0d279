// A crash can leave a file's last blocks unwritten but its size grown: its tail reads as NUL bytes, in place
// of the end of a row or of every row after the last one written. A CSV whose last row, without its line end,
// ends in NULs is a broken input (exit 2, the rows before it read), as a cut-off .ndjson line is: the row cut
// part-way was a valid record with NULs at the end of its email, sent to the vendor as such, and a row of NULs
// alone a rejected record, as if the rest of the file had been read.
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-nul-");
const ROWS = "uid,email\r\na,a@example.com\r\nb,b@example.com\r\n";

describe("a CSV file whose tail is NUL bytes", () => {
  for (const [name, cut] of [
    ["a row cut part-way", "c,c@exa"],
    ["a whole row", "c,c@example.com"],
    ["nothing else", ""],
  ] as const) {
    it(`after ${name}: a broken input (exit 2), the rows before it read`, async () => {
      const input = file(`nul-${name.length}.csv`, ROWS + cut + "\0".repeat(4096));

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);

      expect(dry.code).toBe(2);
      expect(dry.stdout).toBe("dry run: 2 records, 2 valid, 0 rejected; nothing was sent\n");
      expect(dry.stderr).toContain(
        `${input}: the file ends in NUL bytes, on line 4, which has no line end`,
      );
    });
  }

  it("a NUL inside a row that has its line end is read as a row still", async () => {
    const input = file("nul-inside.csv", `${ROWS}c\0,c@example.com\r\n`);

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stderr).toBe("");
    expect(dry.stdout).toContain("dry run: 3 records");
  });
});
