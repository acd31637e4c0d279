// Input files as other systems save them. An .ndjson file with classic Mac OS line ends (a lone CR) was one
// line, rejected as one record: its other users vanished from the report. A UTF-16 .ndjson or .json file was
// read as UTF-8: a rejected record per line (and a phantom one from its last NUL) speaking of '\x00', or
// an array "starting with �", its encoding never named. Two CSV exports joined (`cat a.csv b.csv`) imported
// the second one's first user as `\ufeffu1`, another user than `u1`: csv-parse drops only the first BOM.
// Told apart from those, an LF file whose first line held a CR between tokens (a blank to JSON) was split at
// its CRs, and a UTF-8 file with a NUL in its first bytes (or a CSV header holding one) refused as UTF-16.
import { statSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CR_WINDOW } from "../../src/cli/file-start.js";
import { MAX_RECORD_BYTES, readRecords, type InputFormat } from "../../src/cli/read-records.js";
import { matching } from "../support/matchers.js";
import { cli, readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-line-ends-encodings-");
let files = 0;

/** A file of `content` (text as UTF-8, or bytes as they are), named with the format's extension. */
function inputFile(content: string | Buffer, format: InputFormat): string {
  const name = file(`input-${++files}.${format}`);
  writeFileSync(name, content);
  return name;
}

/** What the reader yields for a file, as plain objects. */
const read = (content: string | Buffer, format: InputFormat) =>
  readPlain(inputFile(content, format), format);

/** The error that ends reading a file, and what was yielded before it. */
async function failure(
  content: string | Buffer,
  format: InputFormat,
): Promise<{ input: string; yielded: number; message: string }> {
  const input = inputFile(content, format);
  let yielded = 0;
  try {
    for await (const record of readRecords(input, format)) {
      void record;
      yielded += 1;
    }
  } catch (error) {
    return { input, yielded, message: (error as Error).message };
  }
  throw new Error("read to its end");
}

const users = (...uids: string[]) => uids.map((uid) => ({ uid }));
const lines = (uids: readonly string[], eol: string) =>
  uids.map((uid) => JSON.stringify({ uid }) + eol).join("");

/** The bytes createReadStream hands out at once: a line end there is split over two chunks. */
const CHUNK = 64 * 1024;

/** A record line `length` bytes long, before its line end. */
function lineOf(uid: string, length: number): string {
  const body = JSON.stringify({ uid, display_name: "" });
  return body.replace('""', JSON.stringify("x".repeat(length - body.length)));
}

describe("an .ndjson file whose lines end in a lone CR (classic Mac OS)", () => {
  it("is a record per line, not one line rejected", async () => {
    expect(await read('{"uid":"c1"}\r{"uid":"c2"}\r{"uid":"c3"}\r', "ndjson")).toEqual(
      users("c1", "c2", "c3"),
    );
    expect(await read('{"uid":"c1"}\r{"uid":"c2"}', "ndjson")).toEqual(users("c1", "c2"));
  });

  it("names a broken line by its number, counting blank lines; the others are read", async () => {
    expect(await read('{"uid":"c1"}\r\r{"uid":\r{"uid":"c4"}\r', "ndjson")).toEqual([
      { uid: "c1" },
      { where: "line 3", rule: "input.parse", problem: matching(/JSON/) },
      { uid: "c4" },
    ]);
  });

  it("after a UTF-8 byte order mark", async () => {
    expect(await read(`\uFEFF${lines(["b1", "b2"], "\r")}`, "ndjson")).toEqual(users("b1", "b2"));
  });

  it("a line that is not UTF-8 is rejected on its own", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"uid":"u1"}\r{"uid":"'),
      Buffer.from([0xff]),
      Buffer.from('"}\r{"uid":"u3"}\r'),
    ]);
    expect(await read(bytes, "ndjson")).toEqual([
      { uid: "u1" },
      {
        where: "line 2",
        rule: "input.encoding",
        // The byte counted from 1, as an editor's column is: 0xFF follows the 8 bytes of `{"uid":"`.
        problem: "not valid UTF-8 (byte 9 of the line); save the file as UTF-8",
      },
      { uid: "u3" },
    ]);
  });

  it("its first CR the last byte of a read chunk: the next chunk decides, CR here", async () => {
    const text = lineOf("a", CHUNK - 1) + "\r" + lines(["b", "c"], "\r");
    expect(text.indexOf("\r")).toBe(CHUNK - 1);
    const records = (await read(text, "ndjson")) as { uid: string }[];
    expect(records.map((r) => r.uid)).toEqual(["a", "b", "c"]);
  });

  it("its first CR the last byte of a read chunk: the next chunk decides, CRLF there", async () => {
    // An LF-only line after it tells a CRLF file (split on LF) from one split on CR, whose line would
    // hold two records.
    const text = lineOf("a", CHUNK - 1) + "\r\n" + lines(["b", "c"], "\n");
    expect(text.indexOf("\r")).toBe(CHUNK - 1);
    const records = (await read(text, "ndjson")) as { uid: string }[];
    expect(records.map((r) => r.uid)).toEqual(["a", "b", "c"]);
  });

  it("longer than the bytes an LF is looked for in after the first CR: a record per line", async () => {
    const uids = Array.from({ length: Math.ceil((2 * CR_WINDOW) / 15) }, (_, i) => `c${i}`);
    const input = inputFile(lines(uids, "\r"), "ndjson");
    expect(statSync(input).size).toBeGreaterThan(2 * CR_WINDOW);
    const counter = { bytes: 0 };
    const found: string[] = [];
    for await (const record of readRecords(input, "ndjson", counter))
      found.push((record as { uid: string }).uid);
    expect(found).toEqual(uids);
    expect(counter.bytes).toBe(statSync(input).size);
  });

  it("a file of one line whose CR is its last byte", async () => {
    expect(await read('{"uid":"only"}\r', "ndjson")).toEqual(users("only"));
    expect(await read('{"uid":\r', "ndjson")).toEqual([
      { where: "line 1", rule: "input.parse", problem: matching(/JSON/) },
    ]);
  });

  it("a line over 64 MiB is rejected naming its line; reading goes on after it", async () => {
    const long = lineOf("long", MAX_RECORD_BYTES + 1);
    expect(await read(`{"uid":"a"}\r${long}\r{"uid":"b"}\r{"uid":\r{"uid":"c"}`, "ndjson")).toEqual(
      [
        { uid: "a" },
        { where: "line 2", rule: "input.parse", problem: matching(/^longer than 67108864 bytes/) },
        { uid: "b" },
        { where: "line 4", rule: "input.parse", problem: matching(/JSON/) },
        { uid: "c" },
      ],
    );
  }, 60_000);

  it("a first line over 64 MiB whose CR ends a read chunk: rejected, the line after it read", async () => {
    // The CR ends the long line, not the next one: counted with the next line, that line went too.
    const long = lineOf("long", Math.ceil(MAX_RECORD_BYTES / CHUNK) * CHUNK + CHUNK - 1);
    expect(await read(`${long}\r{"uid":"b"}\r`, "ndjson")).toEqual([
      { where: "line 1", rule: "input.parse", problem: matching(/^longer than 67108864 bytes/) },
      { uid: "b" },
    ]);
  }, 60_000);
});

