// The progress bar on a terminal is redrawn in place, its line left open (no line end) between redraws. An
// import that threw (here: a journal of other input, found at the first chunk, before anything was sent)
// left it so, and the error was printed on the bar's line, after its last redraw.
import { describe, expect, it } from "vitest";
import { createPropellerSimulator } from "../../src/testing/index.js";
import {
  cli,
  ndjson,
  propellerFlags,
  propellerUsers,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-progress-throw-");
const serve = useServedSimulators();

describe("an import that throws, on a terminal", () => {
  it("ends the bar's line before the error, which is printed on a line of its own", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file("other-input.journal");
    const flags = propellerFlags(url, "--journal", journal);
    const input = (name: string, prefix: string) => file(name, ndjson(propellerUsers(3, prefix)));
    expect((await cli(["import", "propeller", input("a.ndjson", "pa"), ...flags])).code).toBe(0);

    const other = await cli(["import", "propeller", input("b.ndjson", "pb"), ...flags], {
      tty: true,
    });

    expect(other.code).toBe(2);
    // The bar was drawn before the run threw: what it left is what this test is about.
    expect(other.stderr).toMatch(/^\r\[[#-]+\] propeller import: /);
    const error = other.stderr.indexOf("bulk-user-import: ");
    expect(error).toBeGreaterThan(0);
    expect(other.stderr.slice(0, error).endsWith("\u001b[K\n")).toBe(true);
    expect(other.stderr.slice(error)).toContain("chunk 0 holds different records");
    expect(other.stderr.endsWith("\n")).toBe(true);
  });
});
