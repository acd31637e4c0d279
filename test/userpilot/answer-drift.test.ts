// A Userpilot job status whose row counts arrive in another form than the spec's integer (text "1"), or that
// cannot be true of the request (more rows than were sent, below zero, a fraction): the client's answer check
// leaves optional fields alone, so the adapter reads them. A count it cannot read may say the job skipped rows
// (a completed job) or did some (a failed one): the report must say so, not take the job at its status alone.
// A job that did more rows than were sent confirms no user (it is not this request's job, or its counts are
// wrong). A completed job whose status also names errors or failed rows warns on each user, as a shortfall
// does.
import { describe, expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { containing, matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { API_KEY, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

/** Every status of a job answered with `fields` over Userpilot's own. */
function statusWith(fields: object) {
  const up = vendor({ stepMs: 0 });
  up.sim.setFaults({
    script: ({ operation }) =>
      operation === "getBackgroundJob"
        ? { after: async (answer) => json({ ...((await answer.json()) as object), ...fields }) }
        : undefined,
  });
}

describe("Userpilot row counts that are not counts (text, below 0)", () => {
  it("a completed job's completed_rows as text: imported, with a warning that names it", async () => {
    statusWith({ completed_rows: "1", total_rows: 3 });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/completed_rows "1", not a number as documented/),
      });
    }
  });

  it("a completed job's completed_rows null: the total_rows it gave instead warns of rows skipped", async () => {
    statusWith({ completed_rows: null, total_rows: 2 });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/after 2 of 3 rows .*may not have been updated/),
      });
    }
  });

  it.each([
    ["as text", "2", /may hold this user: the job gave completed_rows as "2"/],
    ["of -1", -1, /may hold this user: the job gave completed_rows as -1/],
  ])(
    "a failed job's completed_rows %s: the reason says Userpilot may hold the user",
    async (_, count, says) => {
      statusWith({ status: "failed", completed_rows: count, total_rows: 3 });
      const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

      expectEveryRecordOnce(report, 3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "job_failed",
          reason: matching(says),
        });
      }
    },
  );
});

describe("Userpilot row counts that cannot be true", () => {
  it("a completed job of 3 rows that did 5 imports no one: whether Userpilot holds them is unknown", async () => {
    statusWith({ completed_rows: 5 });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(0);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_mismatch",
        reason: matching(/did 5 rows for a request of 3 users.*whether Userpilot holds/),
      });
    }
  });

  it("a completed job without total_rows that did 5 rows for 3 sent imports no one", async () => {
    statusWith({ completed_rows: 5, total_rows: undefined });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(0);
  });

  it("a completed job that took 2 rows of 3 sent, though its completed_rows says 3, warns on each user", async () => {
    statusWith({ completed_rows: 3, total_rows: 2 });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(
          /with total_rows 2 for 3 rows sent \(its completed_rows 3\).*may not have/,
        ),
      });
    }
  });

  it.each([[-1], [2.5]])(
    "a completed job's completed_rows of %s: imported, with a warning that quotes it",
    async (count) => {
      statusWith({ completed_rows: count });
      const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

      expectEveryRecordOnce(report, 3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "imported",
          warning: matching(
            new RegExp(
              `completed_rows ${count}, not a whole number of rows as documented.*may not`,
            ),
          ),
        });
      }
    },
  );
});

