// SlashID reads a CSV row's cells by their columns' own names: a dot nests nothing and a colon types nothing
// there, so `notes` beside `notes.x`, `email` beside `email:string` or `notes:Number` are columns SlashID
// does not have, each rejecting only a person with a filled cell under it. The header checks for dotted
// and typed field paths refused such a file whole (exit 2), its valid persons with it. A name given twice,
// a file of another separator and a header naming __proto__ are refused for SlashID too.
import { describe, expect, it } from "vitest";
import { createSlashIdSimulator } from "../../src/testing/index.js";
import { CREDS, cli, totalRequests, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-slashid-headers-");
const serve = useServedSimulators();
const ENV = { env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId } };

describe("slashid CSV headers, read as columns' own names", () => {
  for (const [names, filled] of [
    [["notes", "notes.x"], "notes.x"],
    [["notes.x", "notes"], "notes"],
    [["email", "email:string"], "email:string"],
    [["notes:Number"], "notes:Number"],
    [["seats: number"], "seats: number"],
  ] as const) {
    const header = ["slashid:emails", ...names].map((name) => `"${name}"`).join(",");
    const row = (email: string, cell: string) =>
      [email, ...names.map((name) => (name === filled ? cell : ""))].join(",");

    it(`${header}: empty cells leave the person valid, the file is not refused`, async () => {
      const input = file("empty.csv", `${header}\n${row("a@example.com", "")}\n`);

      const result = await cli(["import", "slashid", input, "--dry-run"]);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
    });

    it(`${header}: a filled cell under ${filled} rejects its person alone`, async () => {
      const sim = createSlashIdSimulator();
      const { url } = await serve(sim);
      const rows = [row("a@example.com", "x"), row("b@example.com", "")];
      const input = file("filled.csv", `${header}\n${rows.join("\n")}\n`);

      const result = await cli(["import", "slashid", input, "--base-url", url], ENV);

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^slashid: 2 records: 1 imported, 0 failed, 1 rejected/);
      expect(result.stdout).toContain(
        `rejected [slashid.unknown_field] record 0 (a@example.com): ${filled}: unknown field`,
      );
      expect(sim.persons().map((person) => person.emails)).toEqual([["b@example.com"]]);
    });
  }

  for (const [header, message] of [
    ["slashid:emails,notes,notes", "the CSV header names the column notes twice"],
    [
      "slashid:emails;slashid:region",
      'the CSV header is one column holding ";": the file looks separated by ";"',
    ],
    ["slashid:emails,__proto__", "CSV header __proto__ is refused [input.forbidden_key]"],
  ] as const) {
    it(`${header}: still refused for slashid, exit 2, nothing sent`, async () => {
      const sim = createSlashIdSimulator();
      const { url } = await serve(sim);
      const empty = ",".repeat(header.split(",").length - 1);
      const input = file("refused.csv", `${header}\na@example.com${empty}\n`);

      const result = await cli(["import", "slashid", input, "--base-url", url], ENV);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(totalRequests(sim)).toBe(0);
    });
  }
});
