// What a JSON syntax error says is the same on every Node the package runs on: Node 22 and later add
// `(line 1 column 8)` after the position, a line of the text parsed, which a message naming the file's line
// (`line 3: …`) would contradict.
import { describe, expect, it } from "vitest";
import { jsonSyntaxProblem } from "../../src/core/json-text.js";

/** What is said of `text`, which JSON.parse refuses. */
function problemOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonSyntaxProblem(error);
  }
  throw new Error(`JSON.parse took ${text}`);
}

describe("what a JSON syntax error says", () => {
  it.each([
    ['{"a":1 "b":2}', "Expected ',' or '}' after property value in JSON at position 7"],
    ['{"a":1}x', "Unexpected non-whitespace character after JSON at position 7"],
    ['{"a":"b', "Unterminated string in JSON at position 7"],
    ['{"a":1,\n"b":2}\nx', "Unexpected non-whitespace character after JSON at position 15"],
    ['{"a":1,\n"b":"c\u0001"}', "Bad control character in string literal in JSON at position 14"],
  ])("%j: its position in the text, no line and column in it", (text, said) => {
    expect(problemOf(text)).toBe(said);
  });

  it("leaves out the line and column as Node 22 and later word them", () => {
    const v8 = new SyntaxError("Unexpected number in JSON at position 6 (line 2 column 3)");
    expect(jsonSyntaxProblem(v8)).toBe("Unexpected number in JSON at position 6");
  });
});
