// A fatal answer (credentials revoked, permission taken away) can come after the vendor took a chunk: while
// its job's results are read, or on a replay after a lost answer. What the vendor said of a user before it
// stands, and a user it said nothing of is reported as possibly held by it, never as simply failed.
import { describe, expect, it } from "vitest";
import type { ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { API_KEY, createThen, mountFullStory, vendorError } from "../fullstory/harness.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";

const revoked = () =>
  Object.assign(
    new ApiError("getJob (GET /jobs/1): HTTP 401", {
      operation: "getJob",
      method: "GET",
      path: "/",
    }),
    { status: 401, body: {} },
  );

/** An adapter whose n-th send of the chunk answers `answers[n]`. */
function scripted(answers: readonly ChunkResult[]): ImportAdapter<{ id: string }> {
  let sends = 0;
  return {
    vendor: "test",
    replay: { by: "upsert", why: "the test vendor upserts" },
    limits: { maxRecords: 10 },
    defaults: { chunkRecords: 10, concurrency: 1 },
    keyOf: (user) => user.id,
    validate: (user) => ({ ok: true, item: user }),
    scrub: (text) => text,
    send: () => Promise.resolve(answers[Math.min(sends++, answers.length - 1)]!),
  };
}

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));
const options = { replayDelayMs: 0 };

describe("a fatal answer after the vendor took the chunk", () => {
  it("keeps what an earlier send confirmed, and says the vendor may hold the rest", async () => {
    const lost = { ok: false, code: "network", reason: "answer lost", transient: true } as const;
    const report = await runImport(
      scripted([
        { kind: "done", outcomes: [{ ok: true }, lost, lost] },
        { kind: "fatal", error: revoked() },
      ]),
      users(3),
      options,
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "failed", "failed"]);
    expect(report.outcomes[1]).toMatchObject({
      code: "fatal",
      reason: expect.stringMatching(
        /test may hold this record: the chunk was sent before/,
      ) as unknown,
    });
    expect(report.fatal).toMatch(/HTTP 401/);
  });

  it("keeps what the vendor said in the same send before the fatal answer", async () => {
    const report = await runImport(
      scripted([
        {
          kind: "fatal",
          error: revoked(),
          known: [
            { ok: true, id: "v1" },
            { ok: false, code: "refused", reason: "bad email" },
            undefined,
          ],
          written: true,
        },
      ]),
      users(3),
      options,
    );
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      "imported",
      "refused",
      "fatal",
    ]);
    expect(report.outcomes[2]).toMatchObject({
      reason: expect.stringMatching(/may hold this record/) as unknown,
    });
  });

  it("says nothing of the sort after an earlier send the vendor turned away (429, 503)", async () => {
    const busy = {
      ok: false,
      code: "429",
      reason: "rate limited",
      transient: true,
      unprocessed: "turned_away",
    } as const;
    const report = await runImport(
      scripted([
        { kind: "done", outcomes: [busy, busy] },
        { kind: "fatal", error: revoked() },
      ]),
      users(2),
      options,
    );
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "fatal",
      "fatal",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: expect.not.stringMatching(/may hold/) as unknown,
    });
  });

  it("takes a failure that may pass for possibly written unless the adapter says its request wrote nothing", async () => {
    // An adapter's own outcome with code "429" but no `unprocessed`: the code alone proves nothing.
    const busy = { ok: false, code: "429", reason: "rate limited", transient: true } as const;
    const report = await runImport(
      scripted([
        { kind: "done", outcomes: [busy] },
        { kind: "fatal", error: revoked() },
      ]),
      users(1),
      options,
    );
    expect(report.outcomes[0]).toMatchObject({
      code: "fatal",
      reason: expect.stringMatching(/test may hold this record/) as unknown,
    });
  });

  it("says nothing of the sort when the vendor refused the first send itself", async () => {
    const report = await runImport(
      scripted([{ kind: "fatal", error: revoked() }]),
      users(2),
      options,
    );
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "fatal",
      "fatal",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: expect.not.stringMatching(/may hold/) as unknown,
    });
  });
});

describe("a re-run stopped by a fatal answer before it reaches a chunk of the journal", () => {
  const lost = { ok: false, code: "network", reason: "answer lost", transient: true } as const;
  /** Chunks of two; `answer(seq)` settles each (after saving that its request went out). */
  const adapter = (answer: (seq: number) => ChunkResult): ImportAdapter<{ id: string }> => ({
    ...scripted([]),
    limits: { maxRecords: 2 },
    defaults: { chunkRecords: 2, concurrency: 1 },
    send: (chunk, context) => {
      context.checkpoint({ sent: "1" });
      return Promise.resolve(answer(chunk.seq));
    },
  });

  it("keeps what the earlier run settled, and says the vendor may hold what it sent", async () => {
    const journal = journalFile("fatal-before-chunk");
    // The first run: chunk 1 imported; chunks 0 and 2 sent, their answers lost.
    const first = await runImport(
      adapter((seq) =>
        seq === 1
          ? { kind: "done", outcomes: [{ ok: true }, { ok: true }] }
          : { kind: "done", outcomes: [lost, lost] },
      ),
      users(6),
      { ...options, journal, chunkAttempts: 1 },
    );
    expect(first.imported).toBe(2);
    // The re-run: the key was revoked, so chunk 0 is refused, and chunks 1 and 2 are not sent.
    const report = await runImport(
      adapter(() => ({ kind: "fatal", error: revoked() })),
      users(6),
      { ...options, journal },
    );
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      "fatal",
      "fatal",
      "imported",
      "imported",
      "fatal",
      "fatal",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: expect.stringMatching(/test may hold this record/) as unknown,
    });
    expect(report.outcomes[4]).toMatchObject({
      reason: expect.stringMatching(
        /^not sent: .*test may hold this record: an earlier run/,
      ) as unknown,
    });
  });
});

