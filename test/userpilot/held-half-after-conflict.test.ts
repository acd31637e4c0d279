// A chunk split by a 413 whose first half meets another bulk job (409) past its time: Userpilot answered that
// half, turning it away. The second half, which repeats one of its users, is held back, and its reason must
// not say the first half got no settling answer.
import { expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { matching } from "../support/matchers.js";
import { client, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a half held back after the other half's 409s says that half is not settled, not that it got no answer", async () => {
  const up = vendor({ stepMs: 0 });
  let posts = 0;
  up.sim.setFaults({
    script: ({ operation }) => {
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      return posts === 1
        ? { answer: userpilotError(413, "payload_too_large") }
        : { answer: userpilotError(409, "job_already_running") };
    },
  });
  const [user] = users(1);

  const report = await importUsers(client(), [user!, { ...user!, metadata: { plan: "later" } }], {
    chunkRecords: 2,
    jobTimeoutMs: 1_000,
    conflictWaitMs: 50,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "job_conflict" });
  expect(report.outcomes[0]).not.toHaveProperty("vendorMayHold");
  expect(report.outcomes[1]).toMatchObject({
    outcome: "failed",
    code: "held_back",
    reason: matching(/^not sent: it waits for the other half of its chunk, .* is not settled yet/),
  });
  const reason = report.outcomes[1]?.outcome === "failed" ? report.outcomes[1].reason : "";
  expect(reason).not.toMatch(/no settling answer/);
});
