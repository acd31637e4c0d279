// What a spreadsheet writes in place of a value is matched as the whole cell: a negative number shown rounded
// (-1.23457E+15) lost its digits as a positive one does, so its row is rejected; a cell that starts as an
// error value or a rounded number but holds more (a note, a product code) is data, read as written.
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-spreadsheet-edges-");
const csv = (cell: string) => `user_id,metadata.code\nu-1,Ann\nu-2,${cell}\n`;

describe("a CSV cell matched against what a spreadsheet writes in place of a value", () => {
  it.each(["-1.23457E+15", "-4.2E-10"])(
    "%j, a negative number shown rounded: the row is rejected naming its line",
    async (cell) => {
      const result = await cli([
        "import",
        "userpilot",
        file("negative.csv", csv(cell)),
        "--dry-run",
      ]);
      expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
      expect(result.stdout).toMatch(
        /\[input\.spreadsheet_value\] .*line 3: column metadata\.code: a /,
      );
    },
  );

  it.each(["#N/A until signup", "#REF!-2024", "Err:5021", "1E+1000", "2.5E-10A"])(
    "%j, more than an error value or a rounded number: data, read as written",
    async (cell) => {
      const result = await cli(["import", "userpilot", file("data.csv", csv(cell)), "--dry-run"]);
      expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected");
    },
  );
});
