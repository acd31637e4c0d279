// The demo names its --report file too (in its last line, and where a summary leaves outcomes out): a name
// holding a secret the CLI was given (the rest of a line run together, `--report "demo.json $KEY"`) must be
// shown with it redacted, as an import shows its file names.
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-demo-secret-");
const KEY = "sk_live_4f9c2a7e1b";

it("demo --report: a secret given by environment variable is not printed with the report's name", async () => {
  const reportFile = file(`demo ${KEY}.json`);
  const result = await cli(["demo", "--users", "4", "--report", reportFile], {
    env: { FULLSTORY_API_KEY: KEY },
  });
  expect(existsSync(reportFile)).toBe(true);
  // One report per vendor of src/vendors.ts, however many there are.
  expect(result.stdout).toContain(`the ${VENDOR_NAMES.length} reports are in `);
  expect(result.stdout).toContain("demo [REDACTED].json");
  expect(result.all).not.toContain(KEY);
});
