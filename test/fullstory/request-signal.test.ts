// One long-lived signal (an import's run signal) passed to every request must not collect a listener per
// request: past 1,500 Node warns MaxListenersExceededWarning, and memory grows with the number of requests.
import { getEventListeners } from "node:events";
import { delay, http, HttpResponse } from "msw";
import { afterEach, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

const statusUrl = `${HOSTS.fullstory}/v2/users/batch/:jobId`;
const processing = () =>
  HttpResponse.json({
    imports: 0,
    job: { id: "job-1", status: "PROCESSING", created: "2026-01-01T00:00:00.000Z" },
  });
const statusOf = (client: ReturnType<typeof createFullStoryClient>, signal: AbortSignal) =>
  client.getBatchImportStatus({ params: { path: { job_id: "job-1" } }, signal });

it("makes thousands of requests under one signal without piling listeners on it", async () => {
  process.on("warning", onWarning);
  server.use(http.get(statusUrl, processing));
  const client = createFullStoryClient({ apiKey: "na1.signal-test-key" });
  const run = new AbortController();

  for (let i = 0; i < 2_000; i++) {
    const result = await statusOf(client, run.signal);
    expect(result.ok).toBe(true);
  }
  // Node emits the warning on a later tick.
  await new Promise((resolve) => setImmediate(resolve));

  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  // 2,000 requests take 2 s alone, and more than the default 20 s on a machine busy with other suites.
}, 60_000);

it("still aborts a request in flight when the signal aborts", async () => {
  server.use(http.get(statusUrl, async () => delay("infinite")));
  const client = createFullStoryClient({ apiKey: "na1.signal-test-key", maxRetries: 0 });
  const run = new AbortController();

  const pending = statusOf(client, run.signal);
  await new Promise((resolve) => setImmediate(resolve));
  expect(getEventListeners(run.signal, "abort")).toHaveLength(1);
  run.abort();
  const result = await pending;

  expect(result.ok).toBe(false);
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});
