// A CSV header tells UTF-16 without a byte order mark by the NUL each comma's other byte leaves at the edge
// of every cell: big-endian text whose every column is named in Cyrillic (no Latin letter, so no cell starts
// with a NUL) is still refused as UTF-16, before any row. A NUL that starts one cell of a UTF-8 header, not
// every one, is a column's name, and the file is read.
import { writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();

describe("a CSV header and UTF-16", () => {
  it("big-endian UTF-16 without a byte order mark, every column named in Cyrillic: refused", async () => {
    const input = file("cyrillic-be.csv");
    const text = "имя,фамилия\r\nИван,Петров\r\nАнна,Иванова\r\n";
    writeFileSync(input, Buffer.from(text, "utf16le").swap16());

    await expect(readPlain(input, "csv")).rejects.toThrow(
      /: the file looks like UTF-16 .*save it as CSV UTF-8/,
    );
  });

  it("a UTF-8 header with a NUL starting one cell of three is read by the usual rules", async () => {
    const uid = faker.string.uuid();
    const email = faker.internet.email();
    const input = file("one-nul.csv", `user_id,\0plan,email\n${uid},pro,${email}\n`);

    expect(await readPlain(input, "csv")).toEqual([
      { line: 2, user_id: uid, "\0plan": "pro", email },
    ]);
  });
});
