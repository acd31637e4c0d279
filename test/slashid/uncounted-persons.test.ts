// SlashID's counts may add up to fewer persons than the file held (what it does with a person it already has,
// skip it perhaps, is UNCONFIRMED). The persons its failed_csv does not list are then in doubt, and their
// reason says why: not that failed_csv placed "only" as many failures as SlashID counted.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdAnswering, slashIdClient } from "./harness.js";

const server = useMswServer();

it("a file of 3 answered 1 imported and 1 failed, its one failure listed: the others' counts fall short", async () => {
  slashIdAnswering(server, {
    successful_imports: 1,
    failed_imports: 1,
    failed_csv: failedCsv(
      ["slashid:emails", "reason"],
      [{ "slashid:emails": "ann@example.com", reason: "email refused" }],
    ),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"] },
      { emails: ["bob@example.com"] },
      { emails: ["cid@example.com"] },
    ],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 3);
  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "rejected_by_vendor",
    reason: "email refused",
  });
  for (const o of report.outcomes.slice(1)) {
    expect(o).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      vendorMayHold: true,
      reason: matching(
        /^SlashID imported 1 and failed 1 of 3 persons in this file, but that leaves 1 of them counted neither imported nor failed, so whether this person was imported is unknown$/,
      ),
    });
  }
});
