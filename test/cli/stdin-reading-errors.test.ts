// The readers of `import <vendor> -` are the file readers, whose errors said "the file" of stdin too ("the
// file ends inside a record", "save the file as UTF-8"): an operator piping a query's output was sent looking
// for a file. On stdin they speak of stdin; on a file, of the file, as they did.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, stdinOf, useTempDir } from "./helpers.js";

const file = useTempDir("bui-stdin-errors-");

const utf16le = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

interface Case {
  name: string;
  format: "ndjson" | "json" | "csv";
  bytes: Buffer;
  /** What the reading says of the bytes in a file. */
  file: string;
  /** What it says of the same bytes on stdin. */
  stdin: string;
}

/** Errors that end the reading, printed after the input's name. */
const BREAKS: Case[] = [
  {
    name: "an NDJSON last line cut off part-way",
    format: "ndjson",
    bytes: Buffer.from('{"uid":"a"}\n{"uid":"b"}\n{"uid":"c","em'),
    file: "the file ends inside a record: line 3 has no line end, and its JSON stops part-way (was the file cut off as it was written or copied?); the records before it were read",
    stdin:
      "stdin ends inside a record: line 3 has no line end, and its JSON stops part-way (did what wrote to stdin stop part-way?); the records before it were read",
  },
  {
    name: "an NDJSON last line padded with NULs",
    format: "ndjson",
    bytes: Buffer.from('{"uid":"a"}\n{"uid":"b"\0\0\0\0'),
    file: "the file ends in NUL bytes, on line 2, which has no line end",
    stdin: "stdin ends in NUL bytes, on line 2, which has no line end",
  },
  {
    name: "a CSV last row padded with NULs",
    format: "csv",
    bytes: Buffer.from("uid\na\nb\0\0\0"),
    file: "the file ends in NUL bytes, on line 3",
    stdin: "stdin ends in NUL bytes, on line 3",
  },
  {
    name: "blanks where a JSON array should be",
    format: "json",
    bytes: Buffer.from(" \n \n"),
    file: "not a JSON array of records (the file is empty)",
    stdin: "not a JSON array of records (stdin is empty)",
  },
  {
    name: "blanks where a CSV header should be",
    format: "csv",
    bytes: Buffer.from("\uFEFF\n\n"),
    file: "no CSV header line: the file holds no column names",
    stdin: "no CSV header line: stdin holds no column names",
  },
  {
    name: "nothing where a CSV header should be",
    format: "csv",
    bytes: Buffer.alloc(0),
    file: "no CSV header line (the file is empty)",
    stdin: "no CSV header line (stdin is empty)",
  },
  {
    name: "a JSON array cut off part-way",
    format: "json",
    bytes: Buffer.from('[{"uid":"a"},{"uid":"b"}'),
    file: "not a JSON array of records: the file ends before its array does (was the file cut off as it was written or copied?); the records before the cut were read",
    stdin:
      "not a JSON array of records: stdin ends before its array does (did what wrote to stdin stop part-way?); the records before the cut were read",
  },
  {
    name: "a JSON array cut off inside a character",
    format: "json",
    bytes: Buffer.from('[{"uid":"a"},{"uid":"b\u00e9').subarray(0, -1),
    file: "not a JSON array of records: the file ends before its array does (was the file cut off",
    stdin: "not a JSON array of records: stdin ends before its array does (did what wrote to stdin",
  },
  {
    name: "a JSON array with a byte that is not UTF-8",
    format: "json",
    bytes: Buffer.concat([
      Buffer.from('[{"uid":"a"},{"uid":"b'),
      Buffer.from([0xff]),
      Buffer.from('"}]'),
    ]),
    file: "not valid UTF-8 at byte 22 [input.encoding]; the records before it were read, the record holding it and the rest of the file were not (save the file as UTF-8)",
    stdin:
      "not valid UTF-8 at byte 22 [input.encoding]; the records before it were read, the record holding it and the rest of stdin were not (pipe it in as UTF-8)",
  },
  {
    name: "NDJSON in UTF-16",
    format: "ndjson",
    bytes: utf16le('{"uid":"a"}\n'),
    file: "the file looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; save the file as UTF-8",
    stdin:
      "stdin looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; pipe it in as UTF-8",
  },
  {
    name: "a UTF-16 byte order mark alone",
    format: "ndjson",
    bytes: Buffer.from([0xff, 0xfe]),
    file: "the file looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; save the file as UTF-8",
    stdin:
      "stdin looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; pipe it in as UTF-8",
  },
  {
    name: "a JSON array in UTF-16",
    format: "json",
    bytes: utf16le('[{"uid":"a"}]'),
    file: "the file looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; save the file as UTF-8",
    stdin:
      "stdin looks like UTF-16 (it starts with a UTF-16 byte order mark, or with characters each a byte and a NUL) [input.encoding]; pipe it in as UTF-8",
  },
  {
    name: "CSV in UTF-16 (Excel's Unicode Text)",
    format: "csv",
    bytes: utf16le("uid,email\na,b\n"),
    file: "the CSV header is not valid UTF-8 [input.encoding]; the file looks like UTF-16 (what Excel saves as Unicode Text)",
    stdin:
      "the CSV header is not valid UTF-8 [input.encoding]; stdin looks like UTF-16 (what Excel saves as Unicode Text)",
  },
  {
    name: "CSV in UTF-16 without its byte order mark",
    format: "csv",
    bytes: Buffer.from("uid,email\na,b\n", "utf16le"),
    file: "the file looks like UTF-16 (what Excel saves as Unicode Text); save it as CSV UTF-8",
    stdin: "stdin looks like UTF-16 (what Excel saves as Unicode Text); save it as CSV UTF-8",
  },
  {
    name: "a CSV header that is not UTF-8",
    format: "csv",
    bytes: Buffer.concat([Buffer.from("ui"), Buffer.from([0xff]), Buffer.from("d,email\na,b\n")]),
    file: "the CSV header is not valid UTF-8 [input.encoding]; save the file as UTF-8",
    stdin: "the CSV header is not valid UTF-8 [input.encoding]; pipe it in as UTF-8",
  },
  {
    name: "a CSV separated by semicolons",
    format: "csv",
    bytes: Buffer.from("uid;email\na;b\n"),
    file: 'the CSV header is one column holding ";": the file looks separated by ";"',
    stdin: 'the CSV header is one column holding ";": stdin looks separated by ";"',
  },
];