describe("a completed job whose status also carries error details", () => {
  it.each([
    [
      "errors naming rows",
      { errors: [{ row: 7, message: "invalid email" }] },
      /errors: .*invalid email/,
    ],
    ["an error", { error: "refresh failed" }, /error: refresh failed/],
    ["a count of failed rows", { failed_rows: 2 }, /failed_rows: 2/],
    ["a count of rows skipped, named in camel case", { rowsSkipped: "2" }, /rowsSkipped: 2/],
    ["errors nested in an object", { result: 1, errors: { count: 1 } }, /errors: \{"count":1\}/],
    [
      "a link to an error file, quoted without its signature",
      { errors_file: "https://files.example/job-7.csv?X-Amz-Signature=5ecret5ig" },
      /errors_file: https:\/\/files\.example\/job-7\.csv\?…(?!.*5ecret5ig)/,
    ],
    [
      "a link to an error file with a user name and password, quoted without them",
      { error_report: "see https://reports:5ecretPw@files.example/job-7.csv" },
      /error_report: see https:\/\/files\.example\/job-7\.csv(?!.*5ecretPw)/,
    ],
  ])(
    "%s: imported, with a warning that quotes them, as Userpilot does not say which rows they concern",
    async (_, fields, quoted) => {
      statusWith(fields);
      const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

      expectEveryRecordOnce(report, 3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({ outcome: "imported", warning: matching(quoted) });
        expect(outcome).toMatchObject({ warning: matching(/may not have been updated/) });
      }
    },
  );

  // Each word Userpilot may name such a field with, alone or in a longer name.
  it.each([
    ["rejected_rows", 2],
    ["rejects", 2],
    ["rejections", [{ row: 1 }]],
    ["rejectionCount", 2],
    ["invalidRows", 2],
    ["failures", [{ row: 1 }]],
    ["failureCount", 2],
    ["fails", 2],
    ["skips", 2],
  ])("a field %s: imported, with a warning that quotes it", async (field, value) => {
    statusWith({ [field]: value });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    const quoted = `${field}: ${JSON.stringify(value)}`;
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: containing(quoted),
      });
      expect(outcome).toMatchObject({ warning: matching(/may not have been updated/) });
    }
  });

  it("fewer rows completed than sent and a count of failed rows: the warning says both", async () => {
    statusWith({ completed_rows: 2, total_rows: 3, failed_rows: 1 });
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/after 2 of 3 rows and does not say which rows it skipped/),
      });
      expect(outcome).toMatchObject({ warning: containing("failed_rows: 1") });
    }
  });

  it("a link to an error file whose fragment carries a token: quoted without the fragment", async () => {
    statusWith({ error_report: "https://files.example/job-7.csv#access_token=5ecretT0k" });
    const report = await run(users(2), { chunkRecords: 2, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 2);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/error_report: https:\/\/files\.example\/job-7\.csv\?…/),
      });
    expectNoSecret(report.outcomes, ["5ecretT0k"]);
  });

  it("a field named for errors after the API key: the warning keeps no piece of the key", async () => {
    statusWith({ [`error_${API_KEY}`]: `bad ${API_KEY}` });
    const report = await run(users(2), { chunkRecords: 2, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 2);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({ outcome: "imported", warning: matching(/error_/) });
    expectNoSecret(report.outcomes, [API_KEY]);
  });

  it.each([
    [
      "an empty errors list, a null error, no failed rows or a message",
      { errors: [], error: null, failed_rows: 0, message: "Job completed" },
    ],
    ["no failed rows as text", { failed_rows: "0", skipped_rows: " " }],
    ["flags of no failure", { failed: false, has_errors: false }],
    [
      "lists and objects of nothing else",
      { errors: [null], error: { code: null, message: "" }, failures: { count: 0, rows: [] } },
    ],
    [
      "a field whose name holds such a word only as a piece of another, or names an option",
      { failover: "eu", invalidate_cache: true, skip_validation: true, terrorCount: 2 },
    ],
  ])("%s say nothing: imported without a warning", async (_, fields) => {
    statusWith(fields);
    const report = await run(users(3), { chunkRecords: 3, replayDelayMs: 0 });

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) expect(outcome).not.toHaveProperty("warning");
  });
});

describe("a 202 whose job_id cannot name a job", () => {
  it.each([[""], [".."]])(
    "job_id %j, not sent again: the users fail saying Userpilot may hold them (vendorMayHold)",
    async (jobId) => {
      const up = vendor({ stepMs: 0 });
      up.sim.setFaults({
        script: ({ operation }) =>
          operation === "bulkIdentifyUsers"
            ? {
                after: async (answer) =>
                  json({ ...((await answer.json()) as object), job_id: jobId }, 202),
              }
            : undefined,
      });
      const report = await run(users(2), { chunkRecords: 2, chunkAttempts: 1 });

      expectEveryRecordOnce(report, 2);
      // Userpilot took the request and made a job of these users, which may import them.
      expect(up.sim.jobs()).toHaveLength(1);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "malformed",
          reason: matching(/without a usable job_id.*may hold this record/),
          vendorMayHold: true,
        });
      }
      expect(report.vendorMayHold).toBe(2);
    },
  );
});
