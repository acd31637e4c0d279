// The poll options the job-polling adapters (FullStory, Userpilot) read through one helper: defaults, the
// ceiling rule each vendor chose, and the waits a job's plan then hands out.
import { describe, expect, it } from "vitest";
import { planJobPolls, pollSettings } from "../../src/core/engine/poll-settings.js";

const DEFAULTS = {
  pollIntervalMs: 100,
  maxPollIntervalMs: 400,
  jobTimeoutMs: 60_000,
  maxPollsPerJob: 5,
};

/** The waits between the first `n` status polls of a job nothing predicts (fresh: a first job of an import). */
function waits(settings: ReturnType<typeof pollSettings>, n: number, fresh = false): number[] {
  const plan = planJobPolls(settings, 10, fresh);
  return Array.from({ length: n }, () => plan.next());
}

describe("pollSettings", () => {
  it("gives the vendor's defaults for options left out", () => {
    expect(pollSettings({}, DEFAULTS)).toMatchObject(DEFAULTS);
  });

  it("raises a ceiling below the first wait to it when the vendor asks (FullStory)", () => {
    const settings = pollSettings(
      { pollIntervalMs: 50, maxPollIntervalMs: 10 },
      { ...DEFAULTS, ceilingAtLeastFirstWait: true },
    );
    expect(settings.maxPollIntervalMs).toBe(50);
    expect(waits(settings, 3)).toEqual([50, 50, 50]);
  });

  it("takes a ceiling below the first wait as given otherwise (Userpilot)", () => {
    const settings = pollSettings({ pollIntervalMs: 50, maxPollIntervalMs: 10 }, DEFAULTS);
    expect(settings.maxPollIntervalMs).toBe(10);
    expect(waits(settings, 2)).toEqual([10, 10]);
  });

  it("grows the waits 1.5× from pollIntervalMs up to the ceiling for a job resumed from a journal", () => {
    expect(
      waits(pollSettings({ pollIntervalMs: 100, maxPollIntervalMs: 300 }, DEFAULTS), 4),
    ).toEqual([100, 150, 225, 300]);
  });

  it("polls a first job of an import on a ramp up to pollIntervalMs, then maxPollsPerJob times at it, then at the ceiling", () => {
    // Nothing predicts its end, and a late poll leaves the vendor idle while the next job waits: the waits
    // grow from an eighth of the interval by a quarter, and the ramp's polls are not counted in the cap.
    expect(
      waits(pollSettings({ pollIntervalMs: 100, maxPollIntervalMs: 300 }, DEFAULTS), 16, true),
    ).toEqual([13, 16, 20, 24, 31, 38, 48, 60, 75, 93, 100, 100, 100, 100, 300, 300]);
  });

  it("first polls a job when its rows should be done at the pace of the import's jobs so far", () => {
    // A job of 10 rows took 1000 ms: one of 10 rows is first polled as it should end, one of 1 row sooner.
    const settings = pollSettings({ pollIntervalMs: 100, maxPollIntervalMs: 2000 }, DEFAULTS);
    settings.pace.ended(10, 1000);
    expect(planJobPolls(settings, 10, true).next()).toBe(1010);
    expect(planJobPolls(settings, 1, true).next()).toBe(101);
  });

  it("refuses an out-of-range option with a RangeError naming it", () => {
    expect(() => pollSettings({ jobTimeoutMs: 0 }, DEFAULTS)).toThrow(RangeError);
    expect(() => pollSettings({ maxPollsPerJob: 1.5 }, DEFAULTS)).toThrow(/^maxPollsPerJob: /);
  });
});
