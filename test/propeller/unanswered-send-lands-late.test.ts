// A request the client gave up on (a timeout) that the vendor acts on late: the chunk's replay settled it, the
// next record of the same user went after it, and then the first request landed, so Propeller keeps the
// earlier record's values. Waiting for the chunk to settle did not keep the input's order, and the later
// record says so instead of claiming its values are what Propeller holds.
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller } from "./harness.js";

const server = useMswServer();

it("a later record of a user whose earlier record's request timed out says Propeller may hold the earlier values", async () => {
  let late: Promise<unknown> = Promise.resolve();
  const vendor = mountPropeller(server, {
    // The first request is acted on after the client's timeout, its replay and the next chunk.
    bulk: (call) => {
      if (call.attempt !== 1) return undefined;
      late = sleep(400);
      return late.then(() => undefined);
    },
  });
  const client = createPropellerClient({
    ...propellerCredentials(seededFaker("propeller harness")),
    timeoutMs: 100,
    sleep: async () => {},
  });
  const report = await importUsers(
    client,
    [
      { source: "CRM", sourceId: "1", firstName: "Old" },
      { source: "CRM", sourceId: "1", firstName: "New" },
    ],
    { chunkRecords: 1, concurrency: 1, replayDelayMs: 0, sleep: async () => {} },
  );
  await late;
  // Propeller acts on the first request once its answer is read.
  await sleep(50);

  expect(vendor.sim.users().map((user) => user.fields.firstName)).toEqual(["Old"]);
  expect(report.outcomes[1]).toMatchObject({
    outcome: "imported",
    warning: matching(/no answer.*may hold that record's values/),
  });
});
