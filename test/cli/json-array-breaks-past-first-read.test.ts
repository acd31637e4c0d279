// A JSON array that breaks past its file's first read (64 KiB), or right after a record, is named at the
// break's byte in the file, as one breaking in its first read is, and every record before the break is read.
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

  it("at a no-break space past the first read: named as U+00A0 at its byte in the file", async () => {
    const bytes = Buffer.concat([head, Buffer.from('{"uid":"a"},\u00a0{"uid":"b"}]')]);

    const [records, message] = await readUntilBreak("late-nbsp.json", bytes);

    expect(records).toEqual([...early, { uid: "a" }]);
    expect(message).toContain(`Unexpected U+00A0 at byte ${head.length + 12}`);
  });
});
