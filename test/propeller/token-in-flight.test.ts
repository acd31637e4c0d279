// Propeller's access token refused while four chunks are in flight with it (revoked, or lapsed on Propeller's
// clock while ours still counts it good): one token request for them all, each chunk sent again once; and a
// fresh token refused too stops the import instead of renewing again.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/propeller/import.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users, type MountedPropeller } from "./harness.js";

const server = useMswServer();
const START = Date.parse("2026-03-29T00:00:00Z");

/** Holds the first four bulk requests until all four are in flight, then runs `meanwhile` and lets them go. */
function fourInFlight(meanwhile: () => void) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived === 4) {
      meanwhile();
      release();
    }
    if (arrived <= 4) await all;
    return undefined;
  };
}

/** How many bulk requests carried each chunk, by its first user's sourceId. */
const sendsPerChunk = (vendor: MountedPropeller) => {
  const sends = new Map<string, number>();
  for (const sent of vendor.sent) {
    const first = String(sent[0]?.sourceId);
    sends.set(first, (sends.get(first) ?? 0) + 1);
  }
  return [...sends.values()];
};

const run = (): Promise<ImportReport> =>
  importUsers(propellerClient().client, users(40), { chunkRecords: 5, concurrency: 4 });

describe("Propeller: the access token refused while 4 chunks are in flight with it", () => {
  it("revoked: one renewal for the four, each of them sent again once, every user imported", async () => {
    const vendor: MountedPropeller = mountPropeller(server, {
      bulk: fourInFlight(() => vendor.sim.revokeToken("sim-token-1")),
    });
    const report = await run();
    expect(vendor.sim.stats().requests).toEqual({
      "POST /oauth2/token": 2,
      "POST /v2/users/bulk/sourceId": 8 + 4,
    });
    expect(sendsPerChunk(vendor)).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect(report.imported).toBe(40);
  });

  it("lapsed on Propeller's clock: the same, one renewal", async () => {
    let vendorNow = START;
    const vendor = mountPropeller(server, {
      now: () => vendorNow,
      bulk: fourInFlight(() => (vendorNow += 31 * 60_000)),
    });
    const report = await run();
    expect(vendor.sim.stats().requests["POST /oauth2/token"]).toBe(2);
    expect(sendsPerChunk(vendor)).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect(report.imported).toBe(40);
  });

  it("the renewed token refused too: the import stops (fatal), no third token, and no user is said to be held", async () => {
    const vendor: MountedPropeller = mountPropeller(server, {
      bulk: () => {
        vendor.sim.expireAllTokens();
        return undefined;
      },
    });
    const report = await run();
    expect(vendor.sim.stats().requests).toEqual({
      "POST /oauth2/token": 2,
      "POST /v2/users/bulk/sourceId": 4 * 2,
    });
    expect(report.imported).toBe(0);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "fatal" });
      if (outcome.outcome === "failed") expect(outcome.reason).not.toMatch(/may hold/);
    }
  });
});