/** Records rejected while the reading goes on, as a dry run prints them. */
const REJECTIONS: Case[] = [
  {
    name: "an NDJSON line that is not UTF-8",
    format: "ndjson",
    bytes: Buffer.concat([
      Buffer.from('{"uid":"a'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{"uid":"b"}\n'),
    ]),
    file: "[input.encoding] line 1: not valid UTF-8 (byte 10 of the line); save the file as UTF-8",
    stdin: "[input.encoding] line 1: not valid UTF-8 (byte 10 of the line); pipe it in as UTF-8",
  },
  {
    name: "a CSV row that is not UTF-8",
    format: "csv",
    bytes: Buffer.concat([Buffer.from("uid\na"), Buffer.from([0xff]), Buffer.from("\nb\n")]),
    file: "[input.encoding] line 2: not valid UTF-8; save the file as UTF-8",
    stdin: "[input.encoding] line 2: not valid UTF-8; pipe it in as UTF-8",
  },
  {
    name: "a CSV row with a line break outside quotes",
    format: "csv",
    bytes: Buffer.from("uid,email\r\na,x\r\nb,y\nc,z\r\n"),
    file: "so where the row ends is a guess; save the file with one kind of line end, and quote a cell",
    stdin:
      "so where the row ends is a guess; pipe it in with one kind of line end, and quote a cell",
  },
];

/** A dry run of `bytes`, from a file or piped to stdin: nothing is sent, and no credentials are needed. */
async function dryRun({ name, format, bytes }: Case, from: "file" | "stdin") {
  if (from === "stdin")
    return cli(["import", "fullstory", "-", "--format", format, "--dry-run"], {
      stdin: stdinOf(bytes, { chunkBytes: 5 }),
    });
  const input = file(`${name.replace(/\W+/g, "-")}.${format}`);
  writeFileSync(input, bytes);
  return { input, ...(await cli(["import", "fullstory", input, "--dry-run"])) };
}

describe("a reading that breaks off: exit 2, the error naming stdin as stdin, a file as the file", () => {
  for (const c of BREAKS) {
    it(`${c.name}, piped to stdin`, async () => {
      const result = await dryRun(c, "stdin");

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`bulk-user-import: (stdin): ${c.stdin}`);
      expect(result.stderr).not.toContain("the file");
    });

    it(`${c.name}, in a file`, async () => {
      const result = await dryRun(c, "file");

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `bulk-user-import: ${"input" in result ? result.input : ""}: ${c.file}`,
      );
    });
  }
});

describe("a record rejected for how it was written: its reason names stdin as stdin, a file as the file", () => {
  for (const c of REJECTIONS) {
    it(`${c.name}, piped to stdin`, async () => {
      const result = await dryRun(c, "stdin");

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(c.stdin);
      expect(result.all).not.toContain("the file");
    });

    it(`${c.name}, in a file`, async () => {
      const result = await dryRun(c, "file");

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(c.file);
    });
  }
});
