// Bytes that are not UTF-8 are judged sequence by sequence, as a fatal TextDecoder judges them: an overlong
// form, a surrogate or a code point past U+10FFFF in a CSV row rejects that row (input.encoding), not the
// rows beside it, and is never read as U+FFFD; a character whose last byte is 0xBF is a character.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { InputFormat } from "../../src/cli/read-records.js";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-utf8-edges-");
let files = 0;

function inputFile(content: Buffer, format: InputFormat): string {
  const name = file(`input-${++files}.${format}`);
  writeFileSync(name, content);
  return name;
}

const bytes = (...parts: (string | readonly number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))),
  );

const INVALID: readonly (readonly [string, readonly number[]])[] = [
  ["a 3-byte overlong form", [0xe0, 0x80, 0x80]],
  ["a 4-byte overlong form", [0xf0, 0x80, 0x80, 0x80]],
  ["a surrogate", [0xed, 0xa0, 0x80]],
  ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ["a byte never used in UTF-8", [0xf5, 0x80, 0x80, 0x80]],
];

describe("a CSV row holding a sequence a strict decoder refuses", () => {
  for (const [name, sequence] of INVALID)
    it(`${name}: that row is rejected (input.encoding), the rows around it (one with ₿) read`, async () => {
      // ₿ is E2 82 BF: a character whose last byte is the highest a continuation byte may be.
      const input = inputFile(
        bytes("uid,display_name\nc-1,Ann ₿\nc-2,Bo", sequence, "b\nc-3,Cy\n"),
        "csv",
      );
      expect(await readPlain(input, "csv")).toEqual([
        { line: 2, uid: "c-1", display_name: "Ann ₿" },
        { where: "line 3", rule: "input.encoding", problem: matching(/^not valid UTF-8/) },
        { line: 4, uid: "c-3", display_name: "Cy" },
      ]);
    });
});
