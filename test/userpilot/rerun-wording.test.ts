// A failure that a re-run may settle says what a re-run will do. Only a journal keeps a job's id (and the
// engine's record of a send): without one, "run again with the same journal to pick it up" would send the
// operator after a file that does not exist, while a re-run sends the users in a new job.
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { run, users, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

/**
 * An import aborted at the job's second status poll, with or without a journal; `change`, if given, is done
 * to the journal just before (`removed`: rmSync).
 */
async function abortedWhileJobRuns(
  journal: string | undefined,
  change?: "removed" | ((journal: string) => void),
) {
  const controller = new AbortController();
  let polls = 0;
  const sim = vendor({ pollsPerStep: 100 });
  const report = await run(users(2), {
    ...(journal !== undefined && { journal }),
    signal: controller.signal,
    sleep: () => {
      if (++polls === 2) {
        if (journal !== undefined && change !== undefined)
          (change === "removed" ? rmSync : change)(journal);
        controller.abort();
      }
      return Promise.resolve();
    },
  });
  return { report, sim };
}

describe("the users of a job still running when the import is aborted", () => {
  it("without a journal: a re-run sends them again", async () => {
    const { report } = await abortedWhileJobRuns(undefined);
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
    const { report } = await abortedWhileJobRuns(journalFile("userpilot"), "removed");
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

  // Said "no journal keeps this run's job for a re-run, so a re-run sends these users again", while a copy
  // saved in its place (an editor, a sync tool) kept the job, and a re-run with it sent nothing again.
  it("with a journal replaced by a copy while the job ran: a re-run picks the job up if that file holds it", async () => {
    const journal = journalFile("userpilot");
    const { report, sim } = await abortedWhileJobRuns(journal, (file) => {
      copyFileSync(file, `${file}.tmp`);
      renameSync(`${file}.tmp`, file);
    });
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "aborted",
        reason: matching(
          /the journal was replaced, or written by another process, while this run used it: a re-run with that path picks the job up only if the file now there holds the job, else sends these users again$/,
        ),
      });
    expect(JSON.stringify(report.outcomes)).not.toMatch(/same journal|no journal keeps/);

    // This copy holds it: the re-run follows the job, and sends no user again.
    const again = await run(users(2), { journal });
    expect(again.imported).toBe(2);
    expect(sim.ofKind("POST")).toHaveLength(1);
  });

  it("with a journal: the same journal picks the job up", async () => {
    const { report } = await abortedWhileJobRuns(journalFile("userpilot"));
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: matching(/run again with the same journal to pick it up/),
      });
  });
});

describe("the users of a job Userpilot answers 404 for", () => {
  // Said "a re-run with that path picks the job up only if the file now there holds it": a re-run with the
  // copy polls the job again, as the reason says with the run's own journal.
  it("with a journal replaced by a copy before the poll: a re-run with that path polls the job again", async () => {
    const journal = journalFile("userpilot");
    const sim = vendor(
      {},
      {
        getBackgroundJob: {
          1: () => {
            copyFileSync(journal, `${journal}.tmp`);
            renameSync(`${journal}.tmp`, journal);
            return { answer: () => userpilotError(404, "not_found") };
          },
        },
      },
    );
    const report = await run(users(2), { journal, chunkAttempts: 1 });
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_lost",
        reason: matching(
          /whether they were imported is unknown; the journal was replaced, or written by another process, while this run used it: a re-run with that path polls the job again only if the file now there holds the job, else sends these users again$/,
        ),
      });

    const again = await run(users(2), { journal });
    expect(again.imported).toBe(2);
    expect(sim.ofKind("POST")).toHaveLength(1);
  });
});
