// The share of an .ndjson file read (progress's estimate of its records) ends at the whole file when its last
// line has no line end too: a file of one record so written, or one whose last line outgrows a read chunk,
// counted none of those bytes, its progress ending short of the file it had read through.
import { statSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-ndjson-read-share-");

describe("the share read of an .ndjson file whose last line has no line end", () => {
  const user = () => ({ uid: faker.string.uuid(), display_name: faker.person.fullName() });
  for (const [name, text] of [
    ["one record, no line end at all", JSON.stringify(user())],
    [
      "a last line longer than a read chunk",
      `${JSON.stringify(user())}\n${JSON.stringify({ ...user(), bio: "x".repeat(200_000) })}`,
    ],
  ] as const) {
    it(`${name}: ends at the whole file, every record read`, async () => {
      const path = file(`share-${name.length}.ndjson`, text);
      const read = { bytes: 0 };
      let records = 0;
      for await (const _ of readRecords(path, "ndjson", read)) records += 1;
      expect(records).toBe(text.split("\n").length);
      expect(read.bytes).toBe(statSync(path).size);
    });
  }
});
