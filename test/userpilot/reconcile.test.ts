// Reconcile before replay (issue #11): when the answer to a bulk identify request is lost, the importer looks
// for the job that request created in Userpilot's job list and follows it; it sends the users again only when
// the list shows no such job, so a chunk never ends up in two jobs and no user is reported failed that
// Userpilot holds.
import { describe, expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import type { UserpilotSimulatorOptions } from "../../src/testing/userpilot.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  afterwards,
  dropAfter,
  expectTruthfulReport,
  ids,
  run,
  useUserpilot,
  users,
  type Userpilot,
} from "./harness.js";

const vendor = useUserpilot();

/** Waits for another job after a 409 are this long, so they stand out among the other waits. */
const CONFLICT_WAIT = 777;
const options = { chunkRecords: 4, conflictWaitMs: CONFLICT_WAIT, replayDelayMs: 0 };

/** Answers lost after Userpilot processed the request, with the status the client sees (0: none). */
const lostAnswers: Record<string, [ScriptAction, number]> = {
  "a dropped connection": [dropAfter, 0],
  "a 502 HTML page": [{ after: () => gatewayPage(502) }, 502],
  "a 504 HTML page": [{ after: () => gatewayPage(504) }, 504],
};

describe("a lost answer to a request Userpilot processed", () => {
  it.each(Object.entries(lostAnswers))(
    "(%s) is reconciled: the job is found in the list and followed, nothing is sent again",
    async (_, [lose, status]) => {
      const up = vendor({}, { bulkIdentifyUsers: { 2: lose } });
      const report = await run(users(12), options);

      expectEveryRecordOnce(report, 12);
      expect(report).toMatchObject({ imported: 12, failed: 0 });
      expect(up.jobIds()).toEqual([ids(0, 4), ids(4, 8), ids(8, 12)]);
      expect(up.ofKind("POST")).toHaveLength(3);
      expect(report.events["reconciled_jobs"]).toBe(1);
      expect(report.chunks.replayed).toBe(1);
      // The lost request's job was followed to its end before the next chunk went out.
      const lostJob = up.sim.jobs()[1];
      expect(lostJob?.status).toBe("completed");
      expect(up.writesAndLists()).toEqual(["POST 202", `POST ${status}`, "LIST 200", "POST 202"]);
      expect(up.sim.stats()).toMatchObject({ users: 12, conflicts: 0 });
      expectTruthfulReport(report, up.sim);
    },
  );

  it("is reconciled when the replay's answer is lost too: the first send made no job, the second did", async () => {
    let created: unknown;
    // Attempt 1: the connection drops before Userpilot processed anything. Attempt 2: processed, answer lost.
    const up = vendor(
      {},
      {
        bulkIdentifyUsers: {
          1: "drop",
          2: {
            after: async (answer) => {
              created = ((await answer.json()) as { job_id: string }).job_id;
              return gatewayPage(504);
            },
          },
        },
      },
    );
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200", "POST 504", "LIST 200"]);
    expect(up.sim.jobs().map((job) => job.job_id)).toEqual([created]);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(report.chunks.replayed).toBe(2);
    expect(up.sim.stats().users).toBe(4);
    expectTruthfulReport(report, up.sim);
  });

  it("follows its own running job on a 409 after a lost send, instead of waiting for it", async () => {
    // The list lags: the replay's first look does not show the new job yet, so the users go out again.
    const lagging: ScriptAction = {
      after: async (answer) => json(((await answer.json()) as unknown[]).slice(0, -1)),
    };
    const up = vendor(
      {},
      {
        bulkIdentifyUsers: { 1: dropAfter },
        listBackgroundJobs: { 1: lagging },
      },
    );
    const pending = run(users(4), options);
    const report = await pending;

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200", "POST 409", "LIST 200"]);
    expect(up.sim.jobs()).toHaveLength(1);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(pending.waits).not.toContain(CONFLICT_WAIT);
    expect(up.sim.stats().users).toBe(4);
    expectTruthfulReport(report, up.sim);
  });
});

