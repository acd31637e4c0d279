// A Userpilot chunk whose send got no answer, then met another job (409) it could not tell from its own lost
// one, or had to wait for the other half of its chunk: the failure speaks for the later request only, and the
// lost send may have made a job of the users, so each user's reason says Userpilot may hold it. An abort is
// left to the engine's words; a reason that already says so is not extended.
import { copyFileSync, renameSync } from "node:fs";
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { bodyBytes, dropAfter, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();
// The job list never shows the lost send's job, so nothing tells it from another process's.
const hidden = { answer: () => json([]) };
const listHidden = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i + 1, hidden]));

/** Every user failed `job_conflict`, its reason saying Userpilot may hold it. */
function expectConflictMayHold(report: { outcomes: readonly unknown[] }) {
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "job_conflict",
      reason: matching(/another bulk job was still running.*may hold this record/),
    });
  }
}

it("a 409 waited out to job_conflict after a lost send in the same run says Userpilot may hold the users", async () => {
  const up = userpilot(
    { pollsPerStep: Number.POSITIVE_INFINITY },
    { bulkIdentifyUsers: { 1: dropAfter }, listBackgroundJobs: listHidden },
  );
  const report = await run(users(2), { jobTimeoutMs: 300, conflictWaitMs: 50, replayDelayMs: 0 });

  expect(up.ofKind("POST").map((e) => e.status)).toContain(409);
  expectConflictMayHold(report);
});

it("a 409 waited out to job_conflict on a re-run after a lost send says Userpilot may hold the users", async () => {
  const journal = journalFile("userpilot-conflict-after-lost");
  userpilot(
    { pollsPerStep: Number.POSITIVE_INFINITY },
    { bulkIdentifyUsers: { 1: dropAfter }, listBackgroundJobs: listHidden },
  );
  const first = await run(users(2), { chunkAttempts: 1, journal });
  expect(first.outcomes[0]).toMatchObject({ outcome: "failed", reason: matching(/may hold/) });

  const second = await run(users(2), { jobTimeoutMs: 300, conflictWaitMs: 50, journal });
  expectConflictMayHold(second);
});

it("a re-run after a lost send, its submission waiting out a 409 given up at a 429 past the wait, says Userpilot may hold the users", async () => {
  const slowDown = { answer: () => json({ message: "slow down" }, 429, { "Retry-After": "3600" }) };
  const up = userpilot(
    { pollsPerStep: Number.POSITIVE_INFINITY },
    {
      bulkIdentifyUsers: {
        1: dropAfter,
        2: { answer: () => userpilotError(409, "job_already_running") },
        3: slowDown,
      },
      listBackgroundJobs: listHidden,
    },
  );
  const journal = journalFile("userpilot-429-in-conflict-wait");
  await run(users(2), { chunkAttempts: 1, journal });
  const report = await run(users(2), { jobTimeoutMs: 60_000, journal });

  expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200", "POST 409", "LIST 200", "POST 429"]);
  // Userpilot turned that submission away, but the lost send before it may have made a job of the users.
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "job_conflict",
      reason: matching(
        /the submission .* was given up, as a retry after HTTP 429 .*may hold this record/,
      ),
      vendorMayHold: true,
    });
  }
});

it("a half held back for its first half, after a lost send of the whole chunk, says Userpilot may hold it", async () => {
  // u-1 twice: the second half repeats a user of the first, so it waits for the first half's job.
  const records = users(4).map((user, i) => (i === 3 ? { ...user, user_id: "u-1" } : user));
  userpilot(
    { maxBytes: bodyBytes(records.slice(0, 2)), pollsPerStep: Number.POSITIVE_INFINITY },
    {
      bulkIdentifyUsers: {
        1: dropAfter,
        2: { answer: () => userpilotError(413, "payload_too_large") },
      },
      listBackgroundJobs: listHidden,
    },
  );
  const report = await run(records, { chunkRecords: 4, chunkAttempts: 2, jobTimeoutMs: 300 });

  expect(report.outcomes[2]).toMatchObject({
    outcome: "failed",
    code: "held_back",
    reason: matching(/waits for the other half.*may hold this record/),
  });
});

it("429s on every replay after a lost send say Userpilot may hold the user, once", async () => {
  const slowDown = { answer: () => json({ message: "slow down" }, 429) };
  userpilot(
    {},
    {
      bulkIdentifyUsers: {
        1: dropAfter,
        ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 2, slowDown])),
      },
      listBackgroundJobs: listHidden,
    },
  );
  const report = await run(users(1), { chunkAttempts: 3, replayDelayMs: 0 });

  const [outcome] = report.outcomes;
  expect(outcome).toMatchObject({ outcome: "failed", code: "429" });
  const reason = outcome?.outcome === "failed" ? outcome.reason : "";
  expect(reason).toMatch(/HTTP 429.*may have reached the vendor, which may hold this record/);
  expect(reason.match(/may hold/g)).toHaveLength(1);
});

