// A wall clock moved forward mid-run (NTP stepping it, a VM restored) does not eat the job's time: a job read
// within its time is read to its end, not cut off as if its hour were spent.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { useMswServer } from "../support/msw.js";
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

describe("FullStory with the wall clock moved a day forward between a lost answer and its replay", () => {
  it("replays the batch under its Idempotency-Key, sent seconds ago, instead of failing key_expired", async () => {
    const start = Date.parse("2026-03-29T00:30:00Z");
    // FullStory's own clock does not jump: it still knows the key it was sent seconds ago.
    const sim = mountFullStory(server, {
      now: () => start,
      faults: {
        script: ({ operation, attempt }) =>
          operation === "createBatchImport" && attempt === 1
            ? {
                after: () => {
                  vi.setSystemTime(Date.now() + 25 * HOUR_MS);
                  throw new DropConnection();
                },
              }
            : undefined,
      },
    });
    const input: FullStoryUser[] = [{ uid: "u-1" }, { display_name: "Anonymous" }];
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    try {
      const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
      const report = await importUsers(client, input, {
        pollIntervalMs: 10,
        maxPollIntervalMs: 20,
        sleep: () => Promise.resolve(),
      });
      expect(report.chunks.replayed).toBe(1);
      expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
        "imported",
        "imported",
      ]);
      expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});
