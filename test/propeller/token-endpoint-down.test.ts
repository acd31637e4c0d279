// Propeller's token endpoint answering 502 on every try: no bulk request goes out, but the token requests do
// reach Propeller, so the reason must not say that no request reached it, only that the chunk's did not.
import { expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
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

// A gateway's 502 page too large to read says no more than a short one: the endpoint is down for a while, the
// credentials are not refused. Taken for a refusal, it would fail the run as wrong credentials.
it("a token endpoint whose 502 page is too large to read: a passing failure, not refused credentials", async () => {
  const vendor = mountPropeller(server, {
    faults: {
      script: ({ operation }) =>
        operation === "getAccessToken"
          ? { answer: () => new Response("x".repeat(8192), { status: 502 }) }
          : undefined,
    },
  });
  const client = createPropellerClient({
    ...propellerCredentials(seededFaker("token endpoint huge 502")),
    maxResponseBytes: 1024,
    sleep: async () => {},
  });
  const report = await importUsers(client, users(2), {
    chunkAttempts: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });
  expect(vendor.sent).toEqual([]);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(
        /\(no access token: getAccessToken .*\); tried 2 times in this run, and the chunk's request never reached propeller: a re-run tries again$/,
      ),
    });
});
