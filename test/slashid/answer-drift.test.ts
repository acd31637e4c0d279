// SlashID's `failed_csv` drifting from text (the spec's type, which the client's answer check leaves alone as
// the field is optional) to `null` or a list: the answer must still give each person an outcome from the
// counts, which confirm only what they cover, never a crash's text.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { persons, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const answering = (result: object) =>
  slashIdWorld(server, { script: () => ({ after: () => json({ result }) }) });
const run = (n: number) =>
  importUsers(slashIdClient(), persons("failed-csv-drift", n), { sleep: async () => {} });

describe("a SlashID failed_csv that is not text", () => {
  it.each([
    ["null", null],
    ["a list of rows", [{ "slashid:emails": "someone@example.com", reason: "invalid" }]],
  ])(
    "%s, beside a counted failure: no person is called imported or refused",
    async (_name, failedCsv) => {
      answering({ successful_imports: 2, failed_imports: 1, failed_csv: failedCsv });
      const report = await run(3);

      expectEveryRecordOnce(report, 3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "import_unconfirmed",
          reason: matching(/its failed_csv could not be read/),
        });
      }
    },
  );

  it("null, with every person counted imported: the counts confirm them", async () => {
    answering({ successful_imports: 3, failed_imports: 0, failed_csv: null });
    const report = await run(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
  });
});
