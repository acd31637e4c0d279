// README "Client options" / "Retries": the `sleep` option replaces the client's waits (tests observe delays
// without waiting), and after a 429 "every call waits out the Retry-After, not only the one that got it".
// With a sleep that returns at once, a call whose own retry wait ended before the shared Retry-After pause must
// still go on once it has waited the rest, not wait the same few ms again and again for ever.
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const FS = HOSTS.fullstory;
const done = (id: string) => ({
  imports: 1,
  errors: 0,
  job: { id, status: "COMPLETED", created: "2026-01-01T00:00:00Z" },
});

/** Answers each job's first poll 429 with its own Retry-After, then 200. */
function rateLimited(retryAfter: Record<string, string>) {
  const seen = new Map<string, number>();
  server.use(
    http.get(`${FS}/v2/users/batch/:id`, ({ params }) => {
      const id = String(params.id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (seen.get(id)! > 1) return HttpResponse.json(done(id));
      return HttpResponse.json(
        { message: "slow down", code: "too_many_requests" },
        { status: 429, headers: { "Retry-After": retryAfter[id]! } },
      );
    }),
  );
}

it("two calls that met 429s with different Retry-After both finish with an instant sleep", async () => {
  rateLimited({ "job-a": "10", "job-b": "5" });
  const waits: number[] = [];
  const client = createFullStoryClient({
    apiKey: "na1.sleep-option-key",
    sleep: (ms) => {
      waits.push(ms);
      // Bounded, so a spinning call fails the test instead of filling memory.
      if (waits.length > 50)
        return Promise.reject(new Error(`still waiting: ${waits.slice(-5).join(", ")}`));
      return Promise.resolve();
    },
  });
  const poll = (id: string) => client.getBatchImportStatus({ params: { path: { job_id: id } } });
  const started = performance.now();
  const [a, b] = await Promise.all([poll("job-a"), poll("job-b")]);
  const tookMs = performance.now() - started;
  expect(
    a.ok && b.ok,
    JSON.stringify({ a: !a.ok && a.error.message, b: !b.ok && b.error.message }),
  ).toBe(true);
  // Each call waits its own Retry-After, and the one with the shorter one the rest of the shared pause; the
  // second to go after it a round trip of the 429 more (no rate measured yet), which took less than the test.
  expect(waits.length).toBeLessThanOrEqual(4);
  expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(
    10_000 + 10_000 + tookMs + 100,
  );
});
