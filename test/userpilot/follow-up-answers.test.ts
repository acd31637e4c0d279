// Requests that only follow up on what Userpilot holds (a job's status, the job list)
// never refuse a user. An odd answer to one of them must leave the users unsettled (replayed in the run,
// left to a re-run with the journal), saying Userpilot may hold them, never failed for good while
// Userpilot imported them.
import { describe, expect, it } from "vitest";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { afterwards, expectTruthfulReport, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();
const options = { chunkRecords: 3, replayDelayMs: 0 };

describe("Userpilot: an undocumented answer to a status poll of an accepted job", () => {
  it("does not fail the job's users for good: the replay polls the job again and finds it completed", async () => {
    // Jobs end the first time they are looked at; the first poll of the first job answers 410 once.
    const up = vendor({ stepMs: 0 });
    let odd = 1;
    up.scriptPollsOf("u-0", () =>
      odd-- > 0 ? { answer: () => userpilotError(410, "gone") } : afterwards(() => {}),
    );
    const journal = journalFile("userpilot-follow-up-poll");
    const report = await run(users(6), { ...options, journal });

    expectEveryRecordOnce(report, 6);
    expect(up.sim.users()).toHaveLength(6);
    expectTruthfulReport(report, up.sim);
    expect(report).toMatchObject({ imported: 6, failed: 0 });
  });

  it("a status that keeps failing says Userpilot accepted the job and may hold the users, and a re-run polls it again", async () => {
    const up = vendor({ stepMs: 0 });
    up.scriptPollsOf("u-0", () => ({ answer: () => userpilotError(410, "gone") }));
    const journal = journalFile("userpilot-follow-up-poll-2");
    const first = await run(users(3), { ...options, journal });

    expectEveryRecordOnce(first, 3);
    for (const outcome of first.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", reason: matching(/may hold/) });
    }

    up.script();
    const second = await run(users(3), { ...options, journal });
    expect(second).toMatchObject({ imported: 3, failed: 0 });
    expect(up.ofKind("POST")).toHaveLength(1);
    expectTruthfulReport(second, up.sim);
  });
});

describe("Userpilot: an undocumented answer to the job list after a lost send", () => {
  it("in the run: the users are not failed for good; the replay reads the list and follows the job", async () => {
    const up = vendor(
      { stepMs: 0 },
      {
        bulkIdentifyUsers: { 1: { after: () => gatewayPage(504) } },
        listBackgroundJobs: { 1: { answer: () => userpilotError(404, "not_found") } },
      },
    );
    const report = await run(users(3), options);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    expect(up.ofKind("POST")).toHaveLength(1);
    expectTruthfulReport(report, up.sim);
  });

  it("on a re-run after a crash between send and checkpoint: a 404 from the list leaves the chunk for the next run, saying Userpilot may hold it", async () => {
    const journal = journalFile("userpilot-follow-up-list");
    const controller = new AbortController();
    const up = vendor(
      { stepMs: 0 },
      { bulkIdentifyUsers: { 1: afterwards(() => controller.abort(new Error("crash"))) } },
    );
    const first = await run(users(3), { ...options, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);

    up.script({ listBackgroundJobs: { 1: { answer: () => userpilotError(404, "not_found") } } });
    const second = await run(users(3), { ...options, journal, chunkAttempts: 1 });
    expectEveryRecordOnce(second, 3);
    for (const outcome of second.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", reason: matching(/may hold/) });
    }

    up.script();
    const third = await run(users(3), { ...options, journal });
    expect(third).toMatchObject({ imported: 3, failed: 0 });
    expect(third.events["reconciled_jobs"]).toBe(1);
    expect(up.ofKind("POST")).toHaveLength(1);
    expectTruthfulReport(third, up.sim);
  });
});

describe("Userpilot: what the report says was tried", () => {
  it("a chunk sent once whose job status could not be read is not reported as sent 5 times", async () => {
    const up = vendor();
    up.scriptPollsOf("u-0", () => "drop");
    const report = await run(users(6), { ...options, chunkAttempts: 5 });

    expect(up.ofKind("POST").filter((post) => post.userIds.includes("u-0"))).toHaveLength(1);
    for (const outcome of report.outcomes.slice(0, 3)) {
      expect(outcome).toMatchObject({ outcome: "failed", reason: matching(/may hold/) });
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/sent 5 times/);
      expect(outcome).toMatchObject({
        reason: matching(/tried 5 times in this run, 1 of them sent/),
      });
    }
  });

  it("a lost send followed by job lists that cannot be read is not reported as sent 5 times", async () => {
    const up = vendor();
    up.sim.setFaults({
      script: ({ operation, attempt }) =>
        operation === "listBackgroundJobs"
          ? "5xx"
          : operation === "bulkIdentifyUsers" && attempt === 1
            ? { after: () => gatewayPage(502) }
            : undefined,
    });
    const report = await run(users(3), { ...options, chunkAttempts: 5 });

    expect(up.ofKind("POST")).toHaveLength(1);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(/may hold.*tried 5 times in this run, 1 of them sent/),
      });
    }
  });
});
