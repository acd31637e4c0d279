// The retry, timeout and abort rules of the transport, seen through real clients and msw.
import { HttpResponse, delay, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import type { RetryEvent } from "../../src/core/http/transport.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const FS = HOSTS.fullstory;
const UP = HOSTS.userpilot;
const fsError = (status: number, code: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ message: code, code }, { status, headers });
const job = { id: "job-1", status: "PROCESSING", created: "2026-01-01T00:00:00Z" };
const status = { imports: 1, errors: 0, job: { ...job, status: "COMPLETED" } };

/** A client whose waits are recorded instead of slept. */
function fullstory(
  options: { maxRetries?: number; timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const delays: number[] = [];
  const client = createFullStoryClient({
    apiKey: "na1.transport-test-key",
    retryBaseDelayMs: 100,
    sleep: loggedSleep(delays),
    ...options,
  });
  return { client, delays };
}

function userpilot(options: { maxRetries?: number; timeoutMs?: number } = {}) {
  const delays: number[] = [];
  const client = createUserpilotClient({
    apiKey: "userpilot-transport-key",
    sleep: loggedSleep(delays),
    ...options,
  });
  return { client, delays };
}

/** Answers with `responses` in turn (the last one repeats), counting the requests. */
function sequence(
  method: "get" | "post",
  url: string,
  responses: (() => Response | Promise<Response>)[],
) {
  const seen: Request[] = [];
  server.use(
    http[method](url, ({ request }) => {
      seen.push(request.clone());
      return responses[Math.min(seen.length, responses.length) - 1]!();
    }),
  );
  return seen;
}

const getStatus = (client: ReturnType<typeof fullstory>["client"]) =>
  client.getBatchImportStatus({ params: { path: { job_id: "job-1" } } });

describe("retries of replay-safe requests (GET, or POST with an Idempotency-Key)", () => {
  it.each([408, 429, 500, 502, 503, 504])("retries HTTP %i and then succeeds", async (code) => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [
      () =>
        code === 408 ? new HttpResponse(null, { status: 408 }) : fsError(code, "server_error"),
      () => HttpResponse.json(status),
    ]);
    const { client } = fullstory();
    const result = await getStatus(client);
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it.each([400, 401, 403, 404])("never retries HTTP %i", async (code) => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [() => fsError(code, "nope")]);
    const { client } = fullstory();
    const result = await getStatus(client);
    expect(!result.ok && result.error.status).toBe(code);
    expect(seen).toHaveLength(1);
  });

  it("retries a network error, then gives up after maxRetries with the network variant", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [() => HttpResponse.error()]);
    const { client, delays } = fullstory({ maxRetries: 3 });
    const result = await getStatus(client);
    expect(!result.ok && result.error.status).toBe("network");
    expect(seen).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it("backs off exponentially with full jitter, within the ceiling", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [() => fsError(500, "server_error")]);
    const delays: number[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      maxRetries: 6,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 1000,
      sleep: loggedSleep(delays),
    });
    await getStatus(client);
    expect(delays).toHaveLength(6);
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** i));
    });
  });

  it("tells onRetry of each retry numbered from 1, with its reason and the wait before it", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(500, "server_error"),
      () => fsError(503, "server_error", { "Retry-After": "2" }),
      () => HttpResponse.json(status),
    ]);
    const delays: number[] = [];
    const events: RetryEvent[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      retryBaseDelayMs: 100,
      sleep: loggedSleep(delays),
      onRetry: (event) => events.push(event),
    });
    expect((await getStatus(client)).ok).toBe(true);
    expect(events.map(({ attempt, reason }) => ({ attempt, reason }))).toEqual([
      { attempt: 1, reason: "HTTP 500" },
      { attempt: 2, reason: "HTTP 503" },
    ]);
    expect(events.map((event) => event.delayMs)).toEqual(delays);
    expect(delays[1]).toBe(2000);
  });

  it("sends the same Idempotency-Key and the same body bytes on every attempt of a batch", async () => {
    const seen = sequence("post", `${FS}/v2/users/batch`, [
      () => fsError(500, "server_error"),
      () => HttpResponse.error(),
      () => fsError(429, "too_many_requests", { "Retry-After": "0" }),
      () => HttpResponse.json({ job }),
    ]);
    const { client } = fullstory();
    const users = [{ uid: "u-1", email: "a@example.com", properties: { plan: "pro", seats: 3 } }];
    const result = await client.createBatchImport({ body: { requests: users } });
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(4);
    const keys = seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Set(keys).size).toBe(1);
    const bodies = await Promise.all(seen.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ requests: users });
  });

  it("keeps the caller's Idempotency-Key, and gives each batch its own key otherwise", async () => {
    const seen = sequence("post", `${FS}/v2/users/batch`, [() => HttpResponse.json({ job })]);
    const { client } = fullstory();
    const body = { requests: [{ uid: "u-1" }] };
    await client.createBatchImport({ body, params: { header: { "Idempotency-Key": "my-key-1" } } });
    await client.createBatchImport({ body });
    await client.createBatchImport({ body });
    const keys = seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys[0]).toBe("my-key-1");
    expect(keys[1]).not.toBe(keys[2]);
  });
});

