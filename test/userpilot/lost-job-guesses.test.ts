// Userpilot's lost-request reconcile and job follow-through against jobs that are not ours,
// job lists without `file_size`, and odd status answers.
import { describe, expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  dropAfter,
  expectTruthfulReport,
  run,
  useUserpilot,
  users,
  type Userpilot,
} from "./harness.js";

const vendor = useUserpilot();
const options = { chunkRecords: 4, conflictWaitMs: 50, replayDelayMs: 0 };

/** The job list as the published reference shows it: no `file_size` on its jobs. */
const listWithoutFileSize: ScriptAction = {
  after: async (answer) =>
    json(
      ((await answer.json()) as Record<string, unknown>[]).map(
        ({ file_size: _size, ...job }) => job,
      ),
    ),
};

/** Imported users that Userpilot does not hold and whose outcome has no warning that they may not be. */
function unheldImportedWithoutWarning(up: Userpilot, report: Awaited<ReturnType<typeof run>>) {
  const held = new Set(up.sim.users().map((user) => user.user_id));
  return report.outcomes
    .filter((o) => o.outcome === "imported" && !held.has(o.key) && o.warning === undefined)
    .map((o) => o.key);
}

describe("a lost send, and another process's job of as many rows in a job list without file_size", () => {
  it("does not report the users imported on the strength of that job without saying it is a guess", async () => {
    const up = vendor();
    up.script({
      // Our request never reached Userpilot; another process's 4-row job starts just after it.
      bulkIdentifyUsers: {
        1: () => {
          up.sim.startForeignJob({ rows: 4 });
          return "drop";
        },
      },
      listBackgroundJobs: { 1: listWithoutFileSize, 2: listWithoutFileSize },
    });
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(unheldImportedWithoutWarning(up, report)).toEqual([]);
    for (const outcome of report.outcomes)
      if (outcome.outcome === "imported")
        expect(outcome).toMatchObject({ warning: matching(/may be another process's job/) });
  });

  it("a 409 after a lost send: the foreign running job of as many rows is not silently taken", async () => {
    const up = vendor({ pollsPerStep: 3 });
    up.script({
      bulkIdentifyUsers: {
        // Lost before Userpilot processed it; by the replay another process's 4-row job runs.
        1: () => {
          up.sim.startForeignJob({ rows: 4 });
          return "drop";
        },
      },
      listBackgroundJobs: { 1: { answer: () => json([]) }, 2: listWithoutFileSize },
    });
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    expect(unheldImportedWithoutWarning(up, report)).toEqual([]);
  });
});

describe("two of this import's chunks of the same size whose answers are both lost (re-run)", () => {
  /**
   * Chunk 1's send never reaches Userpilot; chunk 2's is processed and its answer lost. The job list cannot
   * be read in the first run, so both chunks fail for a re-run with the journal. Same-shaped users: both
   * chunks' bodies have as many bytes. `behindMs`: how far Userpilot's clock is behind ours.
   */
  async function bothLost(behindMs: number, more: { soleImporter?: boolean } = {}) {
    const journal = journalFile("userpilot");
    const records = Array.from({ length: 8 }, (_, i) => ({ user_id: `u-${i}` }));
    const up = vendor({ stepMs: 0, now: () => Date.now() - behindMs });
    up.sim.setFaults({
      script: ({ operation, attempt }) =>
        operation === "listBackgroundJobs"
          ? "5xx"
          : operation === "bulkIdentifyUsers" && attempt === 1
            ? "drop"
            : operation === "bulkIdentifyUsers" && attempt === 2
              ? dropAfter
              : undefined,
    });
    const first = await run(records, { ...options, ...more, journal });
    expect(first.failed).toBe(8);
    expect(up.sim.jobs()).toHaveLength(1);

    up.script();
    const second = await run(records, { ...options, ...more, journal });
    expectEveryRecordOnce(second, 8);
    return { up, second };
  }

  it("the first chunk is not reported imported on the second chunk's job", async () => {
    // Userpilot's clock 1 ms ahead, so the job starts after chunk 2's send: a job that starts in the very
    // millisecond of that send may be either chunk's, and is taken with a warning (as in the next test).
    const { up, second } = await bothLost(-1);
    expectTruthfulReport(second, up.sim);
  });

  it("with Userpilot's clock 3 s behind: not without a warning that the job may be the other chunk's", async () => {
    // soleImporter: no other process's job to doubt, so only this import's own doubt can warn.
    const { up, second } = await bothLost(3_000, { soleImporter: true });
    expect(unheldImportedWithoutWarning(up, second)).toEqual([]);
  });
});

describe("a job found by a guess, then the run stopped while it ran (re-run)", () => {
  it("the re-run that follows the journaled job still warns that it was a guess", async () => {
    const journal = journalFile("userpilot-guess-resumed");
    const up = vendor({ stepMs: 0 });
    const controller = new AbortController();
    up.script({
      // Processed, its answer lost: the replay finds the job in the list, by its rows and size only.
      bulkIdentifyUsers: { 1: dropAfter },
      // The first look at that job stops the run: only the journal knows the job, and why it was taken.
      getBackgroundJob: {
        1: {
          answer: () => {
            controller.abort(new Error("interrupted"));
            return gatewayPage(502);
          },
        },
      },
    });
    const first = await run(users(4), { ...options, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(up.writesAndLists()).toEqual(["POST 0", "LIST 200"]);

    up.script();
    const second = await run(users(4), { ...options, journal });

    expectEveryRecordOnce(second, 4);
    expect(up.sim.jobs()).toHaveLength(1);
    for (const outcome of second.outcomes)
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/was taken for this user's request.*may be another process's job/),
      });
  });
});
