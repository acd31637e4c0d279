// A job's result list read only in part (it pages on past any honest length, or a page holds entries not as
// FullStory documents them): the job ended, and FullStory may well hold the users the part read did not name,
// so their failure must say so rather than read as a refusal.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory, type Lies } from "./harness.js";

const server = useMswServer();

const users: FullStoryUser[] = Array.from({ length: 3 }, (_, i) => ({
  uid: `u-${i}`,
  email: `u-${i}@example.com`,
}));

async function importWith(lies: Lies) {
  const sim = mountFullStory(server, { pageSize: 1, faults: { script: lying(lies) } });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const report = await importUsers(client, users, { pollIntervalMs: 1, sleep: async () => {} });
  return { report, held: sim.users().map((user) => user.uid) };
}

it("an imports list that pages on past its length: a COMPLETED job's unlisted user fails saying FullStory may hold it", async () => {
  const { report, held } = await importWith({ endlessPages: true, omit: (uid) => uid === "u-2" });

  expect(held).toContain("u-2");
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "failed"]);
  expect(report.outcomes[2]).toMatchObject({
    code: "results_incomplete",
    reason: matching(/may hold/),
  });
});

it("an imports list that names the chunk's users more than twice over: each user fails saying FullStory may hold it", async () => {
  const ghosts = Array.from({ length: 10 }, () => ({ uid: "u-0", id: "998" }));
  const { report, held } = await importWith({ ghosts: { imports: ghosts } });

  expect(held).toEqual(["u-0", "u-1", "u-2"]);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "results_incomplete",
      reason: matching(/may hold/),
    });
});

it("an imports list still answering 202 when the job's time runs out: no user is taken for imported on the counts alone", async () => {
  mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "getBatchImports"
          ? { answer: () => new Response(null, { status: 202 }) }
          : undefined,
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const report = await importUsers(client, users, {
    pollIntervalMs: 1,
    jobTimeoutMs: 1_000,
    chunkAttempts: 1,
    sleep: async () => {},
  });

  expect(report.imported).toBe(0);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      reason: matching(/time ran out/),
      vendorMayHold: true,
    });
});

it("an errors list that names a user more than twice over, while the imports list's time runs out: the reason names the cut that placed no user", async () => {
  const refusal = { user: { uid: "u-0" }, code: "invalid_argument", message: "refused" };
  mountFullStory(server, {
    faults: {
      script: lying({ ghosts: { errors: Array.from({ length: 10 }, () => refusal) } }, (call) =>
        call.operation === "getBatchImports"
          ? { answer: () => new Response(null, { status: 202 }) }
          : undefined,
      ),
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const report = await importUsers(client, users, {
    pollIntervalMs: 1,
    jobTimeoutMs: 1_000,
    chunkAttempts: 1,
    sleep: async () => {},
  });

  // u-0's refusal was read (ten times over) and set aside: not "before this user was listed".
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      code: "results_incomplete",
      reason: matching(
        /stopped reading its errors list \(it named the chunk's users more than twice over\) and took neither list's word on any user;/,
      ),
    });
});
