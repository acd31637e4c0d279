// A chunk whose every try failed before any connection was made (its Idempotency-Key never reached FullStory)
// must not be failed for good as `key_expired` by a re-run more than a day later: FullStory holds nothing.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };
const DAY_MS = 24 * 60 * 60 * 1000;

const refused = (): Promise<Response> =>
  Promise.reject(
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
    }),
  );

describe("FullStory key_expired for a chunk that was never sent", () => {
  it("sends the chunk on a re-run a day later when no earlier try reached FullStory", async () => {
    const sim = mountFullStory(server);
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
    const journal = journalFile("fullstory");
    let clock = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: clock });
    try {
      // Run 1: no connection can be made (DNS down, offline): nothing reaches FullStory.
      const offline = createFullStoryClient({
        apiKey: API_KEY,
        retryBaseDelayMs: 1,
        fetch: refused,
      });
      const first = await importUsers(offline, input, { ...options, journal });
      expect(first.outcomes.every((o) => o.outcome === "failed")).toBe(true);
      expect(sim.stats().jobs).toBe(0);

      // Run 2, a day later, online.
      clock += DAY_MS + 60_000;
      vi.setSystemTime(clock);
      const online = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
      const second = await importUsers(online, input, { ...options, journal });
      expect(second.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
        "imported",
        "imported",
      ]);
      expect(sim.users()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
