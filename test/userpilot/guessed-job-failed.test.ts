// A send whose answer was lost, and a re-run that finds a job for it in the job list by a guess (nothing in
// the list says whose request made a job), which then fails having done no rows: the failure says the job
// may be another process's, so the lost request may have made a job of its own that imported the users. Here
// it did. Within one run the engine says so of a failure after a lost send; a re-run has only the adapter's.
import { expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { dropAfter, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

/** The job list as the published reference shows it: no `file_size`, which rules no job out by size. */
const listWithoutFileSize: ScriptAction = {
  after: async (answer) =>
    json(
      ((await answer.json()) as Record<string, unknown>[]).map(
        ({ file_size: _size, ...job }) => job,
      ),
    ),
};

/** The job's status as a failure after no rows. */
const failedAfterNoRows: ScriptAction = {
  after: async (answer) =>
    json({
      ...((await answer.json()) as Record<string, unknown>),
      status: "failed",
      completed_rows: 0,
      error: "the job failed",
    }),
};

it("a re-run's guessed job that failed after no rows leaves the users marked as ones Userpilot may hold", async () => {
  const up = vendor({ stepMs: 0 });
  let foreign = "";
  up.script({
    bulkIdentifyUsers: {
      // Another process's 4-row job starts (and ends) as ours goes out; ours is processed, its answer lost.
      1: () => {
        foreign = up.sim.startForeignJob({ rows: 4 });
        return dropAfter;
      },
    },
    listBackgroundJobs: { 1: listWithoutFileSize },
    getBackgroundJob: { 1: failedAfterNoRows, 2: failedAfterNoRows, 3: failedAfterNoRows },
  });
  const options = { chunkRecords: 4, chunkAttempts: 1, journal: journalFile("userpilot") };
  await run(users(4), options);
  const report = await run(users(4), options);

  // The guess took the other process's job; Userpilot holds the users from the lost request's own job.
  expect(up.ofKind("POLL").every((poll) => poll.path.includes(encodeURIComponent(foreign)))).toBe(
    true,
  );
  expect(up.sim.users()).toHaveLength(4);
  expect(report.failed).toBe(4);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "job_failed",
      reason: matching(/may be another process's job.*Userpilot may hold this user/),
      vendorMayHold: true,
    });
  expect(report.vendorMayHold).toBe(4);
});
