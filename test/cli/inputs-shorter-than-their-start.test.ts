// Inputs shorter than the four bytes the UTF-16 check reads first: they are read to their end all the same (a
// byte of junk is one rejected record, not an empty input that passes), and a UTF-16 byte order mark alone,
// what a spreadsheet saves for an empty sheet, is named as UTF-16. NULs at a file's start are not taken for
// UTF-16, whose every other byte is not a NUL: the line holding them is judged as any other.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-short-start-");

describe("an input shorter than the bytes its encoding is judged by", () => {
  it("one byte of junk: a dry run counts it as one rejected record, exit 1, not an empty input", async () => {
    const input = file("one-byte.ndjson", "x");
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.stdout).toContain("dry run: 1 records, 0 valid, 1 rejected");
    expect(result.code).toBe(1);
  });

  it("a UTF-16 byte order mark alone: exit 2, named as UTF-16", async () => {
    const input = file("bom-only.ndjson");
    writeFileSync(input, Buffer.from([0xff, 0xfe]));
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("looks like UTF-16");
  });
});

describe("NULs at a file's start", () => {
  it("are a line's, rejected as such, the records after them read: not an encoding of the whole file", async () => {
    const input = file("nul-start.ndjson");
    const users = [{ uid: "u-1", email: "u1@example.com" }];
    writeFileSync(input, Buffer.concat([Buffer.alloc(4), Buffer.from(`\n${ndjson(users)}`)]));
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.stderr).not.toContain("UTF-16");
    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
    expect(result.code).toBe(1);
  });
});
