// Results mapped by `key` when positions and keys disagree. The same Propeller user sent twice in one request
// (two records with one key) has two results under one sourceId: each speaks for one record, never for both.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  mountPropeller,
  propellerClient,
  refusal,
  rewritingResults as answering,
  users,
} from "./harness.js";

const server = useMswServer();

const run = async (input: PropellerUser[], lie: ReturnType<typeof answering>) => {
  mountPropeller(server, { bulk: () => lie });
  const report = await importUsers(propellerClient().client, input, { sleep: async () => {} });
  expectEveryRecordOnce(report, input.length);
  return report;
};

/** The same Propeller user twice (one key), the second record with other values. */
const twice = (): PropellerUser[] => {
  const [user] = users(1);
  return [user!, { ...user!, firstName: "Second" }];
};

it("a user sent twice whose second result is left out is not given the first one's result", async () => {
  const report = await run(
    twice(),
    answering((data) => data.slice(0, -1)),
  );

  expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[1]).toMatchObject({
    outcome: "failed",
    code: "no_outcome",
    reason: matching(/may hold this user/),
  });
});

it("a user sent twice, its results out of place: each record gets its own result, in order", async () => {
  const input = [...twice(), ...users(2, "others").map((u, i) => ({ ...u, sourceId: `O-${i}` }))];
  const report = await run(
    input,
    // The others' results first, then the user's: written for the first record, refused for the second.
    answering((data) => [data[2]!, data[3]!, data[0]!, refusal(data[1]!)]),
  );

  expect(report.outcomes.map((o) => o.outcome)).toEqual([
    "imported",
    "failed",
    "imported",
    "imported",
  ]);
  expect(report.outcomes[1]).toMatchObject({ code: "rejected_by_vendor", reason: "invalid" });
});

it("a refusal's reason is its `error`, not the per-item message beside it", async () => {
  const report = await run(
    users(2),
    answering((data) => [{ ...refusal(data[0]!), message: "Item processed." }, data[1]!]),
  );

  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "rejected_by_vendor",
    reason: "invalid",
  });
});
