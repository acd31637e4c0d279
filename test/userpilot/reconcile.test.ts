// Reconcile before replay (issue #11): when the answer to a bulk identify request is lost, the importer looks
// for the job that request created in Userpilot's job list and follows it; it sends the users again only when
// the list shows no such job, so a chunk never ends up in two jobs and no user is reported failed that
// Userpilot holds.
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw.js";
import { FakeUserpilot, errorBody, gatewayPage } from "./fake-userpilot.js";
import { expectEveryRecordOnce, failedButStored, ids, journalFile, run, users } from "./harness.js";

const server = useMswServer();

function vendor(): FakeUserpilot {
  const fake = new FakeUserpilot();
  server.use(...fake.handlers());
  return fake;
}

/** Waits for another job after a 409 are this long, so they stand out among the other waits. */
const CONFLICT_WAIT = 777;
const options = { chunkRecords: 4, conflictWaitMs: CONFLICT_WAIT, replayDelayMs: 0 };

const lostAnswers = {
  "a dropped connection": () => HttpResponse.error(),
  "a 502 HTML page": () => gatewayPage(502),
  "a 504 HTML page": () => gatewayPage(504),
};

describe("a lost answer to a request Userpilot processed", () => {
  it.each(Object.entries(lostAnswers))(
    "(%s) is reconciled: the job is found in the list and followed, nothing is sent again",
    async (_, lose) => {
      const fake = vendor();
      fake.answerFault = (attempt) => (attempt === 2 ? lose() : undefined);
      const report = await run(users(12), options);

      expectEveryRecordOnce(report, 12);
      expect(report).toMatchObject({ imported: 12, failed: 0 });
      expect(fake.acceptedChunks()).toEqual([ids(0, 4), ids(4, 8), ids(8, 12)]);
      expect(fake.submissions).toHaveLength(3);
      expect(report.events["reconciled_jobs"]).toBe(1);
      expect(report.chunks.replayed).toBe(1);
      // The lost request's job was followed to its end before the next chunk went out.
      const lostJob = fake.ownJobs()[1];
      expect(lostJob?.reported).toBe("completed");
      expect(fake.requests.filter((r) => !r.startsWith("POLL"))).toEqual([
        "POST 202",
        `POST ${lose().status}`,
        "LIST 200",
        "POST 202",
      ]);
      expect([...fake.accepted.values()].every((n) => n === 1)).toBe(true);
      expect(fake.stored.size).toBe(12);
      expect(failedButStored(report, fake)).toEqual([]);
      expect(fake.selfConflicts).toEqual([]);
      expect(fake.violations).toEqual([]);
    },
  );

  it("is reconciled when the replay's answer is lost too: the first send made no job, the second did", async () => {
    const fake = vendor();
    // Attempt 1: the connection drops before Userpilot processed anything. Attempt 2: processed, answer lost.
    fake.submitFault = (attempt) => (attempt === 1 ? HttpResponse.error() : undefined);
    fake.answerFault = (attempt) => (attempt === 2 ? gatewayPage(504) : undefined);
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(fake.requests.filter((r) => !r.startsWith("POLL"))).toEqual([
      "POST 0",
      "LIST 200",
      "POST 504",
      "LIST 200",
    ]);
    expect(fake.ownJobs()).toHaveLength(1);
    expect(fake.ownJobs()[0]?.createdBy).toBe(2);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(report.chunks.replayed).toBe(2);
    expect(fake.stored.size).toBe(4);
    expect(failedButStored(report, fake)).toEqual([]);
  });

  it("follows its own running job on a 409 after a lost send, instead of waiting for it", async () => {
    const fake = vendor();
    fake.answerFault = (attempt) => (attempt === 1 ? HttpResponse.error() : undefined);
    // The list lags: the replay's first look does not show the new job yet, so the users go out again.
    fake.listed = (_, list) => list > 1;
    const pending = run(users(4), options);
    const report = await pending;

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(fake.requests.filter((r) => !r.startsWith("POLL"))).toEqual([
      "POST 0",
      "LIST 200",
      "POST 409",
      "LIST 200",
    ]);
    expect(fake.ownJobs()).toHaveLength(1);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(pending.waits).not.toContain(CONFLICT_WAIT);
    expect(fake.stored.size).toBe(4);
    expect(failedButStored(report, fake)).toEqual([]);
  });
});

describe("another process's job is never taken for the lost request's", () => {
  const foreignCases = {
    "the same row count, started before the lost send": (fake: FakeUserpilot) => {
      fake.foreignJob(2, { rows: 4, startedAt: Date.now() - 60_000 });
      fake.submitFault = (attempt) => (attempt === 1 ? HttpResponse.error() : undefined);
    },
    "another row count, started after the lost send": (fake: FakeUserpilot) => {
      fake.submitFault = (attempt) => {
        if (attempt !== 1) return undefined;
        fake.foreignJob(2, { rows: 5 });
        return HttpResponse.error();
      };
    },
  };

  it.each(Object.entries(foreignCases))(
    "a 409 for a job with %s is waited out, then the users are sent",
    async (_, arrange) => {
      const fake = vendor();
      arrange(fake);
      const pending = run(users(4), options);
      const report = await pending;

      expectEveryRecordOnce(report, 4);
      expect(report).toMatchObject({ imported: 4, failed: 0 });
      expect(fake.requests.filter((r) => !r.startsWith("POLL"))).toEqual([
        "POST 0",
        "LIST 200",
        "POST 409",
        "LIST 200",
        "POST 409",
        "LIST 200",
        "POST 202",
      ]);
      expect(pending.waits.filter((ms) => ms === CONFLICT_WAIT)).toHaveLength(2);
      const foreign = [...fake.jobs.values()].find((job) => job.foreign);
      expect(fake.polls.map((p) => p.path)).not.toContain(
        `/v1/background_jobs/${encodeURIComponent(foreign?.id ?? "")}`,
      );
      expect(fake.ownJobs()).toHaveLength(1);
      expect(report.events["reconciled_jobs"]).toBeUndefined();
      expect(fake.stored.size).toBe(4);
      expect(failedButStored(report, fake)).toEqual([]);
    },
  );
});

