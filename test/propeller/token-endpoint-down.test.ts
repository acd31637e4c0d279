// Propeller's token endpoint answering 502 on every try: no bulk request goes out, but the token requests do
// reach Propeller, so the reason must not say that no request reached it, only that the chunk's did not.
import { expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { json } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { containing, matching } from "../support/matchers.js";
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

/** Propeller's token endpoint answering `status` to every token request, in OAuth2's error shape. */
const tokenAnswering = (status: number, error: string) =>
  mountPropeller(server, {
    faults: {
      script: ({ operation }) =>
        operation === "getAccessToken"
          ? { answer: () => json({ error, error_description: "try again later" }, status) }
          : undefined,
    },
  });

// A rate limit is a rate limit wherever it was met: a caller counting rate-limited records finds these under
// "429" too. Before, they failed `network`, as if Propeller could not be reached.
it("a token request answered 429 (its retries spent): the chunks' records fail 429, unsent, the run going on", async () => {
  const vendor = tokenAnswering(429, "slow_down");
  const report = await importUsers(propellerClient().client, users(4), {
    chunkRecords: 2,
    chunkAttempts: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });
  expect(vendor.sent).toEqual([]);
  // Not a stop: a rate limit says nothing of the credentials, and every chunk was tried.
  expect(report).toMatchObject({ aborted: false, failed: 4, vendorMayHold: 0 });
  expect([report.fatal, report.fatalStatus]).toEqual([undefined, undefined]);
  expect(report.outcomes).toHaveLength(4);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "429",
      reason: matching(
        /\(no access token: getAccessToken .*429: slow_down\); tried 2 times in this run, and the chunk's request never reached propeller: a re-run tries again$/,
      ),
    });
    expect(outcome).not.toHaveProperty("vendorMayHold");
  }
});

it("a call whose token request was answered 429: a `network` failure, unsent, with the token's httpStatus 429", async () => {
  tokenAnswering(429, "slow_down");
  const result = await propellerClient().client.bulkUsersBySourceId({ body: { users: users(1) } });
  expect(result.ok ? "ok" : result.error).toMatchObject({
    status: "network",
    httpStatus: 429,
    cannotHaveArrived: true,
    message: containing("no access token: getAccessToken (POST /oauth2/token)"),
  });
});

// A 503 is the endpoint down for a while, which a record's code says as `network`, as any failure to reach
// Propeller; the call's error still tells which answer it was.
it("a token request answered 503 (its retries spent): the records fail `network`, the call's error says 503", async () => {
  tokenAnswering(503, "temporarily_unavailable");
  const result = await propellerClient().client.bulkUsersBySourceId({ body: { users: users(1) } });
  expect(result.ok ? "ok" : result.error).toMatchObject({ status: "network", httpStatus: 503 });
  const report = await importUsers(propellerClient().client, users(2), {
    chunkAttempts: 1,
    sleep: async () => {},
  });
  expect(report).toMatchObject({ failed: 2, vendorMayHold: 0 });
  expect(report.fatal).toBeUndefined();
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({ outcome: "failed", code: "network" });
});
