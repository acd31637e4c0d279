// A flag given an empty value (`--concurrency ""`, an unset variable in `--concurrency "$N"`): the usage
// error says the value was empty, where it used to end in `not ` as if cut off; one of blanks, that it was
// blank, where it used to ask whether flags were run together.
import { describe, expect, it } from "vitest";
import { cli, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-empty-flag-");

describe("a flag with an empty value", () => {
  const cases: [string, string[], string][] = [
    [
      "a whole number",
      ["--concurrency", ""],
      "--concurrency takes a whole number ≥ 1, not an empty value",
    ],
    ["a duration", ["--request-timeout="], "--request-timeout takes a duration with a unit"],
  ];
  for (const [what, flags, start] of cases) {
    it(`${what}: exit 2, the error says the value is empty`, async () => {
      const users = file("users.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, ...flags, "--api-key", "k"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(start);
      expect(result.stderr).toContain(", not an empty value\n");
    });
  }

  // `--concurrency "$N "` with N unset: blanks alone, no flags run together, as the error used to ask.
  it.each([
    ["--concurrency", " ", "--concurrency takes a whole number ≥ 1"],
    ["--request-timeout", "\t", "--request-timeout takes a duration with a unit"],
  ])("%s of blanks: exit 2, the error says the value is blank", async (flag, value, start) => {
    const users = file("users-blank.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
    const result = await cli(["import", "fullstory", users, flag, value, "--api-key", "k"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(start);
    expect(result.stderr).toContain(", not a blank value\n");
    expect(result.stderr).not.toContain("run together");
  });

  it("demo --users: exit 2, the error says the value is empty", async () => {
    const result = await cli(["demo", "--users", ""]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--users takes a whole number ≥ 1, not an empty value\n");
  });
});
