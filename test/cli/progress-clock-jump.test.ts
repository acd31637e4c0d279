// The progress line with the wall clock set back an hour mid-run (an operator, NTP stepping it): it keeps
// coming every interval, with the rate the run goes at, rather than stopping for the hour.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgressDisplay } from "../../src/cli/progress.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { CollectingStream } from "./helpers.js";

const at = (confirmed: number): ImportProgress => ({
  validated: 1_000,
  rejected: 0,
  sent: confirmed,
  confirmed,
  resumed: 0,
  imported: confirmed,
  warned: 0,
  failed: 0,
  vendorMayHold: 0,
  waitingOnVendor: 0,
  waitingToRetry: 0,
  waitingToRetryRequest: 0,
  unchangedForMs: 0,
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the progress display when the wall clock is set back an hour", () => {
  it("writes its next line after the interval, with the run's rate and ETA", () => {
    // Both clocks faked: advancing moves both, setting the system time moves the wall clock only.
    vi.useFakeTimers({ toFake: ["Date", "performance"], now: Date.parse("2026-10-25T01:30:00Z") });
    const stream = new CollectingStream(false);
    const progress = createProgressDisplay(
      stream as unknown as NodeJS.WriteStream,
      "x",
      5_000,
      1_000,
    );
    vi.advanceTimersByTime(5_000);
    progress.update(at(100));
    vi.setSystemTime(Date.now() - 3_600_000);
    vi.advanceTimersByTime(5_000);
    progress.update(at(200));
    const lines = stream.text.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^x: 200\/1000 confirmed .*, 20\/s, ETA 40s$/);
  });
});
