// A chunk whose every send FullStory turned away (429, 503) made no job: its Idempotency-Key is kept, so that a
// retry under it cannot make a second job, but FullStory holds nothing under it. A re-run with the journal more
// than a day later must send the chunk under a new key, not fail its users `key_expired` ("FullStory may hold
// this user"), which no later re-run with that journal can undo. A send whose answer was lost still may have
// made a job, and keeps failing `key_expired` then.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, fullStoryError, mountFullStory } from "./harness.js";

const server = useMswServer();
const options = {
  pollIntervalMs: 10,
  maxPollIntervalMs: 20,
  sleep: async () => {},
  chunkAttempts: 1,
};
const DAY_MS = 24 * 60 * 60 * 1000;

/** Two runs a day apart with one journal; the first run's creates get `first`, the second's the simulator's. */
async function aDayApart(first: "turned away" | "lost") {
  const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
  const journal = journalFile("fullstory");
  const keys: (string | null)[] = [];
  let firstRun = true;
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation, request }) => {
        if (operation !== "createBatchImport") return undefined;
        keys.push(request.headers.get("idempotency-key"));
        if (!firstRun) return undefined;
        if (first === "turned away")
          return { answer: () => fullStoryError(429, "too_many_requests") };
        return {
          after: () => {
            throw new DropConnection();
          },
        };
      },
    },
  });
  let clock = Date.now();
  vi.useFakeTimers({ toFake: ["Date"], now: clock });
  try {
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const before = await importUsers(client, input, { ...options, journal });
    firstRun = false;
    clock += DAY_MS + 60_000;
    vi.setSystemTime(clock);
    const after = await importUsers(client, input, { ...options, journal });
    return { before, after, keys, sim };
  } finally {
    vi.useRealTimers();
  }
}

const codes = (report: Awaited<ReturnType<typeof importUsers>>) =>
  report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome));

describe("a re-run a day after every send of a chunk was turned away", () => {
  it("sends the chunk under a new key and imports its users", async () => {
    const { before, after, keys, sim } = await aDayApart("turned away");

    expect(codes(before)).toEqual(["429", "429"]);
    expect(codes(after)).toEqual(["imported", "imported"]);
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
    expect(sim.stats()).toMatchObject({ users: 2, jobs: 1, duplicates: 0 });
  });

  it("still fails key_expired where a send's answer was lost (FullStory may have made a job)", async () => {
    const { after, keys, sim } = await aDayApart("lost");

    expect(codes(after)).toEqual(["key_expired", "key_expired"]);
    expect(after.outcomes.every((o) => o.outcome === "failed" && o.vendorMayHold === true)).toBe(
      true,
    );
    expect(keys).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });
});
