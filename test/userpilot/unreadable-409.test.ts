// A 409 whose body is not Userpilot's JSON (a proxy's HTML page in its place): the status still says a bulk
// job is running, so it is waited out as the documented 409 is, not failed `malformed` for good; after a
// lost send, the job list is searched at each such 409, so the users never go out again beside that job.
import { expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { dropAfter, expectTruthfulReport, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

/** Userpilot's 409, as a proxy in front of it passes it on: its own HTML page in place of the JSON. */
const conflictPage: ScriptAction = {
  after: (answer) =>
    answer.status === 409
      ? new Response("<html><body><h1>409 Conflict</h1></body></html>", {
          status: 409,
          headers: { "Content-Type": "text/html" },
        })
      : answer,
};
const pages = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 1, conflictPage]));

it("waits out a 409 whose body is an HTML page, then imports the users once the job ends", async () => {
  const up = userpilot({}, { bulkIdentifyUsers: pages });
  up.sim.startForeignJob({ pollsPerStep: 2 });
  const report = await run(users(3), { replayDelayMs: 0 });

  expect(up.ofKind("POST").map((e) => e.status)).toEqual([409, 409, 409, 409, 409, 202]);
  expect(report.imported).toBe(3);
  expectTruthfulReport(report, up.sim);
});

it("an HTML 409 outlasting the wait fails job_conflict, without saying Userpilot may hold them", async () => {
  const journal = journalFile("userpilot-unreadable-409");
  const up = userpilot({}, { bulkIdentifyUsers: pages });
  up.sim.startForeignJob({ pollsPerStep: Number.POSITIVE_INFINITY });
  const expectConflict = (report: { outcomes: readonly unknown[] }) => {
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_conflict",
        reason: matching(/^another bulk job was still running .*content type text\/html/),
      });
      expect(outcome).not.toMatchObject({ reason: matching(/may hold/) });
    }
  };
  expectConflict(await run(users(2), { jobTimeoutMs: 300, journal }));
  // Every request was turned away: a re-run has no lost send to look for, nor to warn of.
  expectConflict(await run(users(2), { jobTimeoutMs: 300, journal }));
  expect(up.ofKind("LIST")).toEqual([]);
});

it("after a lost send, an HTML 409 has the list searched for that send's job: no second job", async () => {
  // The list lags behind the lost send's job at the replay's first look, so the resend meets that job's 409.
  const lagging: ScriptAction = {
    after: async (answer) => json(((await answer.json()) as unknown[]).slice(0, -1)),
  };
  const up = userpilot(
    {},
    { bulkIdentifyUsers: { ...pages, 1: dropAfter }, listBackgroundJobs: { 1: lagging } },
  );
  const report = await run(users(4), { replayDelayMs: 0 });

  expectEveryRecordOnce(report, 4);
  expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200", "POST 409", "LIST 200"]);
  expect(up.jobIds()).toEqual([["u-0", "u-1", "u-2", "u-3"]]);
  expect(report.imported).toBe(4);
  expectTruthfulReport(report, up.sim);
});
