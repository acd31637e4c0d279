// SlashID's counts calling every person of the file failed, none imported, settle that a person its
// failed_csv does not list (or one that cannot be read) failed too: refused, its reason unknown, not in doubt.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  persons,
  runDyingAfterFirstUpload,
  slashIdClient,
  slashIdWorld,
} from "../slashid/harness.js";

const server = useMswServer();

/** SlashID's 200 given these counts and failed_csv in place of its own; any other answer as it was. */
const counted = (failed: number, csv: string) => ({
  after: (answer: Response) =>
    answer.status === 200
      ? json({ result: { successful_imports: 0, failed_imports: failed, failed_csv: csv } })
      : answer,
});

it.each([
  ["lists none of them", ""],
  ["cannot be read", "\u0000not csv\u0000"],
])(
  "4 persons counted all failed, none imported, whose failed_csv %s: each refused",
  async (_, csv) => {
    const input = persons("counted-all-failed", 4);
    slashIdWorld(server, {
      script: () => counted(4, csv),
    });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

    expectEveryRecordOnce(report, 4);
    for (const o of report.outcomes)
      expect(o).toMatchObject({
        outcome: "failed",
        code: "rejected_by_vendor",
        reason: matching(/^SlashID counted all 4 persons in this file failed, none imported, but /),
      });
  },
);

it("4 persons counted 5 failed, none imported: more than the file held settles no one refused", async () => {
  const input = persons("counted-more-failed", 4);
  slashIdWorld(server, {
    script: () => counted(5, ""),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 4);
  for (const o of report.outcomes)
    expect(o).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      reason: matching(/that is more persons than the file held, so its counts confirm no import/),
    });
});

it("a re-run's upload counted all failed, after one whose answer was lost: each refused, and SlashID may hold it", async () => {
  // The run dies once SlashID has processed the file; the re-run uploads it again, and its count calls every
  // person failed: the lost upload may have imported any of them (they exist now).
  const input = persons("counted-all-failed-rerun", 4);
  const { world, journal } = await runDyingAfterFirstUpload(server, input);
  world.script = () => counted(4, "");

  const report = await importUsers(slashIdClient(), input, { sleep: async () => {}, journal });

  expectEveryRecordOnce(report, 4);
  for (const o of report.outcomes)
    expect(o).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: matching(
        /^SlashID counted all 4 persons in this file failed, .* may hold this record$/,
      ),
    });
});
