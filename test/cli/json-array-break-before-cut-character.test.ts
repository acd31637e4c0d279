// A .json array that breaks (a missing comma) in a part of the file whose last bytes begin a character the
// next part ends (any text outside ASCII may fall across the 64 KiB the file is read by) names the break.
// The reading stopped at the break, before the rest of that character was read, and the check of the file's
// encoding then took it for a character the file ends in the middle of: "not valid UTF-8 … save the file as
// UTF-8", of a file that is UTF-8, and the break the file has was not named.
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-break-cut-char-");

/** An array missing the comma after its first record, with `é` at bytes 65535-65536 of a later record. */
function brokenAcrossACutCharacter(): string {
  const head = '[{"uid":"a"} {"uid":"b","display_name":"';
  return head + "x".repeat(64 * 1024 - 1 - head.length) + 'é"}]';
}

describe("a JSON array that breaks in a read ending inside a character", () => {
  it("names the break, not the encoding", async () => {
    const text = brokenAcrossACutCharacter();
    expect(
      Buffer.from(text)
        .subarray(64 * 1024 - 1, 64 * 1024 + 1)
        .toString(),
    ).toBe("é");
    const input = file("broken.json", text);
    let message = "";
    const records: unknown[] = [];
    try {
      for await (const record of readRecords(input, "json")) records.push(record);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(records).toEqual([{ uid: "a" }]);
    expect(message).toMatch(
      /not a JSON array of records: Unexpected LEFT_BRACE at byte 13 in state COMMA$/,
    );
    expect(message).not.toContain("UTF-8");
  });

  it("a dry run counts the record before it and names the break; exit 2", async () => {
    const input = file("dry.json", brokenAcrossACutCharacter());

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid");
    expect(result.stderr).toContain("Unexpected LEFT_BRACE at byte 13 in state COMMA");
    expect(result.stderr).not.toContain("UTF-8");
  });
});
