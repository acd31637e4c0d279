// A CSV column whose dotted name leaves a field's name empty or blanks alone (`metadata.`, `metadata..plan`,
// `.uid`, `metadata. `) is the file's mistake, refused before any row is sent (exit 2, naming the column):
// Userpilot's metadata takes any key, so each row's cell under `metadata.` was imported as a property named
// "", unseen. SlashID reads its columns by their own names, in which a dot nests nothing.
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

  // As stderr shows it: the CLI writes a no-break space escaped.
  for (const [header, shown, blanks] of [
    ["metadata. ", '"metadata. "', "U+0020"],
    ["metadata.\u00a0", '"metadata.\\xa0"', "U+00A0"],
    [" .plan", '" .plan"', "U+0020"],
  ] as const) {
    it(`userpilot dry run, ${shown}: a name of blanks alone is refused, exit 2`, async () => {
      const input = file("blank.csv", `user_id,${header}\nu-1,pro\n`);

      const result = await cli(["import", "userpilot", input, "--dry-run"]);

      expect(result.code).toBe(2);
      expect(result.stdout).toContain("dry run: 0 records");
      expect(result.stderr).toContain(
        `the CSV column ${shown} names a field with blanks alone (${blanks};`,
      );
    });
  }

  // Refused as before, but the message spoke of dots it does not have.
  it("a type with no name before it (:json): refused, saying so", async () => {
    const input = file("typed.csv", "user_id,:json\nu-1,{}\n");

    const result = await cli(["import", "userpilot", input, "--dry-run"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `typed.csv: the CSV column ":json" names no field before its :json; write the field's name before it`,
    );
    expect(result.stderr).not.toContain("dot");
  });

  describe("slashid, whose columns are read by their own names: notes. is a column as any other", () => {
    it("empty cells under it: the person is valid, as before the rule", async () => {
      const input = file("slashid.csv", "slashid:emails,notes.\na@example.com,\n");

      const result = await cli(["import", "slashid", input, "--dry-run"]);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
    });

    it("a filled cell under it rejects that person alone, naming the column", async () => {
      const input = file("slashid.csv", "slashid:emails,notes.\na@example.com,x\nb@example.com,\n");

      const result = await cli(["import", "slashid", input, "--dry-run"]);

      expect(result.code).toBe(1);
      expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
      expect(result.all).toContain("[slashid.unknown_field] notes.: unknown field");
      expect(result.all).not.toContain("nested fields");
    });
  });

  it("a column without any name, as spreadsheets add after the last, is still read", async () => {
    const input = file("trailing.csv", "user_id,metadata.plan,\nu-1,pro,\n");

    const result = await cli(["import", "userpilot", input, "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
  });
});
