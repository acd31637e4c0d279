// A half whose send got no answer is sent again in the replay, met by a 413 that splits it, and its first
// quarter's request is refused 401: no job of that user was accepted, but the lost send may have carried it.
import { expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { client, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a user of a split half stopped by a 401 says its earlier send may have reached Userpilot, not that a job was accepted", async () => {
  const up = vendor({ stepMs: 0 });
  let posts = 0;
  up.sim.setFaults({
    script: ({ operation }) => {
      if (operation !== "bulkIdentifyUsers") return undefined;
      posts += 1;
      if (posts === 1 || posts === 4) return { answer: userpilotError(413, "payload_too_large") };
      if (posts === 2) return "drop";
      if (posts === 5) return { answer: userpilotError(401, "invalid_api_key") };
      return undefined;
    },
  });

  const report = await importUsers(client(), users(4), {
    chunkRecords: 4,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(up.requests()).toEqual([
    "POST 413",
    "POST 0",
    "POST 202",
    "POLL 200",
    "LIST 200",
    "POST 413",
    "POST 401",
  ]);
  const [first] = report.outcomes;
  expect(first).toMatchObject({ outcome: "failed", vendorMayHold: true });
  const reason = first?.outcome === "failed" ? first.reason : "";
  expect(reason).not.toMatch(/job was accepted/);
  expect(reason).toMatch(/a try of this request got no answer .* may hold this record$/);
  expect(report.outcomes.slice(2).map((o) => o.outcome)).toEqual(["imported", "imported"]);
});
