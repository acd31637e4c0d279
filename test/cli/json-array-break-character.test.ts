// A .json array that breaks at a character outside ASCII (a no-break space or a byte order mark between two
// records, a typographic quote) names that character, as the reading of an .ndjson line or of the start of
// the array does: the streaming parser named the first byte of its UTF-8 as if it were a character of its
// own (`Unexpected "Â"` for a no-break space), which the file does not hold.
import { describe, expect, it } from "vitest";
import { cli, readJsonUntilBreak, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-break-char-");

describe("a JSON array that breaks at a character outside ASCII", () => {
  for (const [name, text, named, offset] of [
    ["no-break-space.json", '[{"uid":"a"},\u00a0{"uid":"b"}]', "U+00A0", 13],
    ["second-bom.json", '[{"uid":"a"},\ufeff{"uid":"b"}]', "U+FEFF", 13],
    ["smart-quote.json", '[{"uid":"a"}, \u201cb\u201d]', '"\u201c"', 14],
    ["emoji.json", '[{"uid":"a"}, \u{1f600}]', '"\u{1f600}"', 14],
    // Devanagari's letters are E0 A4 xx: the lowest lead byte of a 3-byte character.
    ["devanagari.json", '[{"uid":"a"}, \u0905]', '"\u0905"', 14],
  ] as const) {
    it(`${name}: names ${named} at its byte, the records before it read`, async () => {
      const [records, message] = await readJsonUntilBreak(file(name, text));

      expect(records).toEqual([{ uid: "a" }]);
      expect(message).toContain(`Unexpected ${named} at byte ${offset}`);
      expect(message).not.toMatch(/[\u0080-\u00ff]/);
    });
  }

  it("one cut by the end of a read (64 KiB) is named by its first byte, not as a character", async () => {
    const head = '[{"uid":"a"},';
    const text = head + " ".repeat(64 * 1024 - 1 - head.length) + '\u00a0{"uid":"b"}]';

    const [records, message] = await readJsonUntilBreak(file("cut.json", text));

    expect(records).toEqual([{ uid: "a" }]);
    expect(message).toContain(`Unexpected byte 0xC2 at byte ${64 * 1024 - 1}`);
  });

  it("an ASCII character is named as before", async () => {
    const [, message] = await readJsonUntilBreak(file("ascii.json", '[{"uid":"a"}] x'));

    expect(message).toContain('Unexpected "x" at byte 14');
  });

  it("a dry run prints the character it broke at, exit 2", async () => {
    const input = file("dry.json", '[{"uid":"a"},\u00a0{"uid":"b"}]');

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unexpected U+00A0 at byte 13");
  });
});
