// Propeller wrote a chunk's users, but the answer the import got was a 400 naming one of them (a caller's
// middleware replaced Propeller's own answer); the re-send of the rest was then turned away (429) or refused
// (401). Neither refusal speaks for the first request, so the journal keeps the chunk's send on record: a
// re-run that is turned away too must still say Propeller may hold every user of the chunk.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import {
  errorAnswer,
  mountPropeller,
  propellerClient,
  refuseFirstAnswer,
  userKey,
  users,
} from "./harness.js";

const server = useMswServer();

it.each([429, 401])(
  "a re-run after a 400 that replaced Propeller's answer, then a %i to the re-send, says it may hold them",
  async (resendStatus) => {
    const input = users(3);
    let firstRun = true;
    const vendor = mountPropeller(server, {
      bulk: (call) => {
        // The first request reaches Propeller, which writes all three users.
        if (call.attempt === 1) return undefined;
        if (firstRun && resendStatus === 401)
          return errorAnswer(401, 401, "Unauthorized", ["Unauthorized: invalid token"]);
        return "429";
      },
    });
    const { client } = propellerClient();
    refuseFirstAnswer(client, 400);
    const journal = journalFile("propeller");
    const options = { sleep: async () => {}, chunkAttempts: 1, chunkRecords: 3, journal };
    await importUsers(client, input, options).catch(() => undefined);
    firstRun = false;
    const report = await importUsers(propellerClient().client, input, options);

    expect(vendor.sent.map((sent) => sent.length).slice(0, 2)).toEqual([3, 2]);
    expect([...vendor.ids().keys()].sort()).toEqual(input.map(userKey).sort());
    expect(report.failed).toBe(3);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: expect.stringContaining("may hold this record") as unknown,
        vendorMayHold: true,
      });
    expect(report.vendorMayHold).toBe(3);
  },
);
