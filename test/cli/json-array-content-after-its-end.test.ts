// What follows a JSON array's closing bracket (a second array pasted after it, a stray value) breaks the
// file where it starts: the error names that byte, not a cut-off file, and the records of the array are read.
import { describe, expect, it } from "vitest";
import { readJsonUntilBreak, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-after-end-");

describe("content after a JSON array's end", () => {
  for (const [name, after, named] of [
    ["second-array.json", '[{"uid":"b"}]', '"["'],
    ["object.json", '{"uid":"b"}', '"{"'],
    ["number.json", "5", '"5"'],
  ] as const) {
    it(`${name}: names ${named} at the byte it starts, not a cut-off file`, async () => {
      const [records, message] = await readJsonUntilBreak(file(name, `[{"uid":"a"}]\n${after}`));

      expect(records).toEqual([{ uid: "a" }]);
      expect(message).toContain(`Unexpected ${named} at byte 14`);
      expect(message).not.toContain("cut off");
    });
  }
});