describe("another process's job is never taken for the lost request's", () => {
  const foreignCases: Record<string, (up: Userpilot) => void> = {
    "the same row count, started before the lost send": (up) => {
      up.sim.startForeignJob({ rows: 4, startedAt: Date.now() - 60_000 });
      up.script({ bulkIdentifyUsers: { 1: "drop" } });
    },
    // Two imports both sending full chunks: only the job's file_size tells it from the lost request's.
    "the same row count, started after the lost send": (up) => {
      up.script({
        bulkIdentifyUsers: {
          1: () => {
            up.sim.startForeignJob({ rows: 4 });
            return "drop";
          },
        },
      });
    },
    "another row count, started after the lost send": (up) => {
      up.script({
        bulkIdentifyUsers: {
          1: () => {
            up.sim.startForeignJob({ rows: 5 });
            return "drop";
          },
        },
      });
    },
  };

  it.each(Object.entries(foreignCases))(
    "a 409 for a job with %s is waited out, then the users are sent",
    async (_, arrange) => {
      const up = vendor();
      arrange(up);
      const pending = run(users(4), options);
      const report = await pending;

      expectEveryRecordOnce(report, 4);
      expect(report).toMatchObject({ imported: 4, failed: 0 });
      expect(up.writesAndLists()).toEqual([
        "POST 0",
        "LIST 200",
        "POST 409",
        "LIST 200",
        "POST 409",
        "LIST 200",
        "POST 202",
      ]);
      expect(pending.waits.filter((ms) => ms === CONFLICT_WAIT)).toHaveLength(2);
      const foreign = up.sim.jobs().find((job) => job.foreign);
      expect(up.ofKind("POLL").map((p) => p.path)).not.toContain(
        `/v1/background_jobs/${encodeURIComponent(foreign?.job_id ?? "")}`,
      );
      expect(up.jobIds()).toEqual([ids(0, 4)]);
      expect(report.events["reconciled_jobs"]).toBeUndefined();
      expect(up.sim.stats().users).toBe(4);
      expectTruthfulReport(report, up.sim);
    },
  );
});

describe("a crash between send and checkpoint", () => {
  /**
   * Chunk 1's job started 3 s before its request by Userpilot's clock (inside the 10 s clock-skew allowance
   * of chunk 2's lost send); the process dies once Userpilot created chunk 2's job, before the answer (and
   * its job id) came back.
   */
  function crashAtChunk2(controller: AbortController, simOptions: UserpilotSimulatorOptions = {}) {
    let skew = 0;
    return vendor(
      { ...simOptions, now: () => Date.now() + skew },
      {
        bulkIdentifyUsers: {
          1: () => {
            skew = -3_000;
            return afterwards(() => (skew = 0));
          },
          2: afterwards(() => controller.abort(new Error("crash"))),
        },
      },
    );
  }

  it("a re-run with the same journal finds the job the unjournaled request created and follows it", async () => {
    const journal = journalFile("userpilot");
    const records = users(12);
    const controller = new AbortController();
    const up = crashAtChunk2(controller);
    const first = await run(records, { ...options, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(up.sim.jobs()).toHaveLength(2);
    expectTruthfulReport(first, up.sim);

    up.script();
    const second = await run(records, { ...options, journal });

    expectEveryRecordOnce(second, 12);
    expect(second).toMatchObject({ imported: 12, failed: 0 });
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(up.jobIds()).toEqual([ids(0, 4), ids(4, 8), ids(8, 12)]);
    const [, lostJob] = up.sim.jobs();
    expect(up.log).toContainEqual(
      expect.objectContaining({
        path: `/v1/background_jobs/${encodeURIComponent(lostJob?.job_id ?? "")}`,
        jobStatus: "completed",
      }),
    );
    expect(up.sim.stats()).toMatchObject({ users: 12, conflicts: 0 });
    expectTruthfulReport(second, up.sim);
  });

  // The previous chunk's job has the same row count and, a moment before the lost send, falls within the
  // clock-skew allowance; a re-run does not know it as this import's (that chunk came from the journal).
  it("a re-run does not take the previous chunk's finished job for the lost request's", async () => {
    const journal = journalFile("userpilot");
    const records = users(8);
    const controller = new AbortController();
    const up = crashAtChunk2(controller, { failJobs: (job) => job.index === 2 });
    await run(records, { ...options, journal, signal: controller.signal });

    up.script();
    const second = await run(records, { ...options, journal });

    expect(second.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      ...Array<string>(4).fill("imported"),
      ...Array<string>(4).fill("job_failed"),
    ]);
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(up.sim.jobs()).toHaveLength(2);
    expectTruthfulReport(second, up.sim);
  });
});

describe("a refusal after a lost send", () => {
  it("of a re-run's send: the refusal says Userpilot may hold the users the lost send carried", async () => {
    const journal = journalFile("userpilot");
    const records = users(4);
    // The first run's request is lost without a word (no job in the list), and the run gives up on it.
    const up = vendor({}, { bulkIdentifyUsers: { 1: "drop" } });
    const first = await run(records, { ...options, journal, chunkAttempts: 1 });
    expect(first.failed).toBe(4);

    up.script({
      bulkIdentifyUsers: {
        2: { answer: () => userpilotError(400, "invalid_input", "users are not allowed") },
      },
    });
    const second = await run(records, { ...options, journal });

    expectEveryRecordOnce(second, 4);
    for (const outcome of second.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "invalid_input",
        reason: matching(/may have reached the vendor, which may hold this record$/),
      });
    }
  });
});

