// importUsers against a stateful msw Userpilot: chunking by count and bytes, one bulk job at a time, job
// statuses, conflicts, splits on 413, faults, fatal stops, aborts and resuming from a journal.
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { USERPILOT_MAX_BODY_BYTES, createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { useMswServer } from "../support/msw.js";
import { FakeUserpilot, errorBody } from "./fake-userpilot.js";
import { client, expectEveryRecordOnce, ids, journalFile, run, users } from "./harness.js";

const server = useMswServer();

function vendor(): FakeUserpilot {
  const fake = new FakeUserpilot();
  server.use(...fake.handlers());
  return fake;
}

/** The parts of a report that must not depend on how the import was interrupted. */
const essence = (r: ImportReport) => ({
  total: r.total,
  imported: r.imported,
  failed: r.failed,
  rejected: r.rejected,
  outcomes: r.outcomes,
  aborted: r.aborted,
  fatal: r.fatal,
});

describe("limits", () => {
  it("caps chunks at 10,000 users and bodies at 50 MB with envelope and commas, one job at a time", () => {
    const adapter = createUserpilotAdapter(client());
    expect(adapter.limits.maxRecords).toBe(10_000);
    expect(adapter.limits.maxConcurrency).toBe(1);
    expect(adapter.defaults).toEqual({ chunkRecords: 10_000, concurrency: 1 });
    // 10,000 users whose JSON sums to maxBytes, wrapped in {"users":[…]} with 9,999 commas.
    const maxBytes = adapter.limits.maxBytes ?? Number.POSITIVE_INFINITY;
    expect(maxBytes + '{"users":[]}'.length + 9_999).toBeLessThanOrEqual(USERPILOT_MAX_BODY_BYTES);
    expect(maxBytes).toBeGreaterThan(USERPILOT_MAX_BODY_BYTES - 20_000);
  });

  it("maxBodyBytes can only lower the vendor's limit", () => {
    const lowered = createUserpilotAdapter(client(), { maxBodyBytes: 1_000 }).limits.maxBytes;
    const raised = createUserpilotAdapter(client(), { maxBodyBytes: 10 * USERPILOT_MAX_BODY_BYTES })
      .limits.maxBytes;
    expect(lowered).toBeLessThan(1_000);
    expect(raised).toBe(createUserpilotAdapter(client()).limits.maxBytes);
  });
});

describe("importUsers", () => {
  it("sends chunks one job at a time, polls each through queued → validating → processing → completed", async () => {
    const fake = vendor();
    fake.statusesFor = () => ["queued", "validating", "processing", "completed"];
    const report = await run(users(25), { chunkRecords: 10 });

    expect(fake.submissions.map((s) => s.userIds.length)).toEqual([10, 10, 5]);
    expect(fake.acceptedChunks()).toEqual([ids(0, 10), ids(10, 20), ids(20, 25)]);
    expect(fake.polls.map((p) => p.status)).toEqual(
      Array.from({ length: 3 }, () => ["queued", "validating", "processing", "completed"]).flat(),
    );
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
    expect(report).toMatchObject({ vendor: "userpilot", total: 25, imported: 25, failed: 0 });
    expectEveryRecordOnce(report, 25);
    expect([...fake.imported.values()].every((n) => n === 1)).toBe(true);
    expect(fake.imported.size).toBe(25);
  });

  it("never runs two jobs at once: more concurrency is refused, naming the limit", async () => {
    const fake = vendor();
    await expect(run(users(12), { chunkRecords: 3, concurrency: 8 })).rejects.toThrow(
      /concurrency: 8 is above userpilot's limit of requests in flight, 1/,
    );
    expect(fake.submissions).toEqual([]);
    const report = await run(users(12), { chunkRecords: 3, concurrency: 1 });
    expect(fake.submissions.every((s) => s.status === 202)).toBe(true);
    expect(fake.acceptedChunks()).toHaveLength(4);
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
    expect(report.imported).toBe(12);
  });

  it("URL-encodes job ids that contain ':' when polling", async () => {
    const fake = vendor();
    await run(users(3));
    const [job] = fake.jobs.values();
    expect(job?.id).toContain(":");
    expect(fake.polls.length).toBeGreaterThan(0);
    for (const poll of fake.polls) {
      expect(poll.path).toBe(`/v1/background_jobs/${encodeURIComponent(job?.id ?? "")}`);
      expect(poll.path).not.toContain(":");
    }
  });

  it("treats pending_refresh and unknown statuses as still running", async () => {
    const fake = vendor();
    fake.statusesFor = () => ["queued", "pending_refresh", "reindexing", "completed"];
    const report = await run(users(4));
    expect(fake.polls.map((p) => p.status)).toEqual([
      "queued",
      "pending_refresh",
      "reindexing",
      "completed",
    ]);
    expect(report.imported).toBe(4);
  });

  it("fails every user of a failed job with job_failed and the job's reason; other chunks import", async () => {
    const fake = vendor();
    fake.statusesFor = (n) =>
      n === 2 ? ["queued", "validating", "failed"] : ["queued", "processing", "completed"];
    fake.failureFor = () => ({ error: "invalid metadata in row 3" });
    const report = await run(users(30), { chunkRecords: 10 });

    expect(report).toMatchObject({ total: 30, imported: 20, failed: 10, rejected: 0 });
    expectEveryRecordOnce(report, 30);
    const failed = report.outcomes.filter((o) => o.outcome === "failed");
    expect(failed.map((o) => o.key)).toEqual(ids(10, 20));
    for (const outcome of failed) {
      expect(outcome).toMatchObject({
        code: "job_failed",
        reason: expect.stringMatching(
          /failed after 5 of 10 rows: error: invalid metadata in row 3/,
        ),
      });
    }
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  it("reports a rejected record with its index, key and rule, and still sends the rest", async () => {
    const fake = vendor();
    const records = users(6);
    records[2] = { user_id: "u-2", metadata: { signed_up: new Date() as unknown as string } };
    records[4] = { user_id: "u-4", email: "x@example.com" } as unknown as UserpilotUser;
    const report = await run(records);

    expect(report).toMatchObject({ total: 6, imported: 4, rejected: 2, failed: 0 });
    expectEveryRecordOnce(report, 6);
    expect(report.outcomes[2]).toMatchObject({
      index: 2,
      key: "u-2",
      outcome: "rejected",
      rule: "userpilot.metadata_value",
      reason: expect.stringContaining("metadata.signed_up"),
    });
    expect(report.outcomes[4]).toMatchObject({
      index: 4,
      key: "u-4",
      outcome: "rejected",
      rule: "userpilot.unknown_field",
    });
    expect(fake.acceptedChunks()).toEqual([["u-0", "u-1", "u-3", "u-5"]]);
  });

  it("cuts chunks by bytes under maxBodyBytes, never sending a larger body", async () => {
    const fake = vendor();
    const records = Array.from({ length: 20 }, (_, i) => ({
      user_id: `u-${i}`,
      metadata: { bio: "x".repeat(120) },
    }));
    const report = await run(records, { maxBodyBytes: 1_000 });

    expect(report.imported).toBe(20);
    const sizes = fake.submissions.map((s) => s.userIds.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    for (const submission of fake.submissions) expect(submission.bytes).toBeLessThanOrEqual(1_000);
    // Each chunk was full by bytes: one more user would not have fit the adapter's budget.
    const budget = createUserpilotAdapter(client(), { maxBodyBytes: 1_000 }).limits.maxBytes ?? 0;
    const userBytes = JSON.stringify(records[0]).length;
    for (const { userIds } of fake.submissions.slice(0, -1)) {
      expect((userIds.length + 1) * userBytes).toBeGreaterThan(budget);
    }
  });

  it("waits out a foreign job's 409 Conflict with growing waits, then submits", async () => {
    const fake = vendor();
    const foreign = fake.foreignJob(3);
    const pending = run(users(8), { conflictWaitMs: 100, maxPollIntervalMs: 120 });
    const report = await pending;

    expect(fake.submissions.map((s) => s.status)).toEqual([409, 409, 409, 202]);
    expect(pending.waits.slice(0, 3)).toEqual([100, 120, 120]);
    expect(report.imported).toBe(8);
    expect(foreign.reported).toBe("completed");
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  it("fails a chunk with job_conflict when another job outlasts jobTimeoutMs", async () => {
    const fake = vendor();
    fake.foreignJob(Number.POSITIVE_INFINITY);
    const report = await run(users(6), { chunkRecords: 3, jobTimeoutMs: 500 });

    expectEveryRecordOnce(report, 6);
    expect(report.failed).toBe(6);
    expect(report.outcomes[0]).toMatchObject({
      code: "job_conflict",
      reason: expect.stringMatching(/another bulk job was still running .*Wait for job bulk:jobs:/),
    });
  });

  it("fails a job that never finishes with job_timeout, then goes on", async () => {
    const fake = vendor();
    fake.statusesFor = (n) => (n === 1 ? ["processing"] : ["queued", "completed"]);
    const report = await run(users(4), { chunkRecords: 2, jobTimeoutMs: 200, conflictWaitMs: 50 });

    expectEveryRecordOnce(report, 4);
    expect(report.outcomes.slice(0, 2).map((o) => o.outcome === "failed" && o.code)).toEqual(
      Array(2).fill("job_timeout"),
    );
    // The stuck job blocks the next chunk, which waits (409) and then fails too: never two jobs.
    expect(fake.submissions.filter((s) => s.status === 202)).toHaveLength(1);
    expect(report.outcomes[2]).toMatchObject({ code: "job_conflict" });
  });

  it("fails every user of a job Userpilot no longer knows (404) with job_lost", async () => {
    const fake = vendor();
    fake.onAccepted = (job, n) => {
      if (n === 1) fake.jobs.delete(job.id);
    };
    const report = await run(users(6), { chunkRecords: 3 });
    expectEveryRecordOnce(report, 6);
    expect(report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && o.code)).toEqual([
      "job_lost",
      "job_lost",
      "job_lost",
    ]);
    expect(report.imported).toBe(3);
  });

  it("splits a chunk refused with 413 in halves, each its own job", async () => {
    const fake = vendor();
    fake.maxUsersPerBody = 6;
    const report = await run(users(13), { chunkRecords: 13 });

    expect(fake.submissions.map((s) => [s.userIds.length, s.status])).toEqual([
      [13, 413],
      [7, 413],
      [4, 202],
      [3, 202],
      [6, 202],
    ]);
    expect(fake.acceptedChunks()).toEqual([ids(0, 4), ids(4, 7), ids(7, 13)]);
    expect(report.imported).toBe(13);
    expectEveryRecordOnce(report, 13);
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  it("fails a single user refused with 413 as payload_too_large", async () => {
    const fake = vendor();
    fake.maxUsersPerBody = 0;
    const report = await run(users(2), { chunkRecords: 2 });
    expectEveryRecordOnce(report, 2);
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "payload_too_large",
      "payload_too_large",
    ]);
  });

  it("fails a chunk refused with 400 with the vendor's error code and messages, then goes on", async () => {
    const fake = vendor();
    fake.submitFault = (n) =>
      n === 1
        ? HttpResponse.json(
            errorBody("invalid_input", "Invalid input", "users[3].user_id is missing"),
            { status: 400 },
          )
        : undefined;
    const report = await run(users(8), { chunkRecords: 4 });
    expectEveryRecordOnce(report, 8);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "invalid_input",
      reason: expect.stringContaining("Invalid input: users[3].user_id is missing"),
    });
    expect(report).toMatchObject({ imported: 4, failed: 4 });
  });

  it("keeps the invariant under 500s, network errors and 429s: a lost send that made no job is sent once more", async () => {
    const fake = vendor();
    const retryAfter = { status: 429, headers: { "Retry-After": "1" } };
    fake.submitFault = (n) => {
      if (n === 1)
        return HttpResponse.json(errorBody("too_many_requests", "Slow down"), retryAfter);
      // The connection lost after the request went out, and a 500, before Userpilot made a job: the client
      // never retries either for a POST; the engine replays the chunk once the job list shows no job for it.
      if (n === 2) return HttpResponse.error();
      if (n === 4) return HttpResponse.json({ oops: true }, { status: 500 });
      return undefined;
    };
    fake.pollFault = (n) => {
      if (n === 2)
        return HttpResponse.json(errorBody("too_many_requests", "Slow down"), retryAfter);
      if (n === 3) return HttpResponse.error();
      if (n === 4) return new HttpResponse("bad gateway", { status: 502 });
      return undefined;
    };
    const report = await run(users(15), { chunkRecords: 5 });

    expectEveryRecordOnce(report, 15);
    expect(report).toMatchObject({ imported: 15, failed: 0 });
    // A lost POST is followed by the job list, never by a blind POST.
    expect(fake.requests.filter((r) => !r.startsWith("POLL"))).toEqual([
      "POST 429",
      "POST 0",
      "LIST 200",
      "POST 202",
      "POST 500",
      "LIST 200",
      "POST 202",
      "POST 202",
    ]);
    expect(fake.acceptedChunks()).toEqual([ids(0, 5), ids(5, 10), ids(10, 15)]);
    expect(report.chunks.replayed).toBe(2);
    expect(report.events["reconciled_jobs"]).toBeUndefined();
    expect([...fake.imported.values()].every((n) => n === 1)).toBe(true);
    expect(fake.stored.size).toBe(15);
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  it("fails a chunk whose polling keeps failing after the client's retries, and never submits it again", async () => {
    const fake = vendor();
    fake.pollFault = (_, job) =>
      job !== undefined && job.userIds.includes("u-0") ? HttpResponse.error() : undefined;
    const report = await run(users(6), { chunkRecords: 3 });
    expectEveryRecordOnce(report, 6);
    expect(report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && o.code)).toEqual(
      Array(3).fill("network"),
    );
    expect(report.imported).toBe(3);
    // Replays poll the job they know; the chunk's users go out once.
    expect(fake.acceptedChunks()).toEqual([ids(0, 3), ids(3, 6)]);
    expect(fake.lists).toEqual([]);
  });

  it("stops on a 401: the chunk and every record read after it fail, nothing more is sent", async () => {
    const fake = vendor();
    fake.submitFault = (n) =>
      n === 2
        ? HttpResponse.json(errorBody("unauthorized", "Invalid API key"), { status: 401 })
        : undefined;
    const report = await run(users(30), { chunkRecords: 5 });

    expect(fake.submissions).toHaveLength(2);
    expect(report.fatal).toMatch(/HTTP 401/);
    expect(report.imported).toBe(5);
    expect(report.total).toBeGreaterThan(10);
    expectEveryRecordOnce(report, report.total);
    for (const outcome of report.outcomes.slice(5)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "fatal" });
    }
  });

  it("stops on a bad API key before anything is imported", async () => {
    const fake = vendor();
    const report = await run(users(4), {}, "wrong-key");
    expect(report.fatal).toMatch(/401/);
    expect(report.failed).toBe(4);
    expect(fake.acceptedChunks()).toEqual([]);
  });

  it("aborts mid-import via signal: the invariant holds and nothing more is sent", async () => {
    const fake = vendor();
    const controller = new AbortController();
    fake.onAccepted = (_, n) => {
      if (n === 2) controller.abort(new Error("stop"));
    };
    const report = await run(users(20), { chunkRecords: 4, signal: controller.signal });

    expect(report.aborted).toBe(true);
    expectEveryRecordOnce(report, report.total);
    expect(report.imported).toBe(4);
    expect(fake.submissions).toHaveLength(2);
    for (const outcome of report.outcomes.slice(4)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "aborted" });
    }
  });
});