describe("an .ndjson file whose lines end in LF or CRLF reads as before", () => {
  it("a lone CR inside a line is a blank, as JSON reads it, not a line end", async () => {
    for (const eol of ["\n", "\r\n"])
      expect(
        // The bad last line has its line end: without one, it would be a file cut off (a broken input).
        await read(`{"uid":"a"}${eol}{"uid":"b",\r"n":1}${eol}\r${eol}{"uid":${eol}`, "ndjson"),
      ).toEqual([
        { uid: "a" },
        { uid: "b", n: 1 },
        { where: "line 4", rule: "input.parse", problem: matching(/JSON/) },
      ]);
  });

  it("a CR between tokens of the first line is a blank there too, not the file's line end", async () => {
    for (const eol of ["\n", "\r\n"])
      expect(
        await read(
          `{"id":1,\r"email":"a@b.c"}${eol}{"id":2}${eol}{"id":3,\r"n":4}${eol}`,
          "ndjson",
        ),
      ).toEqual([{ id: 1, email: "a@b.c" }, { id: 2 }, { id: 3, n: 4 }]);
    expect(await read('\r{"id":1}\n\r{"id":2}\r\n', "ndjson")).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("so is one whose line's LF comes in a later read chunk", async () => {
    const first = lineOf("a", 2 * CHUNK).replace('"display_name"', '\r"display_name"');
    expect(first.indexOf("\r")).toBeLessThan(CHUNK);
    const records = (await read(`${first}\n${lines(["b", "c"], "\n")}`, "ndjson")) as {
      uid: string;
    }[];
    expect(records.map((r) => r.uid)).toEqual(["a", "b", "c"]);
  });

  it("an LF line in a CRLF file is a line of its own", async () => {
    expect(await read('{"uid":"a"}\r\n{"uid":"b"}\n{"uid":"c"}\r\n', "ndjson")).toEqual(
      users("a", "b", "c"),
    );
  });
});

/** `text` in UTF-16, little-endian unless `be`, after its byte order mark when `bom`. */
function utf16(text: string, { bom, be }: { bom: boolean; be: boolean }): Buffer {
  const le = Buffer.from(`${bom ? "\uFEFF" : ""}${text}`, "utf16le");
  return be ? Buffer.from(le).swap16() : le;
}

const UTF16_FILES = [
  { name: "little-endian with its byte order mark", bom: true, be: false },
  { name: "little-endian without one", bom: false, be: false },
  { name: "big-endian with its byte order mark", bom: true, be: true },
  { name: "big-endian without one", bom: false, be: true },
];

const LOOKS_UTF16 =
  /: the file looks like UTF-16 \(.*\) \[input\.encoding\]; save the file as UTF-8$/;

describe("a UTF-16 .ndjson or .json file", () => {
  for (const { name, ...encoding } of UTF16_FILES) {
    it(`${name}: one error naming the file and its encoding, before any record`, async () => {
      for (const [format, text] of [
        ["ndjson", lines(["w1", "w2"], "\n")],
        ["json", '[{"uid":"w1"},{"uid":"w2"}]\n'],
      ] as const) {
        const { input, yielded, message } = await failure(utf16(text, encoding), format);
        expect(message).toMatch(LOOKS_UTF16);
        expect(message.startsWith(`${input}: `)).toBe(true);
        expect(yielded).toBe(0);
      }
    });
  }

  it("a UTF-8 .ndjson file with a NUL in its first bytes is read, that record rejected as JSON", async () => {
    const broken = { where: "line 1", rule: "input.parse", problem: matching(/JSON/) };
    for (const first of ['{"\0":1}', '{\0"uid":"a"}', '\0{"uid":"a"}', '"\0"', '{"uid":"\0"}'])
      expect(await read(`${first}\n${lines(["b"], "\n")}`, "ndjson")).toEqual([
        broken,
        { uid: "b" },
      ]);
  });

  it("a UTF-8 .json file with a NUL in its first bytes is read up to it, as any broken array", async () => {
    for (const text of [
      '[{"\0":1},{"uid":"b"}]',
      '[\0{"uid":"b"}]',
      '[{"uid":"a"},{"uid":"\0"}]',
    ]) {
      const { message } = await failure(text, "json");
      expect(message).not.toMatch(/UTF-16/);
      expect(message).toMatch(/: not a JSON array of records: Unexpected/);
    }
  });

  it("a UTF-8 file starting with its byte order mark is read", async () => {
    expect(await read(`\uFEFF${lines(["u1"], "\n")}`, "ndjson")).toEqual(users("u1"));
    expect(await read('\uFEFF[{"uid":"u1"}]', "json")).toEqual(users("u1"));
  });

  // The .json reader's tokenizer dropped it: `\ufeffu1` was imported as u1, another user, and a key
  // `\ufeffuid` (which FullStory ignores) became uid.
  it("a U+FEFF inside a string or key, written or escaped, is kept, the file's first one aside", async () => {
    const record = { uid: "\uFEFFu1", display_name: "a\uFEFFb", "\uFEFFemail": "\uFEFF" };
    const written = JSON.stringify(record);
    const escaped = written.replace(/\uFEFF/g, "\\ufeff");
    for (const text of [written, escaped]) {
      expect(await read(`\uFEFF${text}\n`, "ndjson")).toEqual([record]);
      expect(await read(`\uFEFF[${text},\n${text}]`, "json")).toEqual([record, record]);
    }
  });

  // The tokenizer carries a character cut at a read chunk's end over to the next and decodes it on its own,
  // where a U+FEFF is always first.
  it("so is one whose bytes two read chunks share", async () => {
    for (const before of [1, 2]) {
      const pad = lineOf("pad", CHUNK - before - '{"uid":"'.length - 2);
      const text = `[${pad},{"uid":"\uFEFFu2"}]`;
      expect(Buffer.byteLength(text.slice(0, text.indexOf("\uFEFF")))).toBe(CHUNK - before);
      expect(await read(text, "json")).toEqual([JSON.parse(pad), { uid: "\uFEFFu2" }]);
    }
  });

  it("a dry run counts a record holding a NUL as rejected ([input.parse]), the others as valid", async () => {
    const input = inputFile(`{\0"uid":"a"}\n${lines(["b"], "\n")}`, "ndjson");
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
    expect(result.stdout).toMatch(/\[input\.parse\] line 1: /);
    expect(result.code).toBe(1);
  });

  for (const format of ["ndjson", "json"] as const) {
    it(`.${format}: the import is a usage error (exit 2) naming the file; no record is read`, async () => {
      const text = format === "json" ? '[{"uid":"w1"},{"uid":"w2"}]' : lines(["w1", "w2"], "\n");
      const input = inputFile(utf16(text, { bom: false, be: false }), format);
      const result = await cli(["import", "fullstory", input, "--dry-run"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${input}: the file looks like UTF-16`);
      expect(result.stderr).toMatch(/save the file as UTF-8\n/);
      expect(result.stdout).not.toMatch(/record \d/);
    });
  }
});

describe("a CSV file's start", () => {
  it("a NUL in its header, the file not UTF-16, is a column's name: read by the usual rules", async () => {
    expect(await read("user_id,pl\0an\nu1,pro\n", "csv")).toEqual([
      { line: 2, user_id: "u1", "pl\0an": "pro" },
    ]);
    expect(await read("u\0x,plan\nu1,pro\n", "csv")).toEqual([
      { line: 2, "u\0x": "u1", plan: "pro" },
    ]);
  });

  // Without its byte order mark, and starting with characters that are not Latin, its start shows nothing
  // of UTF-16: the NULs that each comma leaves at a cell's edge do.
  for (const { name, ...encoding } of UTF16_FILES.filter(({ bom }) => !bom))
    it(`UTF-16 ${name} whose header starts in Cyrillic is refused as UTF-16, before any row`, async () => {
      // Two columns too: a single comma's NUL tells it.
      for (const text of ["имя,user_id,email\r\nИван,u1,a@b.c\r\n", "имя,user_id\r\nИван,u1\r\n"]) {
        const { message, yielded } = await failure(utf16(text, encoding), "csv");
        expect(message).toMatch(/: the file looks like UTF-16 .*save it as CSV UTF-8/);
        expect(yielded).toBe(0);
      }
    });

  // Its first character's bytes are not UTF-8, so the header is refused as not UTF-8: saying UTF-16 still.
  for (const { name, ...encoding } of UTF16_FILES.filter(({ bom }) => !bom))
    it(`UTF-16 ${name} whose header starts with a character not UTF-8 is refused as UTF-16`, async () => {
      const text = "Ωνομα,user_id,email\r\nΙωάννης,u1,a@b.c\r\n";
      const { message, yielded } = await failure(utf16(text, encoding), "csv");
      expect(message).toMatch(
        /not valid UTF-8 \[input\.encoding\]; the file looks like UTF-16 .*save it as CSV/,
      );
      expect(yielded).toBe(0);
    });

  for (const { name, ...encoding } of UTF16_FILES.filter(({ bom }) => !bom))
    it(`UTF-16 ${name} is refused as UTF-16, before any row`, async () => {
      const text = "user_id,plan\r\nu1,pro\r\n";
      const { input, yielded, message } = await failure(utf16(text, encoding), "csv");
      expect(message).toMatch(/: the file looks like UTF-16 .*save it as CSV UTF-8/);
      expect(message.startsWith(`${input}: `)).toBe(true);
      expect(yielded).toBe(0);
    });
});

const secondBom = (line: number) => ({
  where: `line ${line}`,
  rule: "input.encoding",
  problem: matching(/^starts with a byte order mark, .*two files joined.*remove the mark/),
});

describe("a CSV with a byte order mark part-way through (two files joined)", () => {
  it("the row it starts is rejected naming its line; reading goes on", async () => {
    const csv = "\uFEFFuser_id,metadata.plan\r\nu1,pro\r\n\uFEFFu1,basic\r\nu2,free\r\n";
    expect(await read(csv, "csv")).toEqual([
      { line: 2, user_id: "u1", "metadata.plan": "pro" },
      secondBom(3),
      { line: 4, user_id: "u2", "metadata.plan": "free" },
    ]);
  });

  it("a repeated header after it is not read as a user", async () => {
    const csv = "user_id,plan\nu1,pro\n\n\uFEFFuser_id,plan\nu2,basic\n";
    expect(await read(csv, "csv")).toEqual([
      { line: 2, user_id: "u1", plan: "pro" },
      secondBom(4),
      { line: 5, user_id: "u2", plan: "basic" },
    ]);
  });

  it("a U+FEFF inside a row, not at its start, is left as it is", async () => {
    expect(await read("user_id,plan\nu1,\uFEFFpro\n", "csv")).toEqual([
      { line: 2, user_id: "u1", plan: "\uFEFFpro" },
    ]);
  });

  it("a dry run counts the row as rejected ([input.encoding]), not as a second user u1", async () => {
    const input = inputFile("\uFEFFuser_id,metadata.plan\r\nu1,pro\r\n\uFEFFu1,basic\r\n", "csv");
    const result = await cli(["import", "userpilot", input, "--dry-run"]);
    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
    expect(result.stdout).toMatch(/\[input\.encoding\] line 3: starts with a byte order mark/);
    expect(result.code).toBe(1);
  });
});
