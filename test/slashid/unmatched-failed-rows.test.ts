// SlashID's 200 whose counts call every person imported while its failed_csv lists a row that matches no person
// of the file (a person never sent, or one of ours echoed past recognition). SlashID said both: the report keeps
// the counts' word, and says on each person it calls imported that the listed failure may be theirs.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();
const input = [{ emails: ["ann@example.com"] }, { emails: ["bob@example.com"] }];

/** SlashID's answer: `successful` and `failed` counted, `listed` emails in failed_csv. */
const answer = (successful: number, failed: number, listed: readonly string[]) => ({
  after: () =>
    json({
      result: {
        successful_imports: successful,
        failed_imports: failed,
        failed_csv: failedCsv(
          ["slashid:emails", "reason"],
          listed.map((email) => ({ "slashid:emails": email, reason: "invalid person" })),
        ),
      },
    }),
});
const doubt = matching(
  /failed_csv lists 1 failed row\(s\) that match no person of this file.*may not have been imported/,
);

it("2 of 2 counted imported, yet a failed row for a person never sent: imported, each with a warning", async () => {
  slashIdWorld(server, { script: () => answer(2, 0, ["carol@example.com"]) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 2);
  for (const o of report.outcomes) expect(o).toMatchObject({ outcome: "imported", warning: doubt });
});

it("a listed failure of ours beside one for a person never sent: the other person imported with a warning", async () => {
  slashIdWorld(server, { script: () => answer(1, 1, ["ann@example.com", "carol@example.com"]) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported", warning: doubt });
});

it("failed rows that all match persons of the file add no warning", async () => {
  slashIdWorld(server, { script: () => answer(1, 1, ["ann@example.com"]) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[1]).not.toHaveProperty("warning");
});

it("a failed row that repeats a person listed before adds no warning", async () => {
  slashIdWorld(server, {
    script: () => answer(1, 1, ["ann@example.com", "ann@example.com"]),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[1]).not.toHaveProperty("warning");
});
