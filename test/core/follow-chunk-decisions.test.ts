// What the engine decides about a chunk after each send: whether it is sent again within the run, and what the
// report says of its records (may the vendor hold them, did the request go out). Driven by a test adapter whose
// sends fail as scripted.
import { describe, expect, it } from "vitest";
import type { ChunkResult, ItemOutcome } from "../../src/core/engine/adapter.js";
import { EARLIER_TRY_NOTE, UNSETTLED_WRITE_NOTE } from "../../src/core/engine/chunk-outcomes.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { testAdapter } from "../support/test-adapter.js";

type User = { id: string };
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const users = (n: number): User[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));
const upsert = { replay: { by: "upsert", why: "the test vendor updates what exists" } } as const;

const timedOut: ItemOutcome = {
  ok: false,
  code: "timeout",
  reason: "no response within 30000 ms",
  transient: true,
};
const turnedAway: ItemOutcome = {
  ok: false,
  code: "rate_limited",
  reason: "HTTP 429",
  transient: true,
  unprocessed: "turned_away",
};
const every = (chunk: { readonly keys: readonly string[] }, outcome: ItemOutcome): ChunkResult => ({
  kind: "done",
  outcomes: chunk.keys.map(() => outcome),
});

/**
 * A run of one user whose send the caller aborts while it is out, and which the vendor turned away (429);
 * `cleared`, the state the adapter then sets to `""`, as its own try wrote nothing.
 */
function turnedAwayAsTheCallerAborts(journal?: string, cleared?: Record<string, string>) {
  const controller = new AbortController();
  const adapter = testAdapter<User>((chunk, context) => {
    if (cleared !== undefined) context.checkpoint(cleared);
    controller.abort();
    return Promise.resolve(every(chunk, turnedAway));
  }, upsert);
  return runImport(adapter, users(1), { signal: controller.signal, ...(journal && { journal }) });
}

/** A wait before a replay during which the caller aborts. */
const abortingSleep = (controller: AbortController) => () => {
  controller.abort();
  return Promise.reject(new Error("aborted while waiting"));
};

/** An earlier run with `journal`, of one attempt, whose send saved `state` and met `outcome`. */
function earlierRun(journal: string, state: Record<string, string>, outcome: ItemOutcome) {
  const adapter = testAdapter<User>((chunk, context) => {
    context.checkpoint(state);
    return Promise.resolve(every(chunk, outcome));
  }, upsert);
  return runImport(adapter, users(1), { journal, chunkAttempts: 1 });
}

describe("a chunk whose send met the caller's abort", () => {
  it("is not sent again, even through a `sleep` that ignores the signal, and may be held", async () => {
    const controller = new AbortController();
    let sends = 0;
    const adapter = testAdapter<User>((chunk) => {
      sends += 1;
      controller.abort();
      return Promise.resolve(every(chunk, timedOut));
    }, upsert);
    const report = await runImport(adapter, users(1), {
      signal: controller.signal,
      sleep: () => Promise.resolve(),
      replayDelayMs: 0,
    });
    expect(sends).toBe(1);
    expect(report.chunks.replayed).toBe(0);
    // The whole input was read before the abort: the report still says the run was aborted.
    expect(report.aborted).toBe(true);
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: matching(
          /no response within 30000 ms; the import stopped while this chunk was out: if its request reached test, test may hold this record, and a re-run \(this run keeps no journal\) sends it again$/,
        ),
      }),
    ]);
  });

  it("is not sent again when the caller aborts during the wait before a replay", async () => {
    const controller = new AbortController();
    let sends = 0;
    const adapter = testAdapter<User>((chunk) => {
      sends += 1;
      return Promise.resolve(every(chunk, timedOut));
    }, upsert);
    await runImport(adapter, users(1), {
      signal: controller.signal,
      sleep: abortingSleep(controller),
    });
    expect(sends).toBe(1);
  });
});

describe("a chunk whose unanswered send the run stopped before a replay", () => {
  it("says once that the vendor may hold its records", async () => {
    const controller = new AbortController();
    const unanswered: ItemOutcome = { ...timedOut, reason: `HTTP 502${UNSETTLED_WRITE_NOTE}` };
    const adapter = testAdapter<User>((chunk) => Promise.resolve(every(chunk, unanswered)), upsert);
    const report = await runImport(adapter, users(1), {
      signal: controller.signal,
      sleep: abortingSleep(controller),
    });
    const [outcome] = report.outcomes;
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(
        /^HTTP 502; no answer said what became of the request: the vendor may hold this record; the import stopped while this chunk was out: a re-run \(this run keeps no journal\) sends it again$/,
      ),
    });
  });
});

describe("an adapter that throws", () => {
  it("once the caller aborted, fails its records `aborted`, not `chunk_failed`", async () => {
    const controller = new AbortController();
    const adapter = testAdapter<User>(() => {
      controller.abort();
      return Promise.reject(new Error("This operation was aborted"));
    }, upsert);
    const report = await runImport(adapter, users(1), { signal: controller.signal });
    expect(report.outcomes).toEqual([
      expect.objectContaining({ outcome: "failed", code: "aborted" }),
    ]);
  });
});

