// A run whose chunk FullStory refused with 403 (the key lacks the permission) wrote nothing: the answer says
// FullStory did not take the batch. A re-run with the same journal, once the permission is granted, must
// send the chunk, even more than a day later; it must not fail the users for good as `key_expired`
// ("FullStory may hold this user"), which no later re-run with that journal can undo.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, fullStoryError, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();
const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };
const DAY_MS = 24 * 60 * 60 * 1000;

const forbidden = (): Promise<Response> => Promise.resolve(fullStoryError(403, "forbidden"));

describe("a re-run with the journal of a run FullStory refused (403)", () => {
  it("sends the refused chunk a day later instead of failing it key_expired", async () => {
    const sim = mountFullStory(server);
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
    const journal = journalFile("fullstory");
    let clock = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: clock });
    try {
      const refusedRun = createFullStoryClient({
        apiKey: API_KEY,
        retryBaseDelayMs: 1,
        fetch: forbidden,
      });
      const first = await importUsers(refusedRun, input, { ...options, journal });
      expect(first.fatal).toBeDefined();
      expect(sim.stats().jobs).toBe(0);

      clock += DAY_MS + 60_000;
      vi.setSystemTime(clock);
      const granted = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
      const second = await importUsers(granted, input, { ...options, journal });
      expect(
        second.outcomes.map((o) => (o.outcome === "failed" ? `${o.code}: ${o.reason}` : o.outcome)),
      ).toEqual(["imported", "imported"]);
      expect(sim.users()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  // Run by run, FullStory: `lost` makes the job and its answer is lost; `refused` answers 403 (no job).
  async function runs(...faults: ("lost" | "refused" | "ok")[]) {
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
    const journal = journalFile("fullstory");
    const keys: (string | null)[] = [];
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation, attempt, request }) => {
          if (operation !== "createBatchImport") return undefined;
          keys.push(request.headers.get("idempotency-key"));
          const fault = faults[attempt - 1];
          if (fault === "refused") return vendorError(403, "forbidden");
          if (fault !== "lost") return undefined;
          return {
            after: () => {
              throw new DropConnection();
            },
          };
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const reports = [];
    for (const _ of faults)
      reports.push(await importUsers(client, input, { ...options, journal, chunkAttempts: 1 }));
    return { last: reports.at(-1), keys, sim };
  }

  it("keeps a key an earlier send may have delivered when a later send under it is refused", async () => {
    const { last, keys, sim } = await runs("lost", "refused", "ok");
    expect(last?.imported).toBe(2);
    // Every send went under run 1's key, so FullStory answered run 3 with the job run 1 made.
    expect(new Set(keys).size).toBe(1);
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });

  it("keeps the new key drawn after a refused run, so a lost answer is replayed under it", async () => {
    const { last, keys, sim } = await runs("refused", "lost", "ok");
    expect(last?.imported).toBe(2);
    expect(keys[2]).toBe(keys[1]);
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
  });
});
