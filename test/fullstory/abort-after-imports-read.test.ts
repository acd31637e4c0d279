// The caller aborts while the adapter waits out a 202 of the errors list's second page, after the imports
// list was read whole. A refusal the first errors page gave stands, but the imports list read whole names
// that user too: as when both lists are read, FullStory said both, so the refusal says FullStory may hold
// the user instead of standing alone.
import { describe, expect, it } from "vitest";
import { json, type FaultCall } from "../../src/testing/faults.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

describe("an abort while the errors list is waited for, the imports list read whole", () => {
  it("keeps a refusal the imports list contradicts, saying FullStory may hold the user", async () => {
    let importsRead!: () => void;
    const read = new Promise<void>((resolve) => (importsRead = resolve));
    let errorsWaiting = false;
    const script = (call: FaultCall) => {
      // The imports list names the refused user too (FullStory contradicting itself), whole on one page.
      if (call.operation === "getBatchImports")
        return {
          after: async (answer: Response) => {
            const page = (await answer.json()) as { results: { uid?: string }[] };
            const results = [...page.results, { uid: "refused", id: "fs-refused" }];
            importsRead();
            return json({ ...page, results }, 200);
          },
        };
      // The errors list's first page holds the refusal and promises more; the next is still processing.
      if (call.operation === "getBatchImportErrors" && call.attempt === 1)
        return {
          after: async (answer: Response) =>
            json({ ...(await answer.json()), next_page_token: "more" }, 200),
        };
      if (call.operation === "getBatchImportErrors") {
        errorsWaiting = true;
        return { answer: () => new Response(null, { status: 202 }) };
      }
      return undefined;
    };
    mountFullStory(server, { faults: { reject: (key) => key === "uid:refused", script } });
    const controller = new AbortController();
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      [
        { uid: "refused", display_name: "R" },
        { uid: "other", display_name: "O" },
      ],
      {
        pollIntervalMs: 1,
        replayDelayMs: 0,
        signal: controller.signal,
        sleep: async (_ms, signal) => {
          if (!errorsWaiting) return;
          await read;
          await new Promise((resolve) => setImmediate(resolve));
          controller.abort();
          signal.throwIfAborted();
        },
      },
    );

    expect(report.aborted).toBe(true);
    const [refused, other] = report.outcomes;
    expect(refused).toMatchObject({ outcome: "failed", code: "simulated_rejection" });
    if (refused?.outcome !== "failed") throw new Error("expected a failure");
    expect(refused.reason).toMatch(/^the simulator rejected this user/);
    expect(refused.reason).toContain("FullStory's imports list also names a user with this uid");
    expect(other).toMatchObject({ outcome: "failed", code: "aborted" });
  });
});
