// A request that only follows up on a FullStory job (its status, a page of its result lists) answered with a
// 4xx other than 401/403/404: it refuses no user. FullStory accepted the job; its users must not be reported
// failed for good (no "may hold", never retried), as if FullStory had refused them. A 401 stops the import,
// and still reports what FullStory's lists said before it.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryImportOptions } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, idOf, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();
const options: FullStoryImportOptions = {
  pollIntervalMs: 1,
  replayDelayMs: 0,
  sleep: async () => {},
};
const run = (input: FullStoryUser[], extra: FullStoryImportOptions = {}) =>
  importUsers(createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }), input, {
    ...options,
    ...extra,
  });
const input: FullStoryUser[] = [
  { uid: "u-1", email: "a@example.com" },
  { uid: "u-2", email: "b@example.com" },
  { uid: "u-3", email: "c@example.com" },
];

/** A script that answers `operation`'s `attempt`-th call with a 400. */
const refusing =
  (operation: string, attempt: number) => (call: { operation: string; attempt: number }) =>
    call.operation === operation && call.attempt === attempt
      ? vendorError(400, "invalid_argument")
      : undefined;

/** Every user of the input imported, with the id FullStory holds for it. */
const everyoneImported = (sim: ReturnType<typeof mountFullStory>) =>
  input.map((user, index) => ({ index, key: user.uid, outcome: "imported", id: idOf(sim, user) }));

describe("a follow-up request of an accepted FullStory job answered 400", () => {
  it("on the status poll: the users FullStory imported are not reported failed", async () => {
    const sim = mountFullStory(server, { faults: { script: refusing("getBatchImportStatus", 1) } });
    const report = await run(input);

    expect(sim.jobs()).toHaveLength(1);
    expect(sim.users()).toHaveLength(3);
    // Every user is imported: the 400 said nothing about them, and polling the same job again settles it.
    expect(report.outcomes).toEqual(everyoneImported(sim));
  });

  it("on the second page of the imports list: the users on later pages are not reported failed", async () => {
    const sim = mountFullStory(server, {
      pageSize: 1,
      faults: { script: refusing("getBatchImports", 2) },
    });
    const report = await run(input);

    expect(sim.jobs()).toHaveLength(1);
    expect(sim.users()).toHaveLength(3);
    expect(report.outcomes).toEqual(everyoneImported(sim));
  });

  it("every time: no user is reported failed without saying FullStory may hold it", async () => {
    mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportStatus" ? vendorError(409, "conflict") : undefined,
      },
    });
    const report = await run(input);
    for (const outcome of report.outcomes) {
      expect(outcome.outcome).toBe("failed");
      if (outcome.outcome === "failed") expect(outcome.reason).toMatch(/may hold/);
    }
  });
});

describe("a follow-up request of an accepted FullStory job answered 409 as the caller stops the import", () => {
  it("says once that FullStory may hold each user", async () => {
    const controller = new AbortController();
    mountFullStory(server, {
      faults: {
        script: ({ operation }) => {
          if (operation !== "getBatchImportStatus") return undefined;
          controller.abort();
          return vendorError(409, "conflict");
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, input, { ...options, signal: controller.signal });
    expect(report.aborted).toBe(true);
    for (const outcome of report.outcomes) {
      const reason = outcome.outcome === "failed" ? outcome.reason : "";
      expect(reason.match(/may hold/g)).toHaveLength(1);
      expect(reason).toMatch(/; the import stopped while this chunk was out: a re-run/);
    }
  });
});

describe("a follow-up request of an accepted FullStory job answered 401", () => {
  it("on the status poll: the import stops, the job's users may be held, no later chunk is sent", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportStatus" ? vendorError(401, "unauthorized") : undefined,
      },
    });
    const more = [...input, { uid: "u-4" }, { uid: "u-5" }, { uid: "u-6" }];
    const report = await importUsers(
      createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
      more,
      { ...options, chunkRecords: 3, concurrency: 1 },
    );

    expect(report.fatal).toBeDefined();
    expect(sim.jobs()).toHaveLength(1);
    for (const outcome of report.outcomes.slice(0, 3)) {
      expect(outcome.outcome === "failed" && outcome.reason).toMatch(/may hold/);
    }
  });

  it("on the errors list: the import stops, and the users its imports list names are imported", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportErrors" ? vendorError(401, "unauthorized") : undefined,
      },
    });
    const report = await run(input);

    expect(report.fatal).toBeDefined();
    expect(report.outcomes).toEqual(everyoneImported(sim));
  });
});

describe("a status poll of an accepted FullStory job that keeps failing", () => {
  it("says the replays and a re-run only followed the job up, never that they sent the chunk again", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getBatchImportStatus" ? vendorError(409, "conflict") : undefined,
      },
    });
    const journal = journalFile("fullstory-follow-up-only");
    const reasons = async () =>
      (await run(input, { journal })).outcomes.map((o) => (o.outcome === "failed" ? o.reason : ""));

    // The run's first attempt sent the chunk; its replays only polled the job the send made.
    for (const reason of await reasons())
      expect(reason).toMatch(/ times in this run, 1 of them sent /);
    // The re-run polls the job saved in the journal: it sends nothing.
    for (const reason of await reasons())
      expect(reason).toMatch(/ times in this run, following up on an earlier send /);
    expect(sim.jobs()).toHaveLength(1);
  });
});
