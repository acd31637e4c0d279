// A vendor setting given twice (`--api-key A … --api-key B`, a key in a script's defaults and another typed
// after them) ran with the last one, without a word: the import went to whichever account that key is of.
// It is a usage error now, naming the flag and neither value; so is --base-url, --journal or --report twice.
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-setting-twice-");

describe("a vendor setting, or a flag saying where the run sends or writes, given more than once", () => {
  it.each([
    [
      "--api-key",
      "fullstory",
      ["--api-key", "FIRSTkey0123456789", "--api-key", "SECONDkey987654321"],
    ],
    [
      "--api-key",
      "slashid",
      ["--org-id", "org", "--api-key=FIRSTkey0123456789", "--api-key", "SECONDkey98765"],
    ],
    ["--org-id", "slashid", ["--api-key", "SECONDkey98765", "--org-id", "a", "--org-id", "b"]],
    // Where the run sends or writes: the key went to the last host, and a resume started over under the
    // last journal, without a word.
    [
      "--base-url",
      "fullstory",
      ["--base-url", "http://127.0.0.1:9/FIRSTkey", "--base-url=http://127.0.0.1:9/SECONDkey"],
    ],
    ["--journal", "fullstory", ["--journal", "FIRSTkey.journal", "--journal", "SECONDkey.journal"]],
    ["--report", "fullstory", ["--report", "FIRSTkey.ndjson", "--report", "SECONDkey.ndjson"]],
  ])("%s twice for %s: exit 2, naming the flag, quoting no value", async (flag, vendor, flags) => {
    const input = file(`${vendor}.ndjson`, '{"uid":"a"}\n');
    const result = await cli(["import", vendor, input, ...flags, "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${flag} is given more than once: give it once`);
    expect(result.all).not.toMatch(/FIRSTkey|SECONDkey/);
  });

  it("a setting given once still runs", async () => {
    const input = file("once.ndjson", '{"uid":"a"}\n');
    const result = await cli([
      "import",
      "fullstory",
      input,
      "--api-key",
      "ONLYkey0123456789",
      "--dry-run",
    ]);
    expect(result.code).toBe(0);
  });
});
