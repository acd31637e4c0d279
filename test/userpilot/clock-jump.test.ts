// A wall clock moved forward mid-run (NTP stepping it, a VM restored) does not eat the time an import waits
// for another bulk job: the wait goes on, and the users are sent once that job ends.
import { describe, expect, it, vi } from "vitest";
import { run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();
const HOUR_MS = 3_600_000;

describe("Userpilot with the wall clock moved eight hours forward while a foreign job runs", () => {
  it("waits the foreign job out and imports the users, not job_conflict", async () => {
    const up = vendor();
    up.sim.startForeignJob({ pollsPerStep: 2 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-29T00:30:00Z") });
    try {
      let jumped = false;
      const report = await run(users(4), {
        jobTimeoutMs: 6 * HOUR_MS,
        conflictWaitMs: 100,
        sleep: () => {
          if (!jumped) vi.setSystemTime(Date.now() + 8 * HOUR_MS);
          jumped = true;
          return Promise.resolve();
        },
      });
      expect(up.ofKind("POST").map((s) => s.status)).toContain(409);
      expect(report.imported).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
