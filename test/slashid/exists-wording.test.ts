// How SlashID words a refusal of a person it already has is UNCONFIRMED ("already exists", "duplicate",
// "conflict", in any case). A replayed file's rows refused so are persons the lost upload may have written:
// imported, with a warning, whatever the wording, not failed as if the replay's refusal were the only word.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, persons, rewriteFailedCsv, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it.each(["Duplicate person", "email CONFLICT", "Person Already Exists"])(
  "a replayed file whose failed_csv reads %s: every person imported, with SlashID's doubt as a warning",
  async (wording) => {
    const input = persons(`exists-wording-${wording}`, 3);
    let uploads = 0;
    slashIdWorld(server, {
      // SlashID writes the file, its answer is lost; the replay's rows are refused in this wording.
      script: () =>
        ++uploads === 1
          ? { after: () => gatewayPage(502) }
          : rewriteFailedCsv((rows, header) =>
              failedCsv(
                header,
                rows.map((row) => ({ ...row, reason: wording })),
              ),
            ),
    });
    const report = await importUsers(slashIdClient(), input, {
      sleep: async () => {},
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 3);
    expect(report.chunks.replayed).toBe(1);
    for (const o of report.outcomes)
      expect(o).toMatchObject({
        outcome: "imported",
        // SlashID's words, and our reading of them as presumed: "conflict" need not mean the person exists.
        warning: matching(
          new RegExp(
            `^SlashID refused this person's row \\(${wording}\\), presumably as it already exists: `,
          ),
        ),
      });
  },
);
