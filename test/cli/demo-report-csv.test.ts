// `--report out.csv` writes CSV for an import. The demo's report is every vendor's as one JSON document:
// given a .csv name, it ran and wrote that JSON into the .csv file, which a spreadsheet or CSV reader cannot
// take. It is refused instead, as a usage error, before the demo runs and without making the file.
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-demo-csv-");

it("demo --report with a .csv name is refused (exit 2): nothing runs, no file is made", async () => {
  for (const name of ["demo.csv", "DEMO.CSV"]) {
    const report = file(name);

    const result = await cli(["demo", "--users", "4", "--report", report]);

    expect(result.code).toBe(2);
    // However many vendors src/vendors.ts lists: the message counts none.
    expect(result.stderr).toContain(
      "the demo writes its report as JSON (every vendor's import's report in one document), not CSV",
    );
    expect(result.stdout).toBe("");
    expect(existsSync(report)).toBe(false);
  }
});
