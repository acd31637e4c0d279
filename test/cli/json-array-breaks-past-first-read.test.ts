// A JSON array that breaks past its file's first read (64 KiB), or right after a record, is named at the
// break's byte in the file, as one breaking in its first read is, and every record before the break is read;
// a byte not UTF-8 after an earlier break, or after the array's end, does not stand for the break.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-late-break-");

/** The records read from `bytes` as a JSON array, and the error that ended the reading. */
async function readUntilBreak(name: string, bytes: Buffer): Promise<[unknown[], string]> {
  const records: unknown[] = [];
  const input = file(name);
  writeFileSync(input, bytes);
  try {
    for await (const record of readRecords(input, "json")) records.push(record);
  } catch (error) {
    return [records, (error as Error).message];
  }
  throw new Error("read to its end");
}

/** 5000 records (85 KB): what comes after them is past the first read of the file. */
const early = Array.from({ length: 5000 }, (_, i) => ({ uid: `p${String(i).padStart(5, "0")}` }));
const head = Buffer.from(JSON.stringify(early).slice(0, -1) + ",");

describe("a JSON array that breaks", () => {
  it("at a byte that is not UTF-8 right after a record: that record is read, the byte named", async () => {
    const [records, message] = await readUntilBreak(
      "bad-byte.json",
      Buffer.concat([
        Buffer.from('[{"uid":"a"}'),
        Buffer.from([0xff]),
        Buffer.from(',{"uid":"b"}]'),
      ]),
    );

    expect(records).toEqual([{ uid: "a" }]);
    expect(message).toContain("not valid UTF-8 at byte 12 [input.encoding]");
  });

  it("at a byte not UTF-8 past the first read: the records before it read, the byte named", async () => {
    const bytes = Buffer.concat([
      head,
      Buffer.from('{"uid":"a"}'),
      Buffer.from([0xff]),
      Buffer.from("]"),
    ]);

    const [records, message] = await readUntilBreak("late-bad-byte.json", bytes);

    expect(records).toEqual([...early, { uid: "a" }]);
    expect(message).toContain(`not valid UTF-8 at byte ${head.length + 11} [input.encoding]`);
  });

  it("at a stray letter, a byte not UTF-8 past the first read: the letter is named", async () => {
    const tail = Buffer.concat([head.subarray(1), Buffer.from([0xff]), Buffer.from("]")]);
    const bytes = Buffer.concat([Buffer.from('[{"uid":"a"},x'), tail]);

    const [records, message] = await readUntilBreak("letter.json", bytes);

    expect(records).toEqual([{ uid: "a" }]);
    expect(message).toContain('Unexpected "x" at byte 13');
    expect(message).not.toContain("UTF-8");
  });

  // In one read with the break: the byte was named, "the records before it were read", though the records
  // between the break and the byte were not.
  it("at a missing comma, a byte not UTF-8 after it in the same read: the break is named, not the byte", async () => {
    const bytes = Buffer.concat([
      Buffer.from('[{"uid":"a"} {"uid":"b"}, {"uid":"c'),
      Buffer.from([0xff]),
      Buffer.from('"}]'),
    ]);

    const [records, message] = await readUntilBreak("comma-then-bad-byte.json", bytes);

    expect(records).toEqual([{ uid: "a" }]);
    expect(message).toMatch(
      /: not a JSON array of records: Unexpected LEFT_BRACE at byte 13 in state COMMA$/,
    );
    expect(message).not.toContain("the records before it were read");
  });

  // No record holds a byte past the array's closing bracket: "the record holding it … were not" read sent
  // the operator looking for a record that was read.
  it("at a byte not UTF-8 after the array's end: says every record of the array was read", async () => {
    const bytes = Buffer.concat([
      Buffer.from('[{"uid":"a"},{"uid":"b"}] '),
      Buffer.from([0xff]),
      Buffer.from("\n"),
    ]);

    const [records, message] = await readUntilBreak("bad-byte-after-end.json", bytes);

    expect(records).toEqual([{ uid: "a" }, { uid: "b" }]);
    expect(message).toMatch(
      /: not valid UTF-8 at byte 26 \[input\.encoding\]; after the array's end: every record of the array was read \(save the file as UTF-8\)$/,
    );
  });

  it("at a no-break space past the first read: named as U+00A0 at its byte in the file", async () => {
    const bytes = Buffer.concat([head, Buffer.from('{"uid":"a"},\u00a0{"uid":"b"}]')]);

    const [records, message] = await readUntilBreak("late-nbsp.json", bytes);

    expect(records).toEqual([...early, { uid: "a" }]);
    expect(message).toContain(`Unexpected U+00A0 at byte ${head.length + 12}`);
  });
});
