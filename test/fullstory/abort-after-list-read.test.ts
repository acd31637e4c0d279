// The caller aborts while the adapter waits out a 202 of the imports list's second page, after the errors
// list was read whole: the record FullStory refused keeps FullStory's refusal (its code and words), the one
// the first imports page listed stays imported, and only the record no list settled ends `aborted`.
import { describe, expect, it } from "vitest";
import { json, type FaultCall } from "../../src/testing/faults.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

describe("an abort while a result list is waited for", () => {
  it("keeps what the lists read settled, and aborts only the records they left unsettled", async () => {
    let errorsRead!: () => void;
    const read = new Promise<void>((resolve) => (errorsRead = resolve));
    let importsWaiting = false;
    const script = (call: FaultCall) => {
      // The imports list's first page names one user and promises more; the next page is still processing.
      if (call.operation === "getBatchImports" && call.attempt === 1)
        return {
          after: async (answer: Response) => {
            const page = (await answer.json()) as { results: { uid?: string }[] };
            const results = page.results.filter((user) => user.uid === "listed");
            return json({ ...page, results, next_page_token: "more" }, 200);
          },
        };
      if (call.operation === "getBatchImports") {
        importsWaiting = true;
        return { answer: () => new Response(null, { status: 202 }) };
      }
      if (call.operation === "getBatchImportErrors")
        return {
          after: (answer: Response) => {
            errorsRead();
            return answer;
          },
        };
      return undefined;
    };
    mountFullStory(server, { faults: { reject: (key) => key === "uid:refused", script } });
    const controller = new AbortController();
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      [
        { uid: "refused", display_name: "R" },
        { uid: "listed", display_name: "L" },
        { uid: "other", display_name: "O" },
      ],
      {
        pollIntervalMs: 1,
        replayDelayMs: 0,
        signal: controller.signal,
        sleep: async (_ms, signal) => {
          if (!importsWaiting) return;
          // The errors list has answered (its last page is read at once): the caller stops now.
          await read;
          await new Promise((resolve) => setImmediate(resolve));
          controller.abort();
          signal.throwIfAborted();
        },
      },
    );

    expect(report.aborted).toBe(true);
    const [refused, listed, other] = report.outcomes;
    expect(refused).toMatchObject({
      outcome: "failed",
      code: "simulated_rejection",
      reason: expect.stringMatching(/^the simulator rejected this user/) as unknown,
    });
    expect(listed).toMatchObject({ outcome: "imported" });
    expect(other).toMatchObject({
      outcome: "failed",
      code: "aborted",
      reason: expect.stringContaining("may hold this record") as unknown,
    });
  });
});
