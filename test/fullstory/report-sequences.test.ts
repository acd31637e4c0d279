// FullStory sequences where the report could lie or FullStory end up with a duplicate: a refusal among records
// sharing a uid, a resume after FullStory forgot the Idempotency-Key, and updateUser with an id naming no path.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, updateUser, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };
const client = () => createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
const DAY_MS = 24 * 60 * 60 * 1000;
const summary = (report: Awaited<ReturnType<typeof importUsers>>) =>
  report.outcomes.map((o) => [o.index, o.outcome, o.outcome === "failed" ? o.code : undefined]);

describe("a refused record among records that share its uid (FullStory's /errors echoes the request item)", () => {
  it("fails the record FullStory refused, not the one it imported", async () => {
    const sim = mountFullStory(server);
    // FullStory refuses the first (its id names no user) and imports the second.
    const input: FullStoryUser[] = [
      { uid: "dup", id: "999", display_name: "first" },
      { uid: "dup", display_name: "second" },
    ];
    const report = await importUsers(client(), input, options);

    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]).toMatchObject({ uid: "dup", display_name: "second" });
    expect(summary(report)).toEqual([
      [0, "failed", "user_not_found"],
      [1, "imported", undefined],
    ]);
  });

  it("does not report a refused uid record imported through an email record written onto that uid's user", async () => {
    const sim = mountFullStory(server, { faults: { reject: (key) => key === "uid:u-4" } });
    const created = await client().createUser({ body: { uid: "u-4", email: "cy@example.com" } });
    expect(created.ok).toBe(true);

    // FullStory writes the email record onto u-4 (listed with uid u-4) and refuses the uid record.
    const report = await importUsers(
      client(),
      [
        { email: "cy@example.com", display_name: "Cy" },
        { uid: "u-4", display_name: "refused" },
      ],
      options,
    );

    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]).toMatchObject({ uid: "u-4", display_name: "Cy" });
    expect(summary(report)).toEqual([
      [0, "imported", undefined],
      [1, "failed", "simulated_rejection"],
    ]);
  });
});

describe("a resume after FullStory forgot the Idempotency-Key (24 hours)", () => {
  it("makes no second job, and does not report as imported a user FullStory now holds twice", async () => {
    let clock = Date.now();
    const controller = new AbortController();
    const sim = mountFullStory(server, {
      now: () => clock,
      faults: {
        // FullStory makes the job, but its answer is lost as the import is killed.
        script: ({ operation, attempt }) =>
          operation === "createBatchImport" && attempt === 1
            ? {
                after: () => {
                  controller.abort();
                  throw new DropConnection();
                },
              }
            : undefined,
      },
    });
    const input: FullStoryUser[] = [{ uid: "u-1" }, { display_name: "Anonymous" }];
    const journal = journalFile("fullstory");
    const first = await importUsers(client(), input, {
      ...options,
      journal,
      signal: controller.signal,
    });
    expect(first.aborted).toBe(true);

    // Resumed a day later: FullStory no longer knows the key, so a create under it makes a new job.
    clock += DAY_MS + 60_000;
    vi.useFakeTimers({ toFake: ["Date"], now: clock });
    let second;
    try {
      second = await importUsers(client(), input, { ...options, journal });
    } finally {
      vi.useRealTimers();
    }

    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0 });
    expect(sim.users()).toHaveLength(2);
    expect(second.total).toBe(2);
    // Nothing confirmed the users in this run: each fails, saying FullStory may hold it.
    for (const outcome of second.outcomes) {
      expect(outcome.outcome).toBe("failed");
      if (outcome.outcome === "failed") expect(outcome.reason).toMatch(/may hold/);
    }
  });
});

describe("updateUser with an id that names no user's path", () => {
  it.each(["", ".", ".."])(
    "refuses %j as invalid, sending nothing (it would reach Create User)",
    async (id) => {
      const sim = mountFullStory(server);
      const result = await updateUser(client(), id, { uid: "new-uid", display_name: "D" });

      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.status).toBe("invalid");
      expect(sim.users()).toEqual([]);
      expect(Object.values(sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
    },
  );
});

describe("updateUser with an id of blanks only", () => {
  it.each([" ", "\u00a0", "\t\u3000"])(
    "refuses %j as invalid (`id: must not be blank`), sending nothing",
    async (id) => {
      const sim = mountFullStory(server);
      const result = await updateUser(client(), id, { display_name: "D" });

      expect(result).toMatchObject({
        ok: false,
        error: {
          status: "invalid",
          problems: [{ rule: "fullstory.field_type", message: "id: must not be blank" }],
        },
      });
      expect(Object.values(sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
    },
  );
});
