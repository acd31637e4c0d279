// A wall clock moved forward mid-run (NTP stepping it, a VM restored) does not eat the job's time: a job read
// within its time is read to its end, not cut off as if its hour were spent. A key's age is another matter:
// FullStory forgets a key a day after it, so the older of the two clocks' ages counts.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { journalFile } from "../support/journal-file.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const HOUR_MS = 3_600_000;

describe("FullStory with the wall clock moved two hours forward while a job runs", () => {
  it("reads every page of the job's results and imports every user", async () => {
    // One user a page: the later pages are read after the jump.
    const sim = mountFullStory(server, { processingPolls: 1, pageSize: 1 });
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }, { uid: "u-3" }];
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-29T00:30:00Z") });
    let jumped = false;
    try {
      const client = createFullStoryClient({ apiKey: API_KEY });
      const report = await importUsers(client, input, {
        pollIntervalMs: 10,
        maxPollIntervalMs: 20,
        sleep: () => {
          if (!jumped) vi.setSystemTime(Date.now() + 2 * HOUR_MS);
          jumped = true;
          return Promise.resolve();
        },
      });
      expect(jumped).toBe(true);
      expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
        "imported",
        "imported",
        "imported",
      ]);
      expect(sim.users()).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

/**
 * A batch whose create answer is lost, then replayed after `move` changed the clocks: the wall clock by
 * `wallMs`, the monotonic one by `monotonicMs`. FullStory's own clock is left where it was.
 */
async function replayAfter(wallMs: number, monotonicMs: number) {
  const start = Date.parse("2026-03-29T00:30:00Z");
  let monotonic = 1_000;
  const sim = mountFullStory(server, {
    now: () => start,
    faults: {
      script: ({ operation, attempt }) =>
        operation === "createBatchImport" && attempt === 1
          ? {
              after: () => {
                vi.setSystemTime(Date.now() + wallMs);
                monotonic += monotonicMs;
                throw new DropConnection();
              },
            }
          : undefined,
    },
  });
  const input: FullStoryUser[] = [{ uid: "u-1" }, { display_name: "Anonymous" }];
  vi.useFakeTimers({ toFake: ["Date"], now: start });
  vi.spyOn(performance, "now").mockImplementation(() => monotonic);
  try {
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, input, {
      pollIntervalMs: 10,
      maxPollIntervalMs: 20,
      sleep: () => Promise.resolve(),
    });
    return {
      report,
      sim,
      codes: report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome)),
    };
  } finally {
    vi.useRealTimers();
    vi.restoreAllMocks();
  }
}

describe("FullStory's Idempotency-Key between a lost answer and its replay: the older of the two clocks' ages counts", () => {
  it("the wall clock a day ahead, the monotonic one not (a machine suspended a day): key_expired, never a second job", async () => {
    const { report, sim, codes } = await replayAfter(25 * HOUR_MS, 0);
    // FullStory may have forgotten the key: a replay could make a second job, so the users are said to be
    // possibly held, not imported twice.
    expect(codes).toEqual(["key_expired", "key_expired"]);
    expect(report.outcomes[0]).toMatchObject({ reason: matching(/FullStory may hold this user/) });
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });

  it("the wall clock set back, the monotonic one a day on: key_expired too", async () => {
    const { codes, sim } = await replayAfter(-2 * HOUR_MS, 25 * HOUR_MS);
    expect(codes).toEqual(["key_expired", "key_expired"]);
    expect(sim.stats()).toMatchObject({ jobs: 1 });
  });

  it("both clocks 23½ hours on (within FullStory's day, but not an hour before its end): key_expired", async () => {
    // The replay and its retries need time to reach FullStory before it forgets the key.
    const { codes, sim } = await replayAfter(23.5 * HOUR_MS, 23.5 * HOUR_MS);
    expect(codes).toEqual(["key_expired", "key_expired"]);
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });

  it("both clocks seconds on: the batch is replayed under its key and imported once", async () => {
    const { report, sim, codes } = await replayAfter(5_000, 5_000);
    expect(report.chunks.replayed).toBe(1);
    expect(codes).toEqual(["imported", "imported"]);
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });
});

describe("an earlier run's Idempotency-Key, then the wall clock set back while a re-run replays it", () => {
  it("its age runs on from the first check, by the monotonic clock: key_expired, never sent again", async () => {
    const start = Date.parse("2026-03-29T00:30:00Z");
    let monotonic = 1_000;
    let creates = 0;
    const sim = mountFullStory(server, {
      now: () => start,
      faults: {
        script: ({ operation }) => {
          if (operation !== "createBatchImport") return undefined;
          creates += 1;
          return {
            after: () => {
              // The re-run's send: its answer is lost as the wall clock is set back 2 hours, an hour on.
              if (creates === 2) {
                vi.setSystemTime(Date.now() - 2 * HOUR_MS);
                monotonic += HOUR_MS;
              }
              throw new DropConnection();
            },
          };
        },
      },
    });
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
    const journal = journalFile("fullstory-clock-set-back");
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    vi.spyOn(performance, "now").mockImplementation(() => monotonic);
    try {
      const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
      const options = { pollIntervalMs: 10, journal, replayDelayMs: 0, sleep: async () => {} };
      await importUsers(client, input, { ...options, chunkAttempts: 1 });
      // The re-run, 22½ hours after the key was first sent: within FullStory's day, less an hour.
      vi.setSystemTime(start + 22.5 * HOUR_MS);
      monotonic += 22.5 * HOUR_MS;
      const rerun = await importUsers(client, input, { ...options, chunkAttempts: 2 });

      // Its replay comes 23½ hours after the key's first send, though the wall clock says 20½.
      expect(rerun.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
        "key_expired",
        "key_expired",
      ]);
      expect(creates).toBe(2);
      expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});
