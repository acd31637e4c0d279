// importUsers against a stateful msw FullStory: chunking, job follow-through (polling, paging, 202s), record
// outcomes, faults, fatal answers, aborts and resuming from a journal.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import {
  createFullStoryAdapter,
  importUsers,
  type FullStoryImportOptions,
  type FullStoryUser,
} from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { useMswServer } from "../support/msw.js";
import { FakeFullStory, fsError, fullStoryIdOf, type FakeOptions } from "./fake-fullstory.js";
import { HttpResponse } from "msw";

const server = useMswServer();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const dir = mkdtempSync(path.join(tmpdir(), "fullstory-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let journals = 0;
const journalFile = () => path.join(dir, `journal-${++journals}.ndjson`);

/** Faker users with distinct uids (`u-<n>-…`), reproducible from the seed. */
function users(n: number, seed = "fullstory-import"): FullStoryUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => ({
    ...fullStoryUser(f),
    uid: `u-${i}-${f.string.alphanumeric(6)}`,
  }));
}

function vendor(options: FakeOptions = {}): FakeFullStory {
  const fake = new FakeFullStory(options);
  server.use(...fake.handlers());
  return fake;
}

/** A client that retries without waiting; `waits` records the client's retry delays. */
function client(options: { maxRetries?: number } = {}) {
  const waits: number[] = [];
  const fullstory = createFullStoryClient({
    apiKey: "na1.import-test-key",
    retryBaseDelayMs: 1,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { fullstory, waits };
}

/** Engine and adapter options that never wait for real; `sleeps` records the adapter's waits. */
function fast(extra: FullStoryImportOptions = {}) {
  const sleeps: number[] = [];
  const options: FullStoryImportOptions = {
    pollIntervalMs: 10,
    maxPollIntervalMs: 20,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw signal.reason;
      sleeps.push(ms);
    },
    ...extra,
  };
  return { options, sleeps };
}

/** total = imported + failed + rejected, and every index read appears exactly once, in order. */
function expectAccounted(report: ImportReport): void {
  expect(report.imported + report.failed + report.rejected).toBe(report.total);
  expect(report.outcomes.map((o) => o.index)).toEqual(
    Array.from({ length: report.total }, (_, i) => i),
  );
}

/** What a user reads in a report, without timings and chunk bookkeeping. */
const essence = (report: ImportReport) => ({
  total: report.total,
  imported: report.imported,
  failed: report.failed,
  rejected: report.rejected,
  outcomes: report.outcomes,
  aborted: report.aborted,
  fatal: report.fatal,
});

const uidsOf = (list: readonly FullStoryUser[]) => list.map((u) => u.uid);

describe("importUsers (FullStory)", () => {
  it("sends one batch job per chunk and reports each user imported with FullStory's id", async () => {
    const fake = vendor();
    const input = users(25);
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast({ chunkRecords: 10 }).options);

    expect(fake.creates.map((c) => c.users.length).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    expect(fake.creates.flatMap((c) => uidsOf(c.users)).sort()).toEqual(uidsOf(input).sort());
    const keys = fake.creates.map((c) => c.key);
    for (const key of keys) expect(key).toMatch(UUID_V4);
    expect(new Set(keys).size).toBe(3);
    expect(report).toMatchObject({ vendor: "fullstory", total: 25, imported: 25, failed: 0 });
    expect(report.outcomes).toEqual(
      input.map((user, index) => ({
        index,
        key: user.uid,
        outcome: "imported",
        id: fullStoryIdOf(user),
      })),
    );
    expectAccounted(report);
  });

  it("defaults to chunks of 10,000 users, 2 jobs at a time, and allows up to 50,000 per job", async () => {
    const fake = vendor();
    const input = Array.from({ length: 10_001 }, (_, i) => ({ uid: `bulk-${i}` }));
    const { fullstory } = client();
    const adapter = createFullStoryAdapter(fullstory);
    expect(adapter.limits.maxRecords).toBe(50_000);
    expect(adapter.defaults).toEqual({ chunkRecords: 10_000, concurrency: 2 });

    const { options } = fast();
    const report = await importUsers(fullstory, input, options);
    expect(fake.creates.map((c) => c.users.length).sort((a, b) => a - b)).toEqual([1, 10_000]);
    expect(report.imported).toBe(10_001);
    expectAccounted(report);
  });

  it("polls a job through PROCESSING with growing waits until it COMPLETED", async () => {
    const fake = vendor({ pollsToFinish: 4 });
    const { fullstory } = client();
    const { options, sleeps } = fast();
    const report = await importUsers(fullstory, users(3), options);

    expect(fake.requests.status).toEqual(["job-1", "job-1", "job-1", "job-1"]);
    expect(sleeps).toEqual([10, 15, 20]); // 1.5× each time, capped at maxPollIntervalMs
    expect(report.imported).toBe(3);
    expectAccounted(report);
  });

  it("reads both imports and errors of a FAILED job: some users imported, some failed", async () => {
    const input = users(8);
    const bad = new Set([input[1]!.uid, input[6]!.uid]);
    const fake = vendor({
      pollsToFinish: 2,
      fail: (u) =>
        bad.has(u.uid) ? { code: "invalid_property", message: `bad user ${u.uid}` } : undefined,
    });
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast().options);

    expect(fake.jobs.get("job-1")?.status).toBe("FAILED");
    expect(fake.requests.imports).toHaveLength(1);
    expect(fake.requests.errors).toHaveLength(1);
    expect(report).toMatchObject({ total: 8, imported: 6, failed: 2, rejected: 0 });
    expect(report.outcomes[1]).toEqual({
      index: 1,
      key: input[1]!.uid,
      outcome: "failed",
      code: "invalid_property",
      reason: `bad user ${input[1]!.uid}`,
    });
    expect(report.outcomes[6]).toMatchObject({ outcome: "failed", code: "invalid_property" });
    expect(report.outcomes[0]).toMatchObject({ outcome: "imported", id: fullStoryIdOf(input[0]!) });
    expectAccounted(report);
  });

  it("pages through imports and errors with next_page_token until it is absent or empty", async () => {
    const input = users(11);
    const fake = vendor({
      pageSize: 3,
      fail: (u) =>
        Number(u.uid?.split("-")[1]) % 3 === 0 ? { code: "e", message: "m" } : undefined,
    });
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast().options);

    // 7 imported → pages at 0, 3, 6; 4 failed (0, 3, 6, 9) → pages at 0, 3.
    expect(fake.tokens.imports).toEqual([null, "p3", "p6"]);
    expect(fake.tokens.errors).toEqual([null, "p3"]);
    expect(report).toMatchObject({ imported: 7, failed: 4 });
    for (const outcome of report.outcomes) {
      if (outcome.outcome === "imported") {
        expect(outcome.id).toBe(fullStoryIdOf(input[outcome.index]!));
      } else expect(outcome).toMatchObject({ outcome: "failed", code: "e" });
    }

    const empty = vendor({ pageSize: 3, lastToken: "empty" });
    const again = await importUsers(fullstory, users(7, "empty-token"), fast().options);
    expect(empty.tokens.imports).toEqual([null, "p3", "p6"]);
    expect(again.outcomes.every((o) => o.outcome === "imported" && o.id !== undefined)).toBe(true);
  });

  it("stops paging when next_page_token repeats the previous one", async () => {
    const input = users(7);
    const fake = vendor({ pageSize: 3, repeatToken: true });
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast().options);

    expect(fake.tokens.imports).toEqual([null, "p3"]);
    // Six users were listed with their ids; the job COMPLETED, so the seventh is imported (without an id).
    expect(report.imported).toBe(7);
    expect(
      report.outcomes.filter((o) => o.outcome === "imported" && o.id !== undefined),
    ).toHaveLength(6);
    expect(report.outcomes[6]).toEqual({ index: 6, key: input[6]!.uid, outcome: "imported" });
  });

  it("waits and asks again while a result list answers 202", async () => {
    const fake = vendor({ listLag: 2 });
    const { fullstory } = client();
    const { options, sleeps } = fast();
    const report = await importUsers(fullstory, users(4), options);

    expect(fake.requests.imports).toHaveLength(3);
    expect(fake.requests.errors).toHaveLength(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(4);
    expect(report.outcomes.every((o) => o.outcome === "imported" && o.id !== undefined)).toBe(true);
  });

  it("users missing from both lists: imported when the job COMPLETED counting them, no_outcome when it FAILED", async () => {
    const input = users(4);
    const missing = input[2]!.uid;
    // FullStory counts all four imported but lists three.
    vendor({ omit: (u) => u.uid === missing, statusCounts: { imports: 4, errors: 0 } });
    const { fullstory } = client();
    const completed = await importUsers(fullstory, input, fast().options);
    expect(completed.outcomes[2]).toEqual({ index: 2, key: missing, outcome: "imported" });

    vendor({ omit: (u) => u.uid === missing, forceFailed: true });
    const failed = await importUsers(fullstory, input, fast().options);
    expect(failed.outcomes[2]).toMatchObject({ outcome: "failed", code: "no_outcome" });
    expect(failed.outcomes[2]).toHaveProperty("reason", expect.stringContaining("job-1"));
    expect(failed.imported).toBe(3);
  });

  it("matches results by uid, else id, else email, and duplicates to the first record not yet matched", async () => {
    const input: FullStoryUser[] = [
      { uid: "dup", properties: { n: 1 } },
      { id: "12345", display_name: "Only an id" },
      { email: "only@example.com" },
      { uid: "dup", properties: { n: 2 } },
      { display_name: "Anonymous" },
    ];
    vendor({
      fail: (u) => (u.properties?.["n"] === 2 ? { code: "conflict", message: "no" } : undefined),
      forceFailed: true,
    });
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast().options);

    const summary = report.outcomes.map((o) =>
      o.outcome === "imported" ? [o.key, o.id] : [o.key, o.outcome === "failed" ? o.code : o.rule],
    );
    expect(summary).toEqual([
      ["dup", "fs-dup"],
      ["12345", "12345"],
      ["only@example.com", "fs-only@example.com"],
      ["dup", "conflict"],
      // Nothing identifies it in FullStory's lists, and the job FAILED.
      ["#4", "no_outcome"],
    ]);
  });

  it("rejects an invalid record before sending, naming index, key and rule; the rest are sent", async () => {
    const input = users(6);
    input[3] = { ...input[3]!, properties: { "1bad": true } };
    const fake = vendor();
    const { fullstory } = client();
    const report = await importUsers(fullstory, input, fast().options);

    expect(report.outcomes[3]).toEqual({
      index: 3,
      key: input[3]!.uid,
      outcome: "rejected",
      rule: "fullstory.property_name",
      reason: expect.stringContaining("properties.1bad"),
    });
    const sent = fake.creates.flatMap((c) => uidsOf(c.users));
    expect(sent).toHaveLength(5);
    expect(sent).not.toContain(input[3]!.uid);
    expect(report).toMatchObject({ total: 6, imported: 5, rejected: 1 });
    expectAccounted(report);
  });

  it("keeps one Idempotency-Key across a retried create (500, then 200): one job, each user once", async () => {
    const fake = vendor({
      fault: (op, n) => (op === "create" && n === 1 ? fsError(500, "server_error") : undefined),
    });
    const { fullstory } = client();
    const report = await importUsers(fullstory, users(5), fast().options);

    expect(fake.creates).toHaveLength(2);
    expect(fake.creates[0]!.key).toMatch(UUID_V4);
    expect(fake.creates[1]!.key).toBe(fake.creates[0]!.key);
    expect(fake.jobs.size).toBe(1);
    expect(fake.duplicates()).toEqual([]);
    expect(report.imported).toBe(5);
  });

  it("rides out 500s, network errors and 429 with Retry-After on every call", async () => {
    const fake = vendor({
      pageSize: 2,
      fault: (op, n) => {
        if (op === "create" && n === 1)
          return fsError(429, "too_many_requests", { "Retry-After": "3" });
        if (op === "status" && n === 2) return HttpResponse.error();
        if (op === "imports" && n % 3 === 1) return fsError(500, "server_error");
        if (op === "errors" && n === 1) return HttpResponse.error();
        return undefined;
      },
    });
    const { fullstory, waits } = client();
    const input = users(14);
    const report = await importUsers(fullstory, input, fast({ chunkRecords: 5 }).options);

    expect(waits).toContain(3000); // Retry-After, in seconds
    expect(report).toMatchObject({ total: 14, imported: 14, failed: 0 });
    expect(
      report.outcomes.every(
        (o) => o.outcome === "imported" && o.id === fullStoryIdOf(input[o.index]!),
      ),
    ).toBe(true);
    expect(fake.jobs.size).toBe(3);
    expect(fake.duplicates()).toEqual([]);
    expectAccounted(report);
  });

  it("fails the records of a chunk whose create fails for good, and imports the others", async () => {
    const input = users(15);
    const poisoned = input[7]!.uid;
    vendor({
      fault: (op, _n, _request, sent) =>
        op === "create" && sent?.some((u) => u.uid === poisoned) === true
          ? fsError(500, "server_error")
          : undefined,
    });
    const { fullstory } = client({ maxRetries: 2 });
    const report = await importUsers(fullstory, input, fast({ chunkRecords: 5 }).options);

    expect(report).toMatchObject({ total: 15, imported: 10, failed: 5 });
    for (const outcome of report.outcomes.slice(5, 10)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "500" });
    }
    expectAccounted(report);
  });

  it("fails the chunk with the error when polling fails for good", async () => {
    vendor({ fault: (op) => (op === "status" ? fsError(500, "server_error") : undefined) });
    const { fullstory } = client({ maxRetries: 1 });
    const report = await importUsers(fullstory, users(3), fast().options);

    expect(report.failed).toBe(3);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "500",
      reason: expect.stringContaining("getBatchImportStatus"),
    });
  });

  it("fails a job that does not end within jobTimeoutMs with job_timeout and its id", async () => {
    vendor({ pollsToFinish: Number.POSITIVE_INFINITY });
    const { fullstory } = client();
    const report = await importUsers(fullstory, users(3), fast({ jobTimeoutMs: 25 }).options);

    expect(report.failed).toBe(3);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "job_timeout",
      reason: expect.stringContaining("job-1"),
    });
    expectAccounted(report);
  });

  it("stops the import on 401: the records read and not imported fail as fatal, none is lost", async () => {
    const fake = vendor({
      fault: (op, n) => (op === "create" && n >= 2 ? fsError(401, "unauthorized") : undefined),
    });
    const { fullstory } = client();
    const input = users(40);
    const report = await importUsers(
      fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1 }).options,
    );

    expect(report.fatal).toContain("401");
    expect(report.aborted).toBe(false);
    expect(fake.creates).toHaveLength(2);
    expect(report.imported).toBe(10);
    expect(report.failed).toBe(report.total - 10);
    expect(
      report.outcomes.slice(10).every((o) => o.outcome === "failed" && o.code === "fatal"),
    ).toBe(true);
    expectAccounted(report);
  });

  it("aborts mid-import via signal: aborted, and every record read accounted for", async () => {
    const controller = new AbortController();
    vendor({
      fault: (op, n) => {
        if (op === "status" && n === 2) controller.abort();
        return undefined;
      },
    });
    const { fullstory } = client();
    const report = await importUsers(
      fullstory,
      users(40),
      fast({ chunkRecords: 10, concurrency: 1, signal: controller.signal }).options,
    );

    expect(report.aborted).toBe(true);
    expect(report.imported).toBe(10);
    expect(
      report.outcomes.slice(10).every((o) => o.outcome === "failed" && o.code === "aborted"),
    ).toBe(true);
    expectAccounted(report);
  });
});

