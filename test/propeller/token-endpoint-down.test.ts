// Propeller's token endpoint answering 502 on every try: no bulk request goes out, but the token requests do
// reach Propeller, so the reason must not say that no request reached it, only that the chunk's did not.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

it("a token endpoint that answers 502: the chunk's request never reached Propeller, its token requests did", async () => {
  const vendor = mountPropeller(server, {
    faults: {
      script: ({ operation }) =>
        operation === "getAccessToken" ? { answer: () => gatewayPage(502) } : undefined,
    },
  });
  const report = await importUsers(propellerClient().client, users(2), {
    chunkAttempts: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });
  expect(vendor.sent).toEqual([]);
  expect(vendor.sim.stats().requests["POST /oauth2/token"]).toBeGreaterThan(0);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(
        /\(no access token: getAccessToken .*502\); tried 2 times in this run, and the chunk's request never reached propeller: a re-run tries again$/,
      ),
    });
});
