// A crash can leave a file's last blocks unwritten but its size grown: its tail reads as NUL bytes, in place
// of the end of a record, of a whole one, or of every line after the last one written. An .ndjson or CSV
// file whose last line, without its line end, ends in NULs is a broken input (exit 2, the records before it
// read), as a cut-off .ndjson line is: a CSV row cut part-way was a valid record with NULs at the end of its
// email, sent to the vendor as such, and a line of NULs alone a rejected record, as if the rest of the file
// had been read.
import { describe, expect, it } from "vitest";
import { cli, fullStoryUsers, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-nul-tail-");
const CSV_ROWS = "uid,email\r\na,a@example.com\r\nb,b@example.com\r\n";

const FORMATS: readonly {
  ext: string;
  head: string;
  read: number;
  cuts: readonly (readonly [name: string, cut: string])[];
}[] = [
  {
    ext: "ndjson",
    head: ndjson(fullStoryUsers(3, "cut")),
    read: 3,
    cuts: [
      ["a record cut part-way", '{"uid":"cut-3","em'],
      ["a whole record", '{"uid":"cut-3"}'],
      ["nothing else", ""],
    ],
  },
  {
    ext: "csv",
    head: CSV_ROWS,
    read: 2,
    cuts: [
      ["a row cut part-way", "c,c@exa"],
      ["a whole row", "c,c@example.com"],
      ["nothing else", ""],
    ],
  },
];

describe.each(FORMATS)("a .$ext file whose tail is NUL bytes", ({ ext, head, read, cuts }) => {
  for (const [name, cut] of cuts) {
    it(`after ${name}: a broken input (exit 2), the records before it read`, async () => {
      const input = file(`nul-${name.length}.${ext}`, head + cut + "\0".repeat(4096));

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);

      expect(dry.code).toBe(2);
      expect(dry.stdout).toBe(
        `dry run: ${read} records, ${read} valid, 0 rejected; nothing was sent\n`,
      );
      expect(dry.stderr).toContain(
        `${input}: the file ends in NUL bytes, on line 4, which has no line end`,
      );
    });
  }
});

describe("a NUL inside a CSV row that has its line end", () => {
  it("is read as a row still", async () => {
    const input = file("nul-inside.csv", `${CSV_ROWS}c\0,c@example.com\r\n`);

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stderr).toBe("");
    expect(dry.stdout).toContain("dry run: 3 records");
  });
});
