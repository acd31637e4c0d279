// README "Input formats": "A column without a name is left out while its cells are empty (spreadsheets add
// such columns); a filled cell under one rejects its row (`input.unnamed_column`)". That holds for every
// vendor's CSV, SlashID's (read by its own `slashid:*` layout) included: the rule names what is wrong with the
// file, where `slashid.unknown_field` for a field called "" does not.
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { CREDS, cli, useServedSimulators, useTempDir } from "../cli/helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

const CSV =
  "slashid:emails,slashid:region,,\n" +
  "a@example.com,europe-belgium,,\n" +
  "b@example.com,europe-belgium,stray,\n" +
  "c@example.com,europe-belgium,,\n";

describe("SlashID CSV: a filled cell under a column without a name", () => {
  it("the dry run rejects its row as input.unnamed_column", async () => {
    const result = await cli(["import", "slashid", file("dry.csv", CSV), "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/record 1 .*\[input\.unnamed_column\] line 3/);
    expect(result.stdout).toContain("3 records, 2 valid, 1 rejected");
  });

  it("the import rejects its row as input.unnamed_column, and imports the others", async () => {
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);
    const report = file("report.ndjson");
    const result = await cli([
      "import",
      "slashid",
      file("run.csv", CSV),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--org-id",
      CREDS.orgId,
      "--report",
      report,
    ]);
    expect(result.code).toBe(1);
    const { outcomes } = await readReportFile(report);
    expect(outcomes.map((o) => o.outcome)).toEqual(["imported", "rejected", "imported"]);
    const rejected = outcomes[1];
    expect(rejected?.outcome === "rejected" && rejected.rule).toBe("input.unnamed_column");
  });
});
