// Propeller sequences where the report could say more, or other, than Propeller answered: a result left out
// among users sharing a sourceId, and a 401 on the re-send of the users a 400 did not name.
import { describe, expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { errorAnswer, mountPropeller, propellerClient, users } from "./harness.js";

type Schemas = components["schemas"];
const server = useMswServer();
const OPTIONS = { sleep: async () => {}, replayDelayMs: 0, chunkRecords: 5, concurrency: 1 };

describe("Propeller: sequences where the report could name the wrong user", () => {
  it("a user Propeller refused is never reported imported with another user's id when a result is left out", async () => {
    // One sourceId in two primary languages: two users at Propeller (the README's own example), plus a third.
    const input: PropellerUser[] = [
      { source: "CRM", sourceId: "1", primaryLanguage: "EN", firstName: "Ann" },
      { source: "CRM", sourceId: "1", primaryLanguage: "NL", firstName: "Anneke" },
      { source: "CRM", sourceId: "2", firstName: "Bob" },
    ];
    const vendor = mountPropeller(server, {
      // Propeller refuses the English user every time.
      faults: { reject: (key) => key === "CRM:1:EN" },
      // Its first answer leaves that (failed) user's result out; later answers are whole.
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
    const report = await importUsers(propellerClient().client, input, OPTIONS);

    expectEveryRecordOnce(report, 3);
    const stored = vendor.sim.users();
    expect(stored.map((u) => u.primaryLanguage)).toEqual(["NL", undefined]);
    // Propeller never wrote CRM:1:EN, and said so on every whole answer.
    expect(report.outcomes[0]).toMatchObject({ key: "CRM:1:EN", outcome: "failed" });
    expect(report.outcomes[1]).toMatchObject({
      key: "CRM:1:NL",
      outcome: "imported",
      id: String(stored[0]!.id),
    });
    expect(report.outcomes[2]).toMatchObject({ outcome: "imported", id: String(stored[1]!.id) });
  });

  it("a refusal of the users a 400 named survives a 401 on the re-send of the rest", async () => {
    const vendor = mountPropeller(server, {
      requiredFields: ["firstName"],
      // The credentials are revoked between the refused request and the re-send of the rest.
      bulk: (call) =>
        call.attempt >= 2
          ? errorAnswer(401, 401, "Unauthorized", ["Unauthorized: invalid token"])
          : undefined,
    });
    const input = users(5).map((u) => ({ ...u, firstName: "Ann" }));
    delete (input[3] as { firstName?: string }).firstName;
    const report = await importUsers(propellerClient().client, input, OPTIONS);

    expectEveryRecordOnce(report, 5);
    expect(report.fatal).toBeDefined();
    expect(vendor.sent.map((r) => r.length)).toEqual([5, 4, 4]);
    // The record breaks a rule of this tenant: the report must still name it, not only the 401.
    expect(report.outcomes[3]).toMatchObject({
      outcome: "failed",
      code: "10007",
      reason: "#/users/3: required key [firstName] not found",
    });
    for (const i of [0, 1, 2, 4]) expect(report.outcomes[i]).toMatchObject({ code: "fatal" });
  });
});