describe("a crash between send and checkpoint", () => {
  /** Chunk 1's job ran 3 s (inside the 10 s clock-skew allowance of chunk 2's lost send); chunk 2's crashes. */
  function crashAtChunk2(fake: FakeUserpilot, controller: AbortController) {
    fake.onAccepted = (job, n) => {
      if (n === 1) job.createdAt -= 3_000;
      if (n === 2) controller.abort(new Error("crash"));
    };
  }

  it("a re-run with the same journal finds the job the unjournaled request created and follows it", async () => {
    const fake = vendor();
    const journal = journalFile();
    const records = users(12);
    const controller = new AbortController();
    // The process dies once Userpilot created chunk 2's job, before the answer (and its job id) came back.
    crashAtChunk2(fake, controller);
    const first = await run(records, { ...options, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(fake.ownJobs()).toHaveLength(2);
    expect(failedButStored(first, fake)).toEqual([]);

    fake.onAccepted = () => {};
    const second = await run(records, { ...options, journal });

    expectEveryRecordOnce(second, 12);
    expect(second).toMatchObject({ imported: 12, failed: 0 });
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(fake.acceptedChunks()).toEqual([ids(0, 4), ids(4, 8), ids(8, 12)]);
    expect([...fake.accepted.values()].every((n) => n === 1)).toBe(true);
    const [, lostJob] = fake.ownJobs();
    expect(fake.polls).toContainEqual({
      path: `/v1/background_jobs/${encodeURIComponent(lostJob?.id ?? "")}`,
      status: "completed",
    });
    expect(fake.stored.size).toBe(12);
    expect(failedButStored(second, fake)).toEqual([]);
    expect(fake.selfConflicts).toEqual([]);
  });

  // The previous chunk's job has the same row count and, a moment before the lost send, falls within the
  // clock-skew allowance; a re-run does not know it as this import's (that chunk came from the journal).
  it("a re-run does not take the previous chunk's finished job for the lost request's", async () => {
    const fake = vendor();
    const journal = journalFile();
    const records = users(8);
    const controller = new AbortController();
    fake.statusesFor = (n) => (n === 2 ? ["queued", "failed"] : ["queued", "completed"]);
    fake.failureFor = () => ({ error: "invalid metadata" });
    crashAtChunk2(fake, controller);
    await run(records, { ...options, journal, signal: controller.signal });

    fake.onAccepted = () => {};
    const second = await run(records, { ...options, journal });

    expect(second.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      ...Array<string>(4).fill("imported"),
      ...Array<string>(4).fill("job_failed"),
    ]);
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(fake.ownJobs()).toHaveLength(2);
    const importedButMissing = second.outcomes
      .filter((o) => o.outcome === "imported" && !fake.stored.has(o.key))
      .map((o) => o.key);
    expect(importedButMissing).toEqual([]);
  });
});

describe("when the job list cannot be read", () => {
  const listDown = () => HttpResponse.json(errorBody("internal", "Server error"), { status: 500 });

  it("the users are not sent again blindly; a later replay that reads the list follows the job", async () => {
    const fake = vendor();
    fake.answerFault = (attempt) => (attempt === 1 ? HttpResponse.error() : undefined);
    // The first reconcile's request and all the client's retries of it fail.
    fake.listFault = (list) => (list <= 5 ? listDown() : undefined);
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(fake.lists).toEqual([500, 500, 500, 500, 500, 200]);
    expect(fake.submissions).toHaveLength(1);
    expect(fake.ownJobs()).toHaveLength(1);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(failedButStored(report, fake)).toEqual([]);
  });

  it("the chunk fails for a re-run, in one job, and the re-run reconciles it", async () => {
    const fake = vendor();
    const journal = journalFile();
    const records = users(4);
    fake.answerFault = (attempt) => (attempt === 1 ? HttpResponse.error() : undefined);
    fake.listFault = listDown;
    const first = await run(records, { ...options, journal });

    expectEveryRecordOnce(first, 4);
    expect(first.failed).toBe(4);
    for (const outcome of first.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: expect.stringMatching(/a re-run with the same journal tries again$/),
      });
    }
    expect(fake.submissions).toHaveLength(1);
    expect(fake.ownJobs()).toHaveLength(1);
    expect(failedButStored(first, fake)).toEqual([]);

    fake.listFault = () => undefined;
    const second = await run(records, { ...options, journal });

    expect(second).toMatchObject({ imported: 4, failed: 0 });
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(fake.submissions).toHaveLength(1);
    expect(fake.ownJobs()).toHaveLength(1);
    expect(fake.stored.size).toBe(4);
  });
});
