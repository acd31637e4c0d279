// A job that outlasted jobTimeoutMs holds later chunks back until Userpilot accepts a job after it. A job found
// for a send an earlier run lost went out before this run's hold began: Userpilot, one job at a time, may have
// accepted it before the held job, which may still run. Finding it does not end the hold, so a later chunk's
// 409 is waited out once (and left to a re-run), not for the job's whole time again.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { journalFile } from "../support/journal-file.js";
import { client, dropAfter, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a job found for an earlier run's lost send does not end this run's hold", async () => {
  const up = vendor({ stepMs: 0 });
  const journal = journalFile("userpilot-held");
  let run = 1;
  let posts = 0;
  up.sim.setFaults({
    script: ({ operation, params }) => {
      // u-0's job is seen running for all its time, in both runs: it holds later chunks back.
      if (operation === "getBackgroundJob" && params.job_id === up.jobWith("u-0"))
        return {
          after: async (answer: Response) =>
            json({ ...((await answer.json()) as object), status: "processing" }),
        };
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      if (run === 1) {
        // Run 1: u-1's send makes a job and its answer is lost; u-2 is turned away (503), every retry too.
        if (posts === 2) return dropAfter;
        if (posts >= 3) return { answer: userpilotError(503, "unavailable") };
        return undefined;
      }
      // Run 2: u-2 meets another job each time.
      return { answer: userpilotError(409, "job_already_running") };
    },
  });
  const options = {
    chunkRecords: 1,
    chunkAttempts: 1,
    journal,
    jobTimeoutMs: 300,
    conflictWaitMs: 50,
    pollIntervalMs: 10,
    maxPollIntervalMs: 40,
    sleep: async () => {},
  };

  const first = await importUsers(client("up-test-key", []), users(3), options);
  expect(first.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
    "job_timeout",
    expect.any(String),
    "503",
  ]);
  run = 2;
  posts = 0;
  const second = await importUsers(client("up-test-key", []), users(3), options);

  const codes = second.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome));
  expect(codes[0]).toBe("job_timeout");
  expect(codes[1]).toBe("imported");
  // Waited out once, as the hold says: not for u-0's job's whole time again.
  expect(codes[2]).toBe("job_conflict");
  expect(posts).toBe(2);
});
