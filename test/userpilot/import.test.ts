// importUsers against the Userpilot simulator: chunking by count and bytes, one bulk job at a time, job
// statuses, conflicts, splits on 413, faults, fatal stops, aborts and resuming from a journal.
import { describe, expect, it, vi } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { USERPILOT_MAX_BODY_BYTES, createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers } from "../../src/userpilot/import.js";
import { USERPILOT_RULES, type UserpilotUser } from "../../src/userpilot/validate.js";
import { journalFile } from "../support/journal-file.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { containing, matching } from "../support/matchers.js";
import { essence, expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import {
  API_KEY,
  afterwards,
  bodyBytes,
  dropAfter,
  client,
  expectTruthfulReport,
  ids,
  run,
  useUserpilot,
  users,
  type ScriptPlan,
} from "./harness.js";

const vendor = useUserpilot();

const unauthorized = () => ({ answer: userpilotError(401, "invalid_api_key") });
/** A status poll whose job reports `status` instead of the one it has. */
const reporting = (status: string) => ({
  after: async (answer: Response) => json({ ...((await answer.json()) as object), status }),
});

describe("limits", () => {
  it("caps chunks at 10,000 users and bodies at 50 MB with envelope and commas, one job at a time", () => {
    const adapter = createUserpilotAdapter(client());
    expect(adapter.limits.maxRecords).toBe(10_000);
    expect(adapter.limits.maxConcurrency).toBe(1);
    expect(adapter.defaults).toEqual({ chunkRecords: 10_000, concurrency: 1 });
    expect(adapter.limits.maxBytes).toBe(USERPILOT_MAX_BODY_BYTES);
    // A body is {"users":[…]} around the users' JSON, with a comma between two users.
    expect(adapter.limits.framing).toEqual({ envelope: '{"users":[]}'.length, separator: 1 });
  });

  it("maxBodyBytes can only lower the vendor's limit: a larger value is refused, naming the limit", () => {
    const lowered = createUserpilotAdapter(client(), { maxBodyBytes: 1_000 }).limits.maxBytes;
    const atLimit = createUserpilotAdapter(client(), { maxBodyBytes: USERPILOT_MAX_BODY_BYTES });
    expect(lowered).toBe(1_000);
    expect(atLimit.limits.maxBytes).toBe(USERPILOT_MAX_BODY_BYTES);
    // Lowered to the limit in silence before: the caller never learnt the bodies stayed under it.
    expect(() =>
      createUserpilotAdapter(client(), { maxBodyBytes: USERPILOT_MAX_BODY_BYTES + 1 }),
    ).toThrow(
      new RangeError(
        `maxBodyBytes: ${USERPILOT_MAX_BODY_BYTES + 1} is above userpilot's limit of bytes per request, ${USERPILOT_MAX_BODY_BYTES}`,
      ),
    );
  });

  it("sends a user whose body alone fits maxBodyBytes to the byte, and rejects one a byte over", async () => {
    const up = vendor({ maxBytes: 1_000 });
    /** A user whose request body alone, {"users":[<user>]}, is `bytes` long. */
    const user = (id: string, bytes: number): UserpilotUser => {
      const bare = bodyBytes([{ user_id: id, metadata: { bio: "" } }]);
      return { user_id: id, metadata: { bio: "x".repeat(bytes - bare) } };
    };
    const fits = user("fits", 1_000);
    const over = user("over", 1_001);
    expect([bodyBytes([fits]), bodyBytes([over])]).toEqual([1_000, 1_001]);

    const report = await run([fits, over], { maxBodyBytes: 1_000 });

    expect(report.outcomes[0]).toMatchObject({ outcome: "imported", key: "fits" });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "rejected",
      rule: USERPILOT_RULES.payloadSize,
      reason:
        "record 1 (over): request body: 1001 bytes with this record alone, more than the 1000 a request may hold",
    });
    expect(up.ofKind("POST").map((p) => [p.status, p.bytes])).toEqual([[202, 1_000]]);
  });

  it("counts a body's bytes as sent, after JSON escaping: two users filling it to the byte go in one request", async () => {
    // Quotes, backslashes and control characters grow when escaped; é and 😀 are 2 and 4 bytes of UTF-8.
    const first: UserpilotUser = { user_id: "a", metadata: { bio: 'é"\\\n\u0001😀' } };
    const second = (bytes: number): UserpilotUser => {
      const bare = bodyBytes([first, { user_id: "b", metadata: { bio: "" } }]);
      const escaped = Math.floor((bytes - bare) / 2);
      return {
        user_id: "b",
        metadata: { bio: `${'"'.repeat(escaped)}${"x".repeat(bytes - bare - 2 * escaped)}` },
      };
    };
    const sent = async (bytes: number) => {
      const up = vendor({ maxBytes: 300 });
      const records = [first, second(bytes)];
      expect(bodyBytes(records)).toBe(bytes);
      const report = await run(records, { maxBodyBytes: 300 });
      expect(report.imported).toBe(2);
      return up.ofKind("POST").map((p) => [p.status, p.userIds.length]);
    };

    expect(await sent(300)).toEqual([[202, 2]]);
    expect(await sent(301)).toEqual([
      [202, 1],
      [202, 1],
    ]);
  });
});

