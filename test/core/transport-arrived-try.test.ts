// A call retried after a try that may have reached the vendor (a 502: the vendor may have acted, its answer
// lost) and then turned away (503) must still say so of its last answer: a 503 alone says nothing was
// written, and the report would say the vendor holds none of the records the 502's try may have written.
import { describe, expect, it } from "vitest";
import { TransportFailure } from "../../src/core/http/failures.js";
import { answersAfterArrivedTry, createTransport } from "../../src/core/http/transport.js";

/** A transport whose fetch answers `statuses` in turn, retrying without waiting. */
function answering(statuses: number[]) {
  const seen: number[] = [];
  const transport = createTransport({
    fetch: () => {
      const status = statuses[seen.length] ?? 503;
      seen.push(status);
      return Promise.resolve(new Response(null, { status }));
    },
    sleep: () => Promise.resolve(),
    retry: { maxRetries: 2 },
    rateLimit: false,
  });
  // A PUT: replay-safe, so the 502 is retried.
  const call = () =>
    transport(new Request("https://vendor.test/v1/users/u1", { method: "PUT", body: "{}" }));
  return { seen, call };
}

describe("a call's later tries after one that may have arrived", () => {
  it("a 502 then 503s: the last 503 still answers a call an earlier try of which may have arrived", async () => {
    const { seen, call } = answering([502, 503, 503]);
    const response = await call();
    expect(seen).toEqual([502, 503, 503]);
    expect(response.status).toBe(503);
    expect(answersAfterArrivedTry(response)).toBe(true);
  });

  it.each([500, 504])(
    "a %i then 503s: the last 503 answers a call an earlier try of which may have arrived",
    async (first) => {
      const { seen, call } = answering([first, 503, 503]);
      const response = await call();
      expect(seen).toEqual([first, 503, 503]);
      expect(answersAfterArrivedTry(response)).toBe(true);
    },
  );

  it("503s alone: nothing may have arrived", async () => {
    const { call } = answering([503, 503, 503]);
    expect(answersAfterArrivedTry(await call())).toBe(false);
  });
});

describe("a caller that aborts a call after a try that may have arrived", () => {
  /** A PUT answered 502, then `sleep` for the wait before the retry; what the call rejects with. */
  async function abortedAfter502(sleep: (controller: AbortController) => Promise<void>) {
    const controller = new AbortController();
    let sends = 0;
    const transport = createTransport({
      fetch: () => {
        sends += 1;
        return Promise.resolve(new Response(null, { status: 502 }));
      },
      sleep: () => sleep(controller),
      signal: controller.signal,
      rateLimit: false,
    });
    const request = new Request("https://vendor.test/v1/users/u1", { method: "PUT", body: "{}" });
    const error: unknown = await transport(request).catch((e: unknown) => e);
    expect(sends).toBe(1);
    expect(error).toBeInstanceOf(TransportFailure);
    return error as TransportFailure;
  }

  it("during the wait before the retry: the failure says the request may have arrived", async () => {
    const failure = await abortedAfter502((controller) => {
      controller.abort();
      return Promise.reject(new Error("the wait was aborted"));
    });
    expect(failure).toMatchObject({ kind: "aborted", mayHaveArrived: true });
  });

  it("as the wait ends: the failure says the request may have arrived", async () => {
    const failure = await abortedAfter502((controller) => {
      controller.abort();
      return Promise.resolve();
    });
    expect(failure).toMatchObject({ kind: "aborted", mayHaveArrived: true });
  });

  it("a caller's sleep that fails without an abort fails the call with its own error", async () => {
    const broken = new Error("the caller's sleep broke");
    const transport = createTransport({
      fetch: () => Promise.resolve(new Response(null, { status: 503 })),
      sleep: () => Promise.reject(broken),
      rateLimit: false,
    });
    const request = new Request("https://vendor.test/v1/users", { method: "POST", body: "{}" });
    await expect(transport(request)).rejects.toBe(broken);
  });
});
