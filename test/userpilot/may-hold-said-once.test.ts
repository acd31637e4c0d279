// A Userpilot chunk split by a 413 whose first half went out without a settling answer, then a fatal answer to
// the second half: the first half's users say once that Userpilot may hold them, then why the import stopped.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { useMswServer } from "../support/msw.js";
import { bodyBytes, dropAfter, run, userpilot, users, type ScriptPlan } from "./harness.js";

const msw = useMswServer();
const revoked = { answer: () => userpilotError(401, "invalid_api_key") };

it.each<[string, ScriptPlan]>([
  // The first half's answer is lost after Userpilot processed it.
  ["its answer lost", { bulkIdentifyUsers: { 2: dropAfter, 3: revoked } }],
  // The first half's job is accepted, and its status answered with an error that refuses no user.
  [
    "its job's status unreadable",
    {
      bulkIdentifyUsers: { 3: revoked },
      getBackgroundJob: { 1: { answer: () => userpilotError(400, "invalid_input", "odd") } },
    },
  ],
  // Both halves' answers lost; on the replay, the job list answers the first half oddly, the second 401.
  [
    "its answer lost, then the job list unreadable",
    {
      bulkIdentifyUsers: { 2: dropAfter, 3: dropAfter },
      listBackgroundJobs: {
        1: { answer: () => userpilotError(400, "invalid_input", "odd") },
        2: revoked,
      },
    },
  ],
  // A replay of a whole chunk whose answer was lost (its job not in the list) is refused as too large.
  [
    "after a lost send of the whole chunk",
    {
      bulkIdentifyUsers: {
        1: dropAfter,
        2: { answer: () => userpilotError(413, "payload_too_large") },
        3: dropAfter,
        4: revoked,
      },
      listBackgroundJobs: { 1: { answer: () => json([]) } },
    },
  ],
  // The same, the first half's job accepted and its status answered with an error that refuses no user.
  [
    "after a lost send of the whole chunk, its job's status unreadable",
    {
      bulkIdentifyUsers: {
        1: dropAfter,
        2: { answer: () => userpilotError(413, "payload_too_large") },
        4: revoked,
      },
      listBackgroundJobs: { 1: { answer: () => json([]) } },
      getBackgroundJob: { 1: { answer: () => userpilotError(400, "invalid_input", "odd") } },
    },
  ],
])("the first half's send, %s: 'may hold' said once", async (name, plan) => {
  const records = users(4);
  const whole = name.startsWith("after");
  const maxBytes = whole ? undefined : bodyBytes(records.slice(0, 2));
  userpilot(msw, { ...(maxBytes !== undefined && { maxBytes }), stepMs: 0 }, plan);
  const report = await run(records, { chunkRecords: 4, conflictWaitMs: 50, replayDelayMs: 0 });
  expect(report.fatal).toBeDefined();
  const [u0, u1] = report.outcomes;
  for (const outcome of [u0, u1]) {
    const reason = outcome?.outcome === "failed" ? outcome.reason : "";
    expect(reason.match(/may hold/g)).toHaveLength(1);
    expect(reason).toMatch(/; the import then stopped: \w+ \((GET|POST) [^)]*\): HTTP 401\b/);
  }
});

it("after a lost send of the whole chunk, the first half's job timed out: 'may hold' said once", async () => {
  const records = users(4);
  userpilot(
    msw,
    { maxBytes: bodyBytes(records.slice(0, 2)), pollsPerStep: Number.POSITIVE_INFINITY },
    {
      bulkIdentifyUsers: { 1: dropAfter, 4: revoked },
      listBackgroundJobs: { 1: { answer: () => json([]) } },
    },
  );
  const report = await run(records, { chunkRecords: 4, jobTimeoutMs: 200, replayDelayMs: 0 });
  expect(report.fatal).toBeDefined();
  for (const outcome of report.outcomes.slice(0, 2)) {
    const reason = outcome.outcome === "failed" ? outcome.reason : "";
    expect(reason).toMatch(/job \S+ was still \w+ after/);
    expect(reason.match(/may hold/g)).toHaveLength(1);
  }
});

it("after a lost send of the whole chunk, the first half's job followed into a 401: 'may hold' said once", async () => {
  const records = users(4);
  userpilot(
    msw,
    { maxBytes: bodyBytes(records.slice(0, 2)), stepMs: 0 },
    {
      bulkIdentifyUsers: { 1: dropAfter },
      listBackgroundJobs: { 1: { answer: () => json([]) } },
      getBackgroundJob: { 1: revoked },
    },
  );
  const report = await run(records, { chunkRecords: 4, replayDelayMs: 0 });
  expect(report.fatal).toMatch(/HTTP 401/);
  const reasons = report.outcomes.map((o) => (o.outcome === "failed" ? o.reason : o.outcome));
  for (const reason of reasons.slice(0, 2)) {
    expect(reason).toMatch(/HTTP 401.*its job was accepted before the import stopped/);
    expect(reason.match(/may hold/g)).toHaveLength(1);
  }
});
