// A number in JSON text of a CSV cell that JSON.parse would change (an id beyond 2^53, 1e-400) rejects its
// row, in SlashID's slashid:attributes cell as in a `:json` cell: the vendor must not store another number.
import { describe, expect, it } from "vitest";
import { personFromCsvRow } from "../../src/slashid/records.js";
import { createSlashIdSimulator } from "../../src/testing/index.js";
import { CREDS, cli, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-csv-numbers-");
const serve = useServedSimulators();

const attributes = (value: string) => `{"end_user_read_only":{"account":${value}}}`;

describe("slashid:attributes numbers that JSON.parse would change", () => {
  for (const value of [
    "12345678901234567890",
    "-9007199254740993",
    "1e-400",
    "1.00000000000000001",
  ])
    it(`${value}: personFromCsvRow throws naming the column, not the number`, () => {
      expect(() =>
        personFromCsvRow({
          "slashid:emails": "a@example.com",
          "slashid:attributes": attributes(value),
        }),
      ).toThrow(
        new SyntaxError(
          "slashid:attributes: a number in it would not keep its value; write it as a string",
        ),
      );
    });

  it("numbers that keep their value, and digits inside strings, are read", () => {
    const person = personFromCsvRow({
      "slashid:emails": "a@example.com",
      "slashid:attributes":
        '{"end_user_read_only":{"n":9007199254740991,"r":0.1,"id":"12345678901234567890"}}',
    });
    expect(person.attributes).toEqual({
      end_user_read_only: { n: 9007199254740991, r: 0.1, id: "12345678901234567890" },
    });
  });

  it("through the CLI: the row is rejected naming its line; the others import unchanged", async () => {
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);
    const csv = [
      "slashid:emails,slashid:attributes",
      `a@example.com,"${attributes("12345678901234567890").replaceAll('"', '""')}"`,
      `b@example.com,"${attributes('"12345678901234567890"').replaceAll('"', '""')}"`,
    ].join("\r\n");

    const result = await cli(["import", "slashid", file("persons.csv", csv), "--base-url", url], {
      env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId },
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^slashid: 2 records: 1 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toContain(
      "rejected [input.parse] record 0 (#0): line 2: slashid:attributes: a number in it would not keep its value",
    );
    expect(sim.persons().map((p) => [p.key, p.attributes])).toEqual([
      ["b@example.com", { end_user_read_only: { account: "12345678901234567890" } }],
    ]);
  });
});
