// An import aborted between two status polls of a job Userpilot accepted: the job runs on without the
// importer, and may import its users after the stop, so their failure must not read as a refusal.
import { expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { run, users, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

it("says Userpilot may hold the users of a job still running when the import is aborted", async () => {
  const controller = new AbortController();
  let clock = 1_000_000;
  let waits = 0;
  const up = vendor({ stepMs: 1_000, now: () => clock });
  const report = await run(users(2), {
    signal: controller.signal,
    sleep: () => {
      if (++waits === 2) controller.abort();
      return Promise.resolve();
    },
  });
  // The job ends after the importer has gone.
  clock += 10_000;

  expect(up.requests()).toEqual(["POST 202", "POLL 200", "POLL 200"]);
  expect(up.sim.users().map((user) => user.user_id)).toEqual(["u-0", "u-1"]);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "aborted",
      reason: matching(/may hold/),
    });
});
