// SlashID's counts calling every person of the file failed, none imported, settle that a person its
// failed_csv does not list (or one that cannot be read) failed too: refused, its reason unknown, not in doubt.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { persons, slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

it.each([
  ["lists none of them", ""],
  ["cannot be read", "\u0000not csv\u0000"],
])(
  "4 persons counted all failed, none imported, whose failed_csv %s: each refused",
  async (_, csv) => {
    const input = persons("counted-all-failed", 4);
    slashIdWorld(server, {
      script: () => ({
        after: (answer: Response) =>
          answer.status === 200
            ? json({ result: { successful_imports: 0, failed_imports: 4, failed_csv: csv } })
            : answer,
      }),
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
