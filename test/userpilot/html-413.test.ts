// A proxy or gateway in front of Userpilot (whose body limit is below Userpilot's 50 MB, see
// `maxBodyBytes`) refuses a large body with its own page, HTML rather than Userpilot's JSON error: its 413
// still says the body is too large and that none of it reached Userpilot, so the chunk is split as for
// Userpilot's own 413.
import { expect, it } from "vitest";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { expectTruthfulReport, ids, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

const proxyPage = () =>
  new Response("<html><body><h1>413 Request Entity Too Large</h1><hr>nginx</body></html>\n", {
    status: 413,
    headers: { "Content-Type": "text/html" },
  });

it("a proxy's HTML 413 splits the chunk in halves, each its own job, as Userpilot's 413 does", async () => {
  const up = userpilot({}, { bulkIdentifyUsers: { 1: { answer: proxyPage } } });
  const report = await run(users(4), { chunkRecords: 4, replayDelayMs: 0 });

  expectEveryRecordOnce(report, 4);
  expect(report).toMatchObject({ imported: 4, failed: 0 });
  expect(up.writesAndLists()).toEqual(["POST 413", "POST 202", "POST 202"]);
  expect(up.jobIds()).toEqual([ids(0, 2), ids(2, 4)]);
  expectTruthfulReport(report, up.sim);
});

it("a single user refused by a proxy's HTML 413 fails payload_too_large, never said to be held", async () => {
  const up = userpilot({}, { bulkIdentifyUsers: { 1: { answer: proxyPage } } });
  const report = await run(users(1), { chunkRecords: 1, replayDelayMs: 0 });

  expect(report.outcomes).toEqual([
    expect.objectContaining({
      outcome: "failed",
      code: "payload_too_large",
      reason: matching(
        /^Userpilot \(or a gateway before it\) refused this user as too large \(413\)$/,
      ),
    }),
  ]);
  expect(up.writesAndLists()).toEqual(["POST 413"]);
});
