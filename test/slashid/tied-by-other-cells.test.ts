// A failed row whose other cells SlashID altered is weighed on the persons holding its handle cells by how
// many other cells each shares with it: when persons whose handles differ share as many, SlashID did not say
// which of them it refused, and none of them is reported refused (nor another imported in its place).
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdAnswering, slashIdClient } from "./harness.js";

const server = useMswServer();

it("a row whose phone and region two persons share alike, its groups altered, refuses neither of them", async () => {
  const phone = "+13475043201";
  slashIdAnswering(server, {
    successful_imports: 2,
    failed_imports: 1,
    failed_csv: failedCsv(
      ["slashid:phone_numbers", "slashid:region", "slashid:groups", "reason"],
      [
        {
          "slashid:phone_numbers": phone,
          "slashid:region": "us-iowa",
          "slashid:groups": "altered",
          reason: "invalid groups",
        },
      ],
    ),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [phone], region: "us-iowa", groups: ["a"] },
      { emails: ["bob@example.com"], phone_numbers: [phone], region: "us-iowa", groups: ["b"] },
      {
        emails: ["cid@example.com"],
        phone_numbers: [phone],
        region: "europe-belgium",
        groups: ["c"],
      },
    ],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 3);
  for (const o of report.outcomes.slice(0, 2))
    expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
  expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
});
