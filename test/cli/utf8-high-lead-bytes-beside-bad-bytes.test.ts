// Characters led by the highest bytes of their length (EF: U+F000 to U+FFFF, fullwidth letters among them;
// F4: U+100000 and up) are UTF-8 in a file that also holds bytes that are not, and one cut by the end of a
// read (64 KiB) after two of its three bytes is carried whole to the next: only what is not UTF-8 is
// rejected.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-utf8-high-leads-");

describe("characters with high lead bytes", () => {
  it("in CSV rows beside a row that is not UTF-8: only that row is rejected", async () => {
    const input = file("rows.csv");
    writeFileSync(
      input,
      Buffer.concat([
        Buffer.from("uid,display_name\nc-1,Bo"),
        Buffer.from([0xff]),
        Buffer.from("\nc-2,\uff34\uff4f\uff4b\uff59\uff4f\nc-3,Ann \u{10fffd}\n"),
      ]),
    );

    expect(await readPlain(input, "csv")).toEqual([
      { where: "line 2", rule: "input.encoding", problem: matching(/^not valid UTF-8/) },
      { line: 3, uid: "c-2", display_name: "\uff34\uff4f\uff4b\uff59\uff4f" },
      { line: 4, uid: "c-3", display_name: "Ann \u{10fffd}" },
    ]);
  });

  it("E0 A4 xx (Devanagari) cut after two bytes by the end of a read: the record is read", async () => {
    // अ (E0 A4 85) from byte 65534: the first read ends after its second byte.
    const head = '[{"uid":"a","note":"';
    const name = `${"x".repeat(64 * 1024 - 2 - head.length)}\u0905`;
    const input = file("cut.json", `${head}${name}"}]`);

    const records: unknown[] = [];
    for await (const record of readRecords(input, "json")) records.push(record);

    expect(records).toEqual([{ uid: "a", note: name }]);
  });
});
