// A status answer for the job polled that names another job (a proxy that caches GET answers, a FullStory
// bug). Its counts are that job's: when the lists of the polled job leave users out, those counts must not
// confirm them. The answer is as lost as a 502's, and the replay polls the same job again.
import { describe, expect, it } from "vitest";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { lying, mountFullStory, sendChunk } from "./harness.js";

const server = useMswServer();

describe("a status that names another job", () => {
  it("confirms no user by its counts, and leaves the users to a replay of the same job", async () => {
    const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }];
    const sim = mountFullStory(server, {
      faults: { script: lying({ omit: () => true, jobId: "sim-batch-999999" }) },
    });
    const saved: Record<string, string> = {};
    const result = await sendChunk(
      input,
      {},
      { checkpoint: (state) => Object.assign(saved, state) },
    );

    for (const outcome of result.outcomes)
      expect(outcome).toMatchObject({
        ok: false,
        code: "job_mismatch",
        transient: true,
        reason: matching(/sim-batch-999999/),
      });
    // The job stays the chunk's: a replay polls it instead of creating another.
    expect(saved["jobId"]).toBe(sim.jobs()[0]?.id);
    expect(sim.jobs()).toHaveLength(1);
  });
});