describe("importUsers", () => {
  it("sends chunks one job at a time, polls each through queued → validating → processing → completed", async () => {
    const up = vendor();
    const report = await run(users(25), { chunkRecords: 10 });

    expect(up.ofKind("POST").map((s) => [s.userIds.length, s.status])).toEqual([
      [10, 202],
      [10, 202],
      [5, 202],
    ]);
    expect(up.jobIds()).toEqual([ids(0, 10), ids(10, 20), ids(20, 25)]);
    expect(up.log.map((e) => e.jobStatus)).toEqual(
      Array.from({ length: 3 }, () => ["queued", "validating", "processing", "completed"]).flat(),
    );
    expect(up.sim.stats()).toMatchObject({ conflicts: 0, users: 25 });
    expect(report).toMatchObject({ vendor: "userpilot", total: 25, imported: 25, failed: 0 });
    expectEveryRecordOnce(report, 25);
    expectTruthfulReport(report, up.sim);
  });

  it("never runs two jobs at once: more concurrency is refused, naming the limit", async () => {
    const up = vendor();
    await expect(run(users(12), { chunkRecords: 3, concurrency: 8 })).rejects.toThrow(
      /concurrency: 8 is above the userpilot adapter's limit of requests in flight, 1/,
    );
    expect(up.log).toEqual([]);
    const report = await run(users(12), { chunkRecords: 3, concurrency: 1 });
    expect(up.ofKind("POST").every((s) => s.status === 202)).toBe(true);
    expect(up.jobIds()).toHaveLength(4);
    expect(up.sim.stats().conflicts).toBe(0);
    expect(report.imported).toBe(12);
  });

  it("URL-encodes job ids that contain ':' when polling", async () => {
    const up = vendor();
    await run(users(3));
    const [job] = up.sim.jobs();
    expect(job?.job_id).toContain(":");
    const polls = up.ofKind("POLL");
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) {
      expect(poll.path).toBe(`/v1/background_jobs/${encodeURIComponent(job?.job_id ?? "")}`);
      expect(poll.path).not.toContain(":");
    }
  });

  it("treats pending_refresh and unknown statuses as still running", async () => {
    const up = vendor(
      {},
      {
        getBackgroundJob: { 1: reporting("pending_refresh"), 2: reporting("reindexing") },
      },
    );
    const report = await run(users(4));
    expect(up.ofKind("POLL").map((p) => p.jobStatus)).toEqual([
      "pending_refresh",
      "reindexing",
      "completed",
    ]);
    expect(report.imported).toBe(4);
  });

  it("says on every user when a completed job reports fewer rows done than it took", async () => {
    // Userpilot reports per job: which row it skipped is unknown, so no user is claimed without a doubt.
    const short = {
      after: async (answer: Response) => {
        const job = (await answer.json()) as { status: string; total_rows: number };
        return json(
          job.status === "completed" ? { ...job, completed_rows: job.total_rows - 1 } : job,
        );
      },
    };
    const polls = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [i + 1, short]));
    vendor({}, { getBackgroundJob: polls });
    const report = await run(users(4));
    expect(report.imported).toBe(4);
    for (const outcome of outcomesWith(report, "imported"))
      expect(outcome.warning).toMatch(/after 3 of 4 rows and does not say which rows it skipped/);
  });

  it("a completed job that did every row carries no warning", async () => {
    vendor();
    const report = await run(users(4));
    expect(outcomesWith(report, "imported").map((o) => o.warning)).toEqual(
      Array(4).fill(undefined),
    );
  });

  it("fails every user of a failed job with job_failed and the job's reason; other chunks import", async () => {
    const up = vendor({ failJobs: (job) => job.index === 2 });
    const report = await run(users(30), { chunkRecords: 10 });

    expect(report).toMatchObject({ total: 30, imported: 20, failed: 10, rejected: 0 });
    expectEveryRecordOnce(report, 30);
    const failed = outcomesWith(report, "failed");
    expect(failed.map((o) => o.key)).toEqual(ids(10, 20));
    for (const outcome of failed) {
      expect(outcome).toMatchObject({
        code: "job_failed",
        reason: matching(
          /failed after 0 of 10 rows: error: the simulator failed this job \(failJobs\)/,
        ),
      });
    }
    expect(up.sim.stats().conflicts).toBe(0);
    expectTruthfulReport(report, up.sim);
  });

  it("reports a rejected record with its index, key and rule, and still sends the rest", async () => {
    const up = vendor();
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
      reason: containing("metadata.signed_up"),
    });
    expect(report.outcomes[4]).toMatchObject({
      index: 4,
      key: "u-4",
      outcome: "rejected",
      rule: "userpilot.unknown_field",
    });
    expect(up.jobIds()).toEqual([["u-0", "u-1", "u-3", "u-5"]]);
  });

  it("cuts chunks by bytes under maxBodyBytes, never sending a larger body", async () => {
    // Userpilot itself refuses a larger body (413), so a chunk over the limit would not be imported.
    const up = vendor({ maxBytes: 1_000 });
    const records = Array.from({ length: 20 }, (_, i) => ({
      user_id: `u-${i}`,
      metadata: { bio: "x".repeat(120) },
    }));
    const report = await run(records, { maxBodyBytes: 1_000 });

    expect(report.imported).toBe(20);
    const posts = up.ofKind("POST");
    expect(posts.length).toBeGreaterThan(1);
    expect(posts.map((s) => s.userIds.length).reduce((a, b) => a + b, 0)).toBe(20);
    for (const post of posts) expect([post.status, post.bytes <= 1_000]).toEqual([202, true]);
    // Each chunk was full by bytes: its body with the next user would not have fit.
    let sent = 0;
    for (const { userIds } of posts.slice(0, -1)) {
      sent += userIds.length;
      expect(bodyBytes(records.slice(sent - userIds.length, sent + 1))).toBeGreaterThan(1_000);
    }
  });

  it("waits out a foreign job's 409 Conflict with growing waits, then submits", async () => {
    const up = vendor();
    const foreign = up.sim.startForeignJob({ pollsPerStep: 2 });
    const pending = run(users(8), { conflictWaitMs: 100, maxPollIntervalMs: 120 });
    const report = await pending;

    expect(up.ofKind("POST").map((s) => s.status)).toEqual([409, 409, 409, 409, 409, 202]);
    expect(pending.waits.slice(0, 5)).toEqual([100, 120, 120, 120, 120]);
    expect(report.imported).toBe(8);
    expect(up.sim.jobs().find((job) => job.job_id === foreign)?.status).toBe("completed");
    expect(up.ofKind("POLL").map((p) => p.path)).not.toContain(
      `/v1/background_jobs/${encodeURIComponent(foreign)}`,
    );
    expectTruthfulReport(report, up.sim);
  });

  it("fails a chunk with job_conflict when another job outlasts jobTimeoutMs", async () => {
    const up = vendor();
    const foreign = up.sim.startForeignJob({ pollsPerStep: Number.POSITIVE_INFINITY });
    const report = await run(users(6), { chunkRecords: 3, jobTimeoutMs: 500 });

    expectEveryRecordOnce(report, 6);
    expect(report.failed).toBe(6);
    expect(report.outcomes[0]).toMatchObject({
      code: "job_conflict",
      reason: matching(/another bulk job was still running .*Wait for job /),
    });
    expect(report.outcomes[0]?.outcome === "failed" && report.outcomes[0].reason).toContain(
      foreign,
    );
    expect(up.sim.stats().jobs).toBe(1);
  });

  it("fails a job that never finishes with job_timeout, then goes on", async () => {
    const up = vendor({ pollsPerStep: Number.POSITIVE_INFINITY });
    const report = await run(users(4), { chunkRecords: 2, jobTimeoutMs: 200, conflictWaitMs: 50 });

    expectEveryRecordOnce(report, 4);
    expect(report.outcomes.slice(0, 2).map((o) => o.outcome === "failed" && o.code)).toEqual(
      Array(2).fill("job_timeout"),
    );
    // The job may still import them: the reason must not read as a refusal.
    for (const outcome of report.outcomes.slice(0, 2)) {
      expect(outcome).toMatchObject({ reason: matching(/it may yet finish/), vendorMayHold: true });
    }
    // The stuck job blocks the next chunk, which waits (409) and then fails too: never two jobs.
    expect(up.ofKind("POST").filter((s) => s.status === 202)).toHaveLength(1);
    expect(up.sim.jobs()).toHaveLength(1);
    expect(report.outcomes[2]).toMatchObject({ code: "job_conflict" });
  });

  it("gives a job that never ends jobTimeoutMs in all, however often a failed poll replays it", async () => {
    // Every 25th status request on, five fail in a row (the client's four retries and the first try): each
    // failed poll replays the chunk, which follows the same job again.
    const up = vendor({
      pollsPerStep: Number.POSITIVE_INFINITY,
      faults: {
        script: ({ operation, attempt }) =>
          operation === "getBackgroundJob" && attempt % 25 >= 20 ? "5xx" : undefined,
      },
    });
    const pending = run(users(2), { jobTimeoutMs: 500, replayDelayMs: 0 });
    const report = await pending;

    expectEveryRecordOnce(report, 2);
    expect(report.outcomes[0]).toMatchObject({ code: "job_timeout", vendorMayHold: true });
    // The waits between its status polls, over every attempt, stay within the job's time and one last wait.
    expect(pending.waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(500 + 40);
    expect(up.sim.jobs()).toHaveLength(1);
  });

  it("ends a job's follow-through at jobTimeoutMs when a status poll is answered 429 with a Retry-After past it; a re-run with the journal picks the job up", async () => {
    const up = vendor({
      faults: {
        retryAfterSeconds: 3_600,
        script: ({ operation }) => (operation === "getBackgroundJob" ? "429" : undefined),
      },
    });
    const input = users(2);
    const journal = journalFile("userpilot");
    const pending = run(input, { jobTimeoutMs: 60_000, journal });
    const report = await pending;

    // No Retry-After was waited (each would end past the job's time): the client used to wait 2 minutes
    // (maxRetryAfterMs) up to four times a poll, and each replay polled again.
    expect(pending.retries).toEqual([]);
    expectEveryRecordOnce(report, 2);
    // As a job that outlasts its time: not the 429, nor an abort.
    expect(report.aborted).toBe(false);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_timeout",
        reason: matching(/it may yet finish/),
        vendorMayHold: true,
      });
    // The reason says what ended the follow-through (Userpilot's 429, whose wait would pass the job's time),
    // not that the job was still running: its status was never read.
    expect(report.outcomes[0]).toHaveProperty(
      "reason",
      containing("as a retry after HTTP 429 would wait 2 min, past the job's time"),
    );
    expect(report.outcomes[0]).not.toHaveProperty("reason", containing("was still"));
    expect(up.sim.jobs()).toHaveLength(1);

    // The job is left to a re-run, as after any job timeout: it follows the same job, sending nothing.
    up.sim.setFaults({});
    const rerun = await run(input, { jobTimeoutMs: 60_000, journal });
    expect(rerun.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(up.sim.jobs()).toHaveLength(1);
    expectTruthfulReport(rerun, up.sim);
  });

  /** Userpilot's answers that bring the chunk to a request answered 429 with an hour's Retry-After. */
  const beforeThe429: Record<
    string,
    {
      readonly operation: string;
      readonly first: ScriptAction;
      readonly requests: readonly string[];
      readonly outcome: Record<string, unknown>;
      readonly mayHold: boolean;
    }
  > = {
    // Userpilot turned the users away: it holds none of them.
    "a submission waiting out a 409": {
      operation: "bulkIdentifyUsers",
      first: { answer: () => userpilotError(409, "job_already_running") },
      requests: ["POST 409", "POST 429"],
      outcome: {
        code: "job_conflict",
        reason: matching(
          /^another bulk job was running \(409: .+\), and the submission after \d+ (?:ms|s|min) of waiting for it was given up, as a retry after HTTP 429 would wait 2 min, past the time a submission waits for another bulk job$/,
        ),
      },
      mayHold: false,
    },
    // The send whose answer was lost may have made a job of the users.
    "the job-list search for a lost send's job": {
      operation: "listBackgroundJobs",
      first: "429",
      requests: ["POST 0", "LIST 429"],
      outcome: {
        code: "job_timeout",
        reason: containing(
          "the search was given up, as a retry after HTTP 429 would wait 2 min, past the job's time",
        ),
      },
      mayHold: true,
    },
    // The list lags behind the lost send's job at first, so the users go out again and meet its 409.
    "the job-list search at a 409 after a lost send": {
      operation: "listBackgroundJobs",
      first: { answer: () => json([]) },
      requests: ["POST 0", "LIST 200", "POST 409", "LIST 429"],
      outcome: {
        code: "job_timeout",
        reason: containing(
          "the search was given up, as a retry after HTTP 429 would wait 2 min, past the job's time",
        ),
      },
      mayHold: true,
    },
  };

  it.each(Object.entries(beforeThe429))(
    "ends %s at jobTimeoutMs when it is answered 429 with a Retry-After past it",
    async (_, { operation, first, requests, outcome, mayHold }) => {
      const up = vendor({
        faults: {
          retryAfterSeconds: 3_600,
          script: ({ operation: op, attempt }) => {
            if (op === "bulkIdentifyUsers" && operation !== op)
              return attempt === 1 ? dropAfter : undefined;
            if (op !== operation) return undefined;
            return attempt === 1 ? first : "429";
          },
        },
      });
      const input = users(2);
      const journal = journalFile("userpilot");
      const pending = run(input, { jobTimeoutMs: 60_000, replayDelayMs: 0, journal });
      const report = await pending;

      // No Retry-After was waited (each would end past the job's time): the client waited 2 minutes
      // (maxRetryAfterMs) up to four times a request.
      expect(pending.retries).toEqual([]);
      expectEveryRecordOnce(report, 2);
      expect(report.aborted).toBe(false);
      for (const each of report.outcomes) {
        expect(each).toMatchObject({ outcome: "failed", ...outcome });
        expect(each.outcome === "failed" && each.vendorMayHold === true).toBe(mayHold);
      }
      // Left to a re-run, as after a job timeout: no replay asks again in this run.
      expect(up.writesAndLists()).toEqual(requests);

      // A re-run with the journal looks for a lost send's job again and follows it, or sends users Userpilot
      // turned away: one job of the users either way.
      up.sim.setFaults({});
      const rerun = await run(input, { jobTimeoutMs: 60_000, journal });
      expect(rerun.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
      expect(up.jobIds()).toEqual([["u-0", "u-1"]]);
      expectTruthfulReport(rerun, up.sim);
    },
  );

  it.each(Object.entries(beforeThe429))(
    "an import aborted while %s waits out a 429 fails its users aborted, not as given up",
    async (_, { operation, first }) => {
      vendor({
        faults: {
          retryAfterSeconds: 1,
          script: ({ operation: op, attempt }) => {
            if (op === "bulkIdentifyUsers" && operation !== op)
              return attempt === 1 ? dropAfter : undefined;
            if (op !== operation) return undefined;
            return attempt === 1 ? first : "429";
          },
        },
      });
      const controller = new AbortController();
      // The Retry-After fits in the job's time: the caller aborts while the client waits it out.
      const aborting = createUserpilotClient({
        apiKey: API_KEY,
        sleep: (ms) => {
          if (ms >= 1_000) controller.abort();
          return Promise.resolve();
        },
      });
      const report = await importUsers(aborting, users(2), {
        jobTimeoutMs: 60_000,
        replayDelayMs: 0,
        signal: controller.signal,
        sleep: () => Promise.resolve(),
      });

      expectEveryRecordOnce(report, 2);
      expect(report.aborted).toBe(true);
      for (const each of report.outcomes)
        expect(each).toMatchObject({ outcome: "failed", code: "aborted" });
    },
  );

  it("waits out a job that outlasts jobTimeoutMs once per import; later chunks wait once each", async () => {
    const up = vendor({ pollsPerStep: Number.POSITIVE_INFINITY });
    const waits: number[] = [];
    const startedMs = performance.now();
    // Not the machine's pace: on a loaded one the wall clock spent the job's time before the waits asked
    // for did, and fewer were asked for (seen once in CI: the waits summed below 1,100 ms).
    const monotonic = vi
      .spyOn(performance, "now")
      .mockImplementation(() => startedMs + waits.reduce((a, b) => a + b, 0));
    const report = await run(users(5), {
      chunkRecords: 1,
      jobTimeoutMs: 1_000,
      conflictWaitMs: 50,
      sleep: loggedSleep(waits),
    }).finally(() => monotonic.mockRestore());

    expectEveryRecordOnce(report, 5);
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "job_timeout",
      ...Array<string>(4).fill("job_conflict"),
    ]);
    expect(report.outcomes[1]).toMatchObject({
      reason: matching(
        /left to a re-run, as job \S+ was still \w+ after 1 s and Userpilot has accepted no job since/,
      ),
    });
    expect(up.ofKind("POST").map((s) => s.status)).toEqual([202, ...Array<number>(8).fill(409)]);
    // One job timeout's waiting and one conflictWaitMs a chunk: each chunk used to wait a timeout again.
    const waited = waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(900 + 4 * 50);
    expect(waited).toBeLessThan(1_100 + 4 * 50);
  });

  it("a job whose status poll was given up at a 429 past jobTimeoutMs is not taken to have outlasted it: the next chunk waits its 409 out in full", async () => {
    const up = vendor({ faults: { retryAfterSeconds: 3_600 } });
    up.scriptPollsOf("u-0", () => "429");
    // No rate limit: its hold after the 429 would pass while the next chunk waits out its 409s, which here
    // take no time.
    const unlimited = createUserpilotClient({
      apiKey: API_KEY,
      sleep: () => Promise.resolve(),
      rateLimit: false,
    });
    const report = await importUsers(unlimited, users(2), {
      chunkRecords: 1,
      jobTimeoutMs: 60_000,
      conflictWaitMs: 100,
      sleep: () => Promise.resolve(),
    });

    expect(report.outcomes[0]).toMatchObject({
      code: "job_timeout",
      reason: matching(/was not seen to end/),
    });
    // Userpilot never showed the job running for jobTimeoutMs (a 429 says nothing of it): u-1's chunk
    // waits its 409s out until that job ends, and is imported; it used to be given up at the second 409,
    // "as job … was not seen to end".
    expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
    expect(up.ofKind("POST").map((s) => s.status)).toEqual([202, 409, 409, 202]);
    expect(up.jobIds()).toEqual([["u-0"], ["u-1"]]);
  });

  it("a job seen running into its last poll interval, its status poll then given up at a 429, holds later chunks back", async () => {
    const waits: number[] = [];
    const up = vendor({
      pollsPerStep: Number.POSITIVE_INFINITY,
      faults: { retryAfterSeconds: 3_600 },
    });
    // Answered until the job's last poll interval (40 ms) of its 1,000 ms: that poll meets the 429.
    up.scriptPollsOf("u-0", () => (waits.reduce((a, b) => a + b, 0) >= 960 ? "429" : undefined));
    const unlimited = createUserpilotClient({
      apiKey: API_KEY,
      sleep: () => Promise.resolve(),
      rateLimit: false,
    });
    const startedMs = performance.now();
    // Not the machine's pace: a loaded one would time u-0's job out on the wall clock before the 429.
    const monotonic = vi
      .spyOn(performance, "now")
      .mockImplementation(() => startedMs + waits.reduce((a, b) => a + b, 0));
    const report = await importUsers(unlimited, users(2), {
      chunkRecords: 1,
      jobTimeoutMs: 1_000,
      pollIntervalMs: 10,
      maxPollIntervalMs: 40,
      conflictWaitMs: 50,
      sleep: loggedSleep(waits),
    }).finally(() => monotonic.mockRestore());

    expect(report.outcomes[0]).toMatchObject({
      code: "job_timeout",
      reason: matching(/was still \w+ into its last poll interval/),
    });
    // Seen running as long as its polls would see it: u-1's chunk waits its 409 out once, as after any job
    // timeout, and is left to a re-run; it used to wait out 409s for all of jobTimeoutMs again.
    expect(report.outcomes[1]).toMatchObject({
      code: "job_conflict",
      reason: matching(/left to a re-run, as job \S+ was still \w+ into its last poll interval/),
    });
    expect(up.ofKind("POST").map((s) => s.status)).toEqual([202, 409, 409]);
  });

  /**
   * u-0's job runs on (until `endsAt` ms of waits, when given); its status polls are answered until 800 ms of
   * its 1,000 are waited, then meet a 429 whose wait would pass its time (more than the last poll interval,
   * 40 ms, left); u-1's and u-2's chunks then meet 409s. Nothing waits for real: the monotonic clock and the
   * simulator's move with the waits asked for, or the monotonic one (`frozen`) stands still, as under a
   * caller's sleep that returns at once. `aborting` (a wait asked for) aborts the import instead of waiting;
   * `lostSend` drops the answer to u-1's first request.
   */
  const afterPollGivenUpEarly = async (
    options: {
      aborting?: (ms: number) => boolean;
      lostSend?: boolean;
      frozen?: boolean;
      endsAt?: number;
    } = {},
  ) => {
    const { aborting, lostSend = false, frozen = false, endsAt } = options;
    const waits: number[] = [];
    const waited = () => waits.reduce((a, b) => a + b, 0);
    // What had been waited in all when each bulk identify request went out.
    const waitedAtPost: number[] = [];
    const [startedMs, startedAt] = [performance.now(), Date.now()];
    // Not the machine's pace: a loaded one would give up u-0's polls on the wall clock before the 429.
    const monotonic = vi
      .spyOn(performance, "now")
      .mockImplementation(() => startedMs + (frozen ? 0 : waited()));
    const up = vendor({
      pollsPerStep: Number.POSITIVE_INFINITY,
      now: () => startedAt + waited(),
      // A job takes three steps.
      ...(endsAt !== undefined && { stepMs: endsAt / 3 }),
    });
    up.sim.setFaults({
      retryAfterSeconds: 3_600,
      script: ({ operation, params: { job_id: id } }) => {
        if (operation === "bulkIdentifyUsers" && waitedAtPost.push(waited()) === 2 && lostSend)
          return dropAfter;
        return operation === "getBackgroundJob" && id === up.jobWith("u-0") && waited() >= 800
          ? "429"
          : undefined;
      },
    });
    const controller = new AbortController();
    const unlimited = createUserpilotClient({
      apiKey: API_KEY,
      sleep: () => Promise.resolve(),
      rateLimit: false,
    });
    try {
      const report = await importUsers(unlimited, users(3), {
        chunkRecords: 1,
        jobTimeoutMs: 1_000,
        pollIntervalMs: 10,
        maxPollIntervalMs: 40,
        conflictWaitMs: 50,
        signal: controller.signal,
        sleep: (ms) => {
          if (aborting?.(ms) === true) controller.abort();
          return loggedSleep(waits)(ms);
        },
      });
      return { up, report, waitedAtPost };
    } finally {
      monotonic.mockRestore();
    }
  };

  it.each([
    ["takes the time it waits", false],
    ["returns at once (a caller's own)", true],
  ])(
    "a job whose status poll was given up at a 429 short of its last poll interval holds the next chunk's 409s only for what was left of its time (a sleep that %s)",
    async (_, frozen) => {
      const { up, report, waitedAtPost } = await afterPollGivenUpEarly({ frozen });

      expectEveryRecordOnce(report, 3);
      expect(report.outcomes[0]).toMatchObject({
        code: "job_timeout",
        reason: matching(/was not seen to end/),
      });
      // u-1's chunk waits its 409s out until u-0's job's time is up, and no longer (one wait more, 50 ms,
      // would pass it): it used to wait a whole jobTimeoutMs more for what may be the same job (6 hours by
      // default). The wait is counted once, on whichever clock: the time left is not spent twice.
      const posts = up.ofKind("POST");
      const u2 = posts.findIndex((post) => post.userIds.includes("u-2"));
      expect(waitedAtPost[u2]).toBeLessThanOrEqual(1_000);
      expect(waitedAtPost[u2]).toBeGreaterThan(1_000 - 50);
      // Turned away by Userpilot, and left to a re-run; the reason says what was seen, not that it was stuck.
      for (const outcome of report.outcomes.slice(1))
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "job_conflict",
          reason: matching(
            /^another bulk job was still running after \d+ (?:ms|s): .+; left to a re-run, as job \S+ was not seen to end \(its status poll was given up after \d+ (?:ms|s), as a retry after HTTP 429 would wait 2 min, past the job's time\), and another wait would end past that job's time$/,
          ),
        });
      for (const outcome of report.outcomes.slice(1))
        expect(outcome).not.toHaveProperty("vendorMayHold");
      // u-2's chunk comes after that time: it waits once, in case that job ended, as after one that outlasted
      // its time.
      expect(posts.slice(u2).map((s) => s.status)).toEqual([409, 409]);
      expect(up.sim.jobs()).toHaveLength(1);
    },
  );

  it("a job whose status poll was given up at a 429 and that ends within its time lets the next chunk's users in", async () => {
    // u-0's job ends at 960 ms, before u-1's last try (the one a 50 ms wait before 1,000 ms allows).
    const { up, report } = await afterPollGivenUpEarly({ endsAt: 960 });

    expect(report.outcomes.slice(1)).toMatchObject([
      { outcome: "imported" },
      { outcome: "imported" },
    ]);
    expect(up.ofKind("POST").map((s) => s.status)).toEqual([202, 409, 409, 409, 202, 202]);
  });

  it("after a lost send, a chunk whose 409s were waited out for what was left of a given-up job's time says Userpilot may hold its users", async () => {
    const { up, report } = await afterPollGivenUpEarly({ lostSend: true });

    // The lost send met u-0's job and made none, but no answer said so: for all the importer knows, it did.
    expect(report.outcomes[1]).toMatchObject({
      outcome: "failed",
      code: "job_conflict",
      reason: matching(/and another wait would end past that job's time.*may hold/),
      vendorMayHold: true,
    });
    expect(up.sim.jobs()).toHaveLength(1);
  });

  it("an import aborted while a chunk waits out a 409 for what was left of a given-up job's time fails it aborted", async () => {
    // The first 409 wait (conflictWaitMs, 50 ms: the polls' waits stay at 40 ms or under) is aborted.
    const { report } = await afterPollGivenUpEarly({ aborting: (ms) => ms === 50 });

    expect(report.aborted).toBe(true);
    expect(report.outcomes[1]).toMatchObject({
      outcome: "failed",
      code: "aborted",
      reason: "the import was aborted while waiting for another bulk job to finish",
    });
  });

  it("after a job outlasted jobTimeoutMs, a 409 is waited once, and fully again once a job is accepted", async () => {
    const up = vendor();
    let posts = 0;
    up.sim.setFaults({
      script: ({ operation, params: { job_id: id } }) => {
        if (operation === "bulkIdentifyUsers") {
          posts += 1;
          return [2, 3, 5, 6, 7].includes(posts)
            ? { answer: userpilotError(409, "job_already_running") }
            : undefined;
        }
        return operation === "getBackgroundJob" && id === up.jobWith("u-0")
          ? reporting("processing")
          : undefined;
      },
    });
    const report = await run(users(4), { chunkRecords: 1, jobTimeoutMs: 1_000 });

    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      "job_timeout",
      "job_conflict",
      "imported",
      "imported",
    ]);
    // u-1: two 409s, given up; u-2: accepted at once; u-3: three 409s waited out, then accepted.
    expect(up.ofKind("POST").map((s) => s.status)).toEqual([
      202, 409, 409, 202, 409, 409, 409, 202,
    ]);
  });

  it("fails every user of a job Userpilot no longer knows (404) with job_lost, saying they may be imported", async () => {
    const up = vendor();
    up.scriptPollsOf("u-0", (jobId) => ({
      answer: userpilotError(404, "job_not_found", `No background job with id ${jobId}`),
    }));
    const report = await run(users(6), { chunkRecords: 3 });
    expectEveryRecordOnce(report, 6);
    expect(report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && o.code)).toEqual([
      "job_lost",
      "job_lost",
      "job_lost",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: matching(/whether they were imported is unknown/),
    });
    expect(report.imported).toBe(3);
  });

  it("splits a chunk refused with 413 in halves, each its own job", async () => {
    const records = users(13);
    // Userpilot takes any half the importer makes of 13 users, never 7 of them at once.
    const maxBytes = Math.max(
      ...[
        [0, 4],
        [4, 7],
        [7, 13],
      ].map(([a, b]) => bodyBytes(records.slice(a, b))),
    );
    expect(bodyBytes(records.slice(0, 7))).toBeGreaterThan(maxBytes);
    const up = vendor({ maxBytes });
    const report = await run(records, { chunkRecords: 13 });

    expect(up.ofKind("POST").map((s) => [s.userIds.length, s.status])).toEqual([
      [13, 413],
      [7, 413],
      [4, 202],
      [3, 202],
      [6, 202],
    ]);
    expect(up.jobIds()).toEqual([ids(0, 4), ids(4, 7), ids(7, 13)]);
    expect(report.imported).toBe(13);
    expectEveryRecordOnce(report, 13);
    expect(up.sim.stats().conflicts).toBe(0);
    expectTruthfulReport(report, up.sim);
  });

  it("a key revoked while the first half of a split chunk runs: only that half may be held", async () => {
    const records = users(4);
    const up = vendor({ maxBytes: bodyBytes(records.slice(0, 2)) });
    up.scriptPollsOf(records[0]?.user_id ?? "", () => unauthorized());
    const report = await run(records, { chunkRecords: 4 });

    expect(up.ofKind("POST").map((s) => [s.userIds.length, s.status])).toEqual([
      [4, 413],
      [2, 202],
    ]);
    const reasons = report.outcomes.map((o) => (o.outcome === "failed" ? o.reason : o.outcome));
    expect(reasons.map((reason) => /may hold this record/.test(reason))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("fails a single user refused with 413 as payload_too_large", async () => {
    vendor({ maxBytes: 10 });
    const report = await run(users(2), { chunkRecords: 2 });
    expectEveryRecordOnce(report, 2);
    expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "payload_too_large",
      "payload_too_large",
    ]);
  });

  it("fails a chunk refused with 400 with the vendor's error code and messages, then goes on", async () => {
    const refused = userpilotError(400, "invalid_input", "users[3].user_id is missing");
    vendor({}, { bulkIdentifyUsers: { 1: { answer: refused } } });
    const report = await run(users(8), { chunkRecords: 4 });
    expectEveryRecordOnce(report, 8);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "invalid_input",
      reason: containing("Invalid input: users[3].user_id is missing"),
    });
    expect(report).toMatchObject({ imported: 4, failed: 4 });
  });

  it("quotes each message of a 400's errors: an entry's error with no message, a text entry", async () => {
    const refused = json(
      {
        errors: [
          { error_code: "invalid_input", error: "email_invalid" },
          {},
          "user u-2 has no user_id",
        ],
      },
      400,
    );
    vendor({}, { bulkIdentifyUsers: { 1: { answer: refused } } });
    const report = await run(users(4), { chunkRecords: 4 });
    expectEveryRecordOnce(report, 4);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      reason: containing("(400): email_invalid; user u-2 has no user_id"),
    });
  });

  it("keeps the invariant under 500s, network errors and 429s: a lost send that made no job is sent once more", async () => {
    // The connection lost after the request went out, and a 500, before Userpilot made a job: the client
    // never retries either for a POST; the engine replays the chunk once the job list shows no job for it.
    const plan: ScriptPlan = {
      bulkIdentifyUsers: { 1: "429", 2: "drop", 4: "5xx" },
      getBackgroundJob: { 2: "429", 3: "drop", 4: { answer: () => gatewayPage(502) } },
    };
    const up = vendor({ faults: { retryAfterSeconds: 1 } }, plan);
    const report = await run(users(15), { chunkRecords: 5 });

    expectEveryRecordOnce(report, 15);
    expect(report).toMatchObject({ imported: 15, failed: 0 });
    // A lost POST is followed by the job list, never by a blind POST.
    expect(up.writesAndLists()).toEqual([
      "POST 429",
      "POST 0",
      "LIST 200",
      "POST 202",
      "POST 500",
      "LIST 200",
      "POST 202",
      "POST 202",
    ]);
    expect(up.jobIds()).toEqual([ids(0, 5), ids(5, 10), ids(10, 15)]);
    expect(report.chunks.replayed).toBe(2);
    expect(report.events["reconciled_jobs"]).toBeUndefined();
    expect(up.sim.stats()).toMatchObject({ users: 15, conflicts: 0 });
    expectTruthfulReport(report, up.sim);
  });

  it("fails a chunk whose polling keeps failing after the client's retries, and never submits it again", async () => {
    const up = vendor();
    up.scriptPollsOf("u-0", () => "drop");
    const report = await run(users(6), { chunkRecords: 3 });
    expectEveryRecordOnce(report, 6);
    expect(report.outcomes.slice(0, 3).map((o) => o.outcome === "failed" && o.code)).toEqual(
      Array(3).fill("network"),
    );
    expect(report.imported).toBe(3);
    // Replays poll the job they know; the chunk's users go out once.
    expect(up.jobIds()).toEqual([ids(0, 3), ids(3, 6)]);
    expect(up.ofKind("LIST")).toEqual([]);
  });

  it("stops on a 401: the chunk and every record read after it fail, nothing more is sent", async () => {
    const up = vendor({}, { bulkIdentifyUsers: { 2: unauthorized } });
    const report = await run(users(30), { chunkRecords: 5 });

    expect(up.ofKind("POST")).toHaveLength(2);
    expect(report.fatal).toMatch(/HTTP 401/);
    expect(report.imported).toBe(5);
    expect(report.total).toBeGreaterThan(10);
    expectEveryRecordOnce(report, report.total);
    for (const outcome of report.outcomes.slice(5)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "fatal" });
    }
  });

  it("stops on a bad API key before anything is imported", async () => {
    const up = vendor();
    const report = await run(users(4), {}, "wrong-key");
    expect(report.fatal).toMatch(/401/);
    expect(report.failed).toBe(4);
    expect(up.sim.stats().jobs).toBe(0);
  });

  it("aborts mid-import via signal: the invariant holds and nothing more is sent", async () => {
    const controller = new AbortController();
    const up = vendor(
      {},
      {
        bulkIdentifyUsers: { 2: afterwards(() => controller.abort(new Error("stop"))) },
      },
    );
    const report = await run(users(20), { chunkRecords: 4, signal: controller.signal });

    expect(report.aborted).toBe(true);
    expectEveryRecordOnce(report, report.total);
    expect(report.imported).toBe(4);
    expect(up.ofKind("POST")).toHaveLength(2);
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
    const up = vendor();
    const journal = journalFile("userpilot");
    const controller = new AbortController();
    up.scriptPollsOf("u-4", () => afterwards(() => controller.abort(new Error("interrupted"))));
    const first = await run(input(), { chunkRecords: 4, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(up.ofKind("POST")).toHaveLength(2);
    const stuck = up.sim.jobs()[1];
    expect(stuck?.status).not.toBe("completed");

    up.script();
    const second = await run(input(), { chunkRecords: 4, journal });

    expect(up.ofKind("POST").map((s) => s.userIds)).toEqual([
      ids(0, 4),
      ids(4, 8),
      ["u-8", ...ids(10, 12)],
    ]);
    expect(up.log).toContainEqual(
      expect.objectContaining({
        path: `/v1/background_jobs/${encodeURIComponent(stuck?.job_id ?? "")}`,
        jobStatus: "completed",
      }),
    );
    expect(up.sim.stats().users).toBe(11);
    expect(second.chunks).toEqual({ sent: 2, resumed: 1, replayed: 0 });
    expect(essence(second)).toEqual(essence(expected));
    expect(up.sim.stats().conflicts).toBe(0);
    expectTruthfulReport(second, up.sim);
  });

  it("after a 401, a re-run with a good key sends only the chunks that were not finished", async () => {
    const expected = await uninterrupted();
    const up = vendor({}, { bulkIdentifyUsers: { 3: unauthorized } });
    const journal = journalFile("userpilot");
    const first = await run(input(), { chunkRecords: 4, journal });
    expect(first.fatal).toBeDefined();

    up.script();
    const second = await run(input(), { chunkRecords: 4, journal });

    expect(up.jobIds()).toEqual([ids(0, 4), ids(4, 8), ["u-8", ...ids(10, 12)]]);
    expect(up.sim.stats().users).toBe(11);
    expect(second.chunks.resumed).toBe(2);
    expect(essence(second)).toEqual(essence(expected));
    expectTruthfulReport(second, up.sim);
  });

  it("after an abort in the second half of a split chunk, skips the finished half", async () => {
    const records = users(6);
    const maxBytes = Math.max(bodyBytes(records.slice(0, 3)), bodyBytes(records.slice(3)));
    const up = vendor({ maxBytes });
    const journal = journalFile("userpilot");
    const controller = new AbortController();
    // Abort once the second half's job id is journaled (at its first poll).
    up.scriptPollsOf("u-3", () => afterwards(() => controller.abort(new Error("interrupted"))));
    const first = await run(records, { chunkRecords: 6, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(up.jobIds()).toEqual([ids(0, 3), ids(3, 6)]);

    up.script();
    const posts = up.ofKind("POST").length;
    const second = await run(records, { chunkRecords: 6, journal });

    expect(up.ofKind("POST")).toHaveLength(posts);
    expect(second).toMatchObject({ total: 6, imported: 6, failed: 0 });
    expectTruthfulReport(second, up.sim);
  });

  it("after polling failed for good, a re-run polls the journaled job", async () => {
    const up = vendor();
    const journal = journalFile("userpilot");
    up.scriptPollsOf("u-0", () => "drop");
    const records = users(6);
    const first = await run(records, { chunkRecords: 3, journal });
    expect(first.failed).toBe(3);

    up.script();
    const second = await run(records, { chunkRecords: 3, journal });
    expect(up.jobIds()).toHaveLength(2);
    expect(second.imported).toBe(6);
  });
});