describe("a refusal after a send whose answer was lost", () => {
  const server = useMswServer();

  it("in a replay: the refusal speaks for its own send, so the vendor may hold the record", async () => {
    const lost = { ok: false, code: "network", reason: "answer lost", transient: true } as const;
    const refused = { ok: false, code: "409", reason: "HTTP 409: request in progress" } as const;
    const report = await runImport(
      scripted([
        { kind: "done", outcomes: [lost] },
        { kind: "done", outcomes: [refused] },
      ]),
      users(1),
      options,
    );
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "409",
      reason: expect.stringMatching(/HTTP 409: .*may hold this record/) as unknown,
    });
  });

  it("in the client's retry of a FullStory create: the users may be held, and say so", async () => {
    const sim = mountFullStory(server, {
      faults: { script: createThen("lost_answer", vendorError(409, "conflict")) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, sleep: async () => {} });
    const report = await importUsers(client, [{ uid: "a" }], {
      chunkAttempts: 1,
      pollIntervalMs: 1,
      sleep: async () => {},
    });
    expect(sim.users().map((u) => u.uid)).toEqual(["a"]);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(/409.*may hold this record/) as unknown,
    });
  });
});

describe("FullStory: the key is revoked while a COMPLETED job's results are read", () => {
  const server = useMswServer();

  it("a re-run refused after an earlier run's create lost its answer: the users may be held", async () => {
    const sim = mountFullStory(server, {
      faults: { script: createThen("lost_answer", vendorError(401, "unauthorized")) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const journal = journalFile("fatal-after-resume");
    const run = () =>
      importUsers(client, [{ uid: "a" }], {
        journal,
        chunkAttempts: 1,
        pollIntervalMs: 1,
        sleep: async () => {},
      });
    expect((await run()).failed).toBe(1);
    const report = await run();
    expect(sim.users().map((u) => u.uid)).toEqual(["a"]);
    expect(report.outcomes[0]).toMatchObject({
      code: "fatal",
      reason: expect.stringMatching(/fullstory may hold this record/) as unknown,
    });
  });

  it("users the imports list named stay imported; the others may be held by FullStory", async () => {
    const sim = mountFullStory(server, {
      pageSize: 1,
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportErrors" ? vendorError(401, "unauthorized") : undefined,
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, [{ uid: "a" }, { uid: "b" }], {
      pollIntervalMs: 1,
      replayDelayMs: 0,
      sleep: async () => {},
    });
    expect(sim.users().map((u) => u.uid)).toEqual(["a", "b"]);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(report.fatal).toMatch(/401/);
  });

  it("a 401 to the client's retry of a create whose answer was lost: the users may be held, and say so", async () => {
    const sim = mountFullStory(server, {
      faults: { script: createThen("lost_answer", vendorError(401, "unauthorized")) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, sleep: async () => {} });
    const report = await importUsers(client, [{ uid: "a" }, { uid: "b" }], {
      pollIntervalMs: 1,
      replayDelayMs: 0,
      sleep: async () => {},
    });
    expect(sim.users().map((u) => u.uid)).toEqual(["a", "b"]);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "fatal",
        reason: expect.stringMatching(/fullstory may hold this record/) as unknown,
      });
    }
  });
});

describe("FullStory: a 401 to the client's retry of a create whose answer was lost, with a journal", () => {
  const server = useMswServer();

  it("keeps the create's key on the journal: the re-run sends under it and makes no second job", async () => {
    let refusing = true;
    let creates = 0;
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) => {
          if (operation !== "createBatchImport" || !refusing) return undefined;
          creates += 1;
          return creates === 1 ? "lost_answer" : vendorError(401, "unauthorized");
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, sleep: async () => {} });
    const settings = {
      journal: journalFile("fullstory"),
      pollIntervalMs: 1,
      replayDelayMs: 0,
      sleep: async () => {},
    };
    const first = await importUsers(client, [{ uid: "a" }, { uid: "b" }], settings);
    expect(first.fatal).toBeDefined();
    refusing = false;
    const again = await importUsers(client, [{ uid: "a" }, { uid: "b" }], settings);
    expect(again.imported).toBe(2);
    expect(sim.stats().jobs).toBe(1);
  });
});

describe("a chunk out when another chunk's answer is fatal", () => {
  const server = useMswServer();

  it("is not said to be aborted by the caller, and says FullStory may hold its records", async () => {
    let creates = 0;
    mountFullStory(server, {
      faults: {
        script: (call) => {
          if (call.operation !== "createBatchImport") return undefined;
          creates += 1;
          if (creates > 1) return vendorError(401, "unauthorized");
          // The first chunk's answer waits until the import, stopped by the second's 401, gives up on it.
          return {
            after: (answer) =>
              new Promise<Response>((resolve) => {
                const timer = setTimeout(() => resolve(answer), 2_000);
                call.request.signal.addEventListener("abort", () => {
                  clearTimeout(timer);
                  resolve(answer);
                });
              }),
          };
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(
      client,
      users(4).map(({ id }) => ({ uid: id })),
      {
        chunkRecords: 2,
        concurrency: 2,
        replayDelayMs: 0,
      },
    );

    const out = report.outcomes.filter((o) => o.outcome === "failed" && o.code === "aborted");
    expect(out).toHaveLength(2);
    for (const outcome of out) {
      expect(outcome).toMatchObject({
        reason: expect.stringMatching(
          /stopped by the import, not the caller \(at a vendor's fatal answer.*; .*fullstory may hold this record/,
        ) as unknown,
      });
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/aborted by the caller/);
    }
  });
});
