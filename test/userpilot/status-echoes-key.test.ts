// A status answer naming another job whose job_id echoes the API key across the 500 characters a reason quotes:
// the key is scrubbed before the cut, so no piece of it is left too short for the report's scrubbing to find.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { API_KEY, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("no piece of the key a job_id echoes is quoted in the reason", async () => {
  const up = vendor();
  // The reason quotes at most 500 characters of the job_id: the cut leaves 5 of the key's.
  const echoed = `${"j".repeat(495)}${API_KEY}`;
  up.sim.setFaults({
    script: ({ operation }) =>
      operation === "getBackgroundJob"
        ? {
            after: async (answer: Response) =>
              json({ ...((await answer.json()) as object), job_id: echoed }),
          }
        : undefined,
  });

  const report = await run(users(1), { chunkAttempts: 1 });

  const [outcome] = report.outcomes;
  expect(outcome).toMatchObject({ outcome: "failed", code: "job_mismatch" });
  const reason = outcome?.outcome === "failed" ? outcome.reason : "";
  expect(reason).toMatch(/with the status of job j+/);
  expect(reason).not.toContain(API_KEY.slice(0, 4));
});
