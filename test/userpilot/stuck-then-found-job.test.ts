// A job that outlasted jobTimeoutMs holds later chunks back (a 409 is waited out once) only until Userpilot
// accepts a job again. The job a lost request made, found in the job list, is one it accepted: the next chunk's
// 409 is waited out in full again, and no reason says Userpilot has accepted no job since.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { client, dropAfter, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a job found for a lost request ends the hold of a job that outlasted its time", async () => {
  const up = vendor({ stepMs: 0 });
  let posts = 0;
  up.sim.setFaults({
    script: ({ operation, params }) => {
      // u-0's job is seen running for all its time: it holds later chunks back.
      if (operation === "getBackgroundJob" && params.job_id === up.jobWith("u-0"))
        return {
          after: async (answer: Response) =>
            json({ ...((await answer.json()) as object), status: "processing" }),
        };
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      // u-1's send makes a job and its answer is lost: the replay finds that job in the list.
      if (posts === 2) return dropAfter;
      // u-2 meets another job twice, then is accepted.
      if (posts === 3 || posts === 4) return { answer: userpilotError(409, "job_already_running") };
      return undefined;
    },
  });

  const report = await importUsers(client(), users(3), {
    chunkRecords: 1,
    jobTimeoutMs: 1_000,
    conflictWaitMs: 50,
    pollIntervalMs: 10,
    maxPollIntervalMs: 40,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
    "job_timeout",
    "imported",
    "imported",
  ]);
  expect(up.writesAndLists()).toEqual([
    "POST 202",
    "POST 0",
    "LIST 200",
    "POST 409",
    "POST 409",
    "POST 202",
  ]);
});
