// Propeller's refusal of a user whose message happens to say what the import says of a user whose fate is
// unknown ("the vendor may hold this user"): the report marked it vendorMayHold, read from those words, and
// told the caller to look up a user Propeller refused. The mark comes from the outcome, not its reason.
import { expect, it } from "vitest";
import { containing } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { importUsers } from "../../src/propeller/import.js";
import { errorAnswer, mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

it("a 400 naming a user, in words that say the vendor may hold this user, fails it without vendorMayHold", async () => {
  const message =
    "#/users/1: sourceId is reserved, so the vendor may hold this user under another org";
  mountPropeller(server, {
    bulk: (call) =>
      call.attempt === 1
        ? errorAnswer(400, 10007, "SchemaValidationException", [message])
        : undefined,
  });
  const report = await importUsers(propellerClient().client, users(3), { sleep: async () => {} });

  expect([report.imported, report.failed]).toEqual([2, 1]);
  const refused = report.outcomes[1];
  expect(refused).toMatchObject({ outcome: "failed", reason: containing(message) });
  expect(refused).not.toHaveProperty("vendorMayHold");
  expect(report.vendorMayHold).toBe(0);
});