describe("resuming from a journal", () => {
  const input = users(30, "fullstory-resume");
  const failEvery7th = (u: FullStoryUser) =>
    Number(u.uid?.split("-")[1]) % 7 === 0 ? { code: "bad", message: "refused" } : undefined;

  let expected: ImportReport;
  beforeEach(async () => {
    if (expected !== undefined) return;
    vendor({ fail: failEvery7th });
    expected = await importUsers(
      client().fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1 }).options,
    );
    expect(expected).toMatchObject({ total: 30, imported: 25, failed: 5 });
  });

  it("polls a journaled job instead of creating it again, and skips finished chunks", async () => {
    const journal = journalFile();
    const controller = new AbortController();
    const fake = vendor({
      fail: failEvery7th,
      pollsToFinish: 2,
      fault: (op, _n, request) => {
        if (op === "status" && request.url.endsWith("/job-2")) controller.abort();
        return undefined;
      },
    });
    const first = await importUsers(
      client().fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1, journal, signal: controller.signal }).options,
    );
    expect(first.aborted).toBe(true);
    expectAccounted(first);
    expect(fake.jobs.size).toBe(2);

    fake.options = { fail: failEvery7th, pollsToFinish: 2 };
    const createsBefore = fake.creates.length;
    const statusBefore = fake.requests.status.length;
    const second = await importUsers(
      client().fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1, journal }).options,
    );

    const resent = fake.creates.slice(createsBefore).flatMap((c) => uidsOf(c.users));
    expect(resent).toEqual(uidsOf(input.slice(20))); // only the chunk never sent
    expect(fake.requests.status.slice(statusBefore)).toContain("job-2"); // polled, not re-created
    expect(fake.jobs.size).toBe(3);
    expect(fake.duplicates()).toEqual([]);
    expect(second.chunks.resumed).toBe(1);
    expect(essence(second)).toEqual(essence(expected));
  });

  it("reuses the journaled Idempotency-Key when the job id never came back", async () => {
    const journal = journalFile();
    const controller = new AbortController();
    const fake = vendor({
      fail: failEvery7th,
      // FullStory makes job 2, but the answer is lost as the import is aborted.
      afterCreate: (job) => {
        if (job.id !== "job-2") return undefined;
        controller.abort();
        return HttpResponse.error();
      },
    });
    const first = await importUsers(
      client().fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1, journal, signal: controller.signal }).options,
    );
    expect(first.aborted).toBe(true);
    expectAccounted(first);

    fake.options = { fail: failEvery7th };
    const lostKey = fake.jobs.get("job-2")!.key;
    const createsBefore = fake.creates.length;
    const second = await importUsers(
      client().fullstory,
      input,
      fast({ chunkRecords: 10, concurrency: 1, journal }).options,
    );

    const again = fake.creates.slice(createsBefore);
    expect(again.map((c) => c.key)[0]).toBe(lostKey); // chunk 2 under its first key: FullStory replays job 2
    expect(uidsOf(again[0]!.users)).toEqual(uidsOf(input.slice(10, 20)));
    expect(fake.jobs.size).toBe(3); // distinct jobs: one per chunk
    expect(fake.duplicates()).toEqual([]);
    expect(essence(second)).toEqual(essence(expected));
  });
});