describe("when the job list cannot be read", () => {
  it("the users are not sent again blindly; a later replay that reads the list follows the job", async () => {
    // The first reconcile's request and all the client's retries of it fail.
    const up = vendor(
      {},
      {
        bulkIdentifyUsers: { 1: dropAfter },
        listBackgroundJobs: { 1: "5xx", 2: "5xx", 3: "5xx", 4: "5xx", 5: "5xx" },
      },
    );
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(up.ofKind("LIST").map((list) => list.status)).toEqual([500, 503, 500, 503, 500, 200]);
    expect(up.ofKind("POST")).toHaveLength(1);
    expect(up.sim.jobs()).toHaveLength(1);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expectTruthfulReport(report, up.sim);
  });

  it("the chunk fails for a re-run, in one job, and the re-run reconciles it", async () => {
    const journal = journalFile("userpilot");
    const records = users(4);
    const up = vendor();
    up.sim.setFaults({
      script: ({ operation, attempt }) =>
        operation === "listBackgroundJobs"
          ? "5xx"
          : operation === "bulkIdentifyUsers" && attempt === 1
            ? dropAfter
            : undefined,
    });
    const first = await run(records, { ...options, journal });

    expectEveryRecordOnce(first, 4);
    expect(first.failed).toBe(4);
    for (const outcome of first.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(/a re-run with the same journal tries again$/),
      });
    }
    expect(up.ofKind("POST")).toHaveLength(1);
    expect(up.sim.jobs()).toHaveLength(1);
    expectTruthfulReport(first, up.sim);

    up.script();
    const second = await run(records, { ...options, journal });

    expect(second).toMatchObject({ imported: 4, failed: 0 });
    expect(second.events["reconciled_jobs"]).toBe(1);
    expect(up.ofKind("POST")).toHaveLength(1);
    expect(up.sim.jobs()).toHaveLength(1);
    expect(up.sim.stats().users).toBe(4);
    expectTruthfulReport(second, up.sim);
  });
});

describe("a job found in the list after a lost send, which then failed", () => {
  it("fails its users job_failed, and the reason still says the job was taken by a guess", async () => {
    const up = vendor({ stepMs: 0 });
    up.sim.setFaults({
      script: ({ operation, attempt }) =>
        operation === "bulkIdentifyUsers" && attempt === 1
          ? dropAfter
          : operation === "getBackgroundJob"
            ? {
                after: async (answer: Response) => {
                  const job = (await answer.json()) as Record<string, unknown>;
                  return json(job["status"] === "completed" ? { ...job, status: "failed" } : job);
                },
              }
            : undefined,
    });
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200"]);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_failed",
        reason: matching(/was taken for this user's request, whose answer was lost/),
      });
    }
  });
});