describe("a chunk the run stopped while its request was out, whose own try wrote nothing", () => {
  it("does not say the vendor may hold its records", async () => {
    const report = await turnedAwayAsTheCallerAborts();
    expect(report.outcomes).toEqual([
      expect.objectContaining({ outcome: "failed", reason: "HTTP 429" }),
    ]);
  });

  it.each([
    ["", undefined],
    // The adapter speaks for its own try only: the earlier run's send may have written all the same.
    [", though the adapter then clears the key for its own try", { key: "" }],
  ])("says so when an earlier run's send of the chunk is on the journal%s", async (_, cleared) => {
    const journal = journalFile("follow-chunk");
    // The earlier run sent the chunk (its key is on the journal) and got no answer.
    const before = await earlierRun(journal, { key: "key-of-the-first-send" }, timedOut);
    expect(before.failed).toBe(1);
    const report = await turnedAwayAsTheCallerAborts(journal, cleared);
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: matching(
          /^HTTP 429; the import stopped while this chunk was out: if its request reached test, test may hold this record, and a re-run with the same journal settles it$/,
        ),
      }),
    ]);
  });
});

describe("a chunk turned away on a replay after a send whose answer was lost", () => {
  it("says the vendor may hold its records: the 429 speaks for its own send only", async () => {
    const lost: ItemOutcome = {
      ...timedOut,
      reason: `${timedOut.reason}${UNSETTLED_WRITE_NOTE}`,
      vendorMayHold: true,
    };
    const adapter = testAdapter<User>(
      (chunk, context) => Promise.resolve(every(chunk, context.attempt === 0 ? lost : turnedAway)),
      upsert,
    );
    const report = await runImport(adapter, users(1), { chunkAttempts: 2, replayDelayMs: 0 });
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: matching(
          new RegExp(`^HTTP 429${escaped(EARLIER_TRY_NOTE)}; sent 2 times in this run`),
        ),
        vendorMayHold: true,
      }),
    ]);
  });
});

describe("what a chunk's failures say of the vendor", () => {
  it("an abort of the client's own calls (not the import) with the request out says the vendor may hold the record", async () => {
    const aborted: ItemOutcome = {
      ok: false,
      code: "aborted",
      reason: "aborted by the caller",
      transient: true,
    };
    const adapter = testAdapter<User>((chunk) => Promise.resolve(every(chunk, aborted)), upsert);
    const report = await runImport(adapter, users(1));
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        reason:
          "aborted by the caller; the caller aborted the client's calls: if this chunk's request was already out, test may hold this record, and a re-run (this run keeps no journal) sends it again",
      }),
    ]);
  });

  it("a chunk some of whose records' request went out counts as sent", async () => {
    const notSent: ItemOutcome = { ...turnedAway, unprocessed: "not_sent" };
    const adapter = testAdapter<User>(
      () => Promise.resolve({ kind: "done", outcomes: [timedOut, notSent] }),
      upsert,
    );
    const report = await runImport(adapter, users(2), { chunkAttempts: 1 });
    expect(report.outcomes[0]).toMatchObject({
      reason: matching(/; sent 1 time in this run: a re-run tries again$/),
    });
  });

  it("a refusal after a try turned away (429) speaks for itself: no earlier try may have written", async () => {
    const refused: ItemOutcome = { ok: false, code: "invalid", reason: "refused by the vendor" };
    let sends = 0;
    const adapter = testAdapter<User>((chunk) => {
      sends += 1;
      return Promise.resolve(every(chunk, sends === 1 ? turnedAway : refused));
    }, upsert);
    const report = await runImport(adapter, users(1), { replayDelayMs: 0 });
    expect(sends).toBe(2);
    expect(report.outcomes).toEqual([
      expect.objectContaining({ outcome: "failed", reason: "refused by the vendor" }),
    ]);
  });

  it("a replay's refusal that already says an earlier try may have written says it once", async () => {
    const refused: ItemOutcome = {
      ok: false,
      code: "invalid",
      reason: `refused by the vendor${EARLIER_TRY_NOTE}`,
      // An adapter marks every failure whose reason says so (as afterLostSend does).
      vendorMayHold: true,
    };
    let sends = 0;
    const adapter = testAdapter<User>((chunk) => {
      sends += 1;
      return Promise.resolve(every(chunk, sends === 1 ? timedOut : refused));
    }, upsert);
    const report = await runImport(adapter, users(1), { replayDelayMs: 0 });
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: `refused by the vendor${EARLIER_TRY_NOTE}`,
        vendorMayHold: true,
      }),
    ]);
  });

  it("an earlier run that cleared its key (its send wrote nothing) is no send on record", async () => {
    const journal = journalFile("follow-chunk");
    await earlierRun(journal, { key: "" }, turnedAway);
    const report = await turnedAwayAsTheCallerAborts(journal);
    expect(report.outcomes).toEqual([
      expect.objectContaining({ outcome: "failed", reason: "HTTP 429" }),
    ]);
  });
});

