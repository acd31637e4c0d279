// A chunk whose write got no answer after Propeller wrote its users, then turned away (429) on every later
// send: the 429 says only that its own request wrote nothing. Propeller holds the users from the lost send,
// so the report must mark them vendorMayHold, whether that send was this run's or an earlier run's.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

const heldMarked = (outcome: unknown) =>
  expect(outcome).toMatchObject({
    outcome: "failed",
    reason: expect.stringContaining("may hold this record") as unknown,
    vendorMayHold: true,
  });

it("a replay turned away after a lost send in this run", async () => {
  const vendor = mountPropeller(server, {
    bulk: (call) => (call.attempt === 1 ? "lost_answer" : "429"),
  });
  const report = await importUsers(propellerClient().client, users(2), {
    sleep: async () => {},
    chunkAttempts: 2,
  });

  expect(vendor.sim.users()).toHaveLength(2);
  expect(report.failed).toBe(2);
  report.outcomes.forEach(heldMarked);
  expect(report.vendorMayHold).toBe(2);
});

// A re-run turned away wrote nothing itself, but the earlier run's send stays on record for the next re-run.
it.each([
  [2, "a re-run turned away after an earlier run's lost send"],
  [3, "a third run turned away after a re-run that was turned away too"],
])("run %i: %s", async (runs) => {
  const vendor = mountPropeller(server, {
    bulk: (call) => (call.attempt === 1 ? "lost_answer" : "429"),
  });
  const journal = journalFile("propeller");
  const options = { sleep: async () => {}, chunkAttempts: 1, journal };
  for (let run = 1; run < runs; run++)
    await importUsers(propellerClient().client, users(2), options);
  const report = await importUsers(propellerClient().client, users(2), options);

  expect(vendor.sim.users()).toHaveLength(2);
  expect(report.failed).toBe(2);
  report.outcomes.forEach(heldMarked);
  expect(report.vendorMayHold).toBe(2);
});
