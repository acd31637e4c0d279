// When the next job may be sent while a job runs: an upload's time (as long as the import's recent uploads)
// before the end the pace of earlier jobs predicts; on an injected clock.
import { describe, expect, it } from "vitest";
import { JobPace, JobPoll, pollJob } from "../../src/core/engine/poll.js";

/**
 * Polls a job that ends at its `polls`-th status poll, logging the waits slept and when `handover` came;
 * `during` is called after each wait with how many were slept.
 */
async function follow(plan: JobPoll, polls: number, during: (slept: number) => void = () => {}) {
  const log: (number | "handover")[] = [];
  let asked = 0;
  let slept = 0;
  await pollJob(
    () =>
      Promise.resolve<{ value: true } | { progress?: never }>(
        ++asked === polls ? { value: true } : {},
      ),
    plan,
    (ms) => {
      log.push(ms);
      during(++slept);
      return Promise.resolve();
    },
    undefined,
    () => log.push("handover"),
  );
  return log;
}

describe("handing a job's slot over before it ends", () => {
  it("hands over an upload's time before the predicted end, then polls just after it", async () => {
    const pace = new JobPace();
    pace.ended(1_000, 10_000);
    pace.uploaded(1_000, 500);
    const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, rows: 1_000, pace, now: () => 0 });
    expect(await follow(plan, 1)).toEqual([9_500, "handover", 600]);
  });

  it("hands over within the right wait when the ceiling splits the wait for the end", async () => {
    const pace = new JobPace();
    pace.ended(1_000, 40_000);
    pace.uploaded(1_000, 2_000);
    const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, rows: 1_000, pace, now: () => 0 });
    // 15 s, 15 s, then the 10.4 s left to the predicted end, cut at 38 s.
    expect(await follow(plan, 3)).toEqual([15_000, 15_000, 8_000, "handover", 2_400]);
  });

  it("times the upload by the median of the recent ones, so one slowed by retries does not count", () => {
    const pace = new JobPace();
    expect(pace.leadMs(1_000)).toBe(0);
    pace.uploaded(1_000, 400);
    pace.uploaded(1_000, 9_000);
    pace.uploaded(1_000, 500);
    expect(pace.leadMs(2_000)).toBe(1_000);
  });

  it("times the upload by the last three only, so the next jobs are not sent early for slow uploads long past", () => {
    const pace = new JobPace();
    for (const ms of [9_000, 9_000, 100, 200, 9_000]) pace.uploaded(1_000, ms);
    expect(pace.leadMs(1_000)).toBe(200);
  });

  it("hands a first job's slot over amid a wait once the first job of the import to end says it ends before the wait is out", async () => {
    const pace = new JobPace();
    const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, rows: 1_000, pace, now: () => 0 });
    const log: (number | "handover")[] = [];
    let asked = 0;
    await pollJob(
      () =>
        Promise.resolve<{ value: true } | { progress?: never }>(
          ++asked === 3 ? { value: true } : {},
        ),
      plan,
      (ms) => {
        log.push(ms);
        // Another job of the import, sent with this one, ends meanwhile: 1,000 rows in 200 ms.
        if (log.length === 1) {
          pace.uploaded(1_000, 100);
          pace.ended(1_000, 200);
        }
        return Promise.resolve();
      },
      undefined,
      () => log.push("handover"),
    );
    // The next job goes at once (this one is due at 200 ms, an upload before that is past); the next poll
    // comes soon after the end this job is now known to be past.
    expect(log).toEqual([250, "handover", 10]);
  });

  it("hands a first job's slot over when its wait comes to it, once another job's end says it is due later", async () => {
    const pace = new JobPace();
    const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, rows: 1_000, pace, now: () => 0 });
    const log = await follow(plan, 3, (slept) => {
      // Another job of the import ends amid the first wait: 1,000 rows in 5 s, uploaded in 100 ms.
      if (slept === 1) {
        pace.uploaded(1_000, 100);
        pace.ended(1_000, 5_000);
      }
    });
    // Due at 5 s, so the next job goes at 4.9 s, not at 250 ms while this one has 4.75 s left to run.
    expect(log).toEqual([250, 4_650, "handover", 150]);
  });

  it("never hands over the slot of a job that ended before another job's end told its pace", async () => {
    const pace = new JobPace();
    const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, rows: 1_000, pace, now: () => 0 });
    const log = await follow(plan, 2, () => {});
    pace.uploaded(1_000, 100);
    pace.ended(1_000, 200);
    // The slot went back when the job ended: a handover now would let one more job in than `concurrency`.
    expect(log).toEqual([250]);
  });

  it("does not hand over while nothing predicts the end: first jobs, and jobs resumed from a journal", async () => {
    const first = new JobPoll({
      initialMs: 2_000,
      maxMs: 15_000,
      rows: 1_000,
      pace: new JobPace(),
    });
    expect(await follow(first, 3)).toEqual([250, 313]);
    const pace = new JobPace();
    pace.ended(1_000, 10_000);
    pace.uploaded(1_000, 500);
    const resumed = new JobPoll({
      initialMs: 2_000,
      maxMs: 15_000,
      rows: 1_000,
      pace,
      fresh: false,
    });
    expect(await follow(resumed, 2)).toEqual([2_000]);
  });
});
