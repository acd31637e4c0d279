// Userpilot reports per job, so the report vouches for a user only through a job that holds this request's
// rows: a 202 naming another job (more rows than were sent, or the job another chunk follows) is an
// answer as lost as a 502's, and a completed job that did fewer rows than were sent warns on every user.
import { describe, expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import type { UserpilotClient } from "../../src/userpilot/client.js";
import { importUsers } from "../../src/userpilot/import.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import {
  client,
  expectTruthfulReport,
  ids,
  run,
  useUserpilot,
  users,
  type Userpilot,
} from "./harness.js";

const vendor = useUserpilot();

const options = { chunkRecords: 4, replayDelayMs: 0 };

/** The vendor processes the call; its 202 goes out with `change` applied to the job body. */
const rewritten202 = (change: (job: Record<string, unknown>) => object): ScriptAction => ({
  after: async (answer) => json(change((await answer.json()) as Record<string, unknown>), 202),
});

describe("a completed job that did fewer rows than the users sent", () => {
  it("warns on every user, though the job says it did all of its own rows", async () => {
    const up = vendor();
    up.sim.setFaults({
      script: ({ operation }) =>
        operation === "getBackgroundJob"
          ? rewrittenStatus((job) =>
              job["status"] === "completed" ? { ...job, total_rows: 3, completed_rows: 3 } : job,
            )
          : undefined,
    });
    const report = await run(users(5));

    expect(report.imported).toBe(5);
    for (const outcome of outcomesWith(report, "imported")) {
      expect(outcome.warning).toMatch(/after 3 of 5 rows and does not say which rows it skipped/);
    }
  });

  it("follows a 202 that counts fewer rows than were sent: Userpilot may count a user_id sent twice once", async () => {
    const up = vendor();
    up.script({
      bulkIdentifyUsers: { 1: () => rewritten202((job) => ({ ...job, total_rows: 3 })) },
    });
    // Five records, three distinct user_ids: the last two repeat the first two.
    const records = users(5);
    const ids = records.map((user, i) => records[i % 3]?.user_id ?? user.user_id);
    const report = await run(records.map((user, i) => ({ ...user, user_id: ids[i] ?? "" })));

    expect(report).toMatchObject({ imported: 5, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 202"]);
  });
});

describe("a 202 naming a job that is not this request's", () => {
  /** Userpilot answers every bulk identify with a 202 naming another client's 7-row job, long finished. */
  function answeringWithForeignJob() {
    const up = vendor({ stepMs: 1_000 });
    const foreign = up.sim.startForeignJob({ rows: 7, startedAt: Date.now() - 60_000 });
    up.sim.setFaults({
      script: ({ operation }) =>
        operation === "bulkIdentifyUsers"
          ? { answer: () => json({ job_id: foreign, status: "completed", total_rows: 7 }, 202) }
          : undefined,
    });
    return up;
  }

  it("fails the users (job_mismatch, with both row counts) when Userpilot made no job of them", async () => {
    // Another client's job, long finished, is what the answer names; Userpilot never processed the request.
    const up = answeringWithForeignJob();
    const report = await run(users(5), { replayDelayMs: 0 });

    expectEveryRecordOnce(report, 5);
    expect(report).toMatchObject({ imported: 0, failed: 5 });
    for (const outcome of outcomesWith(report, "failed")) {
      expect(outcome).toMatchObject({
        code: "job_mismatch",
        reason: matching(/job \S+ of 7 rows for a request of 5 users.*a re-run tries again$/),
      });
    }
    expect(up.ofKind("POLL")).toEqual([]);
    expect(up.sim.users()).toEqual([]);
    expectTruthfulReport(report, up.sim);
  });

  it("with no replay left, fails the users saying Userpilot may hold them: it accepted the request", async () => {
    // The answer names another client's job; whether Userpilot made one of these users is unknown.
    answeringWithForeignJob();
    const report = await run(users(5), { chunkAttempts: 1 });

    expectEveryRecordOnce(report, 5);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_mismatch",
        reason: matching(/job \S+ of 7 rows for a request of 5 users/),
        vendorMayHold: true,
      });
    expect(report.vendorMayHold).toBe(5);
  });

  const mismatches: Record<string, (up: Userpilot) => ScriptAction> = {
    "another row count": () => rewritten202((job) => ({ ...job, total_rows: 7 })),
    "fewer rows than the distinct user_ids sent": () =>
      rewritten202((job) => ({ ...job, total_rows: 2 })),
    "the job the previous chunk followed": (up) =>
      rewritten202((job) => ({ ...job, job_id: up.sim.jobs()[0]?.job_id })),
  };

  it("a 202 whose file_size differs is still followed: its unit is UNCONFIRMED, a guess must not turn jobs away", async () => {
    const up = vendor();
    up.script({
      bulkIdentifyUsers: {
        2: () => rewritten202((job) => ({ ...job, file_size: Number(job["file_size"]) * 8 })),
      },
    });
    const report = await run(users(8), options);

    expect(report).toMatchObject({ imported: 8, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 202", "POST 202"]);
    expectTruthfulReport(report, up.sim);
  });

  it.each(Object.entries(mismatches))(
    "(%s) counts as lost: the replay finds the request's own job in the list and follows it",
    async (_, mismatch) => {
      const up = vendor();
      up.script({ bulkIdentifyUsers: { 2: () => mismatch(up) } });
      const report = await run(users(8), options);

      expectEveryRecordOnce(report, 8);
      expect(report).toMatchObject({ imported: 8, failed: 0 });
      expect(up.writesAndLists()).toEqual(["POST 202", "POST 202", "LIST 200"]);
      expect(up.jobIds()).toEqual([ids(0, 4), ids(4, 8)]);
      expect(report.events["reconciled_jobs"]).toBe(1);
      expect(report.chunks.replayed).toBe(1);
      expect(up.sim.stats().users).toBe(8);
      expectTruthfulReport(report, up.sim);
    },
  );

  it("a 202 with an empty job id, read by a client that does not check it, counts as lost", async () => {
    const up = vendor();
    const real = client();
    const lax: UserpilotClient = new Proxy(real, {
      get: (target, property, receiver) =>
        property === "bulkIdentifyUsers"
          ? async (init: Parameters<UserpilotClient["bulkIdentifyUsers"]>[0]) => {
              const answer = await target.bulkIdentifyUsers(init);
              return answer.ok ? { ...answer, data: { ...answer.data, job_id: "" } } : answer;
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const report = await importUsers(lax, users(4), {
      ...options,
      pollIntervalMs: 10,
      sleep: async () => {},
    });

    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 202", "LIST 200"]);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expectTruthfulReport(report, up.sim);
  });

  it("a 202 without a job id counts as lost too: the replay follows the job Userpilot made", async () => {
    const up = vendor();
    up.script({ bulkIdentifyUsers: { 1: rewritten202(({ job_id: _id, ...job }) => job) } });
    const report = await run(users(4), options);

    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 202", "LIST 200"]);
    expect(report.events["reconciled_jobs"]).toBe(1);
    expect(up.sim.jobs()).toHaveLength(1);
    expectTruthfulReport(report, up.sim);
  });
});

/** A status poll whose job body goes out with `change` applied. */
function rewrittenStatus(change: (job: Record<string, unknown>) => object): ScriptAction {
  return {
    after: async (answer) => json(change((await answer.json()) as Record<string, unknown>)),
  };
}
