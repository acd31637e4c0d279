// importUsers against the Propeller simulator: chunking, per-user outcomes, 400/404 follow-through, faults,
// fatal auth, abort and resume.
import { describe, expect, it } from "vitest";
import type { components } from "../../generated/propeller.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json, type FaultKind } from "../../src/testing/faults.js";
import { chunkContext } from "../support/chunk-context.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { essence, expectEveryRecordOnce } from "../support/report.js";
import {
  errorAnswer,
  hasLists,
  LISTS_NOTE,
  mountPropeller,
  propellerClient,
  refuseFirstAnswer,
  userKey,
  users,
} from "./harness.js";

type Schemas = components["schemas"];

const server = useMswServer();

/** `n` small valid users for the big chunking tests (no faker, to stay fast). */
function plainUsers(n: number): PropellerUser[] {
  return Array.from({ length: n }, (_, i) => ({
    source: "CRM",
    sourceId: `C-${i}`,
    firstName: `First${i}`,
    email: `user${i}@example.com`,
  }));
}

const sizes = (requests: readonly unknown[][]) =>
  requests.map((r) => r.length).sort((a, b) => a - b);

/** This Propeller names only the first problem of a refused request (the simulator names them all). */
async function firstProblemOnly(answer: Response): Promise<Response> {
  if (answer.status !== 400) return answer;
  const { error } = (await answer.json()) as Schemas["ErrorResponse"];
  return json({ error: { ...error, messages: error.messages.slice(0, 1) } }, 400);
}

/** A refusal answered with `status` in its place (and in its envelope). */
async function withStatus(answer: Response, status: number): Promise<Response> {
  if (answer.status !== 400 || status === 400) return answer;
  const { error } = (await answer.json()) as Schemas["ErrorResponse"];
  return json({ error: { ...error, status } }, status);
}

/** The answer with its results reversed and, when `drop`, the result of the second-to-last user left out. */
async function reordered(answer: Response, drop: boolean): Promise<Response> {
  const body = (await answer.json()) as Schemas["BulkUsersResponse"];
  const data = [...body.data].reverse();
  if (drop) data.splice(1, 1);
  return json({ ...body, data, total: data.length });
}

