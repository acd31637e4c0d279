// Propeller refuses a user by name (400), and the re-send of the rest gets no answer, so the chunk is
// replayed; the replay's 400 refuses the same user again, its message echoing a value that holds, word for
// word, what the import says of a job whose fate is unknown. The user was refused twice, and no request that
// carried it went unanswered: the quoted words must not mark it as one Propeller may hold.
import { expect, it } from "vitest";
import { UNSETTLED_JOB_NOTE } from "../../src/core/engine/chunk-outcomes.js";
import { importUsers } from "../../src/propeller/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { useMswServer } from "../support/msw.js";
import { errorAnswer, mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

it("a user refused twice, the second time in words that quote the job note, is not marked vendorMayHold", async () => {
  let wholeSends = 0;
  mountPropeller(server, {
    bulk: (_call, sent) => {
      if (sent[0]?.sourceId !== "C-0")
        return wholeSends === 1 ? { answer: () => gatewayPage(502) } : undefined;
      wholeSends += 1;
      const echoed = wholeSends === 1 ? "x" : `x${UNSETTLED_JOB_NOTE}`;
      return errorAnswer(400, 10007, "SchemaValidationException", [
        `#/users/0: sourceId ${echoed} is not valid`,
      ]);
    },
  });

  const report = await importUsers(propellerClient().client, users(3), {
    chunkRecords: 3,
    replayDelayMs: 0,
  });

  expect(wholeSends).toBe(2);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "10007" });
  expect(report.outcomes[0]).not.toHaveProperty("vendorMayHold");
  expect(report.outcomes.slice(1).map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.vendorMayHold).toBe(0);
});
