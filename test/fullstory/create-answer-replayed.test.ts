// A create answer the adapter cannot follow (a job id that names no path, or the job another chunk follows)
// is as lost as a 502's: the records fail transient, so the run replays the chunk under the same
// Idempotency-Key, and FullStory answers with the job it made for it. Settled for good instead, the users
// FullStory imported would be reported failed, and no re-run would send the chunk again.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const options = {
  pollIntervalMs: 1,
  maxPollIntervalMs: 1,
  replayDelayMs: 0,
  sleep: async () => {},
};
const users = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ uid: `u-${i}`, email: `u.${i}@example.com` }));
const outcomes = (report: Awaited<ReturnType<typeof importUsers>>) =>
  report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome));

it('a create answered once with job id ".." is replayed under its key and imports the users', async () => {
  const keys: (string | null)[] = [];
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation, attempt, request }) => {
        if (operation !== "createBatchImport") return undefined;
        keys.push(request.headers.get("idempotency-key"));
        if (attempt !== 1) return undefined;
        return {
          after: async (answer) => {
            const body = (await answer.json()) as { job: object };
            return json({ job: { ...body.job, id: ".." } }, answer.status);
          },
        };
      },
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });

  const report = await importUsers(client, users(2), options);

  expect(outcomes(report)).toEqual(["imported", "imported"]);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
});

it("a create answered once with another chunk's job is replayed under its key and imports the users", async () => {
  const keys: (string | null)[] = [];
  let firstAnswer: string | undefined;
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation, attempt, request }) => {
        if (operation !== "createBatchImport") return undefined;
        keys.push(request.headers.get("idempotency-key"));
        // Chunk 1's create is kept; chunk 2's first create (processed) is answered with it, as a cache would.
        if (attempt === 1)
          return {
            after: async (answer) => {
              firstAnswer = await answer.text();
              return json(JSON.parse(firstAnswer) as object, answer.status);
            },
          };
        if (attempt === 2)
          return { after: (answer) => json(JSON.parse(firstAnswer!) as object, answer.status) };
        return undefined;
      },
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });

  const report = await importUsers(client, users(4), {
    ...options,
    chunkRecords: 2,
    concurrency: 1,
  });

  expect(outcomes(report)).toEqual(["imported", "imported", "imported", "imported"]);
  expect(keys).toHaveLength(3);
  expect(keys[2]).toBe(keys[1]);
  expect(sim.stats()).toMatchObject({ jobs: 2, duplicates: 0 });
});