describe("importUsers (Propeller)", () => {
  it("sends chunks of 2,000 users, 4 in flight, by default and imports every one with its Propeller id", async () => {
    expect(createPropellerAdapter(propellerClient().client).defaults).toEqual({
      chunkRecords: 2_000,
      concurrency: 4,
    });
    const vendor = mountPropeller(server);
    const input = plainUsers(4_100);
    const report = await importUsers(propellerClient().client, input, { sleep: async () => {} });
    expect(sizes(vendor.sent)).toEqual([100, 2_000, 2_000]);
    expectEveryRecordOnce(report, 4_100);
    expect(report.imported).toBe(4_100);
    const ids = vendor.ids();
    expect(ids.size).toBe(4_100);
    input.forEach((user, i) => {
      expect(report.outcomes[i]).toEqual({
        index: i,
        key: userKey(user),
        outcome: "imported",
        id: String(ids.get(userKey(user))),
      });
    });
  });

  it("lets callers raise the chunk size, up to our maxRecords guard", async () => {
    const vendor = mountPropeller(server);
    const { client } = propellerClient();
    await importUsers(client, plainUsers(2_600), { chunkRecords: 2_500 });
    expect(sizes(vendor.sent)).toEqual([100, 2_500]);
    vendor.sent.length = 0;
    await expect(
      importUsers(client, users(10), { chunkRecords: 10, maxRecords: 4 }),
    ).rejects.toThrow(
      /chunkRecords: 10 is above the propeller adapter's limit of records per request, 4/,
    );
    expect(vendor.sent).toEqual([]);
    await importUsers(client, users(10), { chunkRecords: 4, maxRecords: 4 });
    expect(sizes(vendor.sent)).toEqual([2, 4, 4]);
    expect(createPropellerAdapter(client).limits.maxRecords).toBe(10_000);
  });

  it("a maxRecords guard below the default chunk size is the chunk size when chunkRecords is not given", async () => {
    const vendor = mountPropeller(server);
    const report = await importUsers(propellerClient().client, plainUsers(10), { maxRecords: 4 });
    expect(report.imported).toBe(10);
    expect(sizes(vendor.sent)).toEqual([2, 4, 4]);
  });

  it("sends the chunk's users when the chunk carries no per-user JSON (an adapter run without serialize)", async () => {
    const { sim } = mountPropeller(server);
    const chunkUsers = users(3);
    const result = await createPropellerAdapter(propellerClient().client).send(
      { seq: 0, items: chunkUsers, serialized: [], keys: chunkUsers.map(userKey) },
      chunkContext().context,
    );
    expect(sim.users().map((u) => u.fields)).toEqual(chunkUsers);
    expect(result.kind === "done" && result.outcomes.every((o) => o.ok)).toBe(true);
  });

  it("fetches one token for a multi-chunk import running 4 requests at once", async () => {
    let arrived = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let release!: () => void;
    const allFour = new Promise<void>((resolve) => (release = resolve));
    const { sim, sent } = mountPropeller(server, {
      // Hold the first four requests until all four are in flight together.
      bulk: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        arrived += 1;
        if (arrived === 4) release();
        if (arrived <= 4) await allFour;
        inFlight -= 1;
        return undefined;
      },
    });
    const report = await importUsers(propellerClient().client, users(200), {
      chunkRecords: 20,
      concurrency: 4,
    });
    expect(sent).toHaveLength(10);
    expect(maxInFlight).toBe(4);
    expect(sim.tokensIssued()).toHaveLength(1);
    expect(report.imported).toBe(200);
  });

  it("maps per-user success:false results and validation rejections to the right input records", async () => {
    const input: PropellerUser[] = users(12);
    input[1] = { ...input[1]!, gender: "X" as "M" };
    input[4] = { ...input[4]!, attributes: [{ name: "UNKNOWN_ATTR", value: 1 }] };
    input[9] = { ...input[9]!, attributes: [{ name: "UNKNOWN_ATTR", value: "a" }] };
    // Every attribute the input sets is defined at this Propeller but UNKNOWN_ATTR.
    const definedAttributes = input
      .flatMap((u) => u.attributes ?? [])
      .map((a) => a.name)
      .filter((name) => name !== "UNKNOWN_ATTR");
    const vendor = mountPropeller(server, { definedAttributes });
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 5 });

    expectEveryRecordOnce(report, 12);
    expect(report).toMatchObject({ imported: 9, failed: 2, rejected: 1 });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "rejected",
      key: userKey(input[1]),
      rule: "propeller.enum",
    });
    expect(report.outcomes[1]?.outcome === "rejected" && report.outcomes[1].reason).toMatch(
      /gender: must be one of M, F, U/,
    );
    for (const i of [4, 9]) {
      expect(report.outcomes[i]).toEqual({
        index: i,
        key: userKey(input[i]!),
        outcome: "failed",
        code: "rejected_by_vendor",
        reason: "Attribute [UNKNOWN_ATTR] not found.",
      });
    }
    const ids = vendor.ids();
    for (const i of [0, 2, 3, 5, 6, 7, 8, 10, 11]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "imported",
        id: String(ids.get(userKey(input[i]!))),
      });
    }
    expect(ids.size).toBe(9);
    const sent = vendor.sent.flat().map(userKey);
    expect(sent).toHaveLength(11);
    expect(sent).not.toContain(userKey(input[1]));
  });

  // Propeller documents no 422: one that names users is read as its 400 is (UNCONFIRMED).
  it.each([400, 422])(
    "fails only the user a %i names (#/users/3) and re-sends the rest of the chunk once",
    async (status) => {
      // This tenant requires firstName (the vendor's own documented 400 example).
      const vendor = mountPropeller(server, {
        requiredFields: ["firstName"],
        bulk: () => ({ after: (answer) => withStatus(answer, status) }),
      });
      const input = users(10).map((u) => ({ ...u, firstName: "Ann" }));
      delete (input[8] as { firstName?: string }).firstName; // chunk 1, position 3
      const report = await importUsers(propellerClient().client, input, {
        chunkRecords: 5,
        concurrency: 1,
      });

      expectEveryRecordOnce(report, 10);
      expect(report.imported).toBe(9);
      expect(report.outcomes[8]).toEqual({
        index: 8,
        key: userKey(input[8]!),
        outcome: "failed",
        code: "10007",
        reason: "#/users/3: required key [firstName] not found",
      });
      expect(vendor.sent.map((r) => r.length)).toEqual([5, 5, 4]);
      expect(vendor.sent[2]!.map(userKey)).toEqual([5, 6, 7, 9].map((i) => userKey(input[i]!)));
      expect(vendor.ids().has(userKey(input[8]!))).toBe(false);
    },
  );

  // A refusal that answered after a try the vendor acted on (a caller's middleware answered in place of
  // Propeller's 200) speaks for its own try only: the users it names may be held by Propeller.
  it.each([400, 422])(
    "a %i naming a user after a try Propeller acted on fails it saying Propeller may hold it",
    async (status) => {
      const vendor = mountPropeller(server);
      const { client } = propellerClient();
      refuseFirstAnswer(client, status);
      const input = users(3);
      const report = await importUsers(client, input, { chunkRecords: 3 });

      expectEveryRecordOnce(report, 3);
      expect(vendor.sent.map((r) => r.length)).toEqual([3, 2]);
      expect(vendor.ids().has(userKey(input[1]!))).toBe(true);
      expect(report.outcomes[1]).toMatchObject({
        outcome: "failed",
        code: "10007",
        reason: matching(/^#\/users\/1: required key \[firstName\] not found; .*may hold/),
        vendorMayHold: true,
      });
      expect(report.outcomes.filter((o) => o.outcome === "imported")).toHaveLength(2);
    },
  );

  it("sends nothing more when a 400 names every user of the request", async () => {
    const vendor = mountPropeller(server, { requiredFields: ["firstName"] });
    const input = users(3).map(({ firstName: _, ...u }) => u);
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });

    expectEveryRecordOnce(report, 3);
    expect(vendor.sent.map((r) => r.length)).toEqual([3]);
    for (const [i, o] of report.outcomes.entries())
      expect(o).toMatchObject({
        outcome: "failed",
        code: "10007",
        reason: `#/users/${i}: required key [firstName] not found`,
      });
  });

  // Propeller's message format is UNCONFIRMED: blanks ahead of the pointer still name the user.
  it("fails the user a 400 names after leading blanks (' #/users/1') and re-sends the rest", async () => {
    const message = "  #/users/1: required key [email] not found";
    const vendor = mountPropeller(server, {
      bulk: (call) =>
        call.attempt === 1
          ? errorAnswer(400, 10007, "SchemaValidationException", [message])
          : undefined,
    });
    const input = users(3);
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });

    expectEveryRecordOnce(report, 3);
    expect(vendor.sent.map((r) => r.length)).toEqual([3, 2]);
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.reason : o.outcome))).toEqual([
      "imported",
      message,
      "imported",
    ]);
  });

  it("gives a user a 400 names in two messages both of Propeller's reasons", async () => {
    const messages = [
      "#/users/1: required key [firstName] not found",
      "#/users/0: required key [email] not found",
      "#/users/1: required key [email] not found",
    ];
    const vendor = mountPropeller(server, {
      bulk: (call) =>
        call.attempt === 1
          ? errorAnswer(400, 10007, "SchemaValidationException", messages)
          : undefined,
    });
    const input = users(3);
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });

    expectEveryRecordOnce(report, 3);
    expect(vendor.sent.map((r) => r.map(userKey))).toEqual([
      input.map(userKey),
      [userKey(input[2]!)],
    ]);
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.reason)).toEqual([
      "#/users/0: required key [email] not found",
      "#/users/1: required key [firstName] not found; #/users/1: required key [email] not found",
      false,
    ]);
  });

  it("re-sends at most once: users a second 400 names fail, the rest fail with the vendor's text", async () => {
    const vendor = mountPropeller(server, {
      requiredFields: ["firstName"],
      bulk: () => ({ after: firstProblemOnly }),
    });
    const input = users(5).map((u) => ({ ...u, firstName: "Ann" }));
    delete (input[1] as { firstName?: string }).firstName;
    delete (input[3] as { firstName?: string }).firstName;
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 5 });

    expectEveryRecordOnce(report, 5);
    expect(vendor.sent.map((r) => r.length)).toEqual([5, 4]);
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
    expect(vendor.sim.stats().users).toBe(0);
  });

  it("fails the whole chunk with the vendor's messages when a 400 names no user", async () => {
    const { sim } = mountPropeller(server, {
      bulk: (call) =>
        call.attempt === 1
          ? errorAnswer(400, 10005, "InvalidJSONPayload", ["Invalid JSON Payload"])
          : undefined,
    });
    const report = await importUsers(propellerClient().client, users(6), {
      chunkRecords: 3,
      concurrency: 1,
    });
    expectEveryRecordOnce(report, 6);
    expect(sim.stats().requests["POST /v2/users/bulk/sourceId"]).toBe(2);
    expect(
      report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && [o.code, o.reason]),
    ).toEqual(Array(3).fill(["10005", "InvalidJSONPayload: Invalid JSON Payload"]));
    expect(report.imported).toBe(3);
  });

  // Propeller documents no 422: one that names no user is read as any undocumented answer, not as its 400.
  it("fails the chunk with code undocumented, keeping the vendor's words, when a 422 names no user", async () => {
    mountPropeller(server, {
      bulk: () => errorAnswer(422, 10017, "PayloadValidationError", ["payload rejected"]),
    });
    const report = await importUsers(propellerClient().client, users(2), { chunkRecords: 2 });

    expectEveryRecordOnce(report, 2);
    for (const o of report.outcomes)
      expect(o).toMatchObject({
        outcome: "failed",
        code: "undocumented",
        reason: matching(/undocumented HTTP status 422: payload rejected/),
      });
  });

  it("reads a 400 naming a user past the request's last (#/users/3 of 3) as naming no user", async () => {
    const messages = ["#/users/3: required key [firstName] not found"];
    const { sim } = mountPropeller(server, {
      bulk: () => errorAnswer(400, 10007, "SchemaValidationException", messages),
    });
    const report = await importUsers(propellerClient().client, users(3), { chunkRecords: 3 });

    expectEveryRecordOnce(report, 3);
    // Nothing to leave out of a re-send: the chunk is not sent again.
    expect(sim.stats().requests["POST /v2/users/bulk/sourceId"]).toBe(1);
    expect(report.outcomes.map((o) => o.outcome === "failed" && [o.code, o.reason])).toEqual(
      Array(3).fill(["10007", `SchemaValidationException: ${messages[0]}`]),
    );
  });

  it("fails a chunk answered 404 (parent user not found) with the vendor's text", async () => {
    const { sim } = mountPropeller(server, {
      // This Propeller refuses a request whose parent is missing whole (the spec leaves it UNCONFIRMED).
      bulk: (_call, sent) =>
        sent.some((u) => u.parent && "sourceId" in u.parent && u.parent.sourceId === "ORG-404")
          ? errorAnswer(404, 70007, "ParentUserNotFound", ["Parent user not found"])
          : undefined,
    });
    const input = users(6);
    input[4] = { ...input[4]!, parent: { source: "CRM", sourceId: "ORG-404" } };
    const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });
    expectEveryRecordOnce(report, 6);
    expect(report.imported).toBe(3);
    for (const i of [3, 4, 5]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "failed",
        code: "70007",
        reason: "ParentUserNotFound: Parent user not found",
      });
    }
    expect(sim.stats().users).toBe(3);
  });

  it("maps results by key when their order does not match the request, and flags users with no result", async () => {
    const vendor = mountPropeller(server, {
      bulk: (call) => ({ after: (answer) => reordered(answer, call.attempt > 1) }),
    });
    const input = users(8).map((u, i) => ({ ...u, sourceId: 1000 + i })); // integer sourceIds
    const report = await importUsers(propellerClient().client, input, {
      chunkRecords: 4,
      concurrency: 1,
    });
    expectEveryRecordOnce(report, 8);
    const ids = vendor.ids();
    for (const i of [0, 1, 2, 3, 4, 5, 7]) {
      expect(report.outcomes[i]).toMatchObject({
        outcome: "imported",
        id: String(ids.get(userKey(input[i]!))),
      });
    }
    expect(report.outcomes[6]).toMatchObject({ outcome: "failed", code: "no_outcome" });
  });

  it("accounts for every record under 500s, network errors, 429 with Retry-After and 503", async () => {
    // Retried by the client: 429 and 503 (the request was not processed). Replayed by the engine: a 500, or a
    // connection lost after the request went out, either of which Propeller may have acted on (the upsert
    // makes a replay safe). Injected 5xx alternate 500, 503: C-0 is the first, C-30 the second.
    const firstSend: Record<string, FaultKind> = {
      "C-0": "5xx",
      "C-10": "drop",
      "C-20": "429",
      "C-30": "5xx",
    };
    const sends = new Map<string, number>();
    const vendor = mountPropeller(server, {
      faults: { retryAfterSeconds: 3 },
      bulk: (_call, sent) => {
        const chunk = String(sent[0]?.sourceId);
        sends.set(chunk, (sends.get(chunk) ?? 0) + 1);
        return sends.get(chunk) === 1 ? firstSend[chunk] : undefined;
      },
    });
    const { client, delays } = propellerClient();
    const report = await importUsers(client, users(60), {
      chunkRecords: 10,
      concurrency: 2,
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 60);
    expect(report.imported).toBe(60);
    expect(report.failed).toBe(0);
    // The two chunks whose answer was lost went out once more each, with the same users.
    expect(report.chunks.replayed).toBe(2);
    for (const chunk of ["C-0", "C-10"]) {
      const again = vendor.sent.filter((r) => r[0]?.sourceId === chunk).map((r) => r.map(userKey));
      expect(again).toHaveLength(2);
      expect(again[1]).toEqual(again[0]);
    }
    expect(delays).toContain(3_000);
    expect(vendor.sent).toHaveLength(10); // 6 chunks + 2 retries (429, 503) + 2 replays (500, network)
    expect(vendor.sim.stats().faults).toEqual({ "5xx": 2, drop: 1, "429": 1 });
    // None of the faults was processed: every user was written exactly once.
    const writes = vendor.writes();
    expect(writes.size).toBe(60);
    expect([...writes.values()].every((requests) => requests.length === 1)).toBe(true);
  });

  it.each([401, 403])(
    "stops the import on %i: records read and not written are failed, none lost",
    async (status) => {
      const { sim } = mountPropeller(server, {
        // Credentials revoked (401) or access withdrawn (403) after the first chunk.
        bulk: (call) =>
          call.attempt > 1
            ? errorAnswer(status, status, status === 401 ? "Unauthorized" : "Forbidden", ["No"])
            : undefined,
      });
      const report = await importUsers(propellerClient().client, users(50), {
        chunkRecords: 10,
        concurrency: 1,
      });
      expectEveryRecordOnce(report);
      expect(report.imported).toBe(10);
      expect(report.fatal).toMatch(new RegExp(`HTTP ${status}`));
      expect(report.aborted).toBe(false);
      const rest = report.outcomes.slice(10);
      expect(rest.length).toBeGreaterThan(0);
      expect(rest.every((o) => o.outcome === "failed" && o.code === "fatal")).toBe(true);
      // A 401 renews the token once before giving up.
      expect(sim.tokensIssued()).toHaveLength(status === 401 ? 2 : 1);
      expect(sim.stats().users).toBe(10);
    },
  );

  it("stops on abort: what was read is accounted for and the report says aborted", async () => {
    mountPropeller(server);
    const controller = new AbortController();
    function* lazy() {
      yield* users(100);
    }
    const report = await importUsers(propellerClient().client, lazy(), {
      chunkRecords: 10,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.imported >= 20) controller.abort();
      },
    });
    expect(report.aborted).toBe(true);
    expectEveryRecordOnce(report);
    expect(report.total).toBeLessThan(100);
    expect(report.imported).toBeGreaterThanOrEqual(20);
    const notImported = report.outcomes.filter((o) => o.outcome !== "imported");
    expect(notImported.every((o) => o.outcome === "failed" && o.code === "aborted")).toBe(true);
  });

  it("resumes from a journal: finished chunks are not re-sent, nobody is written twice, same report", async () => {
    // Propeller refuses C-17 (the key carries the user's language, if any).
    const faults = { reject: (key: string) => /^CRM:C-17(:|$)/.test(key) };
    const input = users(50);
    input[23] = { ...input[23]!, gender: "X" as "M" };
    const options = { chunkRecords: 10, concurrency: 1 };

    mountPropeller(server, { faults });
    const uninterrupted = await importUsers(propellerClient().client, input, options);
    server.resetHandlers();

    // The third request hangs until the caller aborts the import.
    const controller = new AbortController();
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const vendor = mountPropeller(server, {
      faults,
      bulk: async (call) => {
        if (call.attempt !== 3) return undefined;
        controller.abort();
        await blocked;
        return "5xx";
      },
    });
    const journal = journalFile("propeller");
    const first = await importUsers(propellerClient().client, input, {
      ...options,
      journal,
      signal: controller.signal,
      replayDelayMs: 0,
    });
    unblock();
    expect(first.aborted).toBe(true);
    expectEveryRecordOnce(first);
    const heldKeys = vendor.sent[2]!.map(userKey);
    expect(vendor.writes().size).toBe(19); // two chunks, minus the user the vendor refused
    for (const key of heldKeys) expect(vendor.writes().has(key)).toBe(false);

    const before = vendor.sent.length;
    vendor.setFaults(faults);
    const second = await importUsers(propellerClient().client, input, { ...options, journal });
    const resent = vendor.sent.slice(before).flat().map(userKey);
    const finished = vendor.sent.slice(0, 2).flat().map(userKey);
    expect(resent.filter((k) => finished.includes(k))).toEqual([]);
    expect(resent.slice(0, 10)).toEqual(heldKeys);
    expect(second.chunks).toEqual({ sent: 3, resumed: 2, replayed: 0 });
    const writes = vendor.writes();
    expect([...writes.values()].every((requests) => requests.length === 1)).toBe(true);
    expect(writes.size).toBe(48);
    // The third chunk was on record as sent: its users with addresses or attributes say Propeller may hold
    // those twice; the rest of the report is the uninterrupted run's.
    // That chunk's records: the ten valid ones from index 20 on (record 23 is rejected before any send).
    const noted = (index: number) =>
      heldKeys.includes(userKey(input[index]!)) && hasLists(input[index]!);
    expect(input.filter((_, index) => noted(index)).length).toBeGreaterThan(0);
    expect(essence(second)).toEqual({
      ...essence(uninterrupted),
      warned: uninterrupted.outcomes.filter((o) => noted(o.index)).length,
      outcomes: uninterrupted.outcomes.map((o) =>
        noted(o.index) ? { ...o, warning: matching(LISTS_NOTE) } : o,
      ),
    });
    expectEveryRecordOnce(second, 50);
  });
});