describe("an import an earlier send's answer confirmed, kept over a replay that sent the record again", () => {
  /** Two users: the first send confirms the first and leaves the second unsettled; each replay confirms both. */
  const replayed = (again: ItemOutcome) =>
    testAdapter<User>(
      (_chunk, context) =>
        Promise.resolve({
          kind: "done",
          outcomes:
            context.attempt === 0 ? [{ ok: true, id: "1" }, timedOut] : [again, { ok: true }],
        }),
      upsert,
    );

  it("takes no warning the replay's answer gave of itself (an id it left out)", async () => {
    const adapter = replayed({
      ok: true,
      note: "the answer's id cannot be read, so it is left out",
    });
    const report = await runImport(adapter, users(2), { sleep: async () => {} });

    expect(report.outcomes[0]).toEqual({ index: 0, key: "u0", outcome: "imported", id: "1" });
  });

  it("takes what the replay's write may have left (`resentNote`) once, however many replays repeat it", async () => {
    const twice = "the vendor may hold this user's lists twice";
    let attempt = 0;
    const adapter = testAdapter<User>((_chunk, context) => {
      attempt = context.attempt;
      const again: ItemOutcome = {
        ok: true,
        note: `an action not named; ${twice}`,
        resentNote: twice,
      };
      return Promise.resolve({
        kind: "done",
        outcomes: [
          context.attempt === 0 ? { ok: true, id: "1" } : again,
          context.attempt < 3 ? timedOut : { ok: true },
        ],
      });
    }, upsert);
    const report = await runImport(adapter, users(2), { sleep: async () => {} });

    expect(attempt).toBe(3);
    expect(report.outcomes[0]).toEqual({
      index: 0,
      key: "u0",
      outcome: "imported",
      id: "1",
      warning: twice,
    });
  });
});

describe("a record refused on one send and imported by a replay that sent it again", () => {
  it("is reported imported: the vendor's later answer says it holds the user", async () => {
    // The first send refuses u0 and gets no answer for u1; the replay resends both, and both are imported.
    const adapter = testAdapter<User>(
      (_chunk, context) =>
        Promise.resolve({
          kind: "done",
          outcomes:
            context.attempt === 0
              ? [{ ok: false, code: "conflict", reason: "HTTP 409: busy" }, timedOut]
              : [
                  { ok: true, id: "1" },
                  { ok: true, id: "2" },
                ],
        }),
      upsert,
    );
    const report = await runImport(adapter, users(2), { sleep: async () => {} });

    expect(report).toMatchObject({ imported: 2, failed: 0 });
    expect(report.outcomes[0]).toEqual({ index: 0, key: "u0", outcome: "imported", id: "1" });
  });
});

describe("a refusal an earlier try of the run gave", () => {
  type Failure = Extract<ItemOutcome, { ok: false }>;
  const refusedAtFirst: Failure = {
    ok: false,
    code: "rejected_by_vendor",
    reason: "the vendor refused u0: email taken",
  };

  it("already saying the vendor may hold the record, keeps its words when a replay's answer doubts it too", async () => {
    const doubtedAtFirst: Failure = { ...refusedAtFirst, vendorMayHold: true };
    const doubtedLater: Failure = {
      ok: false,
      code: "job_failed",
      reason: "the replay's job failed: the vendor may hold u0",
      vendorMayHold: true,
      jobMayHold: true,
    };
    const answers: ItemOutcome[][] = [
      [doubtedAtFirst, timedOut],
      [doubtedLater, { ok: true }],
    ];
    const adapter = testAdapter<User>(
      () => Promise.resolve<ChunkResult>({ kind: "done", outcomes: answers.shift() ?? [] }),
      upsert,
    );

    const report = await runImport(adapter, users(2), { replayDelayMs: 0 });

    expect(report.outcomes.map((o) => [o.outcome, "reason" in o ? o.reason : undefined])).toEqual([
      ["failed", doubtedAtFirst.reason],
      ["imported", undefined],
    ]);
  });

  it("is not called resent by a replay that only followed up on the first send and met a fatal answer", async () => {
    const refusedCredential = ApiError.of(
      { status: 401, body: { message: "key revoked" }, headers: {} },
      { operation: "op", method: "GET", path: "/jobs/1" },
      new SecretSet(),
    );
    let attempt = 0;
    const adapter = testAdapter<User>((_chunk, context) => {
      attempt += 1;
      if (attempt === 1)
        return Promise.resolve<ChunkResult>({ kind: "done", outcomes: [refusedAtFirst, timedOut] });
      // The replay only polls the first send's job: it sends no user, whatever its answer says of the job.
      context.followedUpOnly?.();
      return Promise.resolve<ChunkResult>({
        kind: "fatal",
        error: refusedCredential,
        written: true,
      });
    }, upsert);

    const report = await runImport(adapter, users(2), { replayDelayMs: 0 });

    const first = report.outcomes[0];
    expect(first).toMatchObject({ outcome: "failed", reason: refusedAtFirst.reason });
    expect(first).not.toHaveProperty("vendorMayHold");
  });
});
