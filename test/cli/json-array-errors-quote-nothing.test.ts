// A .json array that breaks part-way ends the reading with an error the report keeps (its inputError): it
// names the break, never the values around it, which may be personal data.
import { describe, expect, it } from "vitest";
import { readJsonUntilBreak, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-array-quotes-");

describe("a JSON array that breaks part-way", () => {
  for (const [name, text, expected] of [
    [
      "colon.json",
      '[{"email" "alice.private@example.com"}]',
      /: Unexpected STRING at byte 10 in state COLON$/,
    ],
    [
      "comma.json",
      '[{"email": "a@b.c" "alice.private": 1}]',
      /: Unexpected STRING at byte 19 in state COMMA$/,
    ],
    // Cut off after a value: the last thing the parser read is the value it did not expect.
    [
      "cut.json",
      '[{"user_id": "u1"} "alice.private@example.com"',
      /: Unexpected STRING at byte 19 in state COMMA$/,
    ],
    ["number.json", '[{"phone": 1 -4155550100}]', /: Unexpected NUMBER at byte 13 in state COMMA$/],
  ] as const)
    it(`${name}: names the token and the parser's state, not the value`, async () => {
      const [, message] = await readJsonUntilBreak(file(name, text));
      expect(message).toMatch(/not a JSON array of records: /);
      expect(message).toMatch(expected);
      expect(message).not.toMatch(/alice|4155550100/);
    });
});
