// A replay that finds the job an earlier send made only polls it and reads its lists: the reason of a record
// whose attempts ran out counts the creates that went out, not the attempts, as the wire saw them.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();

describe("a job whose status FullStory never answers", () => {
  it("one create, four replays that only poll: the reason says 1 of 5 tries sent", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportStatus" ? vendorError(500, "internal") : undefined,
      },
    });
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      [{ uid: "first-user" }, { uid: "second-user" }],
      { pollIntervalMs: 1, replayDelayMs: 0, sleep: async () => {} },
    );
    expect(sim.stats().requests).toMatchObject({
      "POST /v2/users/batch": 1,
      "GET /v2/users/batch/{job_id}": 5,
    });
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(
          /; tried 5 times in this run, 1 of them sent \(replayed by idempotency-key\): a re-run tries again$/,
        ),
      });
  });
});
