// A parent named by a blank match key (`parent: { source: " ", sourceId: "\u00a0" }`, an exporter's blank
// cells): refused before any send as `propeller.parent`, naming the field, as a user's own blank key is
// (`propeller.required`). Before, it was sent: Propeller would link the user to a parent keyed by nothing
// anyone can see (the simulator holds one here, as a tenant an earlier import wrote it into would).
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce, expectRejected } from "../support/report.js";
import { mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();

const BLANK_PARENTS = [
  [{ source: " ", sourceId: "P-1" }, "parent.source"],
  [{ source: "CRM", sourceId: "\u00a0" }, "parent.sourceId"],
  [{ source: "CRM", sourceId: "" }, "parent.sourceId"],
  [{ source: "CRM", sourceId: "\u3000\t" }, "parent.sourceId"],
] as const;

describe("a Propeller parent named by a blank match key", () => {
  it("is rejected as parent, naming the record and the field, and never sent", async () => {
    const input: PropellerUser[] = users(2 + BLANK_PARENTS.length);
    BLANK_PARENTS.forEach(([parent], b) => (input[1 + b] = { ...input[1 + b]!, parent }));
    const { sent, sim } = mountPropeller(server, {
      existingParents: BLANK_PARENTS.map(([parent], b) => ({ id: 500 + b, ...parent })),
    });
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 50 });

    expectEveryRecordOnce(report, input.length);
    expect(report).toMatchObject({ imported: 2, failed: 0, rejected: BLANK_PARENTS.length });
    BLANK_PARENTS.forEach(([, field], b) =>
      expectRejected(report, 1 + b, "propeller.parent", `${field}: must not be blank`),
    );
    const sentKeys = sent.flat().map(userKey);
    expect(sentKeys).toEqual([userKey(input[0]!), userKey(input[input.length - 1]!)]);
    expect(sim.users()).toHaveLength(2);
  });
});
