// One user twice in a chunk that a 413 splits, once in each half: when the first half's request gets no
// settling answer, the second half is not sent before the first goes again. Sent at once, it would reach
// Userpilot first, and the first half's replay would then put the earlier record's values back over it.
import { expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { alike, bodyBytes, run, userpilot } from "./harness.js";

const msw = useMswServer();

/** Four users, the first and the last the same user with another plan; both halves have the same bytes. */
function twiceInBothHalves() {
  const records = alike("u", 4, "one");
  records[0] = { user_id: "twice", metadata: { plan: "first" } };
  records[3] = { user_id: "twice", metadata: { plan: "later" } };
  return records;
}

it("a user in both halves keeps its last record's values when the first half's send is dropped", async () => {
  const records = twiceInBothHalves();
  const up = userpilot(
    msw,
    { maxBytes: bodyBytes(records.slice(0, 2)), stepMs: 0 },
    // The whole chunk is refused as too large; the first half's request is dropped before Userpilot reads it.
    { bulkIdentifyUsers: { 2: "drop" } },
  );
  const report = await run(records, { chunkRecords: 4, replayDelayMs: 0 });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(Array(4).fill("imported"));
  expect(up.sim.users().find((user) => user.user_id === "twice")?.metadata).toEqual({
    plan: "later",
  });
  // The second half goes only after the first half's job: the user's records reach Userpilot in input order.
  const posts = up.ofKind("POST").map((post) => [post.userIds.join(","), post.status]);
  expect(posts.filter(([, status]) => status === 202)).toEqual([
    ["twice,u-1", 202],
    ["u-2,twice", 202],
  ]);
});

it("the second half is left to a re-run with the first, whose job was still running when its time ran out", async () => {
  const records = twiceInBothHalves();
  userpilot(msw, { maxBytes: bodyBytes(records.slice(0, 2)), pollsPerStep: Infinity });
  const report = await run(records, { chunkRecords: 4, jobTimeoutMs: 100, replayDelayMs: 0 });

  const [first, , third] = report.outcomes;
  expect(first).toMatchObject({ outcome: "failed", code: "job_timeout" });
  // Never sent, so nothing says Userpilot may hold it (the first half's reason does).
  expect(third).toMatchObject({
    outcome: "failed",
    code: "held_back",
    reason: matching(/^not sent: it waits for the other half of its chunk/),
  });
  expect(third).not.toMatchObject({ reason: matching(/may hold/) });
  // Only a re-run settles the first half, so this run sends nothing of the chunk again.
  expect(report.chunks.replayed).toBe(0);
});
