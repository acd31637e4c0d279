// A chunk split by a 413 whose first half Userpilot turned away with 409s until the wait for the other job
// ran out, then a 401 to the second half stopped the import: every request was answered and none made a
// job, so the first half's users are not said to be held by Userpilot (they were, as if a send had got no
// answer).
import { expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { bodyBytes, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

it("the first half turned away by 409s, then a 401: its users fail job_conflict, not held by Userpilot", async () => {
  const records = users(4);
  const up = userpilot({ maxBytes: bodyBytes(records.slice(0, 2)), stepMs: 0 });
  up.sim.setFaults({
    script: async ({ operation, request }) => {
      if (operation !== "bulkIdentifyUsers") return undefined;
      const { users: sent } = (await request.json()) as { users: { user_id: string }[] };
      if (sent.length > 2) return undefined;
      return sent[0]?.user_id === "u-0"
        ? { answer: () => userpilotError(409, "job_already_running") }
        : { answer: () => userpilotError(401, "invalid_api_key") };
    },
  });
  const report = await run(records, { chunkRecords: 4, conflictWaitMs: 50, jobTimeoutMs: 100 });

  expect(report.fatal).toMatch(/HTTP 401/);
  expect(up.ofKind("POST").map((post) => post.status)).not.toContain(202);
  for (const outcome of report.outcomes.slice(0, 2)) {
    expect(outcome).toMatchObject({ outcome: "failed", code: "job_conflict" });
    const reason = outcome.outcome === "failed" ? outcome.reason : "";
    expect(reason).toMatch(
      /^another bulk job was still running .*; the import then stopped: .*HTTP 401/,
    );
    expect(reason).not.toMatch(/may hold/);
    expect(outcome).not.toHaveProperty("vendorMayHold");
  }
  expect(report.vendorMayHold).toBe(0);
  expect(up.sim.users()).toHaveLength(0);
});
