// A job's time bounds the calls that follow it, their retries included: a wait (Retry-After, backoff) that
// would end past it is not begun, a try under way is let finish (a call with no time left still asks once),
// and callWithin tells the time running out from the caller's abort. The adapters' own tests (FullStory,
// Userpilot) show the outcomes it gives.
import { getEventListeners } from "node:events";
import { setTimeout } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { callWithin, carryDeadline } from "../../src/core/http/deadline.js";
import { TransportFailure } from "../../src/core/http/failures.js";
import { createTransport, type TransportOptions } from "../../src/core/http/transport.js";

/** A transport whose fetch answers with `answer`; the waits it asks for are logged, not waited. */
function transportAnswering(
  answer: () => Response | Promise<Response>,
  options: TransportOptions = {},
) {
  const waits: number[] = [];
  let sends = 0;
  const transport = createTransport({
    fetch: () => {
      sends += 1;
      return Promise.resolve(answer());
    },
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    rateLimit: false,
    ...options,
  });
  /** A GET under `signal`, its deadline carried to the Request as the client does; ok unless it fails. */
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
    // What would have outlasted the time, for the reason of the records the call leaves unsettled.
    expect(answer).toEqual({ timedOut: "a retry after HTTP 429 would wait 2 min" });
    expect(waits).toEqual([]);
    expect(sends()).toBe(1);
  });

  it("a wait under a second past the deadline is named in ms, not as 0 s", async () => {
    const { call } = transportAnswering(
      () => new Response(null, { status: 429, headers: { "Retry-After": "0.4" } }),
    );
    const answer = await callWithin(new AbortController().signal, 100, call);
    // Before: "would wait 0 s", a wait that could not have outlasted anything.
    expect(answer).toEqual({ timedOut: "a retry after HTTP 429 would wait 400 ms" });
  });

  it("counts the waits a sleep that returns at once asked for: Retry-Afters that add up past it end the call", async () => {
    // Two of 25 s fit in the minute; a third would end at 75 s, past it, however little time really passed.
    const { call, waits, sends } = transportAnswering(
      () => new Response(null, { status: 429, headers: { "Retry-After": "25" } }),
    );
    const answer = await callWithin(new AbortController().signal, 60_000, call);
    expect(answer).toEqual({ timedOut: "a retry after HTTP 429 would wait 25 s" });
    expect(waits).toEqual([25_000, 25_000]);
    expect(sends()).toBe(3);
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

  it("a Retry-After that ends exactly at the deadline is waited: it does not end past it", async () => {
    // The monotonic clock held still, so the wait ends at the deadline to the ms.
    const now = vi.spyOn(performance, "now").mockReturnValue(1_000);
    try {
      let sent = 0;
      const { call, waits } = transportAnswering(() =>
        sent++ === 0
          ? new Response(null, { status: 429, headers: { "Retry-After": "60" } })
          : new Response(null, { status: 200 }),
      );
      const answer = await callWithin(new AbortController().signal, 60_000, call);
      expect(answer).toMatchObject({ ok: true, response: { status: 200 } });
      expect(waits).toEqual([60_000]);
    } finally {
      now.mockRestore();
    }
  });

  it("a call with no time left still asks once, and its answer is taken however late it comes", async () => {
    // A replay of a job that spent its time, or a result page read as the time runs out: the job may have
    // ended, and only this answer can tell. A request takes some time; the deadline must not cut it short.
    const { call, sends } = transportAnswering(async () => {
      await setTimeout(5);
      return new Response(null, { status: 200 });
    });
    for (const ms of [0, -500, 1])
      expect(await callWithin(new AbortController().signal, ms, call)).toMatchObject({
        ok: true,
        response: { status: 200 },
      });
    expect(sends()).toBe(3);
  });

  it("a call with no time left is not tried again after a failure: its backoff would end past the time", async () => {
    const { call, waits, sends } = transportAnswering(() => new Response(null, { status: 503 }));
    expect(await callWithin(new AbortController().signal, 0, call)).toEqual({
      timedOut: expect.stringMatching(/^a retry after HTTP 503 would wait /) as unknown,
    });
    expect(waits).toEqual([]);
    expect(sends()).toBe(1);
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

  it("the client's own signal, aborted as a wait past the deadline is asked for, is an abort too", async () => {
    const client = new AbortController();
    const { call } = transportAnswering(tooMany, {
      signal: client.signal,
      onRetry: () => client.abort(),
    });
    const answer = await callWithin(new AbortController().signal, 60_000, call);
    expect(answer).toMatchObject({ ok: false, failure: { kind: "aborted" } });
  });

  it("leaves no listener on the caller's signal once the call is over, however it ended", async () => {
    // A job's signal lives as long as the import, which makes a call within its time for every poll.
    const signal = new AbortController().signal;
    const { call } = transportAnswering(tooMany);
    for (const ms of [60_000, 7_200_000]) await callWithin(signal, ms, call);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("without a time given, the call is made under the caller's signal alone", async () => {
    const { call, waits } = transportAnswering(tooMany);
    const answer = await callWithin(new AbortController().signal, undefined, call);
    expect(answer).toMatchObject({ ok: true, response: { status: 429 } });
    expect(waits).toHaveLength(4);
  });
});
