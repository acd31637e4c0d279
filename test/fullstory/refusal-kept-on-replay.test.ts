// FullStory's errors list refused a record on the chunk's first follow-through, while the imports list failed
// (a 5xx after the client's retries), so the chunk is replayed on the same job. When the replay's lists no
// longer name that record and the job's counts leave it unconfirmed, its `no_outcome` must not replace
// FullStory's refusal: the record keeps FullStory's code and words, and says FullStory may hold it, whether
// the replay finds the job COMPLETED or FAILED.
import { describe, expect, it } from "vitest";
import { json, type FaultCall } from "../../src/testing/faults.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();

/**
 * The imports list answers 503 on its first request. The replay's status says `status` (the first said
 * FAILED, which no refusal contradicts), with counts that confirm one import only, and its errors list
 * leaves out the refused uid.
 */
const scriptReplaying = (status: "COMPLETED" | "FAILED") => (call: FaultCall) => {
  if (call.operation === "getBatchImports" && call.attempt === 1)
    return vendorError(503, "server_error");
  if (call.operation === "getBatchImportStatus" && call.attempt > 1)
    return {
      after: async (answer: Response) => {
        const body = (await answer.json()) as { job: object };
        return json({ ...body, job: { ...body.job, status } }, answer.status);
      },
    };
  const replayed = call.operation === "getBatchImportErrors" && call.attempt > 1;
  return lying(replayed ? { omit: (uid) => uid === "refused" } : {})(call);
};

describe.each(["COMPLETED", "FAILED"] as const)(
  "a refusal FullStory's lists stop naming on a replay that finds the job %s",
  (status) => {
    it("keeps FullStory's code and reason, saying FullStory may hold the user", async () => {
      const sim = mountFullStory(server, {
        faults: { reject: (key) => key === "uid:refused", script: scriptReplaying(status) },
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
      expect(refused.reason).toContain("may hold this record");
    });
  },
);
