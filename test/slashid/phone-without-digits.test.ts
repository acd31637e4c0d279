// Phone numbers without a digit ("---", "( )": placeholders the phone format lets through, as it asks for
// digits, spaces, ( ) and - only) are told apart as written, not all taken for one empty number: persons
// with two such phones share no handle.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { gatewayPage } from "../../src/testing/index.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it("reports imported, on a replay's 'already exists', persons whose phones without digits differ", async () => {
  // The first upload is written and its answer lost; the replay's rows all read "already exists".
  const world = slashIdWorld(server, {
    existingPersons: "refuse",
    script: (call) => (call.attempt === 1 ? { after: () => gatewayPage(502) } : undefined),
  });
  const report = await importUsers(
    slashIdClient(),
    [{ phone_numbers: ["---"] }, { phone_numbers: ["( )"] }],
    { sleep: async () => {}, replayDelayMs: 0 },
  );

  expectEveryRecordOnce(report, 2);
  expect(report.chunks.replayed).toBe(1);
  expect(world.sim.persons().flatMap((p) => p.phone_numbers)).toEqual(["---", "( )"]);
  // Neither shares a phone number with the other: the lost upload wrote each of them.
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
});
