// A .json array that breaks names the break's byte in the file, also when the file starts with a byte order
// mark or with more blanks than one read (64 KiB) holds: the parser counted a token's offset from after the
// mark (3 bytes early), and was not given a read of blanks before the array (a break named that many bytes
// early, a stray character not named at all), which sent a person to a byte of blanks in a large file.
import { describe, expect, it } from "vitest";
import { cli, readJsonUntilBreak, stdinOf, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-break-offset-");
const BOM = "\ufeff";
/** Blanks past the first read of the file. */
const BLANKS = " \n".repeat(40 * 1024);

describe("a JSON array that breaks after its file's start", () => {
  for (const [name, start, bytes] of [
    ["a byte order mark", BOM, 3],
    ["80 KiB of blanks", BLANKS, BLANKS.length],
    ["both", BOM + BLANKS, 3 + BLANKS.length],
  ] as const) {
    it(`after ${name}: a token where a record should be is named at its byte`, async () => {
      const [records, message] = await readJsonUntilBreak(
        file("token.json", `${start}[{"uid":"a"} "b"]`),
      );

      expect(records).toEqual([{ uid: "a" }]);
      expect(message).toMatch(
        new RegExp(`: Unexpected STRING at byte ${bytes + 13} in state COMMA$`),
      );
    });

    it(`after ${name}: a character JSON does not take is named, at its byte`, async () => {
      const [records, message] = await readJsonUntilBreak(
        file("char.json", `${start}[{"uid":"a"}, x]`),
      );

      expect(records).toEqual([{ uid: "a" }]);
      expect(message).toMatch(new RegExp(`: Unexpected "x" at byte ${bytes + 14} in state START$`));
    });
  }

  // JSON.parse refuses a U+FEFF after blanks: in a read after theirs, it passed for the mark, the array read.
  for (const [reads, chunkBytes] of [
    ["a read of their own", 10],
    ["one read", 64 * 1024],
  ] as const) {
    it(`U+FEFF after blanks in ${reads}: refused, exit 2`, async () => {
      const text = `${" ".repeat(10)}${BOM}[{"uid":"a"} "b"]`;

      const result = await cli(["import", "fullstory", "-", "--format", "json", "--dry-run"], {
        stdin: stdinOf(text, { chunkBytes }),
      });

      expect(result.code).toBe(2);
      expect(result.stdout).toContain("dry run: 0 records, 0 valid, 0 rejected");
      expect(result.stderr).toBe(
        "bulk-user-import: (stdin): not a JSON array of records (it starts with U+FEFF)\n",
      );
    });
  }

  // Each read was decoded alone: the first character after blanks, cut by a read's end, was named `�`.
  for (const [name, char, shown] of [
    ["U+FEFF", BOM, "U+FEFF"],
    ["é", "é", "é"],
    ["an emoji", "\u{1f600}", "\u{1f600}"],
  ] as const) {
    it(`${name} after blanks, cut by a read's end: named as it is in the input, exit 2`, async () => {
      // 10 blanks, then the character's first byte in the first read of 11, its other bytes in the next.
      const text = `${" ".repeat(10)}${char}[{"uid":"a"}]`;

      const result = await cli(["import", "fullstory", "-", "--format", "json", "--dry-run"], {
        stdin: stdinOf(text, { chunkBytes: 11 }),
      });

      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `bulk-user-import: (stdin): not a JSON array of records (it starts with ${shown})\n`,
      );
    });
  }

  it("blanks, then input that ends inside a character: not UTF-8 at that byte, not `�`, exit 2", async () => {
    const bytes = Buffer.concat([Buffer.from(" ".repeat(10)), Buffer.from("é").subarray(0, 1)]);

    const result = await cli(["import", "fullstory", "-", "--format", "json", "--dry-run"], {
      stdin: stdinOf(bytes, { chunkBytes: 11 }),
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^bulk-user-import: \(stdin\): not valid UTF-8 at byte 10 \[input\.encoding\]; /,
    );
  });

  it("a dry run prints the byte, exit 2", async () => {
    const input = file("dry.json", `${BOM + BLANKS}[{"uid":"a"},,{"uid":"b"}]`);

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
    expect(result.stderr).toContain(
      `Unexpected COMMA at byte ${3 + BLANKS.length + 13} in state VALUE`,
    );
  });
});
