// The caller aborts while the adapter waits out a 202 of one result list's second page, after the other list
// was read whole. What the lists read settled stands (a refusal keeps FullStory's code and words, an import
// stays imported), and only the records no list settled end `aborted`. A refusal the imports list read
// whole contradicts says FullStory may hold the user, as it would with both lists read.
import { describe, expect, it } from "vitest";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { json, type FaultCall, type ScriptAction } from "../../src/testing/faults.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

type List = "getBatchImports" | "getBatchImportErrors";

/**
 * Imports `users` (`uid:refused` refused) while `waited`'s second page stays processing (202) and the other
 * list is read whole; `firstPage` rewrites `waited`'s first page, `otherList` the other list's answer. The
 * caller aborts once the other list has answered.
 */
async function abortWhileWaiting(
  users: FullStoryUser[],
  waited: List,
  firstPage: (page: Record<string, unknown>) => object,
  otherList: (page: Record<string, unknown>) => object = (page) => page,
) {
  let otherRead!: () => void;
  const read = new Promise<void>((resolve) => (otherRead = resolve));
  let waiting = false;
  const rewrite = (
    change: (page: Record<string, unknown>) => object,
    then = () => {},
  ): ScriptAction => ({
    after: async (answer: Response) => {
      const page = change((await answer.json()) as Record<string, unknown>);
      then();
      return json(page, 200);
    },
  });
  const script = (call: FaultCall): ScriptAction | undefined => {
    if (call.operation !== waited) {
      const other =
        call.operation === "getBatchImports" || call.operation === "getBatchImportErrors";
      return other ? rewrite(otherList, otherRead) : undefined;
    }
    if (call.attempt === 1)
      return rewrite((page) => ({ ...firstPage(page), next_page_token: "more" }));
    waiting = true;
    return { answer: () => new Response(null, { status: 202 }) };
  };
  mountFullStory(server, { faults: { reject: (key) => key === "uid:refused", script } });
  const controller = new AbortController();
  return importUsers(createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }), users, {
    pollIntervalMs: 1,
    replayDelayMs: 0,
    signal: controller.signal,
    sleep: async (_ms, signal) => {
      if (!waiting) return;
      await read;
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      signal.throwIfAborted();
    },
  });
}

const named = (uid: string) => ({ uid, display_name: uid.toUpperCase() });

describe("an abort while a result list is waited for", () => {
  it("keeps what the lists read settled, and aborts only the records they left unsettled", async () => {
    // The imports list's first page names one user and promises more.
    const report = await abortWhileWaiting(
      [named("refused"), named("listed"), named("other")],
      "getBatchImports",
      (page) => ({
        ...page,
        results: (page["results"] as { uid?: string }[]).filter((user) => user.uid === "listed"),
      }),
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

  it("keeps a refusal the imports list read whole contradicts, saying FullStory may hold the user", async () => {
    // The errors list's first page holds the refusal; the imports list names that user too.
    const report = await abortWhileWaiting(
      [named("refused"), named("other")],
      "getBatchImportErrors",
      (page) => page,
      (page) => ({
        ...page,
        results: [...(page["results"] as object[]), { uid: "refused", id: "fs-refused" }],
      }),
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
