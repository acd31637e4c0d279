// Userpilot accepted a request for these users (202), then what followed left its job's fate unknown: the
// status poll answered 404, named another job, or counted more rows than were sent; or the import was
// aborted while the job ran. With no replay left, each user fails saying Userpilot may hold it: the report's
// vendorMayHold, not only its words (the job it made may have imported them).
import { expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

/** The job's status as Userpilot answers it, with `change` applied. */
const rewritten = (change: (job: Record<string, unknown>) => object): ScriptAction => ({
  after: async (answer) => json(change((await answer.json()) as Record<string, unknown>)),
});

it.each<[string, ScriptAction, string, RegExp]>([
  [
    "answered 404",
    { answer: () => userpilotError(404, "not_found") },
    "job_lost",
    /answered 404 for job \S+, which it accepted for these users \(presumably it no longer knows the job\)/,
  ],
  [
    "naming another job",
    rewritten((job) => ({ ...job, job_id: "job-of-another" })),
    "job_mismatch",
    /with the status of job job-of-another/,
  ],
  [
    "counting more rows than were sent",
    rewritten((job) => ({ ...job, total_rows: 9 })),
    "job_mismatch",
    /holds 9 rows for a request of 3 users/,
  ],
])("its status %s: each user fails, Userpilot may hold it", async (_, status, code, reason) => {
  userpilot({ stepMs: 0 }, { getBackgroundJob: { 1: status } });
  const report = await run(users(3), { chunkAttempts: 1 });

  expectEveryRecordOnce(report, 3);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code,
      reason: matching(reason),
      vendorMayHold: true,
    });
  expect(report.vendorMayHold).toBe(3);
});

it("aborted while it waits to poll the running job: each user fails, Userpilot may hold it", async () => {
  const controller = new AbortController();
  const up = userpilot({ pollsPerStep: Number.POSITIVE_INFINITY });
  const report = await run(users(3), {
    signal: controller.signal,
    sleep: () => {
      controller.abort();
      return Promise.reject(new Error("aborted"));
    },
  });

  expect(up.sim.jobs()).toHaveLength(1);
  expectEveryRecordOnce(report, 3);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(/aborted while job \S+ was running/),
      vendorMayHold: true,
    });
  expect(report.vendorMayHold).toBe(3);
});
