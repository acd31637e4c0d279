// When a job's status is polled: the waits JobPoll plans from the vendor's progress, the pace of earlier
// jobs, or a backoff when nothing is known; on an injected clock.
import { describe, expect, it } from "vitest";
import { JobPace, JobPoll, pollJob, pollUntil } from "../../src/core/engine/poll.js";

function planner(options: Partial<ConstructorParameters<typeof JobPoll>[0]> = {}) {
  const clock = { now: 0 };
  const plan = new JobPoll({ initialMs: 2_000, maxMs: 15_000, now: () => clock.now, ...options });
  /** Sleeps the wait the plan gave, on the injected clock. */
  const sleep = (ms: number) => {
    clock.now += ms;
    return ms;
  };
  return { plan, clock, sleep };
}

describe("JobPoll", () => {
  it("backs off from the first interval to the ceiling while nothing predicts the end", () => {
    const { plan, sleep } = planner();
    expect(plan.first()).toBe(0);
    const waits = Array.from({ length: 7 }, () => sleep(plan.next()));
    expect(waits).toEqual([2_000, 3_000, 4_500, 6_750, 10_125, 15_000, 15_000]);
  });

  it("times the next poll for when the rows left are done, at the rate the rows advanced", () => {
    const { plan, sleep } = planner({ initialMs: 5_000, maxMs: 60_000 });
    sleep(plan.next({ completed: 0, total: 10_000 })); // nothing done yet: the first interval
    // 6,000 of 10,000 rows after 5 s: 1.2 rows a ms, so the rest takes 3,333 ms; then 1% of the 8,333 ms job.
    expect(plan.next({ completed: 6_000, total: 10_000 })).toBe(3_417);
  });

  it("polls a job first when the pace of the import's earlier jobs says it ends", () => {
    const pace = new JobPace();
    const first = planner({ rows: 10_000, pace });
    first.sleep(first.plan.next());
    first.plan.ended(8_000); // the vendor's clock: 8 s for 10,000 rows
    const second = planner({ rows: 5_000, pace });
    expect(second.plan.first()).toBe(4_040);
  });

  it("backs off from the shortest wait after a pace of no time (a job that started and ended in one second)", () => {
    // Userpilot's times are whole seconds: a job of a few users starts and ends in the same one, a pace of 0.
    // A later job overdue at once was polled 20 times 10 ms apart, then only every `maxMs` (15 s late).
    const pace = new JobPace();
    const small = planner({ rows: 5, pace });
    small.sleep(small.plan.next());
    small.plan.ended(0);
    const next = planner({ rows: 1_000, pace, maxMs: 60_000 });
    expect(next.sleep(next.plan.first())).toBe(10);
    const waits = Array.from({ length: 19 }, () => next.sleep(next.plan.next()));
    expect(waits).toEqual(Array.from({ length: 19 }, (_, i) => Math.round(10 * 1.5 ** i)));
  });

  it("takes the fastest recent pace: a late poll leaves the vendor idle, an early one costs a request", () => {
    const pace = new JobPace();
    pace.ended(1_000, 10_000);
    pace.ended(1_000, 4_000);
    pace.ended(1_000, 6_000);
    expect(pace.expectedMs(500)).toBe(2_000);
  });

  it("forgets the paces of jobs before the last three, so a vendor that slowed down is not polled too early", () => {
    const pace = new JobPace();
    pace.ended(1_000, 1_000);
    for (const ms of [10_000, 12_000, 11_000]) pace.ended(1_000, ms);
    expect(pace.expectedMs(1_000)).toBe(10_000);
  });

  it("polls a job past its predicted end again soon, then less and less often", () => {
    const pace = new JobPace();
    pace.ended(1_000, 10_000);
    const { plan, sleep } = planner({ rows: 1_000, pace });
    sleep(plan.first());
    expect([plan.next(), plan.next(), plan.next()]).toEqual([200, 300, 450]);
  });

  it("does not time a resumed job by the pace of others (its age is unknown)", () => {
    const pace = new JobPace();
    pace.ended(1_000, 10_000);
    const { plan } = planner({ rows: 1_000, pace, fresh: false });
    expect(plan.first()).toBe(0);
    expect(plan.next()).toBe(2_000);
  });

  it("waits the ceiling once a job had its share of polls", () => {
    const { plan, sleep } = planner({ maxPolls: 3 });
    sleep(plan.next({ completed: 9_999, total: 10_000 }));
    sleep(plan.next({ completed: 9_999, total: 10_000 }));
    expect(plan.next({ completed: 9_999, total: 10_000 })).toBe(15_000);
  });

  it("times the end by the rate between the last two polls when the vendor's rows slowed down", () => {
    const { plan, sleep } = planner({ initialMs: 5_000, maxMs: 60_000 });
    sleep(plan.next({ completed: 0, total: 10_000 }));
    // 2,000 rows in 5 s: the rest by 25 s, so a poll at 25.25 s.
    expect(sleep(plan.next({ completed: 2_000, total: 10_000 }))).toBe(20_250);
    // 4,050 rows in the 20.25 s since: 0.2 a ms, so the 3,950 left are done by 45 s (the rate since the
    // start said 41.7 s).
    expect(plan.next({ completed: 6_050, total: 10_000 })).toBe(20_200);
  });

  it("polls a first job on a ramp up to the first interval, then every first interval, then at the ceiling", () => {
    const { plan, sleep } = planner({ rows: 1_000, pace: new JobPace() });
    const waits = Array.from({ length: 31 }, () => sleep(plan.next()));
    const ramp = [250, 313, 391, 488, 610, 763, 954, 1_192, 1_490, 1_863];
    // The ramp's polls are not counted: the 20th poll after it waits the ceiling.
    expect(waits).toEqual([...ramp, ...Array<number>(19).fill(2_000), 15_000, 15_000]);
  });

  it("polls a first job whose vendor tells progress every first interval, not on the ramp", () => {
    // Progress read a quarter of a second in is too coarse to time the end by.
    const { plan } = planner({ rows: 1_000, pace: new JobPace() });
    expect(plan.next({ completed: 0, total: 1_000 })).toBe(2_000);
  });

  it("learns no pace from a resumed job that ended without the vendor's time (its age is unknown)", () => {
    const pace = new JobPace();
    const resumed = planner({ rows: 1_000, pace, fresh: false });
    resumed.sleep(resumed.plan.next());
    resumed.plan.ended();
    expect(pace.expectedMs(1_000)).toBeUndefined();
    resumed.plan.ended(8_000);
    expect(pace.expectedMs(1_000)).toBe(8_000);
  });

  it("polls soon a job whose rows are all done but that has not ended", () => {
    const { plan, sleep } = planner({ initialMs: 5_000, maxMs: 60_000 });
    sleep(plan.next({ completed: 0, total: 100 }));
    expect(plan.next({ completed: 100, total: 100 })).toBe(100);
  });

  it("keeps every wait a whole ms within its bounds whatever counts a vendor's progress gives", () => {
    // A status's counts reach the plan as JSON gave them: 1e999 parses to Infinity. A NaN wait would sleep a
    // ms and add NaN to the time waited, so no timeout would ever be reached: polls in a tight loop for ever.
    const counts = [
      [Infinity, Infinity],
      [1e308, Infinity],
      [Infinity, 5],
      [1e-300, 1e308],
      [1e308, 1.7e308],
      [5, -1],
    ] as const;
    for (const [completed, total] of counts) {
      const { plan, sleep } = planner();
      for (let poll = 0; poll < 25; poll++) {
        const wait = sleep(plan.next({ completed, total }));
        expect(Number.isInteger(wait) && wait >= 10 && wait <= 15_000).toBe(true);
      }
      expect(Number.isFinite(plan.elapsed())).toBe(true);
    }
  });
});

