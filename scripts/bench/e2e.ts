// End-to-end benchmark client (child process): imports the same users into a FullStory simulator served by
// another process, as one of three contenders:
// - `ours`: importUsers (validate, chunk, send, poll, read both result lists);
// - `fetch`: a bare fetch loop posting the same batches, pre-serialised before the clock starts, and polling
//   the same jobs and reading the same result pages;
// - `sdk`: FullStory's official SDK (`@fullstory/server-api-client`), one `batchCreate` job per batch.
// Each runs `concurrency` batches at a time, polls every `pollMs` and reports how long the whole import took.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { init, type BatchUserImportRequest } from "@fullstory/server-api-client";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { report, requiredArg } from "./child.js";
import { readNdjson } from "./data.js";

type Contender = "ours" | "fetch" | "sdk";

const contender = requiredArg("contender") as Contender;
const url = requiredArg("url");
const file = requiredArg("file");
const records = Number(requiredArg("records"));
const chunkRecords = Number(requiredArg("chunk"));
const concurrency = Number(requiredArg("concurrency"));
const pollMs = Number(requiredArg("poll-ms"));
const API_KEY = "sim-key";

const users = await readNdjson<FullStoryUser>(file, records);
const chunks: FullStoryUser[][] = [];
for (let at = 0; at < users.length; at += chunkRecords)
  chunks.push(users.slice(at, at + chunkRecords));

/** Runs `work` on every chunk, `concurrency` at a time; returns the users each call reports imported. */
async function pool<T>(items: readonly T[], work: (item: T) => Promise<number>): Promise<number> {
  let next = 0;
  let imported = 0;
  const worker = async () => {
    while (next < items.length) {
      const count = await work(items[next++]!);
      imported += count;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return imported;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Basic ${API_KEY}` } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** One batch by hand: create, poll (first at once, then every pollMs), page through imports and errors. */
async function bareBatch(body: string): Promise<number> {
  const created = await fetch(`${url}/v2/users/batch`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${API_KEY}`,
      "Content-Type": "application/json",
      "Idempotency-Key": randomUUID(),
    },
    body,
  });
  if (!created.ok) throw new Error(`POST /v2/users/batch: HTTP ${created.status}`);
  const job = encodeURIComponent(((await created.json()) as { job: { id: string } }).job.id);
  for (;;) {
    const status = await getJson<{ job: { status: string } }>(`/v2/users/batch/${job}`);
    if (status.job.status !== "PROCESSING") break;
    await sleep(pollMs);
  }
  let imported = 0;
  for (const list of ["imports", "errors"]) {
    let token: string | undefined;
    do {
      const query = token === undefined ? "" : `?page_token=${encodeURIComponent(token)}`;
      const page = await getJson<{ results?: unknown[]; next_page_token?: string }>(
        `/v2/users/batch/${job}/${list}${query}`,
      );
      if (list === "imports") imported += page.results?.length ?? 0;
      token = page.next_page_token === "" ? undefined : page.next_page_token;
    } while (token !== undefined);
  }
  return imported;
}

async function sdkImport(): Promise<number> {
  if (process.env["FS_API_HOST"] !== url || process.env["NODE_ENV"] !== "test") {
    throw new Error("the SDK reads its host from FS_API_HOST, and only when NODE_ENV is test");
  }
  // The SDK sends the key as the whole Authorization header.
  const fullstory = init({ apiKey: `Basic ${API_KEY}` });
  return pool(
    chunks,
    (requests) =>
      new Promise<number>((resolve, reject) => {
        const job = fullstory.users.batchCreate(
          // The SDK's own request type; the users are the same objects.
          { body: { requests: requests as BatchUserImportRequest[] } },
          { pollInterval: pollMs },
        );
        job.on("done", (imported, failed) => {
          if (failed.length > 0) reject(new Error(`${failed.length} users failed`));
          else resolve(imported.length);
        });
        job.on("abort", (errors) => reject(new Error(errors.map((e) => e.message).join("; "))));
        job.execute();
      }),
  );
}

async function oursImport(): Promise<number> {
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: url });
  const result = await importUsers(client, users, {
    chunkRecords,
    concurrency,
    pollIntervalMs: pollMs,
    maxPollIntervalMs: pollMs,
    keepOutcomes: "problems",
  });
  if (result.failed + result.rejected > 0) {
    throw new Error(
      `${result.failed} failed, ${result.rejected} rejected: ${JSON.stringify(result.outcomes.slice(0, 3))}`,
    );
  }
  return result.imported;
}

// The fetch loop gets its bodies ready before the clock starts.
const bodies = contender === "fetch" ? chunks.map((requests) => JSON.stringify({ requests })) : [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
const imported =
  contender === "ours"
    ? await oursImport()
    : contender === "sdk"
      ? await sdkImport()
      : await pool(bodies, bareBatch);
const durationMs = performance.now() - started;
if (imported !== records) throw new Error(`${contender}: ${imported} of ${records} imported`);
const cpu = process.cpuUsage(cpuBefore);
report({ contender, records, durationMs, imported, clientCpuMs: (cpu.user + cpu.system) / 1000 });