describe("resume from a journal", () => {
  const input = () => {
    const records = users(12, "userpilot resume");
    records[9] = { user_id: "u-9", company_id: 9 } as unknown as UserpilotUser; // rejected either way
    return records;
  };

  async function uninterrupted(): Promise<ImportReport> {
    vendor();
    return run(input(), { chunkRecords: 4 });
  }

  it("after an abort, polls the journaled job instead of resubmitting, and sends only the rest", async () => {
    const expected = await uninterrupted();
    const fake = vendor();
    const journal = journalFile();
    const controller = new AbortController();
    fake.onPolled = (job) => {
      if (job.userIds.includes("u-4")) controller.abort(new Error("interrupted"));
    };
    const first = await run(input(), { chunkRecords: 4, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(fake.submissions).toHaveLength(2);
    const stuck = [...fake.jobs.values()][1];
    expect(stuck?.reported).not.toBe("completed");

    fake.onPolled = () => {};
    const second = await run(input(), { chunkRecords: 4, journal });

    expect(fake.submissions.map((s) => s.userIds)).toEqual([
      ids(0, 4),
      ids(4, 8),
      ["u-8", ...ids(10, 12)],
    ]);
    expect(fake.polls.filter((p) => p.path.endsWith(encodeURIComponent(stuck?.id ?? "")))).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: "completed" })]),
    );
    expect([...fake.accepted.values()].every((n) => n === 1)).toBe(true);
    expect([...fake.imported.values()].every((n) => n === 1)).toBe(true);
    expect(fake.imported.size).toBe(11);
    expect(second.chunks).toEqual({ sent: 2, resumed: 1, replayed: 0 });
    expect(essence(second)).toEqual(essence(expected));
    expect(fake.violations).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  it("after a 401, a re-run with a good key sends only the chunks that were not finished", async () => {
    const expected = await uninterrupted();
    const fake = vendor();
    const journal = journalFile();
    fake.submitFault = (n) =>
      n === 3
        ? HttpResponse.json(errorBody("unauthorized", "Invalid API key"), { status: 401 })
        : undefined;
    const first = await run(input(), { chunkRecords: 4, journal });
    expect(first.fatal).toBeDefined();

    fake.submitFault = () => undefined;
    const second = await run(input(), { chunkRecords: 4, journal });

    expect(fake.acceptedChunks()[0]).toEqual(ids(0, 4));
    expect([...fake.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(fake.imported.size).toBe(11);
    expect(second.chunks.resumed).toBe(2);
    expect(essence(second)).toEqual(essence(expected));
  });

  it("after an abort in the second half of a split chunk, skips the finished half", async () => {
    const fake = vendor();
    fake.maxUsersPerBody = 3;
    const journal = journalFile();
    const controller = new AbortController();
    // Abort once the second half's job id is journaled (at its first poll).
    fake.onPolled = (job) => {
      if (job.userIds.includes("u-3")) controller.abort(new Error("interrupted"));
    };
    const records = users(6);
    const first = await run(records, { chunkRecords: 6, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(fake.acceptedChunks()).toEqual([ids(0, 3), ids(3, 6)]);

    fake.onPolled = () => {};
    const posts = fake.submissions.length;
    const second = await run(records, { chunkRecords: 6, journal });

    expect(fake.submissions.length).toBe(posts);
    expect(second).toMatchObject({ total: 6, imported: 6, failed: 0 });
    expect([...fake.imported.values()].every((n) => n === 1)).toBe(true);
  });

  it("after polling failed for good, a re-run polls the journaled job", async () => {
    const fake = vendor();
    const journal = journalFile();
    fake.pollFault = (_, job) =>
      job !== undefined && job.userIds.includes("u-0") ? HttpResponse.error() : undefined;
    const records = users(6);
    const first = await run(records, { chunkRecords: 3, journal });
    expect(first.failed).toBe(3);

    fake.pollFault = () => undefined;
    const second = await run(records, { chunkRecords: 3, journal });
    expect(fake.acceptedChunks()).toHaveLength(2);
    expect(second.imported).toBe(6);
  });
});
