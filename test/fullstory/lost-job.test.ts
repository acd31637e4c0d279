// FullStory answers 404 for a batch job it created itself: that says it lost the job, not that the users
// failed. The users fail `job_lost` (transient: the journal keeps the chunk open); one replay in the run polls
// the same job again, and no replay or re-run ever makes a second job.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryImportOptions } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import type { ScriptAction } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import type { FullStorySimulator } from "../../src/testing/fullstory.js";
import { journalFile } from "../support/journal-file.js";
import { containing } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, idOf, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();

const STATUS = "GET /v2/users/batch/{job_id}";
const IMPORTS = "GET /v2/users/batch/{job_id}/imports";

function users(n: number): FullStoryUser[] {
  const f = seededFaker("fullstory-lost-job");
  return Array.from({ length: n }, (_, i) => ({
    uid: `u-${i}-${f.string.alphanumeric(6)}`,
    email: f.internet.email().toLowerCase(),
  }));
}

const notFound = (): ScriptAction => vendorError(404, "resource_not_found");
const options = (extra: FullStoryImportOptions = {}): FullStoryImportOptions => ({
  pollIntervalMs: 1,
  replayDelayMs: 0,
  sleep: async () => {},
  ...extra,
});
const run = (input: FullStoryUser[], extra?: FullStoryImportOptions) =>
  importUsers(createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }), input, options(extra));
const requests = (sim: FullStorySimulator, route: string) => sim.stats().requests[route] ?? 0;
const lostJob = (sim: FullStorySimulator): unknown =>
  expect.objectContaining({
    outcome: "failed",
    code: "job_lost",
    reason: containing(`job ${sim.jobs()[0]!.id}, which it created for this chunk`),
  });

describe("a 404 for the job FullStory created", () => {
  it("on a status poll after a lost answer: a replay polls the same job and finds the users imported", async () => {
    const input = users(2);
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation, attempt }) =>
          operation !== "getBatchImportStatus"
            ? undefined
            : attempt === 1
              ? "lost_answer"
              : attempt === 2
                ? notFound()
                : undefined,
      },
    });
    const report = await run(input);

    expect(report.outcomes).toEqual(
      input.map((user, index) => ({
        index,
        key: user.uid,
        outcome: "imported",
        id: idOf(sim, user),
      })),
    );
    expect(sim.jobs()).toHaveLength(1);
  });

  it("again after the replay: job_lost, left to a re-run, which polls the same job and never makes another", async () => {
    const input = users(3);
    let gone = true;
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          gone && operation === "getBatchImportStatus" ? notFound() : undefined,
      },
    });
    const journal = journalFile("fullstory-lost");

    const first = await run(input, { journal });
    expect(first.outcomes).toEqual(input.map(() => lostJob(sim)));
    // One poll and one replay's poll: the second 404 leaves the chunk to a re-run.
    expect(requests(sim, STATUS)).toBe(2);

    const second = await run(input, { journal });
    expect(second.outcomes).toEqual(input.map(() => lostJob(sim)));
    expect(requests(sim, STATUS)).toBe(4);

    gone = false;
    const third = await run(input, { journal });
    expect(third).toMatchObject({ imported: 3, failed: 0 });
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.stats().requests["POST /v2/users/batch"]).toBe(1);
  });

  it("on a result list: users the other list names keep FullStory's word, the rest fail job_lost", async () => {
    const input = users(3);
    const refused = input[1]!;
    const sim = mountFullStory(server, {
      faults: {
        reject: (key) => key === `uid:${refused.uid}`,
        script: ({ operation }) => (operation === "getBatchImports" ? notFound() : undefined),
      },
    });
    const report = await run(input);

    expect(report.outcomes).toEqual([
      lostJob(sim),
      expect.objectContaining({ outcome: "failed", code: "simulated_rejection" }),
      lostJob(sim),
    ]);
    expect(requests(sim, IMPORTS)).toBe(2);
    expect(report.outcomes[0]).toHaveProperty(
      "reason",
      containing(
        `FullStory answered 404 for a result list of batch import job ${sim.jobs()[0]!.id}`,
      ),
    );
    expect(sim.jobs()).toHaveLength(1);
  });

  it("in a page not FullStory's (a gateway's 404 page for the status): job_lost too", async () => {
    const input = users(2);
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportStatus"
            ? {
                answer: () =>
                  new Response("<html><body><h1>404 Not Found</h1></body></html>", {
                    status: 404,
                    headers: { "Content-Type": "text/html" },
                  }),
              }
            : undefined,
      },
    });
    const report = await run(input);

    expect(report.outcomes).toEqual(input.map(() => lostJob(sim)));
    // One poll and one replay's poll, as for FullStory's own 404.
    expect(requests(sim, STATUS)).toBe(2);
  });
});
