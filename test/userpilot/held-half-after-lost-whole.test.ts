// A re-run of a chunk whose whole send got no answer in the run before: the whole chunk goes again, a 413
// splits it, and the second half waits for the first (it repeats one of its users). That lost send of the
// whole chunk may have made a job of every user in it, the held half's too, so the held half may be held.
import { expect, it } from "vitest";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { alike, bodyBytes, run, userpilot } from "./harness.js";

const msw = useMswServer();

it("a half held back on a re-run after a lost send of its whole chunk says Userpilot may hold it", async () => {
  const records = alike("u", 4, "one");
  records[0] = { user_id: "twice", metadata: { plan: "first" } };
  records[3] = { user_id: "twice", metadata: { plan: "later" } };
  const journal = journalFile("userpilot-held-after-lost-whole");
  const up = userpilot(
    msw,
    { maxBytes: bodyBytes(records.slice(0, 2)), pollsPerStep: Infinity },
    { bulkIdentifyUsers: { 1: "drop" } },
  );
  const options = { chunkRecords: 4, replayDelayMs: 0, journal } as const;
  const first = await run(records, { ...options, chunkAttempts: 1 });
  expect(first.outcomes.every((o) => o.outcome === "failed" && o.vendorMayHold)).toBe(true);

  up.script();
  const second = await run(records, { ...options, jobTimeoutMs: 100 });

  const held = second.outcomes.filter((o) => o.outcome === "failed" && o.code === "held_back");
  expect(held.map((o) => o.index)).toEqual([2, 3]);
  for (const outcome of held)
    expect(outcome).toMatchObject({
      vendorMayHold: true,
      reason: matching(
        /^not sent: it waits for the other half.*a try of this request got no answer/,
      ),
    });
});
