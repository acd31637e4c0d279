// The same user twice in one request (one sourceId, one key), and Propeller's answer holds one result for the
// two: the second is left without one. The answer does hold a result for that sourceId, taken by the first:
// the reason must not say it holds none.
import { expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { mountPropeller, propellerClient } from "./harness.js";

const server = useMswServer();

it("a user left without a result is not said to have none for a sourceId the answer holds one for", async () => {
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "1", firstName: "Ann" },
    { source: "CRM", sourceId: "1", firstName: "Anne" },
    { source: "CRM", sourceId: "2", firstName: "Bob" },
  ];
  mountPropeller(server, {
    // One result for the two records of sourceId 1.
    bulk: () => ({
      after: async (answer: Response) => {
        const body = (await answer.json()) as components["schemas"]["BulkUsersResponse"];
        const data = [body.data[0]!, body.data[2]!];
        return json({ ...body, data, total: data.length });
      },
    }),
  });

  const report = await importUsers(propellerClient().client, input, {
    sleep: async () => {},
    chunkAttempts: 1,
    chunkRecords: 3,
  });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "failed", "imported"]);
  expect(report.outcomes[1]).toMatchObject({
    code: "no_outcome",
    vendorMayHold: true,
    reason: matching(
      /^Propeller's answer holds no result for sourceId 1 beyond the 1 it gave for other users of this request with it: Propeller may hold this user/,
    ),
  });
});