describe("retries of POSTs without an idempotency guarantee", () => {
  const accepted = () => HttpResponse.json({ job_id: "j:1", status: "queued" }, { status: 202 });
  const upError = (code: number) =>
    HttpResponse.json(
      { errors: [{ message: `HTTP ${code}` }] },
      { status: code, headers: { "Retry-After": "1" } },
    );
  const identify = (client: ReturnType<typeof userpilot>["client"]) =>
    client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });

  it.each([429, 503])("retries HTTP %i, which says the request was not processed", async (code) => {
    const seen = sequence("post", `${UP}/v1/users/bulk_identify`, [() => upError(code), accepted]);
    const { client } = userpilot();
    expect((await identify(client)).ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it.each([500, 502, 504, 408])(
    "does not retry HTTP %i, after which the job may exist",
    async (code) => {
      const seen = sequence("post", `${UP}/v1/users/bulk_identify`, [
        () => upError(code),
        accepted,
      ]);
      const { client } = userpilot();
      const result = await identify(client);
      expect(result.ok).toBe(false);
      expect(seen).toHaveLength(1);
    },
  );

  it("does not retry a connection lost after the request went out: the job may exist", async () => {
    const seen = sequence("post", `${UP}/v1/users/bulk_identify`, [
      () => HttpResponse.error(),
      accepted,
    ]);
    const { client } = userpilot();
    const result = await identify(client);
    expect(!result.ok && result.error.status).toBe("network");
    expect(seen).toHaveLength(1);
  });

  it("does not retry a timeout: the vendor may still be processing the request", async () => {
    const seen = sequence("post", `${UP}/v1/users/bulk_identify`, [
      async () => {
        await delay(300);
        return accepted();
      },
      accepted,
    ]);
    const { client } = userpilot({ timeoutMs: 50 });
    const result = await identify(client);
    expect(!result.ok && result.error.status).toBe("timeout");
    expect(!result.ok && result.error.message).toMatch(
      /not retried by the client: the request may have reached/,
    );
    expect(seen).toHaveLength(1);
  });

  it("does not retry when the response broke off after it had started", async () => {
    const seen = sequence("post", `${UP}/v1/users/bulk_identify`, [
      () =>
        new HttpResponse(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"job_id":'));
              controller.error(new Error("connection reset"));
            },
          }),
          { status: 202, headers: { "Content-Type": "application/json" } },
        ),
      accepted,
    ]);
    const { client } = userpilot();
    const result = await identify(client);
    expect(!result.ok && result.error.status).toBe("network");
    expect(seen).toHaveLength(1);
  });
});

