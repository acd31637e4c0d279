// `client.raw` calls under one long-lived signal (a run's, a worker's) must leave no listener on it per call:
// openapi-fetch builds a Request with the caller's signal, and the listener undici hangs on it goes only with
// garbage collection, so a loop of raw calls hits MaxListenersExceededWarning at 1,500 and keeps growing.
import { getEventListeners } from "node:events";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";

const job = { id: "job-1", status: "PROCESSING", created: "2026-01-01T00:00:00.000Z" };

function clientAnswering(answer: (request: Request) => Promise<Response>) {
  return createFullStoryClient({ apiKey: "na1.raw-signal-key", maxRetries: 0, fetch: answer });
}

it("leaves no listener on the caller's signal once raw calls have settled", async () => {
  const client = clientAnswering(() => Promise.resolve(Response.json({ imports: 0, job })));
  const run = new AbortController();

  for (let i = 0; i < 50; i++) {
    const { data } = await client.raw.GET("/v2/users/batch/{job_id}", {
      params: { path: { job_id: job.id } },
      signal: run.signal,
    });
    expect(data?.job.id).toBe(job.id);
  }

  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});

it("still aborts a raw call in flight when the caller's signal aborts", async () => {
  const client = clientAnswering(
    (request) =>
      new Promise((_resolve, reject) =>
        request.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      ),
  );
  const run = new AbortController();

  const pending = client.raw.GET("/v2/users/batch/{job_id}", {
    params: { path: { job_id: job.id } },
    signal: run.signal,
  });
  await new Promise((resolve) => setImmediate(resolve));
  run.abort();

  await expect(pending).rejects.toMatchObject({ status: "aborted" });
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});
