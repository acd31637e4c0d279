// Bytes that are not UTF-8 are judged sequence by sequence, as a fatal TextDecoder judges them: an overlong
// form, a surrogate or a code point past U+10FFFF in a CSV row rejects that row (input.encoding), not the
// rows beside it, and is never read as U+FFFD; a character whose last byte is 0xBF is a character. At the
// end of a file, only a lead byte whose character the file ends in the middle of is a cut: a file ending in
// a whole character is read, and one ending in a byte that starts no character is not UTF-8, not cut off.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords, type InputFormat } from "../../src/cli/read-records.js";
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

/** The error that ends reading a file, or undefined when it is read to its end; and what came before it. */
async function readingOf(content: Buffer, format: InputFormat) {
  const input = inputFile(content, format);
  const yielded: unknown[] = [];
  try {
    for await (const record of readRecords(input, format)) yielded.push(record);
  } catch (error) {
    return { input, yielded, error: (error as Error).message };
  }
  return { input, yielded, error: undefined };
}

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

describe("a CSV row whose first byte is not UTF-8", () => {
  it("after the header: that row is rejected, not the header, and the next row is read", async () => {
    const input = inputFile(bytes("uid,display_name\n", [0xff], "c-1,Ann\nc-2,Bo\n"), "csv");
    expect(await readPlain(input, "csv")).toEqual([
      { where: "line 2", rule: "input.encoding", problem: matching(/^not valid UTF-8/) },
      { line: 3, uid: "c-2", display_name: "Bo" },
    ]);
  });

  it("after a row: that row is rejected, not the row before it", async () => {
    const input = inputFile(
      bytes("uid,display_name\nc-1,Ann\n", [0xff], "c-2,Bo\nc-3,Cy\n"),
      "csv",
    );
    expect(await readPlain(input, "csv")).toEqual([
      { line: 2, uid: "c-1", display_name: "Ann" },
      { where: "line 3", rule: "input.encoding", problem: matching(/^not valid UTF-8/) },
      { line: 4, uid: "c-3", display_name: "Cy" },
    ]);
  });
});

describe("the end of a file", () => {
  for (const last of ["é", "日", "😀"])
    it(`a CSV whose last row has no line end and ends in ${last}: that row is read, with it`, async () => {
      const input = inputFile(bytes(`uid,display_name\nc-1,Ann\nc-2,Bo${last}`), "csv");
      expect(await readPlain(input, "csv")).toEqual([
        { line: 2, uid: "c-1", display_name: "Ann" },
        { line: 3, uid: "c-2", display_name: `Bo${last}` },
      ]);
    });

  for (const [name, tail] of [
    ["0xC0, which starts no character", [0xc0]],
    ["0xC1, which starts no character", [0xc1]],
    ["0xF5, which starts no character", [0xf5]],
    ["a lead byte before ASCII", [0xe6, 0x41]],
  ] as const) {
    it(`.ndjson, its last line unended, ending in ${name}: that line is not UTF-8, not a cut`, async () => {
      const { yielded, error } = await readingOf(
        bytes('{"uid":"u1"}\n{"uid":"u2","display_name":"a', tail),
        "ndjson",
      );
      expect(error).toBeUndefined();
      expect(yielded).toEqual([
        { uid: "u1" },
        expect.objectContaining({ where: "line 2", rule: "input.encoding" }),
      ]);
    });

    it(`.json, ending in ${name} inside its array: not UTF-8 at that byte, not a cut`, async () => {
      const before = '[{"uid":"u1"},{"uid":"u2","display_name":"a';
      const { input, yielded, error } = await readingOf(bytes(before, tail), "json");
      expect(error).toBe(
        `${input}: not valid UTF-8 at byte ${before.length} [input.encoding]; the records before it were ` +
          "read, the record holding it and the rest of the file were not (save the file as UTF-8)",
      );
      expect(yielded).toEqual([{ uid: "u1" }]);
    });
  }
});
