// A record or cell that is not JSON is rejected naming its line in the file, and no other: Node 22 and later
// add `(line 1 column 12)` to JSON.parse's words, a line of the record's text (of a cell's, across its
// lines), which the reason's own line contradicts; it is said as on Node 20.
import { describe, expect, it } from "vitest";
import { readRecords, UnreadableRecord } from "../../src/cli/read-records.js";
import { personFromCsvRow } from "../../src/slashid/records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-syntax-");

describe("a record or cell that is not JSON", () => {
  it(".ndjson: the reason names the record's line in the file, and its position in the line", async () => {
    const input = file("lines.ndjson", '{"uid":"a"}\n{"uid":"b"}\n{"uid":"c" "email":"x"}\n');
    const reasons: string[] = [];
    for await (const record of readRecords(input, "ndjson"))
      if (record instanceof UnreadableRecord) reasons.push(`${record.where}: ${record.problem}`);
    expect(reasons).toEqual([
      "line 3: Expected ',' or '}' after property value in JSON at position 11",
    ]);
  });

  it("SlashID's slashid:attributes cell over two lines: its position in the cell", () => {
    const row = {
      "slashid:emails": "ann@example.com",
      "slashid:attributes": '{"end_user_read_write":\n{"a":1 2}}',
    };
    expect(() => personFromCsvRow(row)).toThrow(
      new SyntaxError(
        "slashid:attributes: not JSON (Expected ',' or '}' after property value in JSON at position 31)",
      ),
    );
  });
});