it("a re-run after a lost send, aborted while it waits out a 409, says Userpilot may hold the users", async () => {
  const journal = journalFile("userpilot-abort-in-conflict-wait");
  userpilot(
    { pollsPerStep: Number.POSITIVE_INFINITY },
    { bulkIdentifyUsers: { 1: dropAfter }, listBackgroundJobs: listHidden },
  );
  await run(users(2), { chunkAttempts: 1, journal });
  const controller = new AbortController();
  const conflictWaitMs = 77;
  const second = await run(users(2), {
    journal,
    conflictWaitMs,
    jobTimeoutMs: 100_000,
    signal: controller.signal,
    sleep: (ms) => {
      if (ms !== conflictWaitMs) return Promise.resolve();
      controller.abort();
      return Promise.reject(new Error("aborted"));
    },
  });
  for (const outcome of second.outcomes) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(/waiting for another bulk job.*may hold this record/),
    });
  }
});

it("a re-run after a lost send searches the job list after a later 409 only within what is left of the wait", async () => {
  const conflict = { answer: () => userpilotError(409, "job_already_running") };
  // A Retry-After of 1 s fits in jobTimeoutMs (1.5 s), not in the 0.5 s left after one 409 waited out.
  const slowDown = { answer: () => json({ message: "slow down" }, 429, { "Retry-After": "1" }) };
  const up = userpilot(
    { pollsPerStep: Number.POSITIVE_INFINITY },
    {
      bulkIdentifyUsers: { 1: dropAfter, 2: conflict, 3: conflict },
      listBackgroundJobs: { 1: hidden, 2: hidden, 3: slowDown, 4: hidden },
    },
  );
  const journal = journalFile("userpilot-list-within-conflict-wait");
  await run(users(2), { chunkAttempts: 1, journal });
  const report = await run(users(2), { jobTimeoutMs: 1_500, conflictWaitMs: 1_000, journal });

  // The search's retry would end past the time for waiting: it is not waited (given the whole time again,
  // the list was read once more, 1 s later, and the chunk held past jobTimeoutMs).
  expect(up.writesAndLists()).toEqual([
    "POST 0",
    "LIST 200",
    "POST 409",
    "LIST 200",
    "POST 409",
    "LIST 429",
  ]);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "job_timeout",
      reason: matching(
        /search was given up, as a retry after HTTP 429 would wait 1 s, past the job's time/,
      ),
      vendorMayHold: true,
    });
    // The search was for the lost send's job: the reason says that send may have made one of the users.
    expect(outcome).toMatchObject({
      reason: matching(
        /past the job's time; a try of this request got no answer .*may hold this record/,
      ),
    });
  }
});

// Said "a re-run with that path picks the job up only if the file now there holds it" of a job whose id was
// never known: what a copy holds is the lost send, and a re-run with it searches the job list again.
it("a re-run after a lost send, its journal replaced by a copy while it searched the job list, says a re-run with that path searches the list again", async () => {
  const journal = journalFile("userpilot-list-journal-replaced");
  const conflict = { answer: () => userpilotError(409, "job_already_running") };
  const slowDown = { answer: () => json({ message: "slow down" }, 429, { "Retry-After": "1" }) };
  const copied = () => {
    copyFileSync(journal, `${journal}.tmp`);
    renameSync(`${journal}.tmp`, journal);
    return slowDown;
  };
  // The list shows the lost send's job from its fourth read on: the third run's.
  const up = userpilot(
    {},
    {
      bulkIdentifyUsers: { 1: dropAfter, 2: conflict, 3: conflict },
      listBackgroundJobs: { 1: hidden, 2: hidden, 3: copied },
    },
  );
  await run(users(2), { chunkAttempts: 1, journal });
  const report = await run(users(2), { jobTimeoutMs: 1_500, conflictWaitMs: 1_000, journal });

  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "job_timeout",
      reason: matching(
        /search was given up.*the journal was replaced, or written by another process, while this run used it: a re-run with that path searches the job list again only if the file now there holds the send that got no answer, else sends these users again$/,
      ),
    });

  // This copy holds the first run's send: a re-run with it finds that send's job, and sends no user again.
  const again = await run(users(2), { journal });
  expect(again.imported).toBe(2);
  expect(up.writesAndLists()).toEqual([
    "POST 0",
    "LIST 200",
    "POST 409",
    "LIST 200",
    "POST 409",
    "LIST 429",
    "LIST 200",
  ]);
});
