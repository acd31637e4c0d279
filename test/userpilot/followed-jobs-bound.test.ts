// A long-lived client (a server importing nightly through one) keeps a bounded record of the jobs its imports
// followed, and a lost answer's search still never takes one of them, the forgotten ones included.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import {
  FOLLOWED_JOBS_KEPT,
  FollowedJobs,
  followedJobsOf,
} from "../../src/userpilot/followed-jobs.js";
import { importUsers } from "../../src/userpilot/import.js";
import { lostRequestsJob } from "../../src/userpilot/lost-job.js";
import {
  afterwards,
  alike,
  client,
  dropAfter,
  expectTruthfulReport,
  turnTaking,
  useUserpilot,
} from "./harness.js";

const vendor = useUserpilot();

afterEach(() => {
  vi.useRealTimers();
});

/** Records `n` jobs of other imports, one per call, as a client that followed them over the nights would. */
const follow = (jobs: FollowedJobs, n: number, prefix = "night") => {
  for (let i = 0; i < n; i++) jobs.add(`${prefix}-${i}`);
};

describe("the jobs a client's imports followed", () => {
  it("are kept by id up to the bound, then the oldest are forgotten but for when they were known", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-04T10:00:00Z") });
    const jobs = new FollowedJobs();
    follow(jobs, FOLLOWED_JOBS_KEPT);
    expect(jobs.size).toBe(FOLLOWED_JOBS_KEPT);
    expect(jobs.forgottenUntil).toBeUndefined();

    vi.setSystemTime(Date.parse("2026-12-05T10:00:00Z"));
    follow(jobs, 3, "next");
    expect(jobs.size).toBe(FOLLOWED_JOBS_KEPT);
    expect(["night-0", "night-1", "night-2"].map((id) => jobs.has(id))).toEqual([
      false,
      false,
      false,
    ]);
    expect(jobs.has("night-3")).toBe(true);
    expect(jobs.has("next-2")).toBe(true);
    // The forgotten ones were known on the first day: the next day's ids are not what they cover.
    expect(jobs.forgottenUntil).toBe(Date.parse("2026-12-04T10:00:00Z"));
  });

  it("are forgotten until the latest time one was known, though the wall clock was set back meanwhile", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-04T10:00:00Z") });
    const jobs = new FollowedJobs(2);
    follow(jobs, 2, "before"); // known at 10:00
    vi.setSystemTime(Date.parse("2026-12-04T09:00:00Z")); // the clock set back an hour
    follow(jobs, 2, "after"); // forgets both earlier ones, known at 10:00
    follow(jobs, 1, "later"); // forgets after-0, known at 09:00
    // Moved back to 09:00, the jobs forgotten first (started by 10:00) could be taken for a lost request's.
    expect(jobs.forgottenUntil).toBe(Date.parse("2026-12-04T10:00:00Z"));
  });
  it("keep the time an id was first known when it is followed again", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-04T10:00:00Z") });
    const jobs = new FollowedJobs(1);
    jobs.add("job-1");
    // A re-run follows the same job a day later: it started on the first day all the same.
    vi.setSystemTime(Date.parse("2026-12-05T10:00:00Z"));
    jobs.add("job-1");
    jobs.add("job-2");
    expect(jobs.forgottenUntil).toBe(Date.parse("2026-12-04T10:00:00Z"));
  });

  it("stay bounded through a client whose imports ran more jobs than the bound", async () => {
    const shared = client();
    vendor({ pollsPerStep: 1 });
    follow(followedJobsOf(shared), FOLLOWED_JOBS_KEPT);

    const report = await importUsers(shared, alike("u", 15), turnTaking);

    expect(report.imported).toBe(15);
    const jobs = followedJobsOf(shared);
    expect(jobs.size).toBe(FOLLOWED_JOBS_KEPT);
    expect(jobs.has("night-0")).toBe(false);
    expect(jobs.forgottenUntil).toBeDefined();
  });
});

describe("a lost answer's search, once followed jobs were forgotten", () => {
  const sentMs = Date.parse("2026-01-01T00:01:00.300Z");
  const request = { rows: 4, bytes: 100, sentMs, clockSkewMs: 10_000, others: new Set<string>() };
  const job = (id: string, startS: number) => ({
    job_id: id,
    status: "completed" as const,
    total_rows: 4,
    file_size: 100,
    start_time: new Date(Date.parse("2026-01-01T00:01:00Z") + startS * 1000).toISOString(),
  });

  it("takes no job that started by when the forgotten ones were known, and one that started after", () => {
    // Forgotten jobs were known 5 s after the send, so started by then (up to the clock skew later).
    const forgottenUntil = sentMs + 5_000;
    expect(lostRequestsJob([job("F", 3)], { ...request, forgottenUntil })).toBeUndefined();
    expect(lostRequestsJob([job("F", 14)], { ...request, forgottenUntil })).toBeUndefined();
    expect(lostRequestsJob([job("F", 3), job("Y", 16)], { ...request, forgottenUntil })?.id).toBe(
      "Y",
    );
    // Started in the very millisecond the allowance ends: by then, on Userpilot's clock ahead of ours.
    const atTheEdge = {
      ...job("F", 0),
      start_time: new Date(forgottenUntil + 10_000).toISOString(),
    };
    expect(lostRequestsJob([atTheEdge], { ...request, forgottenUntil })).toBeUndefined();
  });

  it("does not take another import's job through the same client whose id was forgotten", async () => {
    const shared = client();
    let second: Promise<ImportReport> | undefined;
    // As in imports-sharing-a-client: the second import's request meets the first's running job (409), and
    // its answer is lost. Meanwhile the client follows so many jobs that the first import's is forgotten; the
    // job list then holds it, of as many rows and bytes as the lost request's, started within the skew.
    const up = vendor(
      { pollsPerStep: 4 },
      {
        bulkIdentifyUsers: {
          1: afterwards(() => {
            second = importUsers(shared, alike("a", 5), turnTaking);
          }),
          2: () => {
            follow(followedJobsOf(shared), FOLLOWED_JOBS_KEPT);
            return dropAfter;
          },
        },
      },
    );

    const first = await importUsers(shared, alike("b", 10), turnTaking);
    if (second === undefined) throw new Error("the second import never started");
    const report = await second;

    const firstJob = up.jobWith("b-0");
    expect(firstJob).toBeDefined();
    expect(followedJobsOf(shared).has(firstJob ?? "")).toBe(false);
    expect(report.imported).toBe(5);
    const stored = new Set(up.sim.users().map((user) => user.user_id));
    expect(alike("a", 5).every((user) => stored.has(user.user_id))).toBe(true);
    // Sent again, not taken from the first import's job: no user carries a guess.
    expect(
      report.outcomes.filter((o) => o.outcome === "imported" && o.warning !== undefined),
    ).toEqual([]);
    expectTruthfulReport(report, up.sim);
    expectTruthfulReport(first, up.sim);
  });
});
