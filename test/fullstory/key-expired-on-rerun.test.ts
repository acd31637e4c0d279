// A create whose answer was lost, and a re-run a day later: FullStory may have forgotten the key, so the
// batch is not sent again (a second job could import a user twice). The users fail `key_expired`, and the
// report marks each as one FullStory may hold, as its reason says.
import { expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const HOUR_MS = 3_600_000;

it("a re-run a day after a lost create: key_expired, marked as FullStory may hold it, no second send", async () => {
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport"
          ? {
              after: () => {
                throw new DropConnection();
              },
            }
          : undefined,
    },
  });
  const input: FullStoryUser[] = [{ uid: "u-1" }, { email: "b@example.com" }];
  const journal = journalFile("fullstory-key-expired");
  const start = Date.parse("2026-03-29T00:30:00Z");
  vi.useFakeTimers({ toFake: ["Date"], now: start });
  try {
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const options = { pollIntervalMs: 10, journal, chunkAttempts: 1, sleep: async () => {} };
    await importUsers(client, input, options);
    vi.setSystemTime(start + 25 * HOUR_MS);
    const rerun = await importUsers(client, input, options);

    for (const outcome of rerun.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "key_expired",
        reason: matching(/^FullStory may hold this user: /),
        vendorMayHold: true,
      });
    expect(sim.stats().requests["POST /v2/users/batch"]).toBe(1);
  } finally {
    vi.useRealTimers();
  }
});

it("a re-run a day after a create answered with a job id that names no job: not said that no job id came back at all", async () => {
  mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport"
          ? {
              after: async (answer) => {
                const body = (await answer.json()) as { job: object };
                return Response.json({ ...body, job: { ...body.job, id: "." } });
              },
            }
          : undefined,
    },
  });
  const input: FullStoryUser[] = [{ uid: "u-1" }];
  const journal = journalFile("fullstory-key-expired-dot-id");
  const start = Date.parse("2026-03-29T00:30:00Z");
  vi.useFakeTimers({ toFake: ["Date"], now: start });
  try {
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const options = { pollIntervalMs: 10, journal, chunkAttempts: 1, sleep: async () => {} };
    const first = await importUsers(client, input, options);
    expect(first.outcomes[0]).toMatchObject({ code: "malformed" });
    vi.setSystemTime(start + 25 * HOUR_MS);
    const rerun = await importUsers(client, input, options);

    expect(rerun.outcomes[0]).toMatchObject({
      code: "key_expired",
      reason: matching(/, no usable job id came back,/),
    });
  } finally {
    vi.useRealTimers();
  }
});
