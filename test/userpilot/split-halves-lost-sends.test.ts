// A chunk split at a 413 whose first half's send was lost before Userpilot made a job of it, and whose second
// half's answer was lost after Userpilot made one: the replay searches the job list for the first half's job,
// and the second half's (as many rows and bytes, started after the first half's send) must not be taken for
// it. A journal keeps the second half's send for that search; a run without one must know it all the same.
import { afterEach, expect, it, vi } from "vitest";
import { expectEveryRecordOnce } from "../support/report.js";
import { alike, bodyBytes, dropAfter, expectTruthfulReport, run, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

afterEach(() => {
  vi.useRealTimers();
});

it.each([false, true])(
  "the first half is not imported by the second half's job (soleImporter %s)",
  async (soleImporter) => {
    // Each send a second after the one before it, as Userpilot's job list and our clock see them.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-04T10:00:00Z") });
    const records = alike("h", 4);
    const up = vendor({ stepMs: 0, maxBytes: bodyBytes(records.slice(0, 2)) });
    let posts = 0;
    up.sim.setFaults({
      script: ({ operation }) => {
        if (operation !== "bulkIdentifyUsers") return undefined;
        posts += 1;
        vi.setSystemTime(Date.now() + 1_000);
        // The whole chunk: 413. The first half: the connection drops before Userpilot reads it. The second
        // half: Userpilot makes its job, and the connection drops before the 202.
        return posts === 2 ? "drop" : posts === 3 ? dropAfter : undefined;
      },
    });

    const report = await run(records, { chunkRecords: 4, replayDelayMs: 0, soleImporter });

    expectEveryRecordOnce(report, 4);
    expectTruthfulReport(report, up.sim);
    expect(report.imported).toBe(4);
    // The first half went again, in a job of its own.
    expect(up.jobIds()).toEqual([
      ["h-2", "h-3"],
      ["h-0", "h-1"],
    ]);
  },
);
