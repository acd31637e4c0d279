// A CSV that mixes line ends (rows saved by another tool appended to a file): csv-parse ends every row with the
// first line's line end, so a CRLF row of an LF file kept its CR in its last cell (`u1\r`, another user at the
// vendor than `u1`), and an LF line of a CRLF file was read into the row before it (two users as one). A row
// with a cell outside quotes that holds a line break is rejected naming its line; a quoted cell still may.
import { describe, expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();
let files = 0;

const rows = (text: string) => readPlain(file(`mixed-${++files}.csv`, text), "csv");

const rejected = (line: number) => ({
  where: `line ${line}`,
  rule: "input.parse",
  problem: matching(/^a cell not in quotes holds a line break .* one kind of line end/),
});

describe("a CSV that mixes line ends", () => {
  it("a CRLF row in a file whose first line ends in LF is rejected, never read with a CR in its last cell", async () => {
    expect(await rows("email,uid\na@example.com,u1\r\nb@example.com,u2\nc@example.com,u3")).toEqual(
      [
        rejected(2),
        { line: 3, email: "b@example.com", uid: "u2" },
        {
          line: 4,
          email: "c@example.com",
          uid: "u3",
        },
      ],
    );
  });

  it("an LF line in a file whose first line ends in CRLF is rejected, never read into the row before it", async () => {
    expect(await rows("user_id,plan\r\nw1,a\r\nw2,b\nw3,c\r\nw4,d\r\n")).toEqual([
      { line: 2, user_id: "w1", plan: "a" },
      rejected(4),
      { line: 5, user_id: "w4", plan: "d" },
    ]);
    // One column: the appended lines would have been one user, `w2\nw3\n`.
    expect(await rows("user_id\r\nw1\r\nw2\nw3\n")).toEqual([
      { line: 2, user_id: "w1" },
      rejected(4),
    ]);
  });

  it("a lone CR in a CRLF file, starting a row or ending the file, is rejected, not kept in a cell", async () => {
    expect(await rows("uid,name\r\n\ru1,a\r\nu2,b\r\n")).toEqual([
      rejected(3),
      { line: 4, uid: "u2", name: "b" },
    ]);
    expect(await rows("uid,name\r\nu1,a\r\nu2,b\r")).toEqual([
      { line: 2, uid: "u1", name: "a" },
      rejected(3),
    ]);
  });

  it("empty lines of the file's own line end, between rows or before the first, reject nothing", async () => {
    for (const eol of ["\r\n", "\n"]) {
      expect(await rows(["uid,name", "", "u1,a", "", "", 'u2,"b', 'c"', ""].join(eol))).toEqual([
        { line: 3, uid: "u1", name: "a" },
        { line: 7, uid: "u2", name: `b${eol}c` },
      ]);
    }
  });

  it("a quoted cell may hold any line break, in a file of either line end", async () => {
    for (const eol of ["\r\n", "\n"]) {
      expect(await rows(["uid,name", 'u1,"a\r\nb"', 'u2,"c\nd"', "u3,e", ""].join(eol))).toEqual([
        { line: 3, uid: "u1", name: "a\r\nb" },
        { line: 5, uid: "u2", name: "c\nd" },
        { line: 6, uid: "u3", name: "e" },
      ]);
    }
  });
});
