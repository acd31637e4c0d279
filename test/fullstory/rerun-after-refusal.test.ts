// A run whose chunk FullStory refused with 403 (the key lacks the permission) wrote nothing: the answer says
// FullStory did not take the batch. A re-run with the same journal, once the permission is granted, must
// send the chunk, even more than a day later; it must not fail the users for good as `key_expired`
// ("FullStory may hold this user"), which no later re-run with that journal can undo.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, fullStoryError, mountFullStory } from "./harness.js";

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
});
