// Propeller refuses a user by name (400 `#/users/0`), and the re-send of the rest gets no answer (502 after the
// client's retries), so the chunk is replayed: the replay's same refusal must keep Propeller's words, without
// saying Propeller may hold the user. No request that carried it went unanswered.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { useMswServer } from "../support/msw.js";
import { errorAnswer, mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();

it("a user refused by name in both tries keeps Propeller's refusal, and the rest are imported", async () => {
  const input = users(3);
  let wholeSends = 0;
  const vendor = mountPropeller(server, {
    bulk: (_call, sent) => {
      if (sent[0]?.sourceId === "C-0") {
        wholeSends += 1;
        return errorAnswer(400, 10007, "SchemaValidationException", [
          "#/users/0: required key [email] not found",
        ]);
      }
      return wholeSends === 1 ? { answer: () => gatewayPage(502) } : undefined;
    },
  });

  const report = await importUsers(propellerClient().client, input, {
    chunkRecords: 3,
    replayDelayMs: 0,
  });

  expect(wholeSends).toBe(2);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "10007" });
  expect(report.outcomes[0]!.outcome === "failed" && report.outcomes[0]!.reason).not.toMatch(
    /may hold/,
  );
  expect(report.outcomes.slice(1).map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(vendor.ids().has(userKey(input[0]!))).toBe(false);
});

it("a user refused by name, then sent again in a replay that got no answer, may be held by Propeller", async () => {
  // The replay sends the whole chunk again, the refused user with it, and its answer is lost: Propeller may
  // have written the user that time, so its earlier refusal no longer tells the whole story.
  const input = users(3);
  let wholeSends = 0;
  mountPropeller(server, {
    bulk: (_call, sent) => {
      if (sent[0]?.sourceId === "C-0") wholeSends += 1;
      if (sent[0]?.sourceId === "C-0" && wholeSends === 1)
        return errorAnswer(400, 10007, "SchemaValidationException", [
          "#/users/0: required key [email] not found",
        ]);
      return { answer: () => gatewayPage(502) };
    },
  });

  const report = await importUsers(propellerClient().client, input, {
    chunkRecords: 3,
    chunkAttempts: 2,
    replayDelayMs: 0,
  });

  expect(wholeSends).toBe(2);
  const [refused] = report.outcomes;
  expect(refused).toMatchObject({ outcome: "failed", code: "10007" });
  const reason = refused?.outcome === "failed" ? refused.reason : "";
  expect(reason).toMatch(/required key \[email\] not found.*may hold this record/);
  expect(reason.match(/may hold/g)).toHaveLength(1);
});
