// A UTF-8 byte order mark is dropped from an .ndjson file's start only. The same bytes further on are U+FEFF
// in a record's text (a name pasted from a document that held one): dropped there too, at the start of a read
// chunk, the record would be imported with another value than the file holds.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-ndjson-bom-mid-file-");

/** The bytes createReadStream hands out at once. */
const CHUNK = 64 * 1024;
const BOM = "\uFEFF";

describe("U+FEFF in an .ndjson record", () => {
  it("is kept when its bytes start a read chunk, the file's own byte order mark dropped", async () => {
    const first = { uid: faker.string.uuid(), display_name: "" };
    const second = { uid: faker.string.uuid(), display_name: `${BOM}${faker.person.lastName()}` };
    const between = `\n{"uid":"${second.uid}","display_name":"`;
    // Its 3 bytes, the first line and the second's start fill the first chunk: U+FEFF starts the next.
    first.display_name = "x".repeat(CHUNK - 3 - JSON.stringify(first).length - between.length);
    const text = `${BOM}${JSON.stringify(first)}${between}${second.display_name}"}\n`;
    expect(Buffer.from(text).indexOf(Buffer.from(BOM), 3)).toBe(CHUNK);
    expect(text).toBe(`${BOM}${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);

    expect(await readPlain(file("bom-at-chunk.ndjson", text), "ndjson")).toEqual([first, second]);
  });
});
