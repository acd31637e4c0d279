// A CSV whose last line ends, without a line end, part-way through a character of several bytes (a copy cut
// short, `é` missing its second byte) has that row rejected as input.encoding naming its line: read, its
// cell would reach the vendor with U+FFFD in place of the character, another value than the file's.
import { writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();

describe("a CSV cut part-way through its last character", () => {
  it("the rows before it are read; the cut row is rejected as input.encoding, naming its line", async () => {
    const [a, b] = [faker.string.uuid(), faker.string.uuid()];
    const input = file("cut.csv");
    const whole = Buffer.from(`uid,name\n${a},Ada\n${b},Ren\u00e9`);
    writeFileSync(input, whole.subarray(0, whole.length - 1));

    expect(await readPlain(input, "csv")).toEqual([
      { line: 2, uid: a, name: "Ada" },
      {
        where: "line 3",
        rule: "input.encoding",
        problem: "not valid UTF-8; save the file as UTF-8",
      },
    ]);
  });
});
