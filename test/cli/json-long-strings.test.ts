// A record whose JSON holds a string of millions of characters (an .ndjson line may hold 64 MiB, a CSV row as
// much) has its numbers checked as any other's. The check stepped over strings with a pattern that V8 repeats
// per character, keeping a step for each: a string of some 16 million characters threw a RangeError (Maximum
// call stack size exceeded) out of the reading, which ended there, every record after it unread.
import { describe, expect, it } from "vitest";
import { UnreadableRecord, readRecords, recordFromCsvRow } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-cli-long-strings-");

/** 24 million units: past the 16 million where the pattern threw, within what a record may hold. */
const LONG = "x".repeat(24 * 1024 * 1024);
/** As long in JSON text, of escapes (`\n`), which the pattern took by another branch. */
const ESCAPED = JSON.stringify("\n".repeat(12 * 1024 * 1024)).slice(1, -1);

describe("a record with a string of 24 million characters", () => {
  it(".ndjson: a number in it that would not keep its value is still found, and the lines after it read", async () => {
    const lines = [
      `{"user_id":"long","metadata":{"note":"${LONG}","account":12345678901234567890}}`,
      `{"user_id":"escaped","metadata":{"note":"${ESCAPED}","account":12345678901234567890}}`,
      `{"user_id":"kept","metadata":{"note":"${LONG}","id":"12345678901234567890"}}`,
      '{"user_id":"after"}',
    ];
    const input = file("long.ndjson", lines.join("\n") + "\n");
    const read: unknown[] = [];
    for await (const record of readRecords(input, "ndjson"))
      read.push(
        record instanceof UnreadableRecord
          ? { where: record.where, rule: record.rule }
          : (record as { user_id: string }).user_id,
      );
    expect(read).toEqual([
      { where: "line 1", rule: "input.type" },
      { where: "line 2", rule: "input.type" },
      "kept",
      "after",
    ]);
  }, 60_000);

  it("a CSV :json cell: refused as input.type for a number that would not keep its value", () => {
    let error: unknown;
    try {
      recordFromCsvRow({ "properties.doc:json": `{"note":"${LONG}","n":12345678901234567890}` });
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(expect.objectContaining({ rule: "input.type" }));
    const kept = recordFromCsvRow({ "properties.doc:json": `{"note":"${ESCAPED}","n":1}` });
    expect(kept).toEqual({ properties: { doc: { note: "\n".repeat(12 * 1024 * 1024), n: 1 } } });
  }, 60_000);
});
