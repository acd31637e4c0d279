// A status answer for the job polled that names another job (a proxy that caches GET answers, a FullStory
// bug). Its counts are that job's: when the lists of the polled job leave users out, those counts must not
// confirm them. The answer is as lost as a 502's, and the replay polls the same job again.
import { describe, expect, it } from "vitest";
import { createFullStoryAdapter, fullStoryKeyOf } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { chunkContext } from "../support/chunk-context.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory } from "./harness.js";

const server = useMswServer();

describe("a status that names another job", () => {
  it("confirms no user by its counts, and leaves the users to a replay of the same job", async () => {
    const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }];
    const sim = mountFullStory(server, {
      faults: { script: lying({ omit: () => true, jobId: "sim-batch-999999" }) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const adapter = createFullStoryAdapter(client, { pollIntervalMs: 1 });
    const saved: Record<string, string> = {};
    const { context } = chunkContext({ checkpoint: (state) => Object.assign(saved, state) });
    const result = await adapter.send(
      { seq: 0, items: input, serialized: [], keys: input.map(fullStoryKeyOf) },
      context,
    );
    if (result.kind !== "done") throw new Error(`chunk ended ${result.kind}`);

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
