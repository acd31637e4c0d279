// The helpers' steppingClock makes a Userpilot simulator whose jobs end by their first status poll. The
// adapter stamps each send with the wall clock, and takes for a lost answer's job one that started after the
// send: a simulator clock from a fixed date (2026-01-01) put every job months before the send once the wall
// clock was past that date, so a lost-answer test built on it passed or failed by the date it ran on. Run
// here with the wall clock as it is, and set far from that date on either side.
import { describe, expect, it, vi } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { outcomesWith } from "../support/report.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  ndjson,
  requestsTo,
  steppingClock,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir("bui-stepping-clock-");
const serve = useServedSimulators();
const BULK = "POST /v1/users/bulk_identify";

describe("a Userpilot answer lost, on a steppingClock simulator, whatever the date", () => {
  it.each(["now", "2021-06-01T00:00:00Z", "2031-06-01T00:00:00Z"])(
    "the wall clock at %s: the lost request's job is found and followed, not sent again",
    async (date) => {
      if (date !== "now") vi.useFakeTimers({ toFake: ["Date"], now: Date.parse(date) });
      try {
        const sim = createUserpilotSimulator({
          ...steppingClock(),
          // The second chunk's request is written at Userpilot, and its answer lost.
          faults: {
            script: ({ operation, attempt }) =>
              operation === "bulkIdentifyUsers" && attempt === 2 ? "lost_answer" : undefined,
          },
        });
        const { url } = await serve(sim);
        const tag = `lost-${date.slice(0, 4)}`;
        const input = file(`${tag}.ndjson`, ndjson(userpilotUsers(15, tag)));
        const reportFile = file(`${tag}-report.ndjson`);

        const result = await cli([
          ...["import", "userpilot", input, "--base-url", url, "--api-key", CREDS.apiKey],
          ...[...FAST_POLL, "--chunk-size", "5", "--report", reportFile],
        ]);

        expect(result.code).toBe(0);
        // Three chunks, three jobs: the second chunk's was found in the list, not made again.
        expect(requestsTo(sim, BULK)).toBe(3);
        expect(sim.stats().duplicates).toBe(0);
        const report = await readReportFile(reportFile);
        expect(report.imported).toBe(15);
        const taken = outcomesWith(report, "imported").filter((o) => o.warning !== undefined);
        expect(taken.map((o) => o.index)).toEqual([5, 6, 7, 8, 9]);
        for (const outcome of taken)
          expect(outcome.warning).toContain("was taken for this user's request");
      } finally {
        vi.useRealTimers();
      }
    },
  );
});
