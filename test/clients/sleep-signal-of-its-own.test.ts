// A client's `sleep` is handed a signal that aborts with the waiting call, so a call it makes (a report of
// the wait) can be given up on with it. It was the call's own Request signal, which carries the call's
// deadline (a job's follow-through time, see callWithin) and, for a shared token request, what finds the
// calls waiting for it: a call made with it took them along. Its 429's Retry-After of 60 s ended the waiting
// call's time of 10 s (`timedOut: a retry after HTTP 429 would wait 60 s`) though that call waited a short
// backoff, and the report itself was aborted. The signal is now one of its own.
import { describe, expect, it } from "vitest";
import { callWithin } from "../../src/core/http/deadline.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();

describe("a call a client's sleep makes with the signal it is handed", () => {
  it("is not held to the waiting call's deadline, nor does its wait end that call's time", async () => {
    let requests = 0;
    mountFullStory(server, {
      faults: {
        retryAfterSeconds: 60,
        script: ({ operation }) => {
          requests += 1;
          // The call's first try meets a 5xx (a short backoff); the report's, a 429 with Retry-After 60.
          if (operation === "getUser") return requests === 1 ? "5xx" : undefined;
          return operation === "getBatchImports" && requests === 2 ? "429" : undefined;
        },
      },
    });
    const audit = createFullStoryClient({ apiKey: API_KEY, sleep: () => Promise.resolve() });
    let reported: Promise<{ ok: boolean; error?: { status: unknown } }> | undefined;
    const client = createFullStoryClient({
      apiKey: API_KEY,
      // Reports each wait, given up on if the waiting call is, and waits for the report.
      sleep: async (_ms, signal) => {
        reported ??= audit.getBatchImports({
          params: { path: { job_id: "j1" } },
          ...(signal && { signal }),
        });
        await reported;
      },
    });
    const answer = await callWithin(new AbortController().signal, 10_000, (signal) =>
      client.getUser({ params: { path: { id: "u1" } }, signal }),
    );
    // Both are the vendor's answers (neither exists), after their own waits.
    expect(answer).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await reported).toMatchObject({ ok: false, error: { status: 404 } });
    expect(requests).toBe(4);
  });
});
