// Propeller's access token refused while four chunks are in flight with it (revoked, or lapsed on Propeller's
// clock while ours still counts it good): one token request for them all, each chunk sent again once; and a
// fresh token refused too stops the import instead of renewing again.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { json } from "../../src/testing/faults.js";
import { propellerError } from "../../src/testing/propeller.js";
import { importUsers } from "../../src/propeller/import.js";
import { useMswServer } from "../support/msw.js";
import {
  mountPropeller,
  propellerClient,
  fourInFlight,
  users,
  type BulkScript,
  type MountedPropeller,
} from "./harness.js";

const server = useMswServer();
const START = Date.parse("2026-03-29T00:00:00Z");

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

describe("Propeller: a client living for hours, its tokens among its secrets", () => {
  const MINUTE_MS = 60_000;
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A client whose clocks, and Propeller's, move on as `pass` says; `send` one bulk request of one user. */
  function hoursOf(bulk?: BulkScript) {
    let vendorNow = START;
    let monotonic = 1_000;
    const vendor = mountPropeller(server, { now: () => vendorNow, ...(bulk && { bulk }) });
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    vi.spyOn(performance, "now").mockImplementation(() => monotonic);
    const { client } = propellerClient();
    return {
      vendor,
      client,
      send: (sourceId: string) =>
        client.bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId }] } }),
      pass: (ms: number) => {
        vendorNow += ms;
        monotonic += ms;
        vi.setSystemTime(Date.now() + ms);
      },
    };
  }

  it("a request still out with the first token, answered after hours of renewals echoing it: scrubbed", async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const { vendor, send, pass } = hoursOf(async (call, users) => {
      if (users[0]?.sourceId !== "slow") return undefined;
      await answered;
      // A gateway quoting the header it refused.
      const header = call.request.headers.get("authorization");
      return { answer: json(propellerError(400, 4000, "invalid", [`refused: ${header}`]), 400) };
    });
    const slow = send("slow");
    // Four renewals on: a token every 29 minutes, the first one lapsed an hour and more.
    for (let n = 1; n <= 4; n++) {
      await vi.waitFor(() => expect(vendor.sent).toHaveLength(n));
      pass(29 * MINUTE_MS);
      expect((await send(`fast-${n}`)).ok).toBe(true);
    }
    expect(vendor.sim.tokensIssued()).toHaveLength(5);
    answer();
    const result = await slow;
    if (result.ok) throw new Error("the slow request was answered 200");
    // Whole: the tokens held share its first 10 characters, whose runs would hide all of it but its last.
    const shown = JSON.stringify(result.error);
    expect(shown).toContain('"refused: Bearer [REDACTED]"');
    expect(shown).not.toMatch(/sim-token-1|REDACTED\]1/);
  });

  it("tokens no call sent for an hour are let go of; the one in use is scrubbed", async () => {
    const { client, send, pass } = hoursOf();
    for (let n = 1; n <= 6; n++) {
      expect((await send(`user-${n}`)).ok).toBe(true);
      pass(29 * MINUTE_MS);
    }
    expect(client.scrub("sim-token-6")).toBe("[REDACTED]");
    // No longer a secret: only what it shares with the tokens held (a run of 6 characters of theirs) goes.
    expect(client.scrub("sim-token-1")).toBe("[REDACTED]1");
  });
});
