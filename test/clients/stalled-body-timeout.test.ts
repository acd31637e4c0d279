// timeoutMs bounds one attempt "from sending to the last byte of the response", and the caller's signal stops a
// call at once. Both must hold whatever fetch the client sends with: msw (which the package's own testing
// entry point serves simulators through) and a caller's `fetch` option do not error a response body when the
// request's signal aborts, so a body that stalls mid-way must still end the attempt.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const STATUS_URL = `${HOSTS.fullstory}/v2/users/batch/job-1`;
const apiKey = "na1.stalled-body-test-key";

/** A 200 whose body sends its first bytes, then nothing more, ever. */
function stalledBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"imports": 1, "job": '));
    },
  });
  return new HttpResponse(body, { headers: { "Content-Type": "application/json" } });
}

/** The call's result, or "still waiting" once `ms` passed. */
async function within<T>(call: Promise<T>, ms: number): Promise<T | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still waiting">((resolve) => {
    timer = setTimeout(() => resolve("still waiting"), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a response body that stalls after its first bytes", () => {
  it("times the attempt out after timeoutMs (msw)", async () => {
    server.use(http.get(STATUS_URL, () => stalledBody()));
    const client = createFullStoryClient({ apiKey, timeoutMs: 100, maxRetries: 0 });
    const result = await within(
      client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } }),
      3000,
    );
    expect(result).toMatchObject({ ok: false, error: { status: "timeout", timeoutMs: 100 } });
  });

  it("stops at once when the caller's signal aborts (msw)", async () => {
    server.use(http.get(STATUS_URL, () => stalledBody()));
    const client = createFullStoryClient({ apiKey, maxRetries: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await within(
      client.getBatchImportStatus({
        params: { path: { job_id: "job-1" } },
        signal: controller.signal,
      }),
      3000,
    );
    expect(result).toMatchObject({ ok: false, error: { status: "aborted" } });
  });

  it("times out through a caller's fetch that does not pass the signal on", async () => {
    server.use(http.get(STATUS_URL, () => stalledBody()));
    const client = createFullStoryClient({
      apiKey,
      timeoutMs: 100,
      maxRetries: 0,
      fetch: (request) => fetch(request.url, { headers: request.headers }),
    });
    const result = await within(
      client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } }),
      3000,
    );
    expect(result).toMatchObject({ ok: false, error: { status: "timeout" } });
  });
});

describe("a caller's fetch that never answers and ignores the signal", () => {
  it("times the attempt out after timeoutMs", async () => {
    const client = createFullStoryClient({
      apiKey,
      timeoutMs: 100,
      maxRetries: 0,
      fetch: () => new Promise<Response>(() => {}),
    });
    const result = await within(
      client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } }),
      3000,
    );
    expect(result).toMatchObject({ ok: false, error: { status: "timeout", timeoutMs: 100 } });
  });
});
