// An .ndjson last line without its line end is a file cut off only when its JSON stops part-way. One whose
// tokens are each whole but one stands where JSON takes no such token (a string after a value, a number
// after a number, the last token the misplaced one) broke before the end: it is a rejected record naming
// its line (exit 1), the reading going on to its end, not a broken input that stops it (exit 2).
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { matching } from "../support/matchers.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-ndjson-misplaced-token-");

describe("an .ndjson last line without its line end, a whole token in it misplaced", () => {
  for (const [name, last] of [
    ["a string after a value", '{"uid":"u2" "email":"u2@example.com"}'],
    ["a number after a number, the line's last token", '{"uid":"u2","seats":1 2'],
  ] as const) {
    it(`${name}: a rejected record naming its line, not a cut`, async () => {
      const input = file(`misplaced-${name.length}.ndjson`);
      writeFileSync(input, `{"uid":"u1"}\n${last}`);

      const read: unknown[] = [];
      let error: unknown;
      try {
        for await (const record of readRecords(input, "ndjson")) read.push(record);
      } catch (thrown) {
        error = thrown;
      }

      expect(error).toBeUndefined();
      expect(read).toEqual([
        { uid: "u1" },
        expect.objectContaining({
          where: "line 2",
          rule: "input.parse",
          problem: matching(/JSON/),
        }),
      ]);
    });
  }
});
