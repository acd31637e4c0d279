// README "Lost answers": "A chunk's answer is lost (a timeout, a lost connection, a 5xx, a gateway page, or a
// 2xx that cannot be read as documented) ... The chunk is replayed within the run", and "A record ends
// `failed` only when the vendor refused it, or when the attempts ran out". A gateway page or an answer larger
// than `maxResponseBytes` after the vendor wrote the chunk is such a lost answer: the client cannot read it,
// and the vendor did not refuse anything.
import { expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, users } from "../propeller/harness.js";

const server = useMswServer();
const credentials = propellerCredentials(seededFaker("propeller harness"));

const client = () =>
  createPropellerClient({ ...credentials, maxResponseBytes: 4096, sleep: () => Promise.resolve() });

const bigPage = (status: number) =>
  new Response(`<html><body>${"x".repeat(10_000)}</body></html>`, {
    status,
    headers: { "content-type": "text/html" },
  });

it.each([502, 200])(
  "an answer of status %i over maxResponseBytes, after Propeller wrote the chunk, is replayed like any lost answer",
  async (status) => {
    let calls = 0;
    const vendor = mountPropeller(server, {
      bulk: () => (++calls === 1 ? { after: () => bigPage(status) } : undefined),
    });
    const input = users(3);
    const report = await importUsers(client(), input, { replayDelayMs: 0 });
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "imported"]);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    expect(vendor.sim.stats()).toMatchObject({ users: 3, duplicates: 0 });
  },
);

it("with one try only, the record's failure says Propeller may hold it and is left to a re-run", async () => {
  mountPropeller(server, { bulk: () => ({ after: () => bigPage(502) }) });
  const report = await importUsers(client(), users(1), { chunkAttempts: 1 });
  const [outcome] = report.outcomes;
  expect(outcome).toMatchObject({ outcome: "failed", code: "too_large" });
  expect(outcome?.outcome === "failed" && outcome.reason).toMatch(
    /no answer said what became of the request: the vendor may hold this record; .*: a re-run tries again$/,
  );
});

it("a token endpoint answering a 503 page over maxResponseBytes is a passing failure, not refused credentials", async () => {
  let tokenCalls = 0;
  mountPropeller(server, {
    faults: {
      script: (call) =>
        call.operation === "getAccessToken" && ++tokenCalls === 1
          ? { answer: bigPage(503) }
          : undefined,
    },
  });
  const report = await importUsers(client(), users(2), { replayDelayMs: 0 });
  // README "The report tells these cases apart": only a refused token stops the import as `fatal`.
  expect(report.fatal).toBeUndefined();
  expect(report).toMatchObject({ imported: 2, failed: 0 });
});

it("a 429 page over maxResponseBytes fails the record 429, the rate limit it is, and Propeller holds nothing of it", async () => {
  const vendor = mountPropeller(server, {
    faults: {
      script: (call) =>
        call.operation === "bulkUsersBySourceId" ? { answer: bigPage(429) } : undefined,
    },
  });
  const report = await importUsers(client(), users(1), { chunkAttempts: 1 });
  const [outcome] = report.outcomes;
  expect(outcome).toMatchObject({ outcome: "failed", code: "429" });
  expect(outcome?.outcome === "failed" && outcome.vendorMayHold).toBeFalsy();
  expect(vendor.sim.stats()).toMatchObject({ users: 0 });
});
