// An adapter made once and given to runImport for one import after another: what one import learnt of a
// job that outlasted jobTimeoutMs speaks for that import only.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import { json } from "../../src/testing/faults.js";
import { client, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();
const noWait = { sleep: async () => {} };

describe("a Userpilot adapter reused for a second import", () => {
  it("waits out another job in full again, not once, after the first import's job outlasted jobTimeoutMs", async () => {
    const up = vendor({ stepMs: 0 });
    let secondImport = false;
    let postsOfSecond = 0;
    up.sim.setFaults({
      script: ({ operation }) => {
        if (!secondImport)
          return operation === "getBackgroundJob"
            ? {
                after: async (answer: Response) =>
                  json({ ...((await answer.json()) as object), status: "processing" }),
              }
            : undefined;
        if (operation !== "bulkIdentifyUsers") return undefined;
        postsOfSecond += 1;
        return postsOfSecond <= 3
          ? { answer: userpilotError(409, "job_already_running") }
          : undefined;
      },
    });
    const adapter = createUserpilotAdapter(client(), {
      jobTimeoutMs: 1_000,
      conflictWaitMs: 50,
      pollIntervalMs: 10,
      maxPollIntervalMs: 40,
    });
    const first = await runImport(adapter, users(1), noWait);
    expect(first.outcomes[0]).toMatchObject({ outcome: "failed", code: "job_timeout" });

    secondImport = true;
    const second = await runImport(adapter, users(1), noWait);
    expect(second.outcomes[0]).toMatchObject({ outcome: "imported" });
    expect(postsOfSecond).toBe(4);
  });
});
