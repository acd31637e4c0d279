// A re-run uploads again a file whose answer was lost: a person SlashID's failed rows refuse, though they
// match it and another person equally, may still be held through the lost upload, and the report says so.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, runDyingAfterFirstUpload, slashIdClient } from "./harness.js";

const server = useMswServer();

it("persons refused by tied rows of a re-run's upload are refused, and SlashID may hold them", async () => {
  // Ann and Bob share a phone number, the only cell of the two failed rows: each matches both equally.
  const phone = "+13475043201";
  const input = [
    { emails: ["ann@example.com"], phone_numbers: [phone] },
    { emails: ["bob@example.com"], phone_numbers: [phone] },
    { emails: ["cid@example.com"] },
  ];
  const { world, journal } = await runDyingAfterFirstUpload(server, input);
  world.script = () => ({
    after: () =>
      json({
        result: {
          successful_imports: 1,
          failed_imports: 2,
          failed_csv: failedCsv(
            ["slashid:phone_numbers", "reason"],
            [1, 2].map(() => ({ "slashid:phone_numbers": phone, reason: "invalid phone" })),
          ),
        },
      }),
  });

  const report = await importUsers(slashIdClient(), input, { sleep: async () => {}, journal });

  expectEveryRecordOnce(report, 3);
  for (const o of report.outcomes.slice(0, 2))
    expect(o).toMatchObject({ outcome: "failed", code: "rejected_by_vendor", vendorMayHold: true });
  expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
});
