// A record the input cannot give (a line that is not JSON, a cell not of its column's type, a CSV row broken
// at a quote) is rejected with a message the report keeps: it names the line and the column, never the text,
// which may be personal data (README: a report holds no personal data the input did not put in a key).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  steppingClock,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-input-quotes-");
const serve = useServedSimulators();
const SECRET_ISH = "alice.private@example.com";

describe("input errors quote nothing of the input", () => {
  for (const [name, text, expected] of [
    [
      "line.ndjson",
      `{"user_id":"u1"}\n{"user_id": ${SECRET_ISH}}\n`,
      /line 2: Unexpected token 'a': not valid JSON/,
    ],
    [
      "cell.csv",
      `user_id,metadata.seats:number,metadata.flag:boolean,metadata.tags:json\nu1,1,true,[]\nu2,${SECRET_ISH},true,[]\nu3,1,${SECRET_ISH},[]\nu4,1,true,{${SECRET_ISH}\n`,
      /line 3: column metadata\.seats:number: not a number/,
    ],
    [
      "quote.csv",
      `user_id,company_id\nu1,c\n${SECRET_ISH}"x,c\n`,
      /Invalid Opening Quote: a quote is found on field "user_id" at line 3$/m,
    ],
  ] as const)
    it(`${name}: the report and the output name the place, not the text`, async () => {
      const sim = createUserpilotSimulator(steppingClock());
      const { url } = await serve(sim);
      const report = file(`${name}.report`);

      const result = await cli(
        [
          "import",
          "userpilot",
          file(name, text),
          "--base-url",
          url,
          "--report",
          report,
          ...FAST_POLL,
        ],
        { env: { USERPILOT_API_KEY: CREDS.apiKey } },
      );

      expect(`${result.stdout}${result.stderr}`).toMatch(expected);
      for (const shown of [result.stdout, result.stderr, readFileSync(report, "utf8")])
        expect(shown).not.toContain("alice");
    });
});
