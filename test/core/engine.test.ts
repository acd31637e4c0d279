// The vendor-neutral engine, driven by a scripted adapter: chunking, bounded concurrency and reading,
// rejections, the outcome invariant under faults, fatal stops, aborts and resuming from a journal.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
} from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";

interface TestUser {
  id: string;
  name?: unknown;
}

type Behaviour = (chunk: Chunk<TestUser>, context: ChunkContext) => Promise<ChunkResult>;

/** An adapter whose vendor imports every record, unless `behaviour` says otherwise; it logs what it sent. */
function scripted(
  behaviour?: Behaviour,
  limits: ImportAdapter<TestUser>["limits"] = { maxRecords: 100 },
) {
  const sent: Chunk<TestUser>[] = [];
  let running = 0;
  let maxRunning = 0;
  const adapter: ImportAdapter<TestUser> = {
    vendor: "test",
    limits,
    defaults: { chunkRecords: 10, concurrency: 2 },
    keyOf: (user) => user.id,
    validate: (user) =>
      typeof user.name === "string"
        ? { ok: true, item: user }
        : { ok: false, problems: [{ rule: "test.name", message: "name: must be a string" }] },
    serialize: (user) => JSON.stringify(user),
    async send(chunk, context) {
      sent.push(chunk);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        if (behaviour) return await behaviour(chunk, context);
        return {
          kind: "done",
          outcomes: chunk.items.map((u) => ({ ok: true, id: `vendor-${u.id}` })),
        };
      } finally {
        running -= 1;
      }
    },
  };
  return { adapter, sent, maxRunning: () => maxRunning };
}