describe("pollJob", () => {
  it("sleeps the planned waits and returns the value the job ends with", async () => {
    const { plan, clock } = planner();
    const slept: number[] = [];
    let polls = 0;
    const result = await pollJob(
      () =>
        Promise.resolve<{ value: string } | { progress?: never }>(
          ++polls === 3 ? { value: "done" } : {},
        ),
      plan,
      (ms) => {
        slept.push(ms);
        clock.now += ms;
        return Promise.resolve();
      },
    );
    expect(result).toEqual({ timedOut: false, value: "done" });
    expect(slept).toEqual([2_000, 3_000]);
  });

  it("gives up when the next wait would pass the timeout", async () => {
    const { plan, clock } = planner();
    let polls = 0;
    const result = await pollJob(
      () => {
        polls += 1;
        return Promise.resolve({});
      },
      plan,
      (ms) => {
        clock.now += ms;
        return Promise.resolve();
      },
      10_000,
    );
    expect(result).toEqual({ timedOut: true });
    expect(polls).toBe(4); // at 0, 2, 5 and 9.5 s; the next (16.25 s) is past 10 s
  });

  it("asks once before giving up a job followed again with none of its time left", async () => {
    // A replay of a job an earlier attempt followed for all of jobTimeoutMs (or more, by a request's latency):
    // the job may have ended in the gap, so it is looked at before it is called timed out.
    const pace = new JobPace();
    pace.ended(100, 60_000);
    const follow = async (timeoutMs: number, ended: boolean) => {
      let polls = 0;
      const result = await pollJob(
        () => {
          polls += 1;
          const answer: { value: string } | { progress?: never } = ended
            ? { value: "COMPLETED" }
            : {};
          return Promise.resolve(answer);
        },
        planner({ rows: 100, pace, fresh: false }).plan,
        () => Promise.resolve(),
        timeoutMs,
      );
      return { result, polls };
    };
    for (const timeoutMs of [0, -500]) {
      expect(await follow(timeoutMs, true)).toEqual({
        result: { timedOut: false, value: "COMPLETED" },
        polls: 1,
      });
      expect(await follow(timeoutMs, false)).toEqual({ result: { timedOut: true }, polls: 1 });
    }
  });
});

describe("pollUntil", () => {
  it("gives up before a wait that would pass its timeout, never sleeping beyond it", async () => {
    // FullStory's result lists answer 202 while they are assembled: the job's time bounds that wait too.
    const waits: number[] = [];
    const result = await pollUntil(
      () => Promise.resolve(undefined),
      { initialMs: 1_000, maxMs: 4_000, factor: 2, timeoutMs: 20_000 },
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    );
    expect(result).toEqual({ timedOut: true });
    // Growing to the 4 s ceiling: 19 s waited in all; 4 s more would end at 23 s, past the 20 s given.
    expect(waits).toEqual([1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
  });
});
