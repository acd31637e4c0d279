// A CSV header naming __proto__ is refused before anything is read also when blank lines come before it (as
// the reader skips them): the early look at the header stopped at the file's first line, found no header
// there, and the import began, to be stopped by its reader as an input that breaks off.
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-blank-lines-header-");

describe("a forbidden CSV header after blank lines", () => {
  it("is refused before anything is read, as without them: exit 2, naming the header", async () => {
    const csv = "\n\nuser_id,__proto__.x\nu-1,polluted\n";

    const result = await cli(["import", "userpilot", file("blank-first.csv", csv), "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("CSV header __proto__.x is refused [input.forbidden_key]");
    expect(result.stdout).toBe("");
  });
});
