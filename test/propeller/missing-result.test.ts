// Propeller answers 200 for a chunk it wrote whole, but its `data[]` leaves a user out. Propeller may hold
// that user: the report must not call it failed for sure. Propeller upserts, so a replay settles it.
import { describe, expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();
type Body = components["schemas"]["BulkUsersResponse"];

/** Propeller's answer without its last result (the users were all written). */
const withoutLast = {
  after: async (answer: Response) => {
    const body = (await answer.json()) as Body;
    const data = body.data.slice(0, -1);
    return json({ ...body, data, total: data.length });
  },
};

describe("a 200 whose results leave a written user out", () => {
  it("is settled by a replay (upsert): the user Propeller holds ends imported", async () => {
    const vendor = mountPropeller(server, {
      bulk: (call) => (call.attempt === 1 ? withoutLast : undefined),
    });
    const input = users(3);
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expectEveryRecordOnce(report, 3);
    const ids = vendor.ids();
    expect(ids.has(userKey(input[2]!))).toBe(true);
    expect(report.outcomes[2]).toMatchObject({
      outcome: "imported",
      id: String(ids.get(userKey(input[2]!))),
    });
  });

  it("when every answer leaves the user out, says Propeller may hold it", async () => {
    const vendor = mountPropeller(server, { bulk: () => withoutLast });
    const input = users(3);
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expectEveryRecordOnce(report, 3);
    expect(vendor.ids().has(userKey(input[2]!))).toBe(true);
    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toMatch(/may hold/);
    // Counted with the users Propeller may hold, so a caller checking the count before a retry sees it.
    expect(report.vendorMayHold).toBe(1);
  });

  it("with no replay (one attempt), still marks the user Propeller may hold and counts it", async () => {
    mountPropeller(server, { bulk: () => withoutLast });
    const report = await importUsers(propellerClient().client, users(3), {
      sleep: async () => {},
      chunkAttempts: 1,
    });
    expectEveryRecordOnce(report, 3);
    expect(report.outcomes[2]).toMatchObject({
      outcome: "failed",
      code: "no_outcome",
      reason: matching(
        /^Propeller's answer holds no result for sourceId C-2: Propeller may hold this user/,
      ),
      vendorMayHold: true,
    });
    expect(report.vendorMayHold).toBe(1);
  });

  it("with integer sourceIds (keys read exactly) names the user without a word on numbers beyond 2^53", async () => {
    mountPropeller(server, { bulk: () => withoutLast });
    const input = users(3).map((user, n) => ({ ...user, sourceId: 9_007_199_254_740_989 + n }));
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expectEveryRecordOnce(report, 3);
    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome" });
    const reason = o.outcome === "failed" ? o.reason : "";
    expect(reason).toMatch(
      /^Propeller's answer holds no result for sourceId 9007199254740991: Propeller may hold this user/,
    );
    expect(reason).not.toMatch(/no safe integer/);
  });
});
