// A job Userpilot accepted and then no longer knows (404) may have imported its users: they fail job_lost,
// unknown rather than failed for good, and a re-run with the journal polls that job, never sends them again.
import { describe, expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

describe("a job Userpilot no longer knows (404)", () => {
  it("is left to a re-run with the journal, which polls the same job and imports its users", async () => {
    const journal = journalFile("userpilot-job-lost");
    const up = vendor();
    up.scriptPollsOf("u-0", (jobId) => ({
      answer: userpilotError(404, "job_not_found", `No background job with id ${jobId}`),
    }));
    const first = await run(users(3), { chunkRecords: 3, journal });
    expect(first.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual(
      Array(3).fill("job_lost"),
    );
    expect(up.writesAndLists()).toEqual(["POST 202"]);

    up.script();
    const second = await run(users(3), { chunkRecords: 3, journal });
    expectEveryRecordOnce(second, 3);
    expect(second.imported).toBe(3);
    // Not sent again: the re-run follows the job the first run's request made.
    expect(up.writesAndLists()).toEqual(["POST 202"]);
  });
});
