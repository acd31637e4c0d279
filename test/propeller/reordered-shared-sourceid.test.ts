// Propeller's results name a user by its sourceId alone. When an answer's results come back in another order
// than the users were sent (which the adapter handles by key), two users sharing a sourceId (one sourceId in
// two languages: two users at Propeller) cannot be told apart: a user Propeller refused must never be reported
// imported with the other's id, nor the written one failed with the other's refusal.
import { describe, expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { mountPropeller, propellerClient } from "./harness.js";

type Schemas = components["schemas"];
const server = useMswServer();

/** The answer with its results in reverse order. */
async function reversed(answer: Response): Promise<Response> {
  const body = (await answer.json()) as Schemas["BulkUsersResponse"];
  return json({ ...body, data: [...body.data].reverse() });
}

describe("Propeller: results out of order among users sharing a sourceId", () => {
  it("never reports the refused user imported, nor the written one failed", async () => {
    const input: PropellerUser[] = [
      { source: "CRM", sourceId: "1", primaryLanguage: "EN", firstName: "Ann" },
      { source: "CRM", sourceId: "2", firstName: "Bob" },
      { source: "CRM", sourceId: "3", firstName: "Cid" },
      { source: "CRM", sourceId: "1", primaryLanguage: "NL", firstName: "Anneke" },
    ];
    const vendor = mountPropeller(server, {
      // Propeller refuses the English user every time, and answers the first request in reverse order.
      faults: { reject: (key) => key === "CRM:1:EN" },
      bulk: (call) => (call.attempt === 1 ? { after: reversed } : undefined),
    });
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
      chunkRecords: 4,
      concurrency: 1,
    });

    expectEveryRecordOnce(report, 4);
    const stored = vendor.sim.users();
    // Propeller never wrote CRM:1:EN; it wrote CRM:1:NL.
    expect(stored.map((u) => `${u.sourceId}:${u.primaryLanguage ?? ""}`).sort()).toEqual([
      "1:NL",
      "2:",
      "3:",
    ]);
    const nl = stored.find((u) => u.primaryLanguage === "NL")!;
    expect(report.outcomes[0]).toMatchObject({ key: "CRM:1:EN", outcome: "failed" });
    expect(report.outcomes[3]).toMatchObject({
      key: "CRM:1:NL",
      outcome: "imported",
      id: String(nl.id),
    });
  });
});

describe("Propeller: a result left out ahead of users sharing a sourceId", () => {
  it("never reports the refused user imported, nor the written one failed", async () => {
    const input: PropellerUser[] = [
      { source: "CRM", sourceId: "9", firstName: "Xavier" },
      { source: "CRM", sourceId: "1", primaryLanguage: "EN", firstName: "Ann" },
      { source: "CRM", sourceId: "1", primaryLanguage: "NL", firstName: "Anneke" },
    ];
    const vendor = mountPropeller(server, {
      // Propeller refuses the English user every time; its first answer leaves out the first user's result.
      faults: { reject: (key) => key === "CRM:1:EN" },
      bulk: (call) =>
        call.attempt === 1
          ? {
              after: async (answer: Response) => {
                const body = (await answer.json()) as Schemas["BulkUsersResponse"];
                const data = body.data.slice(1);
                return json({ ...body, data, total: data.length });
              },
            }
          : undefined,
    });
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
      chunkRecords: 3,
      concurrency: 1,
    });

    expectEveryRecordOnce(report, 3);
    const nl = vendor.sim.users().find((u) => u.primaryLanguage === "NL")!;
    expect(vendor.sim.users().some((u) => u.primaryLanguage === "EN")).toBe(false);
    expect(report.outcomes[1]).toMatchObject({ key: "CRM:1:EN", outcome: "failed" });
    expect(report.outcomes[2]).toMatchObject({
      key: "CRM:1:NL",
      outcome: "imported",
      id: String(nl.id),
    });
  });

  it("still maps users sharing a sourceId whose results line up when only a later result is left out", async () => {
    const input: PropellerUser[] = [
      { source: "CRM", sourceId: "1", primaryLanguage: "EN", firstName: "Ann" },
      { source: "CRM", sourceId: "1", primaryLanguage: "NL", firstName: "Anneke" },
      { source: "CRM", sourceId: "9", firstName: "Xavier" },
    ];
    const vendor = mountPropeller(server, {
      // Every answer leaves out the last user's result.
      bulk: () => ({
        after: async (answer: Response) => {
          const body = (await answer.json()) as Schemas["BulkUsersResponse"];
          const data = body.data.slice(0, -1);
          return json({ ...body, data, total: data.length });
        },
      }),
    });
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
      chunkRecords: 3,
      concurrency: 1,
    });
    const ids = new Map(vendor.sim.users().map((u) => [u.primaryLanguage ?? "", u.id]));
    expect(report.outcomes[0]).toMatchObject({ outcome: "imported", id: String(ids.get("EN")) });
    expect(report.outcomes[1]).toMatchObject({ outcome: "imported", id: String(ids.get("NL")) });
    expect(report.outcomes[2]).toMatchObject({ outcome: "failed", code: "no_outcome" });
  });
});
