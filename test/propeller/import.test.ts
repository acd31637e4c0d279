// importUsers against a stateful msw Propeller: chunking, per-user outcomes, 400/404 follow-through,
// faults, fatal auth, abort and resume.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerUser } from "../../src/testing/fixtures/propeller.js";
import { chunkContext } from "../support/chunk-context.js";
import { useMswServer } from "../support/msw.js";
import { errorBody, propellerVendor, userKey } from "./vendor.js";

const server = useMswServer();

/** A client whose retry waits are recorded, not slept. */
function makeClient() {
  const delays: number[] = [];
  const client = createPropellerClient({
    clientId: "client-1",
    clientSecret: "client-secret-1",
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { client, delays };
}

/** `n` valid users with unique sourceIds (faker-built, seeded by `seed`). */
function users(n: number, seed = "propeller import"): PropellerUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => ({
    ...propellerUser(f),
    source: "CRM",
    sourceId: `C-${i}`,
  }));
}

/** `n` small valid users for the big chunking tests (no faker, to stay fast). */
function plainUsers(n: number): PropellerUser[] {
  return Array.from({ length: n }, (_, i) => ({
    source: "CRM",
    sourceId: `C-${i}`,
    firstName: `First${i}`,
    email: `user${i}@example.com`,
  }));
}

/** Every record read is in the report exactly once, and the counts add up. */
function expectAccounted(report: ImportReport, total?: number) {
  if (total !== undefined) expect(report.total).toBe(total);
  expect(report.total).toBe(report.imported + report.failed + report.rejected);
  expect(report.outcomes.map((o) => o.index)).toEqual(
    Array.from({ length: report.total }, (_, i) => i),
  );
}

const sizes = (requests: readonly unknown[][]) =>
  requests.map((r) => r.length).sort((a, b) => a - b);
const comparable = (report: ImportReport) => {
  const { startedAt: _s, durationMs: _d, chunks: _c, ...rest } = report;
  return rest;
};

