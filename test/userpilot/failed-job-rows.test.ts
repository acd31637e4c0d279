// A Userpilot job that ends `failed` after its status counted rows done: Userpilot may hold those users, and
// does not say which. The report must not call them failed for sure (README: where the vendor cannot tell,
// the outcome says so, "may hold").
import { describe, expect, it } from "vitest";
import { json, type FaultOptions, type ScriptAction } from "../../src/testing/faults.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import { run, useUserpilot, users } from "../userpilot/harness.js";

const vendor = useUserpilot();

/** The vendor processes the call; its status answer goes out with `change` applied. */
const rewrittenStatus = (change: (job: Record<string, unknown>) => object): ScriptAction => ({
  after: async (answer) => json(change((await answer.json()) as Record<string, unknown>)),
});

/** Once the job completes, its status answers `failed` instead, with `fields` besides. */
const failedWhenCompleted = (fields: Record<string, unknown>): FaultOptions => ({
  script: ({ operation }) =>
    operation === "getBackgroundJob"
      ? rewrittenStatus((job) =>
          job["status"] === "completed" ? { ...job, status: "failed", ...fields } : job,
        )
      : undefined,
});

describe("a job that failed after doing rows", () => {
  it("says Userpilot may hold each user when the failed job counted 1 of 3 rows done", async () => {
    const up = vendor();
    up.sim.setFaults(failedWhenCompleted({ completed_rows: 1 }));
    const report = await run(users(3));
    expectEveryRecordOnce(report, 3);
    const failed = outcomesWith(report, "failed");
    expect(failed).toHaveLength(3);
    for (const o of failed) {
      expect(o).toMatchObject({ code: "job_failed", vendorMayHold: true });
      expect(o.reason).toMatch(
        /after 1 of 3 rows; Userpilot may hold this user: the job did 1 row/,
      );
    }
    expect(report.vendorMayHold).toBe(3);
  });

  it("says Userpilot may hold each user when the failed job counted 4 of 4 rows done", async () => {
    const up = vendor();
    up.sim.setFaults(failedWhenCompleted({ error: "refresh failed", completed_rows: 4 }));
    const report = await run(users(4));
    expectEveryRecordOnce(report, 4);
    // Userpilot processed (and holds) every user; its status says the job failed after doing all 4 rows.
    expect(up.sim.users()).toHaveLength(4);
    const failed = outcomesWith(report, "failed");
    expect(failed).toHaveLength(4);
    for (const o of failed) {
      expect(o.code).toBe("job_failed");
      expect(o.reason).toMatch(/after 4 of 4 rows/);
      expect(o.reason).toMatch(/may hold this user/);
    }
  });

  for (const count of ["left out", "null"] as const)
    it(`says Userpilot may hold each user when the failed job's completed_rows is ${count}`, async () => {
      // The spec makes completed_rows optional: a failed job that does not count its rows may have done some.
      const up = vendor();
      up.sim.setFaults({
        script: ({ operation }) =>
          operation === "getBackgroundJob"
            ? rewrittenStatus(({ completed_rows: _, ...job }) =>
                job["status"] === "completed"
                  ? { ...job, status: "failed", ...(count === "null" && { completed_rows: null }) }
                  : job,
              )
            : undefined,
      });
      const report = await run(users(3));
      expectEveryRecordOnce(report, 3);
      expect(up.sim.users()).toHaveLength(3);
      const failed = outcomesWith(report, "failed");
      expect(failed).toHaveLength(3);
      for (const o of failed) {
        expect(o.code).toBe("job_failed");
        expect(o.reason).toMatch(
          /Userpilot may hold this user: the job gave no completed_rows, so whether it did rows before it failed is unknown/,
        );
        expect(o).toMatchObject({ vendorMayHold: true });
      }
      expect(report.vendorMayHold).toBe(3);
    });

  it.each([["message"], ["reason"], ["details"], ["error_code"]])(
    "a failed job whose status says why in %s: each user's reason quotes it",
    async (field) => {
      const up = vendor();
      up.sim.setFaults(failedWhenCompleted({ completed_rows: 0, [field]: "email_format_invalid" }));
      const report = await run(users(2));
      expectEveryRecordOnce(report, 2);
      const failed = outcomesWith(report, "failed");
      expect(failed).toHaveLength(2);
      for (const o of failed) {
        expect(o.code).toBe("job_failed");
        expect(o.reason).toContain(`: ${field}: email_format_invalid`);
      }
    },
  );

  it("a failed job that did no row still fails its users plainly", async () => {
    const up = vendor({ failJobs: () => true });
    const report = await run(users(3));
    for (const o of outcomesWith(report, "failed")) {
      expect(o.reason).toMatch(/after 0 of 3 rows/);
      expect(o.reason).not.toMatch(/may hold/);
    }
    // Userpilot holds none of them: the report says so too.
    expect(report.vendorMayHold).toBe(0);
    expect(up.sim.users()).toHaveLength(0);
  });
});
