// A type after a header's colon written in another case or with blanks (`seats:Number`, `seats:number `, a
// cell after `, `) is not a type: Userpilot's open metadata took it as part of a key's name, so the
// column's values reached the vendor as text under a key the user never meant. It is a usage error naming
// the column; `:string` after it keeps such a name on purpose.
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

const file = useTempDir("bui-csv-typo-");
const serve = useServedSimulators();
const ENV = { env: { USERPILOT_API_KEY: CREDS.apiKey } };

describe("a CSV header whose type is misspelt", () => {
  for (const [header, type] of [
    ["metadata.seats:Number", "number"],
    ["metadata.seats:number ", "number"],
    ["metadata.seats: number", "number"],
    ["metadata.trial:TRUE:Boolean", "boolean"],
    ["metadata.tags:JSON", "json"],
  ] as const) {
    it(`${JSON.stringify(header)}: exit 2 naming the column and the type; nothing is sent`, async () => {
      const sim = createUserpilotSimulator(steppingClock());
      const { url } = await serve(sim);
      const input = file("typo.csv", `user_id,"${header}"\nu-1,5\n`);

      const dry = await cli(["import", "userpilot", input, "--dry-run"]);
      const result = await cli(
        ["import", "userpilot", input, "--base-url", url, ...FAST_POLL],
        ENV,
      );

      for (const run of [dry, result]) {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(
          `${input}: the CSV column ${JSON.stringify(header)} ends in a type written otherwise than :${type}`,
        );
      }
      expect(totalRequests(sim)).toBe(0);
    });
  }

  it("a name that only looks like a type stays a name, after :string or when it is no type", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const csv = "user_id,metadata.ratio:Number:string,metadata.a:b,metadata.n:integer\nu-1,5,x,7\n";

    const result = await cli(
      ["import", "userpilot", file("names.csv", csv), "--base-url", url, ...FAST_POLL],
      ENV,
    );

    expect(result.code).toBe(0);
    expect(sim.users()).toMatchObject([
      { user_id: "u-1", metadata: { "ratio:Number": "5", "a:b": "x", "n:integer": "7" } },
    ]);
  });
});
