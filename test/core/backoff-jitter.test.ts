// The backoff between retries is full jitter (RetryOptions.baseDelayMs): each wait drawn uniformly up to its
// step's ceiling, so that clients failed together do not all come back at the same moment.
import { afterEach, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { loggedSleep } from "../support/logged-sleep.js";

afterEach(() => vi.restoreAllMocks());

it("each backoff is drawn from 0 up to its step's ceiling, not the ceiling itself", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0.25);
  const waits: number[] = [];
  const client = createFullStoryClient({
    apiKey: "na1.backoff-jitter-key",
    maxRetries: 4,
    retryBaseDelayMs: 1000,
    retryMaxDelayMs: 6000,
    sleep: loggedSleep(waits),
    fetch: () => Promise.resolve(new Response(null, { status: 503 })),
  });
  await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  // A quarter of 1, 2, 4, then 6 s (the ceiling), not the steps themselves.
  expect(waits).toEqual([250, 500, 1000, 1500]);
});
