// One vendor-bound import against a simulator that processes rows at a (scaled) rate, with default poll
// options: how long the import took, and the jobs' spans on the simulator's clock (the vendor's own
// processing time). Contenders:
// - `userpilot`: our Userpilot importUsers (chunks of 10,000, one job at a time);
// - `fullstory`: our FullStory importUsers (chunks of 10,000, 2 jobs at a time);
// - `sdk`: FullStory's official SDK, one `batchCreate` job per 10,000 users, 2 at a time, default polling.
import { init, type BatchUserImportRequest } from "@fullstory/server-api-client";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory } from "../../src/fullstory/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers as importUserpilot } from "../../src/userpilot/import.js";
import { report, requiredArg } from "./child.js";
import { SEED, fullStoryUsers } from "./data.js";

const contender = requiredArg("contender");
const url = requiredArg("url");
const records = Number(requiredArg("records"));
const CHUNK = 10_000;
const API_KEY = "sim-key";

async function userpilot(): Promise<number> {
  const f = seededFaker(SEED);
  const users = Array.from({ length: records }, (_, i) => ({
    ...userpilotUser(f),
    user_id: `u-${i}`,
  }));
  const client = createUserpilotClient({ apiKey: API_KEY, baseUrl: url });
  const started = performance.now();
  const result = await importUserpilot(client, users, { keepOutcomes: "problems" });
  const ms = performance.now() - started;
  if (result.imported !== records)
    throw new Error(`userpilot: ${JSON.stringify(result.outcomes.slice(0, 3))}`);
  return ms;
}

async function fullstory(): Promise<number> {
  const users = [...fullStoryUsers(records)];
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: url });
  const started = performance.now();
  const result = await importFullStory(client, users, { keepOutcomes: "problems" });
  const ms = performance.now() - started;
  if (result.imported !== records)
    throw new Error(`fullstory: ${JSON.stringify(result.outcomes.slice(0, 3))}`);
  return ms;
}

async function sdk(): Promise<number> {
  if (process.env["FS_API_HOST"] !== url || process.env["NODE_ENV"] !== "test") {
    throw new Error("the SDK reads its host from FS_API_HOST, and only when NODE_ENV is test");
  }
  const users = [...fullStoryUsers(records)];
  const batches: (typeof users)[] = [];
  for (let i = 0; i < users.length; i += CHUNK) batches.push(users.slice(i, i + CHUNK));
  // The SDK sends the key as the whole Authorization header.
  const client = init({ apiKey: `Basic ${API_KEY}` });
  const one = (requests: typeof users) =>
    new Promise<void>((resolve, reject) => {
      // No pollInterval: the SDK's default (2,000 ms).
      const job = client.users.batchCreate({
        body: { requests: requests as BatchUserImportRequest[] },
      });
      job.on("done", () => resolve());
      job.on("abort", (errors) => reject(new Error(errors.map((e) => e.message).join("; "))));
      job.execute();
    });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await one(batches[next++]!);
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - started;
}

const durationMs =
  contender === "userpilot"
    ? await userpilot()
    : contender === "sdk"
      ? await sdk()
      : await fullstory();
const jobs = (await (await fetch(`${url}/__bench/jobs`)).json()) as unknown;
const stats = (await (await fetch(`${url}/__bench/stats`)).json()) as {
  requests: Record<string, number>;
};
report({ durationMs, jobs, requests: stats.requests });