describe("Retry-After", () => {
  it("is honoured in seconds", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(429, "too_many_requests", { "Retry-After": "7" }),
      () => HttpResponse.json(status),
    ]);
    const { client, delays } = fullstory();
    await getStatus(client);
    expect(delays).toEqual([7000]);
  });

  it("is honoured as an HTTP date", async () => {
    const at = new Date(Date.now() + 20_000);
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(503, "server_error", { "Retry-After": at.toUTCString() }),
      () => HttpResponse.json(status),
    ]);
    const { client, delays } = fullstory();
    await getStatus(client);
    expect(delays).toHaveLength(1);
    // HTTP dates have whole seconds.
    expect(delays[0]).toBeGreaterThan(18_000);
    expect(delays[0]).toBeLessThanOrEqual(20_000);
  });

  it("is capped by maxRetryAfterMs", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(429, "too_many_requests", { "Retry-After": "86400" }),
      () => HttpResponse.json(status),
    ]);
    const delays: number[] = [];
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      maxRetryAfterMs: 5000,
      sleep: loggedSleep(delays),
    });
    await getStatus(client);
    expect(delays).toEqual([5000]);
  });

  it("reaches the 429 variant as retryAfter seconds when retries run out", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(429, "too_many_requests", { "Retry-After": "12" }),
    ]);
    const { client } = fullstory({ maxRetries: 1 });
    const result = await getStatus(client);
    if (result.ok || result.error.status !== 429) throw new Error("expected the 429 variant");
    expect(result.error.retryAfter).toBe(12);
    expect(result.error.body.code).toBe("too_many_requests");
  });
});

describe("timeouts and aborts", () => {
  it("times out each attempt, retries, and ends with the timeout variant", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [
      async () => {
        await delay(2000);
        return HttpResponse.json(status);
      },
    ]);
    const { client } = fullstory({ timeoutMs: 30, maxRetries: 2 });
    const result = await getStatus(client);
    expect(!result.ok && result.error.status).toBe("timeout");
    expect(!result.ok && result.error.status === "timeout" && result.error.timeoutMs).toBe(30);
    expect(seen).toHaveLength(3);
  });

  it("recovers when a later attempt answers in time", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [
      async () => {
        await delay(2000);
        return HttpResponse.json(status);
      },
      () => HttpResponse.json(status),
    ]);
    const { client } = fullstory({ timeoutMs: 30 });
    expect((await getStatus(client)).ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it("aborts an in-flight call at once, without retrying", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [
      async () => {
        await delay(2000);
        return HttpResponse.json(status);
      },
    ]);
    const controller = new AbortController();
    const { client } = fullstory();
    setTimeout(() => controller.abort(), 20);
    const result = await client.getBatchImportStatus({
      params: { path: { job_id: "job-1" } },
      signal: controller.signal,
    });
    expect(!result.ok && result.error.status).toBe("aborted");
    expect(seen).toHaveLength(1);
  });

  it("aborts during a backoff wait", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => fsError(500, "server_error"),
    ]);
    const controller = new AbortController();
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      signal: controller.signal,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          // controller.abort() gives no reason, so the signal's reason is an AbortError DOMException.
          signal?.addEventListener("abort", () => reject(signal.reason as Error));
          controller.abort();
        }),
    });
    const result = await getStatus(client);
    expect(!result.ok && result.error.status).toBe("aborted");
    expect(seen).toHaveLength(1);
  });

  it("returns aborted without sending when the client's signal is already aborted", async () => {
    const seen = sequence("get", `${FS}/v2/users/batch/job-1`, [() => HttpResponse.json(status)]);
    const { client } = fullstory({ signal: AbortSignal.abort() });
    const result = await getStatus(client);
    expect(!result.ok && result.error.status).toBe("aborted");
    expect(seen).toHaveLength(0);
  });
});

