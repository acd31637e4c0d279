// A record of a .json array with a number that would read as another integer (an id past 2^53) is rejected
// (input.type) when other numbers follow it in the record: a later number that keeps its value does not
// clear the first.
import { describe, expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-changed-number-");

describe("a changed number followed by others in its record", () => {
  it("rejects that record, naming it; the next is read", async () => {
    const input = file(
      "ids.json",
      '[{"uid":"a","id":9007199254740993,"logins":1,"score":2.5},{"uid":"b","logins":3}]',
    );

    expect(await readPlain(input, "json")).toEqual([
      { where: "element 1", rule: "input.type", problem: matching(/would not keep its value/) },
      { uid: "b", logins: 3 },
    ]);
  });
});