const users = (n: number, from = 0): TestUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u${from + i}`, name: `User ${from + i}` }));

function expectEveryRecordOnce(report: Awaited<ReturnType<typeof runImport>>, total: number) {
  expect(report.total).toBe(total);
  expect(report.imported + report.failed + report.rejected).toBe(total);
  expect(report.outcomes.map((o) => o.index)).toEqual(Array.from({ length: total }, (_, i) => i));
}

const apiError = (status: number | "network") =>
  ApiError.of(
    status === "network" ? { status } : { status, body: { message: "no" }, headers: {} },
    { operation: "op", method: "POST", path: "/x" },
    new SecretSet(),
  );

describe("chunking", () => {
  it("cuts chunks by count, in input order, and reports every record", async () => {
    const { adapter, sent } = scripted();
    const report = await runImport(adapter, users(25), { chunkRecords: 10 });
    expect(sent.map((c) => c.items.length)).toEqual([10, 10, 5]);
    expect(sent.flatMap((c) => c.keys)).toEqual(users(25).map((u) => u.id));
    expectEveryRecordOnce(report, 25);
    expect(report.imported).toBe(25);
    expect(report.outcomes[7]).toEqual({
      index: 7,
      key: "u7",
      outcome: "imported",
      id: "vendor-u7",
    });
  });

  it("never exceeds the vendor's limit, whatever the caller asks", async () => {
    const { adapter, sent } = scripted(undefined, { maxRecords: 4 });
    await runImport(adapter, users(9), { chunkRecords: 1000 });
    expect(sent.map((c) => c.items.length)).toEqual([4, 4, 1]);
  });

  it("cuts chunks by serialised size, and rejects a record larger than a whole request", async () => {
    const { adapter, sent } = scripted(undefined, { maxRecords: 100, maxBytes: 100 });
    const input = [...users(5), { id: "huge", name: "x".repeat(200) }, ...users(2, 5)];
    const report = await runImport(adapter, input, { chunkRecords: 100 });
    for (const chunk of sent) {
      expect(chunk.serialized.reduce((n, s) => n + Buffer.byteLength(s), 0)).toBeLessThanOrEqual(
        100,
      );
    }
    expect(sent.length).toBeGreaterThan(1);
    expect(report.outcomes[5]).toMatchObject({
      outcome: "rejected",
      rule: "test.payload_size",
      key: "huge",
    });
    expectEveryRecordOnce(report, 8);
  });
});

describe("reading and sending", () => {
  it("keeps at most `concurrency` chunks in flight", async () => {
    const { adapter, maxRunning } = scripted();
    await runImport(adapter, users(100), { chunkRecords: 5, concurrency: 3 });
    expect(maxRunning()).toBe(3);
  });

  it("reads an async input lazily: never more than the chunks in flight plus one ahead", async () => {
    let read = 0;
    let maxAhead = 0;
    let confirmed = 0;
    async function* source() {
      for (let i = 0; i < 200; i++) {
        read += 1;
        maxAhead = Math.max(maxAhead, read - confirmed);
        yield { id: `u${i}`, name: "n" };
      }
    }
    const { adapter } = scripted();
    const report = await runImport(adapter, source(), {
      chunkRecords: 10,
      concurrency: 2,
      onProgress: (p) => {
        confirmed = p.confirmed;
      },
    });
    expect(report.imported).toBe(200);
    expect(maxAhead).toBeLessThanOrEqual(10 * 3 + 1);
  });

  it("rejects invalid records with their index, key and rule, and still sends the rest", async () => {
    const { adapter, sent } = scripted();
    const input: TestUser[] = [...users(3), { id: "bad", name: 42 }, ...users(3, 3)];
    const report = await runImport(adapter, input);
    expect(report.outcomes[3]).toEqual({
      index: 3,
      key: "bad",
      outcome: "rejected",
      rule: "test.name",
      reason: "record 3 (bad): name: must be a string",
    });
    expect(sent.flatMap((c) => c.keys)).not.toContain("bad");
    expect(report.imported).toBe(6);
    expectEveryRecordOnce(report, 7);
  });

  it("emits progress up to the final counts", async () => {
    const events: number[] = [];
    const { adapter } = scripted();
    const report = await runImport(adapter, users(30), {
      onProgress: (p) => events.push(p.confirmed),
    });
    expect(events.at(-1)).toBe(30);
    expect([...events].sort((a, b) => a - b)).toEqual(events);
    expect(report.chunks).toEqual({ sent: 3, resumed: 0 });
  });

  it("keeps only problems when asked, and streams every outcome to onOutcome", async () => {
    const streamed: number[] = [];
    const { adapter } = scripted();
    const input: TestUser[] = [...users(4), { id: "bad", name: null }];
    const report = await runImport(adapter, input, {
      keepOutcomes: "problems",
      onOutcome: (o) => streamed.push(o.index),
    });
    expect(report.outcomes.map((o) => o.key)).toEqual(["bad"]);
    expect(streamed.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(report.total).toBe(5);
  });
});

describe("faults", () => {
  it("fails every record of a chunk that fails for good, with the cause, and goes on", async () => {
    const { adapter } = scripted(async (chunk) =>
      chunk.seq === 1
        ? {
            kind: "done",
            outcomes: chunk.items.map(() => ({ ok: false, code: "500", reason: "server error" })),
          }
        : { kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) },
    );
    const report = await runImport(adapter, users(30));
    expect(report.failed).toBe(10);
    expect(report.outcomes[15]).toMatchObject({
      outcome: "failed",
      code: "500",
      reason: "server error",
    });
    expectEveryRecordOnce(report, 30);
  });

  it("fails a chunk whose adapter throws, and counts records an adapter forgot", async () => {
    const { adapter } = scripted(async (chunk) => {
      if (chunk.seq === 0) throw new Error("adapter bug");
      return { kind: "done", outcomes: chunk.items.slice(1).map(() => ({ ok: true })) };
    });
    const report = await runImport(adapter, users(20));
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "chunk_failed",
      reason: "adapter bug",
    });
    expect(report.outcomes[19]).toMatchObject({ outcome: "failed", code: "no_outcome" });
    expectEveryRecordOnce(report, 20);
  });

  it("stops at a fatal answer: every later record is read and failed, none is sent", async () => {
    const { adapter, sent } = scripted(async (chunk) =>
      chunk.seq === 0
        ? { kind: "fatal", error: apiError(401) }
        : { kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) },
    );
    const report = await runImport(adapter, users(100), { concurrency: 1 });
    expect(report.fatal).toMatch(/HTTP 401/);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(report.imported).toBeLessThanOrEqual(10);
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "fatal" });
    expect(report.outcomes[99]).toMatchObject({
      outcome: "failed",
      code: "fatal",
      reason: /not sent: .*401/,
    });
    expectEveryRecordOnce(report, 100);
    expect(report.aborted).toBe(false);
  });

  it("input that breaks part-way: what was read is still sent and reported, and the break is named", async () => {
    async function* broken() {
      yield* users(15);
      throw new Error("line 16: unexpected end of file");
    }
    const { adapter, sent } = scripted();
    const report = await runImport(adapter, broken());
    expect(report.inputError).toBe("line 16: unexpected end of file");
    expect(sent.flatMap((c) => c.keys)).toEqual(users(15).map((u) => u.id));
    expectEveryRecordOnce(report, 15);
    expect(report.imported).toBe(15);
  });

  it("rejects what the precheck refuses, before the vendor's rules", async () => {
    const { adapter } = scripted();
    const input: TestUser[] = [...users(2), { id: "broken", name: "x" }];
    const report = await runImport(adapter, input, {
      precheck: (u) =>
        u.id === "broken" ? { rule: "input.parse", message: "line 3: not JSON" } : undefined,
    });
    expect(report.outcomes[2]).toMatchObject({
      outcome: "rejected",
      rule: "input.parse",
      reason: /line 3: not JSON/,
    });
    expect(report.imported).toBe(2);
  });

  it("aborts: records read end as failed with `aborted`, and reading stops", async () => {
    const controller = new AbortController();
    const { adapter } = scripted(async (chunk, context) => {
      if (chunk.seq === 2) controller.abort();
      await context.sleep(chunk.seq >= 2 ? 60_000 : 0).catch(() => undefined);
      return {
        kind: "done",
        outcomes: chunk.items.map(() =>
          context.signal.aborted ? { ok: false, code: "aborted", reason: "aborted" } : { ok: true },
        ),
      };
    });
    const report = await runImport(adapter, users(1000), {
      signal: controller.signal,
      concurrency: 1,
    });
    expect(report.aborted).toBe(true);
    expect(report.total).toBeLessThan(1000);
    expect(report.total).toBe(report.imported + report.failed + report.rejected);
    expect(
      report.outcomes
        .filter((o) => o.outcome === "failed")
        .every((o) => o.outcome === "failed" && o.code === "aborted"),
    ).toBe(true);
  });
});

describe("resume from a journal", () => {
  const journalFile = () =>
    path.join(mkdtempSync(path.join(tmpdir(), "bui-journal-")), "import.journal");

  it("skips finished chunks, resumes unfinished ones with their saved state, and ends as an uninterrupted run", async () => {
    const journal = journalFile();
    const vendorImports = new Map<string, number>();
    const importAll = (chunk: Chunk<TestUser>): ChunkResult => {
      for (const key of chunk.keys) vendorImports.set(key, (vendorImports.get(key) ?? 0) + 1);
      return {
        kind: "done" as const,
        outcomes: chunk.items.map((u) => ({ ok: true, id: `vendor-${u.id}` })),
      };
    };

    // First run: chunk 2 saves a job id, then the run is cut short.
    const controller = new AbortController();
    const first = scripted(async (chunk, context) => {
      if (chunk.seq === 2) {
        context.checkpoint({ jobId: "job-2" });
        controller.abort();
        return {
          kind: "done",
          outcomes: chunk.items.map(() => ({ ok: false, code: "aborted", reason: "aborted" })),
        };
      }
      return importAll(chunk);
    });
    const interrupted = await runImport(first.adapter, users(50), {
      journal,
      signal: controller.signal,
      concurrency: 1,
    });
    expect(interrupted.aborted).toBe(true);

    // Second run: only chunks 2.. are sent, chunk 2 sees its job id.
    const resumedState: (Readonly<Record<string, string>> | undefined)[] = [];
    const second = scripted(async (chunk, context) => {
      resumedState[chunk.seq] = context.resumed;
      return importAll(chunk);
    });
    const resumed = await runImport(second.adapter, users(50), { journal, concurrency: 1 });
    expect(second.sent.map((c) => c.seq)).toEqual([2, 3, 4]);
    expect(resumedState[2]).toEqual({ jobId: "job-2" });
    expect(resumed.chunks).toEqual({ sent: 3, resumed: 2 });
    expect([...vendorImports.values()].every((n) => n === 1)).toBe(true);

    const uninterrupted = await runImport(scripted().adapter, users(50));
    const strip = ({ startedAt: _s, durationMs: _d, chunks: _c, ...rest }: typeof resumed) => rest;
    expect(strip(resumed)).toEqual(strip(uninterrupted));
  });

  it("keeps a chunk that failed in a way that may pass unfinished, so a re-run sends it again", async () => {
    const journal = journalFile();
    const flaky = scripted(async (chunk) => ({
      kind: "done",
      outcomes: chunk.items.map(() =>
        chunk.seq === 1
          ? { ok: false, code: "network", reason: "connection reset", transient: true as const }
          : { ok: true },
      ),
    }));
    const first = await runImport(flaky.adapter, users(30), { journal });
    expect(first.failed).toBe(10);
    const healthy = scripted();
    const second = await runImport(healthy.adapter, users(30), { journal });
    expect(healthy.sent.map((c) => c.seq)).toEqual([1]);
    expect(second.imported).toBe(30);
  });

  it("refuses a journal written for other records or other settings", async () => {
    const journal = journalFile();
    await runImport(scripted().adapter, users(20), { journal });
    await expect(runImport(scripted().adapter, users(20, 100), { journal })).rejects.toThrow(
      /different records/,
    );
    await expect(
      runImport(scripted().adapter, users(20), { journal, chunkRecords: 5 }),
    ).rejects.toThrow(/chunks of 10/);
  });
});
