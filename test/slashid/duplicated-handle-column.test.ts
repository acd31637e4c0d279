// A failed_csv that names a handle column twice (under the same name, or in another case): the row's handles
// come from both columns, its cells from the last. The row goes to a person it echoes only if that person holds
// all its handles; here neither does, so it is weighed by the handles it shares: as many with each person, so
// SlashID did not say which it refused, and neither is placed (both import_unconfirmed), least of all the
// last column's person, whose row the cells alone repeat.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it.each([
  ["in another case", "SlashID:Emails"],
  ["under the same name", "slashid:emails"],
])(
  "a row naming slashid:emails twice (%s) is weighed by both columns' handles, not as the last column's",
  async (_, again) => {
    const phone = "+15550100";
    const input = [
      { emails: ["ann@example.com"], phone_numbers: [phone] },
      { emails: ["bob@example.com"], phone_numbers: [phone] },
    ];
    const failedCsv = [
      `slashid:emails,slashid:phone_numbers,${again},reason`,
      `ann@example.com,${phone},bob@example.com,refused`,
    ].join("\n");
    slashIdWorld(server, {
      script: () => ({
        after: (answer: Response) =>
          answer.status === 200
            ? json({
                result: { successful_imports: 1, failed_imports: 1, failed_csv: failedCsv },
              })
            : answer,
      }),
    });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 2);
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "import_unconfirmed",
      "import_unconfirmed",
    ]);
  },
);
