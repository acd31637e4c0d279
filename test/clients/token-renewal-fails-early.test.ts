// The token is renewed ahead of its expiry (tokenRefreshBeforeMs, 60 s by default) so that no request goes
// out with a token about to lapse. When that early renewal fails (the token endpoint answers 5xx for a moment),
// the token in hand is still good until it expires, yet every call waiting on the renewal fails "no access
// token" and, in an import, whole chunks fail though Propeller would have taken them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "../propeller/harness.js";

const server = useMswServer();

afterEach(() => {
  vi.useRealTimers();
});

describe("an early token renewal that fails while the current token is still good", () => {
  it("the call goes out with the current token, and the import imports every user", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    const vendor = mountPropeller(server, { expiresIn: 1800 });
    const { client } = propellerClient();
    const first = await importUsers(client, users(4, "before"), { chunkRecords: 2 });
    expect(first.imported).toBe(4);
    // The token endpoint is down from now on; the token issued at 00:00 lives until 00:30.
    vendor.setFaults({
      script: (call) => (call.operation === "getAccessToken" ? "5xx" : undefined),
    });
    vi.setSystemTime(new Date("2026-01-01T00:29:30Z")); // inside the 60 s renewal window
    const report = await importUsers(client, users(4, "after"), {
      chunkRecords: 2,
      replayDelayMs: 0,
    });
    expect(report.outcomes.filter((o) => o.outcome !== "imported")).toEqual([]);
    expect(report.imported).toBe(4);
  });

  it("is not asked again by every later call of the window: the calls go on with the token in hand", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    const vendor = mountPropeller(server, { expiresIn: 1800 });
    const { client, delays } = propellerClient();
    await importUsers(client, users(2, "before"), { chunkRecords: 2 });
    vendor.setFaults({
      script: (call) => (call.operation === "getAccessToken" ? "5xx" : undefined),
    });
    vi.setSystemTime(new Date("2026-01-01T00:29:30Z"));
    const tokenRequests = () => vendor.sim.stats().requests["POST /oauth2/token"] ?? 0;
    const before = tokenRequests();
    const first = await importUsers(client, users(2, "first"), { chunkRecords: 2 });
    const oneRenewal = tokenRequests() - before;
    const waitsOfOneRenewal = delays.length;
    expect(first.imported).toBe(2);
    expect(oneRenewal).toBeGreaterThan(1); // the client retried the token endpoint's 5xx

    const report = await importUsers(client, users(12, "after"), {
      chunkRecords: 2,
      concurrency: 1,
    });
    expect(report.imported).toBe(12);
    expect(tokenRequests() - before).toBe(oneRenewal);
    expect(delays).toHaveLength(waitsOfOneRenewal);

    // A quarter of the 30 s the token had left later, it is renewed again: the endpoint is back.
    vendor.setFaults({});
    vi.setSystemTime(new Date("2026-01-01T00:29:38Z"));
    const later = await importUsers(client, users(2, "later"), { chunkRecords: 2 });
    expect(later.imported).toBe(2);
    expect(tokenRequests() - before).toBe(oneRenewal + 1);
  });

  it("once the token has expired, the failed renewal fails the call (nothing sent with a dead token)", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    const vendor = mountPropeller(server, { expiresIn: 1800 });
    const { client } = propellerClient();
    await importUsers(client, users(2, "before"), { chunkRecords: 2 });
    vendor.setFaults({
      script: (call) => (call.operation === "getAccessToken" ? "5xx" : undefined),
    });
    vi.setSystemTime(new Date("2026-01-01T00:30:01Z"));
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "CRM", sourceId: "late" }] },
    });
    expect(result.ok ? "ok" : result.error.status).toBe("network");
    expect(vendor.sim.stats().requests["POST /v2/users/bulk/sourceId"]).toBe(1);
  });
});
