// Failed rows that echo no person of the file go to the person sharing the most handles with them. Once a row
// takes that person, a later row with the same handles is weighed on the persons left: it does not take the
// same person again (which would leave a refused person reported imported).
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdAnswering, slashIdClient } from "./harness.js";

const server = useMswServer();

it("a second altered row with the handles of a person already placed ties the persons left, not that one", async () => {
  const phone = "+13475043201";
  const username = "household";
  // Each row's email SlashID altered past recognition: they share the phone and username with Ann only, and
  // one of them with Cid and Dee each.
  const row = (email: string) => ({
    "slashid:emails": email,
    "slashid:phone_numbers": phone,
    "slashid:usernames": username,
    reason: "invalid person",
  });
  slashIdAnswering(server, {
    successful_imports: 2,
    failed_imports: 2,
    failed_csv: failedCsv(
      ["slashid:emails", "slashid:phone_numbers", "slashid:usernames", "reason"],
      [row("ann@example.invalid"), row("ann2@example.invalid")],
    ),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [phone], usernames: [username] },
      { emails: ["bob@example.com"] },
      { emails: ["cid@example.com"], phone_numbers: [phone] },
      { emails: ["dee@example.com"], usernames: [username] },
    ],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 4);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
  for (const o of report.outcomes.slice(2))
    expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
});
