// A CSV row whose line end is not the file's (a CRLF row in an LF file) is rejected naming its line, never
// read with a CR in its last cell (`u3\r`, another user at the vendor than `u3`), wherever blank lines stand
// before it: before the header, or between earlier rows. And a short last line without a line end (one
// character) is read whole and named by its own line, and so is the row before it.
import { describe, expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();
let files = 0;

const rows = (text: string) => readPlain(file(`blank-lines-${++files}.csv`, text), "csv");

const rejected = (line: number) => ({
  where: `line ${line}`,
  rule: "input.parse",
  problem: matching(/^a cell not in quotes holds a line break/),
});

describe("a CRLF row in an LF file, after blank lines", () => {
  it("blank lines before the header: the first row is rejected, not read as u1 with a CR", async () => {
    expect(await rows("\n\n\n\nuid\nu1\r\nu2\n")).toEqual([rejected(6), { line: 7, uid: "u2" }]);
  });

  it("blank lines between earlier rows: a later short row is rejected, not read with a CR", async () => {
    expect(await rows("uid\nu1\n\n\n\n\nu2\nu3\r\nu4\n")).toEqual([
      { line: 2, uid: "u1" },
      { line: 7, uid: "u2" },
      rejected(8),
      { line: 9, uid: "u4" },
    ]);
  });

  it("a last line that ends in a lone CR, in an LF file: rejected, not read with the CR", async () => {
    expect(await rows("uid\nu1\nu2\r")).toEqual([{ line: 2, uid: "u1" }, rejected(3)]);
  });
});

describe("a last line of one character without a line end", () => {
  it.each([
    ["CRLF", "\r\n"],
    ["LF", "\n"],
  ])("%s: it and the row before it are read, each named by its own line", async (_, eol) => {
    expect(await rows(["uid", "u1", "7"].join(eol))).toEqual([
      { line: 2, uid: "u1" },
      { line: 3, uid: "7" },
    ]);
  });
});
