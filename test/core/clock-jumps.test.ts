// The wall clock jumping mid-run (NTP stepping it, an operator setting it back, a VM restored): durations
// (Retry-After pauses, job timeouts, a run's duration) are measured on a clock that does not jump. Only Date
// is faked here, so the wall clock moves while the monotonic one does not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { JobPoll, pollJob, pollUntil } from "../../src/core/engine/poll.js";
import { ReportBuilder } from "../../src/core/engine/report-builder.js";
import { createTransport } from "../../src/core/http/transport.js";
import { loggedSleep } from "../support/logged-sleep.js";

const HOUR_MS = 3_600_000;
const START = Date.parse("2026-03-29T01:30:00Z");

afterEach(() => {
  vi.useRealTimers();
});

/** Sets the wall clock `ms` away from where it is now. */
function jump(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe("a wall clock set back an hour", () => {
  it("leaves a Retry-After pause of 3 s at 3 s for the client's next request, not an hour", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    let calls = 0;
    const slept: number[] = [];
    const transport = createTransport({
      sleep: loggedSleep(slept),
      fetch: () =>
        Promise.resolve(
          ++calls === 2
            ? new Response(null, { status: 429, headers: { "retry-after": "3" } })
            : new Response("{}", { status: 200 }),
        ),
    });
    await transport(new Request("http://127.0.0.1/a"));
    // The second call meets a 429 and waits its 3 s; the third, after the jump, waits what is left of it.
    await transport(new Request("http://127.0.0.1/b"));
    jump(-HOUR_MS);
    await transport(new Request("http://127.0.0.1/c"));
    expect(slept.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...slept)).toBeLessThanOrEqual(3_000);
  });

  it("reports a run's duration as the time it took, not a negative one", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    const report = new ReportBuilder("problems", undefined);
    jump(-HOUR_MS);
    const built = report.build("test", {
      aborted: false,
      chunks: { sent: 0, resumed: 0, replayed: 0 },
    });
    expect(built.durationMs).toBeGreaterThanOrEqual(0);
    expect(built.durationMs).toBeLessThan(60_000);
    // When it started stays the wall-clock time it was then.
    expect(built.startedAt).toBe(new Date(START).toISOString());
  });
});

describe("a wall clock moved two hours forward", () => {
  it("does not time out a poll with most of its time left", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    let checks = 0;
    const result = await pollUntil(
      () => Promise.resolve(++checks === 3 ? "done" : undefined),
      { initialMs: 1_000, maxMs: 5_000, timeoutMs: HOUR_MS },
      () => {
        if (checks === 1) jump(2 * HOUR_MS);
        return Promise.resolve();
      },
    );
    expect(result).toEqual({ timedOut: false, value: "done" });
  });

  it("does not time out a job's status polls with most of their time left", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    let checks = 0;
    const plan = new JobPoll({ initialMs: 1_000, maxMs: 5_000 });
    const running: { readonly progress?: never } = {};
    const result = await pollJob<string>(
      () => Promise.resolve(++checks === 3 ? { value: "done" } : running),
      plan,
      () => {
        if (checks === 1) jump(2 * HOUR_MS);
        return Promise.resolve();
      },
      HOUR_MS,
    );
    expect(result).toEqual({ timedOut: false, value: "done" });
  });
});

describe("a Retry-After date from a vendor whose clock is an hour ahead of ours", () => {
  it("is waited as long as the vendor meant, by its own Date header, not the ceiling", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    const vendorNow = new Date(START + HOUR_MS);
    let calls = 0;
    const slept: number[] = [];
    const transport = createTransport({
      rateLimit: false,
      sleep: loggedSleep(slept),
      fetch: () =>
        Promise.resolve(
          ++calls === 1
            ? new Response(null, {
                status: 503,
                headers: {
                  date: vendorNow.toUTCString(),
                  "retry-after": new Date(vendorNow.getTime() + 5_000).toUTCString(),
                },
              })
            : new Response("{}", { status: 200 }),
        ),
    });
    await transport(new Request("http://127.0.0.1/a"));
    expect(slept).toEqual([5_000]);
  });
});
