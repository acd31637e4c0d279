// A re-run with the journal replays two chunks of one user that an earlier run sent without an answer: the
// earlier record's request never reached Userpilot, so it is sent now. Whether Userpilot then keeps the earlier
// record's values depends on whether the later record's chunk is written again: when the job list holds the
// earlier run's job for it, that job is followed and nothing is written, and Userpilot keeps the earlier
// values (the later record warns); when the list has none, the chunk is sent again after the earlier one,
// and Userpilot keeps the later values (no warning).
import { describe, expect, it } from "vitest";
import { type ScriptAction } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

const OVERTAKEN = /sent again in this run, after this one reached the vendor in an earlier run/;

describe("a re-run replaying a repeat of a user whose earlier record is sent again", () => {
  it.each<[string, ScriptAction, string, boolean]>([
    ["was processed: its job is followed", { after: () => gatewayPage(504) }, "Old", true],
    [
      "never reached Userpilot: it is sent again",
      { answer: () => gatewayPage(502) },
      "Newer",
      false,
    ],
  ])("when the later record's lost request %s", async (_, lost, held, warns) => {
    // Run 1: a gateway answers Old's request (Userpilot never sees it); Newer's is `lost`.
    const up = vendor(
      {},
      { bulkIdentifyUsers: { 1: { answer: () => gatewayPage(502) }, 2: lost } },
    );
    const [user] = users(1);
    // Of different sizes, so that the job list's file_size tells the two requests' jobs apart.
    const input = [
      { ...user!, user_id: "u-1", metadata: { name: "Old" } },
      { ...user!, user_id: "u-1", metadata: { name: "Newer" } },
    ];
    const options = { chunkRecords: 1, chunkAttempts: 1, journal: journalFile("userpilot") };
    const first = await run(input, options);
    expect(first).toMatchObject({ imported: 0, failed: 2 });

    const second = await run(input, options);
    expect(second).toMatchObject({ imported: 2 });
    expect(up.sim.users().map((u) => u.metadata?.["name"])).toEqual([held]);
    const later = second.outcomes.find((o) => o.index === 1);
    if (warns) expect(later).toMatchObject({ warning: matching(OVERTAKEN) });
    else expect(later).not.toMatchObject({ warning: matching(OVERTAKEN) });
  });
});
