// Userpilot answers a job's status poll with another job's status (its `job_id` names that job): what it says
// is not about this job's users. The 202 is checked for naming another job; the status must be too.
import { describe, expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { expectTruthfulReport, run, useUserpilot, users } from "../userpilot/harness.js";

const vendor = useUserpilot();

const rewrittenStatus = (change: (job: Record<string, unknown>) => object): ScriptAction => ({
  after: async (answer) => json(change((await answer.json()) as Record<string, unknown>)),
});

describe("a status answer about another job", () => {
  it("does not make the users of a job that failed imported", async () => {
    // The job fails (Userpilot writes none of its users); every status answer names a completed job of
    // another client instead.
    const up = vendor({ failJobs: () => true });
    up.sim.setFaults({
      script: ({ operation }) =>
        operation === "getBackgroundJob"
          ? rewrittenStatus((job) => ({
              ...job,
              job_id: "bulk:jobs:someone-else",
              status: "completed",
              total_rows: 4,
              completed_rows: 4,
            }))
          : undefined,
    });
    const report = await run(users(4), { replayDelayMs: 0 });
    expectEveryRecordOnce(report, 4);
    expect(up.sim.users()).toHaveLength(0);
    expect(report.imported).toBe(0);
    expectTruthfulReport(report, up.sim);
  });
});
