// As refusal-kept-on-replay, but the replay's status still says FAILED: the job's lists no longer name the
// refused record, which a FAILED job's `no_outcome` says as much as a COMPLETED one's. The refusal keeps
// FullStory's code and words, and says FullStory may hold the user, whichever way the job ended.
import { describe, expect, it } from "vitest";
import { type FaultCall } from "../../src/testing/faults.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();

/** The imports list answers 503 on its first request; the replay's errors list leaves out the refused uid. */
const script = (call: FaultCall) => {
  if (call.operation === "getBatchImports" && call.attempt === 1)
    return vendorError(503, "server_error");
  const replayed = call.operation === "getBatchImportErrors" && call.attempt > 1;
  return lying(replayed ? { omit: (uid) => uid === "refused" } : {})(call);
};

describe("a refusal FullStory's lists stop naming on a replay of a FAILED job", () => {
  it("keeps FullStory's code and reason, saying FullStory may hold the user", async () => {
    const sim = mountFullStory(server, {
      faults: { reject: (key) => key === "uid:refused", script },
    });
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      [
        { uid: "refused", display_name: "R" },
        { uid: "kept", display_name: "K" },
      ],
      { pollIntervalMs: 1, replayDelayMs: 0, sleep: async () => {} },
    );

    expect(sim.jobs()).toHaveLength(1);
    const [refused, kept] = report.outcomes;
    expect(kept).toMatchObject({ outcome: "imported" });
    expect(refused).toMatchObject({ outcome: "failed", code: "simulated_rejection" });
    if (refused?.outcome !== "failed") throw new Error("expected a failure");
    expect(refused.reason).toMatch(/^the simulator rejected this user/);
    expect(refused.reason).toContain("may hold");
  });
});
