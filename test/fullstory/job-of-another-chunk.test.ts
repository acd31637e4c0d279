// A server (a proxy that caches POST answers, a broken gateway) that answers a FullStory batch create with the
// job it made for another chunk of the import. That job's status counts only its own users; when its result
// lists do not name them (lists lag behind the counts, which is why the counts confirm unlisted users at
// all), every chunk that follows it would count the same imports as its own, and the report would claim more
// imports than FullStory confirmed.
import { expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { importUsers } from "../../src/fullstory/import.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  json,
  serveHostile,
  useHostileServers,
  type Hostile,
  type Seen,
} from "../hostile/proxy-server.js";

useMswServer();
const running = useHostileServers();

const API_KEY = "na1.Qx7vR2mZ9pLk4TfW8sYd";
const isCreate = (r: Seen) => r.method === "POST" && r.url === "/v2/users/batch";
const isList = (r: Seen) => r.method === "GET" && /\/(imports|errors)(\?|$)/.test(r.url);
const users = (n: number, prefix = "u") =>
  Array.from({ length: n }, (_, i) => ({
    uid: `${prefix}-${i}`,
    email: `${prefix}.${i}@example.com`,
  }));

/**
 * Every create after the first is answered, unprocessed, with the first create's answer (or, while `down`
 * says so, with a 503; while `through` says so, by FullStory itself); result lists are empty, though their
 * totals agree with the job's counts.
 */
async function cachingProxy(
  down: () => boolean = () => false,
  through: () => boolean = () => false,
): Promise<{ hostile: Hostile; creates: () => number }> {
  const simulator = createFullStorySimulator({ apiKey: API_KEY, processingPolls: 0 });
  let first: string | undefined;
  let creates = 0;
  const hostile = await serveHostile(simulator, (request) => {
    // An imports list that lags behind the counts: it names none of the 3 users it totals.
    if (isList(request))
      return json(200, {
        results: [],
        total_records: request.url.includes("/imports") ? "3" : "0",
      });
    if (!isCreate(request) || through()) return undefined;
    creates += 1;
    if (first !== undefined) return down() ? json(503, { message: "down" }) : json(200, first);
    return {
      kind: "rewrite",
      rewrite: ({ status, body }) => {
        first = body;
        return { status, body };
      },
    };
  });
  running.push(hostile);
  return { hostile, creates: () => creates };
}

it("a create answered with the job another chunk follows confirms none of its users", async () => {
  const { hostile, creates } = await cachingProxy();
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: hostile.url, maxRetries: 0 });

  const report = await importUsers(client, users(6), {
    chunkRecords: 3,
    concurrency: 1,
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    sleep: async () => {},
  });

  expect(creates()).toBeGreaterThan(1);
  expectEveryRecordOnce(report, 6);
  // FullStory made one job, of 3 users, and its status counts 3 imports: the report claims no more.
  expect(report.imported).toBe(3);
  expect(report.outcomes.slice(3)).toEqual(
    [3, 4, 5].map((index) => ({
      index,
      key: `u-${index}`,
      outcome: "failed",
      code: "job_mismatch",
      reason: matching(/another chunk of this import/),
      vendorMayHold: true,
    })),
  );
});

it("a re-run: a create answered with the job an earlier run's chunk followed (in the journal) confirms none", async () => {
  let down = true;
  const { hostile } = await cachingProxy(() => down);
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: hostile.url, maxRetries: 0 });
  const journal = journalFile("fullstory-job-of-another-chunk");
  const options = {
    chunkRecords: 3,
    concurrency: 1,
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    chunkAttempts: 1,
    journal,
    sleep: async () => {},
  };
  const first = await importUsers(client, users(6), options);
  expect(first.imported).toBe(3);

  down = false;
  const rerun = await importUsers(client, users(6), options);

  expectEveryRecordOnce(rerun, 6);
  expect(rerun.chunks.resumed).toBe(1);
  expect(rerun.imported).toBe(3);
  expect(rerun.outcomes.slice(3).map((o) => o.outcome === "failed" && o.code)).toEqual([
    "job_mismatch",
    "job_mismatch",
    "job_mismatch",
  ]);
});

it("an adapter reused for that re-run after an import without a journal still reads the journal's jobs", async () => {
  let mode: "down" | "through" | "cache" = "down";
  const { hostile } = await cachingProxy(
    () => mode === "down",
    () => mode === "through",
  );
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: hostile.url, maxRetries: 0 });
  const journal = journalFile("fullstory-job-of-another-chunk-reused");
  const settings = { pollIntervalMs: 1, maxPollIntervalMs: 1 };
  const options = { chunkRecords: 3, concurrency: 1, chunkAttempts: 1, sleep: async () => {} };
  // An earlier process: its second chunk was turned away, and its first chunk's job is in the journal.
  const first = await importUsers(client, users(6), { ...settings, ...options, journal });
  expect(first.imported).toBe(3);

  // This process makes one adapter for every import it runs: first one without a journal.
  const adapter = createFullStoryAdapter(client, settings);
  mode = "through";
  expect((await runImport(adapter, users(3, "other"), options)).imported).toBe(3);
  mode = "cache";
  const rerun = await runImport(adapter, users(6), { ...options, journal });

  expectEveryRecordOnce(rerun, 6);
  expect(rerun.imported).toBe(3);
  expect(rerun.outcomes.slice(3).map((o) => o.outcome === "failed" && o.code)).toEqual([
    "job_mismatch",
    "job_mismatch",
    "job_mismatch",
  ]);
});

it("an adapter reused for another import: a create answered with that import's job does not say only this import's chunks follow it", async () => {
  const { hostile } = await cachingProxy();
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: hostile.url, maxRetries: 0 });
  const options = { chunkRecords: 3, concurrency: 1, chunkAttempts: 1, sleep: async () => {} };
  const adapter = createFullStoryAdapter(client, { pollIntervalMs: 1, maxPollIntervalMs: 1 });
  expect((await runImport(adapter, users(3, "other"), options)).imported).toBe(3);

  // No chunk of this import follows that job: the other import's does.
  const report = await runImport(adapter, users(3), options);

  expect(report.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual(
    Array(3).fill("job_mismatch"),
  );
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      reason: matching(
        /which another chunk of this import \(or of another import through this adapter\) follows/,
      ),
    });
});
