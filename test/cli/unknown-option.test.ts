// An unknown option is a usage error (exit 2) that names it in the CLI's words and, for a flag mistyped (a
// separator left out, a letter off), the flag meant: Node's own text asked for `--` before a positional
// argument, which a typo never is.
import { describe, expect, it } from "vitest";
import { cli, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-unknown-option-");

describe("import with an unknown option", () => {
  const users = () => file("users.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
  const cases: [string, string][] = [
    ["--chunksize", "--chunk-size"],
    ["--Chunk_Size", "--chunk-size"],
    ["--journl", "--journal"],
  ];
  for (const [typed, meant] of cases)
    it(`${typed}: exit 2, "did you mean ${meant}?"`, async () => {
      const result = await cli(["import", "fullstory", users(), typed, "2"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option ${typed} (did you mean ${meant}?)`);
      expect(result.stderr).not.toContain("positional argument");
    });

  it("a value given with = is not repeated, only the option's name", async () => {
    const result = await cli(["import", "fullstory", users(), "--apikey=na1.not-repeated"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --apikey (did you mean --api-key?)");
    expect(result.all).not.toContain("not-repeated");
  });

  it("the guess is one of the command's own flags, as another's would be refused next", async () => {
    const simulate = await cli(["simulate", "fullstory", "--retry-after-ms", "2"]);
    expect(simulate.code).toBe(2);
    expect(simulate.stderr).toContain(
      "unknown option --retry-after-ms (did you mean --retry-after?)",
    );
    // --retry-after is simulate's: an import is given no guess rather than a flag it refuses.
    const imported = await cli(["import", "fullstory", users(), "--retry-after-ms", "2"]);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/unknown option --retry-after-ms\n/);
  });

  it("an option like none of the CLI's is named alone, with no guess", async () => {
    const result = await cli(["import", "fullstory", users(), "--colour"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --colour\n/);
  });
});
