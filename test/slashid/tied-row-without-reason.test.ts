// A failed row SlashID lists without a reason is quoted on every person it may be: where it matches several
// persons equally, its text goes on each of them, whom the report calls unconfirmed. It must not say that
// SlashID did not import "this person", nor speak of a reason SlashID did not give.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdAnswering, slashIdClient } from "./harness.js";

const server = useMswServer();

it("a reasonless failed row matching two persons equally does not tell either that SlashID did not import it", async () => {
  // Ann and Bob share a phone number, the only cell of the failed row: it matches both equally.
  const phone = "+13475043201";
  slashIdAnswering(server, {
    successful_imports: 2,
    failed_imports: 1,
    failed_csv: failedCsv(["slashid:phone_numbers"], [{ "slashid:phone_numbers": phone }]),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [phone] },
      { emails: ["bob@example.com"], phone_numbers: [phone] },
      { emails: ["cid@example.com"] },
    ],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 3);
  for (const o of report.outcomes.slice(0, 2)) {
    expect(o).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      vendorMayHold: true,
      reason: matching(/whether this person was imported, is unknown$/),
    });
    const reason = o.outcome === "failed" ? o.reason : "";
    expect(reason).not.toMatch(/did not import this person/);
    expect(reason).not.toMatch(/with this reason/);
  }
  expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
});

it("a reasonless failed row placed on its person still says SlashID gave no reason", async () => {
  slashIdAnswering(server, {
    successful_imports: 1,
    failed_imports: 1,
    failed_csv: failedCsv(["slashid:emails"], [{ "slashid:emails": "ann@example.com" }]),
  });
  const report = await importUsers(
    slashIdClient(),
    [{ emails: ["ann@example.com"] }, { emails: ["bob@example.com"] }],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "rejected_by_vendor",
    reason: matching(/gave no reason/),
  });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
});
