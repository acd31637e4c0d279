// README "Retries": "A `Retry-After` header (in seconds or as an HTTP date; sent twice, the longer delay it
// can read) replaces the backoff". A header a vendor or proxy sent twice reaches fetch joined by ", ".
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const FS = HOSTS.fullstory;
const status = {
  imports: 1,
  errors: 0,
  job: { id: "job-1", status: "COMPLETED", created: "2026-01-01T00:00:00Z" },
};

function answer429Then200(retryAfter: string[]) {
  let seen = 0;
  server.use(
    http.get(`${FS}/v2/users/batch/job-1`, () => {
      seen += 1;
      if (seen > 1) return HttpResponse.json(status);
      const headers = new Headers({ "content-type": "application/json" });
      for (const value of retryAfter) headers.append("Retry-After", value);
      return new HttpResponse(JSON.stringify({ message: "slow down", code: "too_many_requests" }), {
        status: 429,
        headers,
      });
    }),
  );
}

it("an HTTP-date Retry-After sent twice is waited out (the longer of the two), not replaced by the backoff", async () => {
  const near = new Date(Date.now() + 20_000).toUTCString();
  const far = new Date(Date.now() + 60_000).toUTCString();
  answer429Then200([near, far]);
  const delays: number[] = [];
  const client = createFullStoryClient({
    apiKey: "na1.retry-after-twice",
    retryBaseDelayMs: 100,
    sleep: loggedSleep(delays),
  });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  expect(result.ok).toBe(true);
  // The call's own wait, then at most what the shared limiter's pause (set a few ms apart) adds.
  expect(delays[0]).toBeGreaterThan(58_000);
  expect(delays[0]).toBeLessThanOrEqual(60_000);
  expect(delays.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(60_050);
});

it("a Retry-After sent twice, a proxy's unreadable -1 beside the vendor's 5: 5 s waited, not the backoff", async () => {
  answer429Then200(["5", "-1"]);
  const delays: number[] = [];
  const client = createFullStoryClient({
    apiKey: "na1.retry-after-twice",
    retryBaseDelayMs: 100,
    sleep: loggedSleep(delays),
  });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  expect(result.ok).toBe(true);
  // The backoff would have waited at most 100 ms; then at most what the shared limiter's pause adds.
  expect(delays[0]).toBe(5_000);
  expect(delays.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(5_050);
});

it("a 429's retryAfter reads an HTTP-date Retry-After sent twice", async () => {
  const at = new Date(Date.now() + 30_000).toUTCString();
  answer429Then200([at, at]);
  const client = createFullStoryClient({ apiKey: "na1.retry-after-twice", maxRetries: 0 });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  if (result.ok || result.error.status !== 429) throw new Error("expected the 429 variant");
  expect(result.error.retryAfter).toBeGreaterThanOrEqual(29);
  expect(result.error.retryAfter).toBeLessThanOrEqual(30);
});

it("a 429's retryAfter counts an HTTP-date Retry-After from the answer's own Date, as the waits do", async () => {
  // Our clock an hour behind the vendor's: from our clock the date would be an hour and 5 s away.
  const vendorNow = Date.now() + 3_600_000;
  const date = new Date(vendorNow).toUTCString();
  const at = new Date(vendorNow + 5_000).toUTCString();
  server.use(
    http.get(`${FS}/v2/users/batch/job-1`, () =>
      HttpResponse.json(
        { message: "slow down", code: "too_many_requests" },
        { status: 429, headers: { "Retry-After": at, Date: date } },
      ),
    ),
  );
  const client = createFullStoryClient({ apiKey: "na1.retry-after-twice", maxRetries: 0 });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  if (result.ok || result.error.status !== 429) throw new Error("expected the 429 variant");
  expect(result.error.retryAfter).toBe(5);
});

it("a 429's retryAfter too large to be a number of seconds is unreadable (undefined), not Infinity", async () => {
  answer429Then200(["9".repeat(400)]);
  const client = createFullStoryClient({ apiKey: "na1.retry-after-twice", maxRetries: 0 });
  const result = await client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });
  if (result.ok || result.error.status !== 429) throw new Error("expected the 429 variant");
  // setTimeout(Infinity) fires at once: a caller waiting "retryAfter" seconds would hammer the vendor.
  expect(result.error.retryAfter).toBeUndefined();
});
