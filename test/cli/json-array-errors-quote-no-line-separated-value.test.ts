// A .json array that breaks at a string holding a line or paragraph separator (U+2028, U+2029: JSON takes
// them unescaped in a string, and a pasted address or note may hold one) names the break, not the string,
// as it does for any other value: the report keeps the error, and the value may be personal data.
import { describe, expect, it } from "vitest";
import { readJsonUntilBreak, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-array-separators-");

describe("a JSON array that breaks at a string holding a separator", () => {
  for (const [name, separator] of [
    ["line.json", "\u2028"],
    ["paragraph.json", "\u2029"],
  ] as const)
    it(`${name}: names the token and the parser's state, not the string`, async () => {
      const text = `[{"user_id": "u1"} "alice.private${separator}1 Main St"]`;

      const [, message] = await readJsonUntilBreak(file(name, text));

      expect(message).toMatch(
        /: not a JSON array of records: Unexpected STRING at byte 19 in state COMMA$/,
      );
      expect(message).not.toMatch(/alice|Main St/);
    });
});
