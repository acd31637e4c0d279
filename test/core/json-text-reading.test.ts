// How JSON text read from an input or a vendor's answer is judged before it is used: how deep its arrays and
// objects nest (an answer nested deeper than a recursive walk may go is refused), and which number in it no
// longer reads as the integer written (an id rounded by a double is refused, naming the number as written).
import { describe, expect, it } from "vitest";
import { changedInteger, denotes, nestsDeeperThan } from "../../src/core/json-text.js";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("nestsDeeperThan", () => {
  it("takes text nested exactly as deep as the limit, and refuses one level more", () => {
    expect(nestsDeeperThan(nested(256), 256)).toBe(false);
    expect(nestsDeeperThan(nested(257), 256)).toBe(true);
  });

  it("counts the depth of each value, not the brackets of its siblings", () => {
    expect(nestsDeeperThan(`[${Array(300).fill('{"a":[]}').join(",")}]`, 256)).toBe(false);
  });

  it("counts no bracket inside a string, after an escaped quote too", () => {
    const text = JSON.stringify({ note: `"${"[".repeat(300)}` });
    expect(nestsDeeperThan(text, 256)).toBe(false);
  });

  it("ends a string at a quote after backslashes that escape each other, and counts what follows", () => {
    // The key's text ends in a backslash (written `\\`), so the quote after it closes the string.
    const deep = (key: string) => `{${JSON.stringify(key)}:${nested(300)}}`;
    expect(nestsDeeperThan(deep("a\\"), 256)).toBe(true);
    expect(nestsDeeperThan(deep('\\"'), 256)).toBe(true);
    // A quote escaped after a backslash that is itself escaped (`\\\"`) does not end it.
    expect(nestsDeeperThan(JSON.stringify([`\\"${"[".repeat(300)}`]), 256)).toBe(false);
  });
});

describe("changedInteger", () => {
  it("names a negative number rounded by a double with its sign, as written", () => {
    expect(changedInteger('{"id":-12345678901234567890}')).toBe("-12345678901234567890");
  });
});

describe("denotes", () => {
  it("reads leading zeros as no digits: 0.00000000000000001e17 is 1", () => {
    expect(denotes("0.00000000000000001e17", 1)).toBe(true);
    expect(denotes("0.00000000000000001e17", 10)).toBe(false);
  });
});
