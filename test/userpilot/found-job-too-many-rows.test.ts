// A job found in the job list for a request whose answer was lost, whose status then counts more rows than
// were sent: it is not that request's job. No answer to the request named it, and the reason must not say one
// did.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { client, dropAfter, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a job found in the list that did more rows than were sent is not said to be named by an answer", async () => {
  const up = vendor({ stepMs: 0 });
  let posts = 0;
  up.sim.setFaults({
    script: ({ operation }) => {
      if (operation === "getBackgroundJob")
        return {
          after: async (answer: Response) =>
            json({ ...((await answer.json()) as object), completed_rows: 3 }),
        };
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      return posts === 1 ? dropAfter : undefined;
    },
  });

  const report = await importUsers(client(), users(2), {
    chunkRecords: 2,
    chunkAttempts: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(up.requests()).toEqual(["POST 0", "LIST 200", "POLL 200"]);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed", code: "job_mismatch" });
    const reason = outcome.outcome === "failed" ? outcome.reason : "";
    expect(reason).toMatch(
      /^Userpilot's job \S+ did 3 rows for a request of 2 users, so it is not/,
    );
    expect(reason).not.toMatch(/the answer to this request named/);
  }
});

it("nor is one the list gave after this request's resend met a 409", async () => {
  const up = vendor({ stepMs: 0 });
  let posts = 0;
  let lists = 0;
  up.sim.setFaults({
    script: ({ operation }) => {
      if (operation === "getBackgroundJob")
        return {
          after: async (answer: Response) =>
            json({ ...((await answer.json()) as object), completed_rows: 3 }),
        };
      // The list lags at first: the lost send's job is not in it yet.
      if (operation === "listBackgroundJobs")
        return ++lists === 1 ? { answer: () => json([]) } : undefined;
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      if (posts === 1) return dropAfter;
      return { answer: userpilotError(409, "job_already_running") };
    },
  });

  const report = await importUsers(client(), users(2), {
    chunkRecords: 2,
    chunkAttempts: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(up.requests()).toEqual(["POST 0", "LIST 200", "POST 409", "LIST 200", "POLL 200"]);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed", code: "job_mismatch" });
    const reason = outcome.outcome === "failed" ? outcome.reason : "";
    expect(reason).toMatch(
      /^Userpilot's job \S+ did 3 rows for a request of 2 users, so it is not/,
    );
    expect(reason).not.toMatch(/the answer to this request named/);
  }
});