describe("what a call aborted by the caller says of its request", () => {
  /** A FullStory client whose fetch counts its sends and does `onSend` with each. */
  function counting(onSend: () => Promise<Response>) {
    const retries: RetryEvent[] = [];
    let sends = 0;
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      sleep: () => Promise.resolve(),
      onRetry: (event) => retries.push(event),
      fetch: () => {
        sends += 1;
        return onSend();
      },
    });
    return { client, retries, sends: () => sends };
  }

  it("aborted while its request is out: it may have reached the vendor, and it is not retried", async () => {
    const controller = new AbortController();
    const { client, retries, sends } = counting(() => {
      controller.abort();
      return new Promise<Response>(() => {});
    });
    const result = await client.getBatchImportStatus({
      params: { path: { job_id: "job-1" } },
      signal: controller.signal,
    });
    expect(!result.ok && result.error.status).toBe("aborted");
    expect(!result.ok && result.error.cannotHaveArrived).toBeUndefined();
    expect(retries).toEqual([]);
    expect(sends()).toBe(1);
  });

  it("aborted before it began: a caller's fetch is never handed the request", async () => {
    const { client, sends } = counting(() => Promise.resolve(HttpResponse.json(status)));
    const result = await client.getBatchImportStatus({
      params: { path: { job_id: "job-1" } },
      signal: AbortSignal.abort(),
    });
    expect(!result.ok && result.error.status).toBe("aborted");
    expect(!result.ok && result.error.cannotHaveArrived).toBe(true);
    expect(sends()).toBe(0);
  });

  it("a caller's fetch that resolved to nothing: the request may have reached the vendor", async () => {
    // Plain JavaScript, typed loosely: the request may have gone out whatever the fetch handed back.
    const { client, sends } = counting(() => Promise.resolve(undefined as unknown as Response));
    const result = await client.getBatchImportStatus({
      params: { path: { job_id: "job-1" } },
      signal: new AbortController().signal,
    });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.cannotHaveArrived).toBeUndefined();
    expect(sends()).toBe(5);
  });
});

describe("a 3xx answer", () => {
  it("300 Multiple Choices is a redirect, not followed and not read, as 301 to 308 are", async () => {
    let sends = 0;
    const client = createFullStoryClient({
      apiKey: "na1.transport-test-key",
      fetch: () => {
        sends += 1;
        return Promise.resolve(
          HttpResponse.json(status, { status: 300, headers: { Location: "https://mirror.test/" } }),
        );
      },
    });
    const result = await getStatus(client);
    if (result.ok || result.error.status !== "redirect")
      throw new Error("expected the redirect variant");
    expect(result.error.httpStatus).toBe(300);
    expect(result.error.location).toBe("https://mirror.test/");
    expect(sends).toBe(1);
  });
});

describe("bodies that are not what the spec says", () => {
  it.each([
    [
      "an HTML error page",
      500,
      "text/html",
      "<html><body>Bad gateway</body></html>",
      /content type text\/html/,
    ],
    ["truncated JSON", 200, "application/json", '{"imports": 3, "job": {"id"', /not valid JSON/],
    ["a wrong content type", 200, "text/plain", JSON.stringify(status), /content type text\/plain/],
    [
      "a JSON body missing required fields",
      200,
      "application/json",
      '{"imports": 1}',
      /missing required field job$/,
    ],
    ["an empty body where one is documented", 400, "application/json", "", /empty body/],
  ])("%s is the malformed variant", async (_name, code, type, text, reason) => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => new HttpResponse(text, { status: code, headers: { "Content-Type": type } }),
    ]);
    const { client } = fullstory({ maxRetries: 0 });
    const result = await getStatus(client);
    if (result.ok || result.error.status !== "malformed")
      throw new Error("expected the malformed variant");
    expect(result.error.httpStatus).toBe(code);
    expect(result.error.reason).toMatch(reason);
    expect(result.error.bodyText).toBe(text.slice(0, 512));
  });

  it("an undocumented status is its own variant, with whatever body came", async () => {
    sequence("get", `${FS}/v2/users/batch/job-1`, [
      () => HttpResponse.json({ teapot: true }, { status: 418 }),
    ]);
    const { client } = fullstory();
    const result = await getStatus(client);
    if (result.ok || result.error.status !== "undocumented")
      throw new Error("expected the undocumented variant");
    expect(result.error.httpStatus).toBe(418);
    expect(result.error.body).toEqual({ teapot: true });
  });
});