describe("importUsers (Propeller)", () => {
  it("sends chunks of 2,000 users by default and imports every one with its Propeller id", async () => {
    const vendor = propellerVendor(server);
    const input = plainUsers(4_100);
    const report = await importUsers(makeClient().client, input, { sleep: async () => {} });
    expect(sizes(vendor.requests)).toEqual([100, 2_000, 2_000]);
    expectAccounted(report, 4_100);
    expect(report.imported).toBe(4_100);
    input.forEach((user, i) => {
      expect(report.outcomes[i]).toEqual({
        index: i,
        key: userKey(user),
        outcome: "imported",
        id: String(vendor.ids.get(userKey(user))),
      });
    });
  });

  it("lets callers raise the chunk size, up to our maxRecords guard", async () => {
    const vendor = propellerVendor(server);
    const { client } = makeClient();
    await importUsers(client, plainUsers(2_600), { chunkRecords: 2_500 });
    expect(sizes(vendor.requests)).toEqual([100, 2_500]);
    vendor.requests.length = 0;
    await expect(
      importUsers(client, users(10), { chunkRecords: 10, maxRecords: 4 }),
    ).rejects.toThrow(/chunkRecords: 10 is above propeller's limit of records per request, 4/);
    expect(vendor.requests).toEqual([]);
    await importUsers(client, users(10), { chunkRecords: 4, maxRecords: 4 });
    expect(sizes(vendor.requests)).toEqual([2, 4, 4]);
    expect(createPropellerAdapter(client).limits.maxRecords).toBe(10_000);
  });

  it("sends the chunk's users when the chunk carries no per-user JSON (an adapter run without serialize)", async () => {
    const vendor = propellerVendor(server);
    const chunkUsers = users(3);
    const result = await createPropellerAdapter(makeClient().client).send(
      { seq: 0, items: chunkUsers, serialized: [], keys: chunkUsers.map(userKey) },
      chunkContext().context,
    );
    expect(vendor.requests).toEqual([chunkUsers]);
    expect(result.kind === "done" && result.outcomes.every((o) => o.ok)).toBe(true);
  });

  it("fetches one token for a multi-chunk import running 4 requests at once", async () => {
    let arrived = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let release!: () => void;
    const allFour = new Promise<void>((resolve) => (release = resolve));
    const vendor = propellerVendor(server, {
      // Hold the first four requests until all four are in flight together.
      fault: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        arrived += 1;
        if (arrived === 4) release();
        if (arrived <= 4) await allFour;
        inFlight -= 1;
        return undefined;
      },
    });
    const report = await importUsers(makeClient().client, users(200), {
      chunkRecords: 20,
      concurrency: 4,
    });
    expect(vendor.requests).toHaveLength(10);
    expect(maxInFlight).toBe(4);
    expect(vendor.tokenRequests).toBe(1);
    expect(report.imported).toBe(200);
  });

  it("maps per-user success:false results and validation rejections to the right input records", async () => {
    const missing = "Attribute [UNKNOWN_ATTR] does not exist for class user";
    const vendor = propellerVendor(server, {
      itemError: (user) =>
        user.attributes?.some((a) => a.name === "UNKNOWN_ATTR") ? missing : undefined,
    });
    const input: PropellerUser[] = users(12);
    input[1] = { ...input[1]!, gender: "X" as "M" };
    input[4] = { ...input[4]!, attributes: [{ name: "UNKNOWN_ATTR", value: 1 }] };
    input[9] = { ...input[9]!, attributes: [{ name: "UNKNOWN_ATTR", value: "a" }] };
    const report = await importUsers(makeClient().client, input, { chunkRecords: 5 });

    expectAccounted(report, 12);
    expect(report).toMatchObject({ imported: 9, failed: 2, rejected: 1 });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "rejected",
      key: "CRM:C-1",
      rule: "propeller.enum",
    });
    expect(report.outcomes[1]?.outcome === "rejected" && report.outcomes[1].reason).toMatch(
      /gender: must be one of M, F, U/,
    );
    for (const i of [4, 9]) {
      expect(report.outcomes[i]).toEqual({
        index: i,
        key: `CRM:C-${i}`,
        outcome: "failed",
        code: "rejected_by_vendor",
        reason: missing,
      });
    }
    for (const i of [0, 2, 3, 5, 6, 7, 8, 10, 11]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "imported",
        id: String(vendor.ids.get(`CRM:C-${i}`)),
      });
    }
    const sent = vendor.requests.flat().map(userKey);
    expect(sent).toHaveLength(11);
    expect(sent).not.toContain("CRM:C-1");
  });

  it("fails only the user a 400 names (#/users/3) and re-sends the rest of the chunk once", async () => {
    // This tenant requires firstName (the vendor's own documented 400 example).
    const vendor = propellerVendor(server, { requiredKeys: ["firstName"] });
    const input = users(10).map((u) => ({ ...u, firstName: "Ann" }));
    delete (input[8] as { firstName?: string }).firstName; // chunk 1, position 3
    const report = await importUsers(makeClient().client, input, {
      chunkRecords: 5,
      concurrency: 1,
    });

    expectAccounted(report, 10);
    expect(report.imported).toBe(9);
    expect(report.outcomes[8]).toEqual({
      index: 8,
      key: "CRM:C-8",
      outcome: "failed",
      code: "10007",
      reason: "#/users/3: required key [firstName] not found",
    });
    expect(vendor.requests.map((r) => r.length)).toEqual([5, 5, 4]);
    expect(vendor.requests[2]!.map(userKey)).toEqual(["CRM:C-5", "CRM:C-6", "CRM:C-7", "CRM:C-9"]);
  });

  it("re-sends at most once: users a second 400 names fail, the rest fail with the vendor's text", async () => {
    const vendor = propellerVendor(server, {
      requiredKeys: ["firstName"],
      firstViolationOnly: true,
    });
    const input = users(5).map((u) => ({ ...u, firstName: "Ann" }));
    delete (input[1] as { firstName?: string }).firstName;
    delete (input[3] as { firstName?: string }).firstName;
    const report = await importUsers(makeClient().client, input, { chunkRecords: 5 });

    expectAccounted(report, 5);
    expect(vendor.requests.map((r) => r.length)).toEqual([5, 4]);
    expect(report.outcomes[1]).toMatchObject({
      code: "10007",
      reason: "#/users/1: required key [firstName] not found",
    });
    // Position 3 of the chunk was position 2 of the re-sent request.
    expect(report.outcomes[3]).toMatchObject({
      code: "10007",
      reason: "#/users/2: required key [firstName] not found",
    });
    for (const i of [0, 2, 4]) {
      expect(report.outcomes[i]).toMatchObject({ outcome: "failed", code: "10007" });
      expect(report.outcomes[i]?.outcome === "failed" && report.outcomes[i].reason).toMatch(
        /refused the request again/,
      );
    }
  });

  it("fails the whole chunk with the vendor's messages when a 400 names no user", async () => {
    const vendor = propellerVendor(server, {
      fault: (n) =>
        n === 1 ? errorBody(400, 10005, "InvalidJSONPayload", ["Invalid JSON Payload"]) : undefined,
    });
    const report = await importUsers(makeClient().client, users(6), {
      chunkRecords: 3,
      concurrency: 1,
    });
    expectAccounted(report, 6);
    expect(vendor.requests).toHaveLength(2);
    expect(
      report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && [o.code, o.reason]),
    ).toEqual(Array(3).fill(["10005", "InvalidJSONPayload: Invalid JSON Payload"]));
    expect(report.imported).toBe(3);
  });

  it("fails a chunk answered 404 (parent user not found) with the vendor's text", async () => {
    propellerVendor(server, {
      fault: (_n, sent) =>
        sent.some(
          (u) =>
            u.parent !== undefined && "sourceId" in u.parent && u.parent.sourceId === "ORG-404",
        )
          ? errorBody(404, 70007, "ParentUserNotFound", ["Parent user not found"])
          : undefined,
    });
    const input: PropellerUser[] = users(6).map((u) => {
      const { parent: _p, ...rest } = u;
      return rest;
    });
    input[4] = { ...input[4]!, parent: { source: "CRM", sourceId: "ORG-404" } };
    const report = await importUsers(makeClient().client, input, { chunkRecords: 3 });
    expectAccounted(report, 6);
    expect(report.imported).toBe(3);
    for (const i of [3, 4, 5]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "failed",
        code: "70007",
        reason: "ParentUserNotFound: Parent user not found",
      });
    }
  });

  it("maps results by key when their order does not match the request, and flags users with no result", async () => {
    let drop = false;
    const vendor = propellerVendor(server, {
      rewrite: (data) => {
        const out = [...data].reverse();
        if (drop) out.splice(1, 1); // the result of the request's second-to-last user
        drop = true;
        return out;
      },
    });
    const input = users(8).map((u, i) => ({ ...u, sourceId: 1000 + i })); // integer sourceIds
    const report = await importUsers(makeClient().client, input, {
      chunkRecords: 4,
      concurrency: 1,
    });
    expectAccounted(report, 8);
    for (const i of [0, 1, 2, 3, 4, 5, 7]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "imported",
        id: String(vendor.ids.get(`CRM:${1000 + i}`)),
      });
    }
    expect(report.outcomes[6]).toMatchObject({ outcome: "failed", code: "no_outcome" });
  });

  it("accounts for every record under 500s, network errors, 429 with Retry-After and 503", async () => {
    // Retried by the client: 429 and 503 (the request was not processed). Replayed by the engine: a 500, or a
    // connection lost after the request went out, either of which Propeller may have acted on (the upsert
    // makes a replay safe).
    const faulted = new Map<string, number>();
    const lost: Record<string, string[]> = {};
    const vendor = propellerVendor(server, {
      fault: (_n, sent) => {
        const chunk = sent[0]?.sourceId;
        const seen = faulted.get(String(chunk)) ?? 0;
        faulted.set(String(chunk), seen + 1);
        if (seen > 0) return undefined;
        if (chunk === "C-0") {
          lost["500"] = sent.map(userKey);
          return errorBody(500, 500, "InternalServerError", ["boom"]);
        }
        if (chunk === "C-10") {
          lost["network"] = sent.map(userKey);
          return HttpResponse.error();
        }
        if (chunk === "C-20")
          return new HttpResponse(null, { status: 429, headers: { "Retry-After": "3" } });
        if (chunk === "C-30") return new HttpResponse(null, { status: 503 });
        return undefined;
      },
    });
    const { client, delays } = makeClient();
    const report = await importUsers(client, users(60), {
      chunkRecords: 10,
      concurrency: 2,
      replayDelayMs: 0,
    });

    expectAccounted(report, 60);
    expect(report.imported).toBe(60);
    expect(report.failed).toBe(0);
    // The two chunks whose answer was lost went out once more each, with the same users.
    expect(report.chunks.replayed).toBe(2);
    for (const keys of Object.values(lost)) {
      const sends = vendor.requests.filter((r) => r.map(userKey).join() === keys.join());
      expect(sends).toHaveLength(2);
    }
    expect(delays).toContain(3_000);
    expect(vendor.requests).toHaveLength(10); // 6 chunks + 2 retries (429, 503) + 2 replays (500, network)
    // None of the faults was processed: every user was written exactly once.
    expect(vendor.writes.size).toBe(60);
    expect([...vendor.writes.values()].every((n) => n === 1)).toBe(true);
  });

  it.each([401, 403])(
    "stops the import on %i: records read and not written are failed, none lost",
    async (status) => {
      const vendor = propellerVendor(server, {
        fault: (n) =>
          status === 403 && n > 1 ? errorBody(403, 403, "Forbidden", ["Forbidden"]) : undefined,
      });
      const report = await importUsers(makeClient().client, users(50), {
        chunkRecords: 10,
        concurrency: 1,
        onOutcome: () => {
          if (status === 401) vendor.revoked = true; // credentials revoked after the first chunk
        },
      });
      expectAccounted(report);
      expect(report.imported).toBe(10);
      expect(report.fatal).toMatch(new RegExp(`HTTP ${status}`));
      expect(report.aborted).toBe(false);
      const rest = report.outcomes.slice(10);
      expect(rest.length).toBeGreaterThan(0);
      expect(rest.every((o) => o.outcome === "failed" && o.code === "fatal")).toBe(true);
      // A 401 renews the token once before giving up.
      expect(vendor.tokenRequests).toBe(status === 401 ? 2 : 1);
    },
  );

  it("stops on abort: what was read is accounted for and the report says aborted", async () => {
    propellerVendor(server);
    const controller = new AbortController();
    function* lazy() {
      yield* users(100);
    }
    const report = await importUsers(makeClient().client, lazy(), {
      chunkRecords: 10,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.imported >= 20) controller.abort();
      },
    });
    expect(report.aborted).toBe(true);
    expectAccounted(report);
    expect(report.total).toBeLessThan(100);
    expect(report.imported).toBeGreaterThanOrEqual(20);
    const notImported = report.outcomes.filter((o) => o.outcome !== "imported");
    expect(notImported.every((o) => o.outcome === "failed" && o.code === "aborted")).toBe(true);
  });

  it("resumes from a journal: finished chunks are not re-sent, nobody is written twice, same report", async () => {
    const itemError = (user: PropellerUser) =>
      user.sourceId === "C-17" ? "User is locked" : undefined;
    const input = users(50);
    input[23] = { ...input[23]!, gender: "X" as "M" };
    const options = { chunkRecords: 10, concurrency: 1 };

    propellerVendor(server, { itemError });
    const uninterrupted = await importUsers(makeClient().client, input, options);
    server.resetHandlers();

    // The third request hangs until the caller aborts the import.
    const controller = new AbortController();
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const vendor = propellerVendor(server, {
      itemError,
      fault: async (n) => {
        if (n !== 3) return undefined;
        controller.abort();
        await blocked;
        return new HttpResponse(null, { status: 503 });
      },
    });
    const journal = path.join(mkdtempSync(path.join(tmpdir(), "propeller-")), "journal.ndjson");
    const first = await importUsers(makeClient().client, input, {
      ...options,
      journal,
      signal: controller.signal,
      replayDelayMs: 0,
    });
    unblock();
    expect(first.aborted).toBe(true);
    expectAccounted(first);
    const heldKeys = vendor.requests[2]!.map(userKey);
    expect(vendor.writes.size).toBe(19); // two chunks, minus the user the vendor refused
    for (const key of heldKeys) expect(vendor.writes.has(key)).toBe(false);

    const before = vendor.requests.length;
    delete vendor.options.fault;
    const second = await importUsers(makeClient().client, input, { ...options, journal });
    const resent = vendor.requests.slice(before).flat().map(userKey);
    const finished = vendor.requests.slice(0, 2).flat().map(userKey);
    expect(resent.filter((k) => finished.includes(k))).toEqual([]);
    expect(resent.slice(0, 10)).toEqual(heldKeys);
    expect(second.chunks).toEqual({ sent: 3, resumed: 2, replayed: 0 });
    expect([...vendor.writes.values()].every((n) => n === 1)).toBe(true);
    expect(vendor.writes.size).toBe(48);
    expect(comparable(second)).toEqual(comparable(uninterrupted));
    expectAccounted(second, 50);
  });
});
