// A match key of blanks beyond ASCII's (a no-break space, an ideographic space, a line separator, a byte
// order mark, as a spreadsheet or a paste leaves them): blank as SlashID counts it, so rejected before any
// send as `propeller.required`, naming the field, as a key of spaces is. Before, each was sent and imported
// under a key no one can see (every user of a source given one such id would be one user to Propeller).
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce, expectRejected } from "../support/report.js";
import { mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();

const BLANKS = ["\u00a0", "\u3000", "\u2028", "\ufeff"] as const;
const FIELDS = ["sourceId", "source"] as const;

describe("a Propeller match key of a Unicode blank alone", () => {
  it("is rejected as required, naming the field and the record, and never sent", async () => {
    const input: PropellerUser[] = users(2 + BLANKS.length * FIELDS.length);
    const blankAt = new Map<number, (typeof FIELDS)[number]>();
    BLANKS.forEach((blank, b) =>
      FIELDS.forEach((field, f) => {
        const i = 1 + b * FIELDS.length + f;
        input[i] = { ...input[i]!, [field]: blank };
        blankAt.set(i, field);
      }),
    );
    const { sent, sim } = mountPropeller(server);
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 50 });

    expectEveryRecordOnce(report, input.length);
    expect(report).toMatchObject({ imported: 2, failed: 0, rejected: blankAt.size });
    for (const [i, field] of blankAt)
      expectRejected(report, i, "propeller.required", `${field}: required, must not be blank`);
    const sentKeys = sent.flat().map(userKey);
    expect(sentKeys).toEqual([userKey(input[0]!), userKey(input[input.length - 1]!)]);
    expect(sim.users()).toHaveLength(2);
  });
});
