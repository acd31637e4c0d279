// A failure that a re-run may settle says what a re-run will do. Only a journal keeps a job's id (and the
// engine's record of a send): without one, "run again with the same journal to pick it up" would send the
// operator after a file that does not exist, while a re-run sends the users in a new job.
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { run, users, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

/**
 * An import aborted at the job's second status poll, with or without a journal; `removed`: the journal is
 * removed just before.
 */
async function abortedWhileJobRuns(journal: string | undefined, removed = false) {
  const controller = new AbortController();
  let polls = 0;
  vendor({ pollsPerStep: 100 });
  return run(users(2), {
    ...(journal !== undefined && { journal }),
    signal: controller.signal,
    sleep: () => {
      if (++polls === 2) {
        if (removed && journal !== undefined) rmSync(journal);
        controller.abort();
      }
      return Promise.resolve();
    },
  });
}

describe("the users of a job still running when the import is aborted", () => {
  it("without a journal: a re-run sends them again", async () => {
    const report = await abortedWhileJobRuns(undefined);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: matching(
          /no journal keeps this run's job for a re-run, so a re-run sends these users again/,
        ),
      });
    expect(JSON.stringify(report.outcomes)).not.toMatch(/same journal/);
  });

  it("with a journal removed while the job ran: a re-run sends them again, not 'the same journal'", async () => {
    const report = await abortedWhileJobRuns(journalFile("userpilot"), true);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: matching(
          /no journal keeps this run's job for a re-run, so a re-run sends these users again/,
        ),
      });
    expect(JSON.stringify(report.outcomes)).not.toMatch(/same journal/);
  });

  it("with a journal: the same journal picks the job up", async () => {
    const report = await abortedWhileJobRuns(journalFile("userpilot"));
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(/run again with the same journal to pick it up/),
      });
  });
});
