// A CSV column whose dotted name leaves a field's name empty (`metadata.`, `metadata..plan`, `.uid`) is the
// file's mistake, refused before any row is sent (exit 2, naming the column): Userpilot's metadata takes any
// key, so each row's cell under `metadata.` was imported as a property named "", unseen.
import { describe, expect, it } from "vitest";
import { createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  steppingClock,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-csv-empty-field-");
const serve = useServedSimulators();

describe("a CSV column that leaves a field's name empty", () => {
  it("userpilot, metadata.: refused before anything is sent, naming the column", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const input = file("users.csv", "user_id,metadata.\nu-1,pro\nu-2,free\n");

    const result = await cli(["import", "userpilot", input, "--base-url", url, ...FAST_POLL], {
      env: { USERPILOT_API_KEY: CREDS.apiKey },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `users.csv: the CSV column "metadata." leaves a field's name empty`,
    );
    expect(totalRequests(sim)).toBe(0);
    expect(sim.users()).toEqual([]);
  });

  for (const [vendor, header] of [
    ["userpilot", "metadata..plan"],
    ["userpilot", ".metadata"],
    ["fullstory", "properties.plan.:number"],
    ["propeller", "company."],
  ] as const) {
    it(`${vendor} dry run, ${header}: refused, exit 2`, async () => {
      const input = file(`${vendor}.csv`, `id,${header}\nu-1,1\n`);

      const result = await cli(["import", vendor, input, "--dry-run"]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `the CSV column ${JSON.stringify(header)} leaves a field's name empty`,
      );
    });
  }

  it("a column without any name, as spreadsheets add after the last, is still read", async () => {
    const input = file("trailing.csv", "user_id,metadata.plan,\nu-1,pro,\n");

    const result = await cli(["import", "userpilot", input, "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
  });
});
