// Propeller's access token lives `expires_in` seconds on Propeller's clock. Ours may be set back after the
// token was issued (NTP, an operator), or stand still while the machine is suspended (the monotonic clock):
// either alone would make a lapsed token look fresh, and a bulk request would go out with it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient } from "../propeller/harness.js";

const server = useMswServer();
const START = Date.parse("2026-03-29T00:30:00Z");
const MINUTE_MS = 60_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Sends one bulk request, moves our clocks as asked while Propeller's moves on 31 minutes, sends another. */
async function twoCallsAcross(move: { wallMs: number; monotonicMs: number }) {
  let monotonic = 1_000;
  let vendorNow = START;
  // Propeller's clock is the true time: 31 minutes pass, past the token's 30.
  const vendor = mountPropeller(server, { expiresIn: 1800, now: () => vendorNow });
  vi.useFakeTimers({ toFake: ["Date"], now: START });
  vi.spyOn(performance, "now").mockImplementation(() => monotonic);
  const { client } = propellerClient();
  const send = (sourceId: string) =>
    client.bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId }] } });
  expect((await send("before")).ok).toBe(true);
  vendorNow += 31 * MINUTE_MS;
  vi.setSystemTime(Date.now() + move.wallMs);
  monotonic += move.monotonicMs;
  expect((await send("after")).ok).toBe(true);
  return vendor.sim.stats().requests;
}

describe("the age of Propeller's access token: the older of the wall clock's and the monotonic clock's", () => {
  it("a wall clock set back while the token lapsed: renewed first, no bulk request with the lapsed token", async () => {
    const requests = await twoCallsAcross({ wallMs: -5 * MINUTE_MS, monotonicMs: 31 * MINUTE_MS });
    expect(requests["POST /oauth2/token"]).toBe(2);
    // A lapsed token would have been refused (401) and the request sent again.
    expect(requests["POST /v2/users/bulk/sourceId"]).toBe(2);
  });

  it("a machine suspended while the token lapsed (the monotonic clock stood still): renewed first", async () => {
    const requests = await twoCallsAcross({ wallMs: 31 * MINUTE_MS, monotonicMs: 0 });
    expect(requests["POST /oauth2/token"]).toBe(2);
    expect(requests["POST /v2/users/bulk/sourceId"]).toBe(2);
  });
});
