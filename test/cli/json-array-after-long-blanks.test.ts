// A JSON array after more blanks than one read of the file holds (64 KiB) is read whole: the reading looks
// for the array's `[` past the blanks, rather than taking the file for empty at the end of its first read.
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-long-blanks-");

describe("a JSON array after 64 KiB of blanks", () => {
  it("has its records read", async () => {
    const input = file("padded.json", `${" \n".repeat(40 * 1024)}[{"uid":"a"},{"uid":"b"}]\n`);

    const records: unknown[] = [];
    for await (const record of readRecords(input, "json")) records.push(record);

    expect(records).toEqual([{ uid: "a" }, { uid: "b" }]);
  });
});
