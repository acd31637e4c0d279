// A record of a .json array that holds a key twice is rejected (input.duplicate_key) wherever the second
// key stands, after an array member too, and a record whose array repeats a string is not: a string in an
// array is a value, not a key.
import { describe, expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-keys-arrays-");

describe("duplicate keys in a JSON array's records, beside arrays", () => {
  it("a key written again after an array member rejects its record, not the next", async () => {
    const input = file("after-array.json", '[{"uid":"a","tags":["x"],"uid":"b"},{"uid":"c"}]');

    expect(await readPlain(input, "json")).toEqual([
      { where: "element 1", rule: "input.duplicate_key", problem: matching(/"uid"/) },
      { uid: "c" },
    ]);
  });

  it("an array repeating a string is read as written", async () => {
    const input = file("tags.json", '[{"uid":"a","tags":["x","x","x"]},{"uid":"b"}]');

    expect(await readPlain(input, "json")).toEqual([
      { uid: "a", tags: ["x", "x", "x"] },
      { uid: "b" },
    ]);
  });

  it("of two keys written twice, the first is named", async () => {
    const input = file("two.json", '[{"uid":"a","name":"n","name":"m","uid":"b"}]');

    expect(await readPlain(input, "json")).toEqual([
      { where: "element 1", rule: "input.duplicate_key", problem: matching(/^the key "name" /) },
    ]);
  });
});
