// A chunk whose every try failed before any connection was made (its Idempotency-Key never reached FullStory)
// must not be failed for good as `key_expired` by a re-run more than a day later, nor said by a re-run that
// stops on a refusal to be one FullStory may hold: FullStory holds nothing.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { createFullStoryAdapter, fullStoryKeyOf } from "../../src/fullstory/adapter.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { chunkContext } from "../support/chunk-context.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory, vendorError } from "./harness.js";

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

  it("a re-run refused with 401 does not say FullStory may hold the users, nor that a chunk was sent", async () => {
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }, { uid: "u-3" }, { uid: "u-4" }];
    const journal = journalFile("fullstory");
    const chunked = { ...options, journal, chunkRecords: 2, concurrency: 1 };
    const offline = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0, fetch: refused });
    await importUsers(offline, input, { ...chunked, chunkAttempts: 1 });
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "createBatchImport" ? vendorError(401, "unauthorized") : undefined,
      },
    });
    const online = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const second = await importUsers(online, input, chunked);
    expect(sim.users()).toEqual([]);
    expect(second.outcomes).toHaveLength(4);
    for (const outcome of second.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "fatal" });
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(
        /may hold|was sent|sent its chunk/,
      );
    }
  });

  it("a key turned away with 503 is kept: the re-run sends under it, so no second job is made", async () => {
    const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
    const journal = journalFile("fullstory");
    const keys: string[] = [];
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation, request }) => {
          if (operation !== "createBatchImport") return undefined;
          keys.push(request.headers.get("idempotency-key") ?? "");
          // A gateway's 503 after FullStory made the job: sent again under another key, a second job.
          return keys.length === 1
            ? { after: () => new Response("unavailable", { status: 503 }) }
            : undefined;
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    await importUsers(client, input, { ...options, journal, chunkAttempts: 1 });
    const second = await importUsers(client, input, { ...options, journal });

    expect(second.imported).toBe(2);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(sim.stats().duplicates).toBe(0);
  });
});

// An earlier version kept the key of a chunk no try of which reached FullStory, with `keySavedAt` "".
describe("FullStory resuming a key journaled with keySavedAt empty (an earlier version's journal)", () => {
  const KEY = "5b7e0c52-3f4a-4d8e-9a61-2c0f7b1d9e43";
  const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;
  async function resend(action: "lost" | "forbidden") {
    mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation !== "createBatchImport"
            ? undefined
            : action === "forbidden"
              ? vendorError(403, "forbidden")
              : {
                  after: () => {
                    throw new DropConnection();
                  },
                },
      },
    });
    const saved: Record<string, string>[] = [];
    const { context } = chunkContext({
      resumed: { idempotencyKey: KEY, keySavedAt: "" },
      checkpoint: (state) => void saved.push({ ...state }),
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const items: FullStoryUser[] = [{ uid: "u-1" }];
    await createFullStoryAdapter(client).send(
      { seq: 0, items, serialized: [], keys: items.map(fullStoryKeyOf) },
      context,
    );
    return saved;
  }

  it("times the key from this send, so a re-run a day later does not send it again", async () => {
    const saved = await resend("lost");
    expect(saved).toEqual([{ keySavedAt: matching(ISO_TIME), unanswered: "1" }]);
  });

  it("drops the key when this, its first send to reach FullStory, is refused with 403", async () => {
    expect(await resend("forbidden")).toEqual([
      { keySavedAt: matching(ISO_TIME), unanswered: "1" },
      { unanswered: "", idempotencyKey: "", keySavedAt: "" },
    ]);
  });
});
