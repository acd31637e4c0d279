// A send whose answer was lost, a job list that lags behind it, then a 409 while that send's job may be the
// one running: the list must be read before the users go out again, or Userpilot runs them in a second job.
import { expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { dropAfter, expectTruthfulReport, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

it("a 409 after a lost send, the job list unreadable meanwhile: no second job of the users", async () => {
  const lagging: ScriptAction = {
    after: async (answer) => json(((await answer.json()) as unknown[]).slice(0, -1)),
  };
  const unreadable: ScriptAction = { answer: () => gatewayPage(502) };
  // The list lags at the replay's first look, then cannot be read for two searches (each of the client's
  // tries), while the 409s the resend meets let the lost send's job end.
  const list: Record<number, ScriptAction> = { 1: lagging };
  for (let attempt = 2; attempt <= 11; attempt++) list[attempt] = unreadable;
  const up = userpilot({}, { bulkIdentifyUsers: { 1: dropAfter }, listBackgroundJobs: list });
  const report = await run(users(4), { chunkRecords: 4, replayDelayMs: 0 });

  expectEveryRecordOnce(report, 4);
  expect(up.jobIds()).toEqual([["u-0", "u-1", "u-2", "u-3"]]);
  expect(up.sim.stats()).toMatchObject({ duplicates: 0 });
  expectTruthfulReport(report, up.sim);
});
