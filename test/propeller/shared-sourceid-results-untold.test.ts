// Users of one request sharing a sourceId as different Propeller users (two languages), whose results do not
// line up with the users sent: the answer holds their results, but not which is whose. Their reason must say
// so, not that the answer holds no result for their sourceId.
import { expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { mountPropeller, propellerClient } from "./harness.js";

const server = useMswServer();

it("users whose results cannot be told apart are not said to have no result", async () => {
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "9", firstName: "Xavier" },
    { source: "CRM", sourceId: "1", primaryLanguage: "EN", firstName: "Ann" },
    { source: "CRM", sourceId: "1", primaryLanguage: "NL", firstName: "Anneke" },
  ];
  mountPropeller(server, {
    // The answer leaves out the first user's result: the two of sourceId 1 no longer line up.
    bulk: () => ({
      after: async (answer: Response) => {
        const body = (await answer.json()) as components["schemas"]["BulkUsersResponse"];
        const data = body.data.slice(1);
        return json({ ...body, data, total: data.length });
      },
    }),
  });

  const report = await importUsers(propellerClient().client, input, {
    sleep: async () => {},
    chunkAttempts: 1,
    chunkRecords: 3,
  });

  expect(report.outcomes[0]).toMatchObject({
    code: "no_outcome",
    reason: matching(/^Propeller's answer holds no result for sourceId 9: /),
  });
  for (const outcome of report.outcomes.slice(1)) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "no_outcome",
      vendorMayHold: true,
      reason: matching(
        /^Propeller's answer holds 2 result\(s\) for sourceId 1, shared by users of this request, .*which is this user's is unknown: Propeller may hold this user/,
      ),
    });
  }
});
