// Two imports at once through one FullStory client: FullStory answers 429 from 200 batch jobs in progress per
// organisation on, until some finish, and each import may keep up to twice its concurrency (at most 100)
// jobs there. Together they must wait for FullStory's room rather than fail users with a 429 that retries
// at seconds do not outlast while jobs of minutes run. On virtual time: nothing waits for real.
import { afterEach, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { VirtualTime } from "../support/virtual-time.js";

afterEach(() => {
  vi.restoreAllMocks();
});

it("imports that together would pass the jobs FullStory takes in progress wait for room", async () => {
  const time = new VirtualTime();
  vi.spyOn(Date, "now").mockImplementation(() => time.now);
  vi.spyOn(performance, "now").mockImplementation(() => time.now);
  // FullStory's own limits (the spec's): 429 at 200 jobs in progress. Each job takes thirty seconds, longer
  // than all 300 submissions (twenty minutes only made polls: 14 s of test for the same 429s unfixed).
  const sim = createFullStorySimulator({ now: time.clock, processingMs: 30_000 });
  const client = createFullStoryClient({
    apiKey: "sim-key",
    sleep: time.sleep,
    // A 429 fails its chunk at once: what is measured is whether one is met at all.
    maxRetries: 0,
    fetch: (request) => sim.handle(request),
  });
  const users = (prefix: string) =>
    Array.from({ length: 100 }, (_, i) => ({
      uid: `${prefix}-${i}`,
      display_name: `${prefix} ${i}`,
    }));
  const options = { chunkRecords: 1, concurrency: 100, sleep: time.sleep, chunkAttempts: 1 };

  const reports = await time.run(
    Promise.all(["a", "b", "c"].map((prefix) => importUsers(client, users(prefix), options))),
  );

  for (const report of reports)
    expect(report.outcomes.filter((o) => o.outcome !== "imported").slice(0, 2)).toEqual([]);
  expect(sim.stats().users).toBe(300);
  expect(sim.stats().requests["POST /v2/users/batch"]).toBe(300);
}, 60_000);

it("an import aborted while its chunks wait for room ends them aborted at once", async () => {
  const time = new VirtualTime();
  vi.spyOn(Date, "now").mockImplementation(() => time.now);
  vi.spyOn(performance, "now").mockImplementation(() => time.now);
  const sim = createFullStorySimulator({ now: time.clock, processingMs: 5_000 });
  const client = createFullStoryClient({
    apiKey: "sim-key",
    sleep: time.sleep,
    maxRetries: 0,
    fetch: (request) => sim.handle(request),
  });
  const users = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      uid: `${prefix}-${i}`,
      display_name: `${prefix} ${i}`,
    }));
  const options = { chunkRecords: 1, concurrency: 100, sleep: time.sleep, chunkAttempts: 1 };
  const controller = new AbortController();
  let endedAt: number | undefined;
  // a and b hold FullStory's 200 jobs for five seconds, started before c: c's chunks all wait for room,
  // and c is aborted at 1 s.
  const ab = Promise.all([
    importUsers(client, users("a", 100), options),
    importUsers(client, users("b", 100), options),
  ]);
  await time.run(time.sleep(1));
  void time.sleep(1_000).then(() => controller.abort());
  const [c, [a, b]] = await time.run(
    Promise.all([
      importUsers(client, users("c", 50), { ...options, signal: controller.signal }).finally(
        () => (endedAt = time.now),
      ),
      ab,
    ]),
  );

  expect(c.aborted).toBe(true);
  expect(c.outcomes.filter((o) => o.outcome !== "failed" || o.code !== "aborted")).toEqual([]);
  expect(endedAt).toBe(1_001);
  for (const report of [a, b]) expect(report.imported).toBe(100);
  expect(sim.stats().requests["POST /v2/users/batch"]).toBe(200);
}, 60_000);
