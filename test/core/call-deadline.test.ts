// A job's time bounds the calls that follow it, their retries included: a wait (Retry-After, backoff) that
// would end past it is not begun, a request still out then is cut off, and callWithin tells the time running
// out from the caller's abort. The adapters' own tests (FullStory, Userpilot) show the outcomes it gives.
import { describe, expect, it } from "vitest";
import { callWithin, carryDeadline, TIMED_OUT } from "../../src/core/http/deadline.js";
import { TransportFailure } from "../../src/core/http/failures.js";
import { createTransport } from "../../src/core/http/transport.js";

/** A transport whose fetch answers with `answer` (or never, until its signal aborts); waits are logged. */
function transportAnswering(answer?: () => Response) {
  const waits: number[] = [];
  let sends = 0;
  const transport = createTransport({
    fetch: (request) => {
      sends += 1;
      if (answer !== undefined) return Promise.resolve(answer());
      return new Promise<Response>((_resolve, reject) =>
        request.signal.addEventListener("abort", () => reject(request.signal.reason as Error)),
      );
    },
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    // Far past any deadline here: only the deadline can end a request that is never answered.
    timeoutMs: 600_000,
    rateLimit: false,
  });
  /** A GET under `signal`, its deadline carried to the Request as the client carries it; ok unless it fails. */
  const call = async (signal: AbortSignal) => {
    const request = new Request("https://vendor.test/v1/jobs/j1", { signal });
    carryDeadline(signal, request.signal);
    try {
      return { ok: true, response: await transport(request) } as const;
    } catch (error) {
      if (!(error instanceof TransportFailure)) throw error;
      return { ok: false, failure: error } as const;
    }
  };
  return { call, waits, sends: () => sends };
}

const tooMany = () => new Response(null, { status: 429, headers: { "Retry-After": "3600" } });

describe("calls within a deadline", () => {
  it("a 429 whose Retry-After ends past the deadline is not waited: the call times out at once", async () => {
    const { call, waits, sends } = transportAnswering(tooMany);
    const answer = await callWithin(new AbortController().signal, 60_000, call);
    expect(answer).toBe(TIMED_OUT);
    expect(waits).toEqual([]);
    expect(sends()).toBe(1);
  });

  it("a Retry-After within the deadline is waited, and the call's answer given as it is", async () => {
    let sent = 0;
    const { call, waits } = transportAnswering(() =>
      sent++ === 0 ? tooMany() : new Response(null, { status: 200 }),
    );
    const answer = await callWithin(new AbortController().signal, 7_200_000, call);
    expect(answer).toMatchObject({ ok: true, response: { status: 200 } });
    expect(waits).toEqual([120_000]); // Retry-After capped at maxRetryAfterMs
  });

  it("a request still out when the time is up is cut off then, however long its own timeout", async () => {
    const { call } = transportAnswering();
    expect(await callWithin(new AbortController().signal, 5, call)).toBe(TIMED_OUT);
  });

  it("the caller's abort is the caller's: the call's failure is given, not a timeout", async () => {
    const controller = new AbortController();
    const { call } = transportAnswering(() => {
      controller.abort();
      return tooMany();
    });
    const answer = await callWithin(controller.signal, 60_000, call);
    expect(answer).toMatchObject({ ok: false, failure: { kind: "aborted" } });
  });

  it("without a time given, the call is made under the caller's signal alone", async () => {
    const { call, waits } = transportAnswering(tooMany);
    const answer = await callWithin(new AbortController().signal, undefined, call);
    expect(answer).toMatchObject({ ok: true, response: { status: 429 } });
    expect(waits).toHaveLength(4);
  });
});
