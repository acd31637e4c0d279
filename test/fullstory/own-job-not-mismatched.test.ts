// job_mismatch says a create was answered with ANOTHER chunk's job. A chunk's own job, however it comes back
// (a replay of a lost create under the same key, two creates in flight, a re-run resuming from the journal),
// is never one: no record of an import against an honest FullStory fails job_mismatch.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const users = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ uid: `u-${i}`, email: `u.${i}@example.com` }));

it("lost answers, 2 creates in flight, a re-run: every user imported, none job_mismatch", async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const sim = mountFullStory(server, { faults: { rateLostAnswer: 0.4, seed } });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const options = {
      chunkRecords: 3,
      concurrency: 2,
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      chunkAttempts: 2,
      journal: journalFile(`fullstory-own-job-${seed}`),
      sleep: async () => {},
    };
    const first = await importUsers(client, users(30), options);
    expectEveryRecordOnce(first, 30);
    const rerun = await importUsers(client, users(30), { ...options, chunkAttempts: 5 });
    expectEveryRecordOnce(rerun, 30);
    const codes = [...first.outcomes, ...rerun.outcomes].map(
      (o) => o.outcome === "failed" && o.code,
    );
    expect(codes.filter((c) => c === "job_mismatch")).toEqual([]);
    expect(sim.jobs().length).toBeGreaterThan(0);
  }
}, 60_000);
