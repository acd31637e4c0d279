// A file cut in the middle of a character was cut inside a JSON string, the one place JSON takes a character
// past ASCII. An .ndjson last line, without its line end, that ends in a character's first bytes between
// tokens (`{"seats":` then 0xC3) is no record cut off: its JSON broke before the cut, so it is a rejected
// record (not UTF-8) naming its line, the reading going on to its end, not a broken input that ends it.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-ndjson-char-between-tokens-");

describe("an .ndjson last line without its line end, ending in a character's first byte", () => {
  for (const [name, before] of [
    ["after a key's colon", '{"uid":"u2","seats":'],
    ["after an array's comma", '{"uid":"u2","tags":["a",'],
    ["after an object's brace", "{"],
  ] as const) {
    it(`${name}: that line is rejected as not UTF-8, not taken for a cut`, async () => {
      const input = file(`between-${name.length}.ndjson`);
      writeFileSync(
        input,
        Buffer.concat([Buffer.from(`{"uid":"u1"}\n${before}`), Buffer.from([0xc3])]),
      );

      const read: unknown[] = [];
      for await (const record of readRecords(input, "ndjson")) read.push(record);

      expect(read).toEqual([
        { uid: "u1" },
        expect.objectContaining({ where: "line 2", rule: "input.encoding" }),
      ]);
    });
  }
});
