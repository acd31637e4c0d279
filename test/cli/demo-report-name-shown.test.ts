// The demo names its --report file in its last line. An import shows every name from the command line
// through forTerminal (a journal's, a report's): the demo printed it raw, so a name holding an escape
// sequence or a line break drove the terminal or forged a line that reads as the tool's.
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-demo-name-");

it("demo --report: the report's name is shown with its control characters escaped", async () => {
  const reportFile = file("demo\u001b[2J\nall vendors: fine.json");
  const result = await cli(["demo", "--users", "4", "--report", reportFile]);
  expect(existsSync(reportFile)).toBe(true);
  // One report per vendor of src/vendors.ts, however many there are.
  expect(result.stdout).toContain(`the ${VENDOR_NAMES.length} reports are in `);
  expect(result.stdout).toContain("demo\\x1b[2J\\nall vendors: fine.json");
  expect(result.all).not.toContain("\u001b");
  expect(result.stdout).not.toMatch(/^all vendors: fine/m);
});
