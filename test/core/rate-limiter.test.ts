// The client's shared rate limiter: how it lowers the request rate on a 429, waits out Retry-After for every
// request, and raises the rate again while answers are good; on an injected clock.
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/core/http/rate-limiter.js";
import { createTransport } from "../../src/core/http/transport.js";
import { loggedSleep } from "../support/logged-sleep.js";

function limiter() {
  const clock = { now: 0 };
  return { clock, limiter: new RateLimiter({ now: () => clock.now }) };
}

/** `n` answers with `status`, one request at a time, each taking `everyMs`. */
function goodAnswers(
  l: RateLimiter,
  clock: { now: number },
  n: number,
  everyMs: number,
  status: (i: number) => number | undefined = () => 200,
) {
  for (let i = 0; i < n; i++) {
    const { slot } = l.reserve();
    clock.now += everyMs;
    l.answered(slot, status(i));
  }
}

describe("RateLimiter", () => {
  it("is not ratcheted down to a crawl by 429s that come whatever the rate (one answer in 20)", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10); // 100 a second, then the vendor's sporadic 429s begin
    for (let answer = 0; answer < 4_000; answer++) {
      const turn = l.reserve(clock.now);
      clock.now += Math.max(turn.waitMs, 10);
      l.answered(turn.slot, answer % 20 === 19 ? 429 : 200);
    }
    // Each drop is measured at the rate the last one left: without a floor, 200 drops end near 0.1 a second.
    expect(l.requestsPerSecond).toBeGreaterThanOrEqual(0.45 * 95);
  });

  it("is not ratcheted down to a crawl by frequent 429s either (one answer in 8)", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    for (let answer = 0; answer < 4_000; answer++) {
      const turn = l.reserve(clock.now);
      clock.now += Math.max(turn.waitMs, 10);
      l.answered(turn.slot, answer % 8 === 7 ? 429 : 200);
    }
    expect(l.requestsPerSecond).toBeGreaterThanOrEqual(0.45 * 95);
  });

  it("limits nothing until the vendor answers 429", () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 100; i++) expect(l.reserve().waitMs).toBe(0);
    expect(l.requestsPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  it("on a 429, drops to just under the rate at which good answers came", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10); // 100 a second
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(95, 0);
    l.reserve();
    expect(l.reserve().waitMs).toBeCloseTo(1000 / 95, 0);
  });

  it("measures the pace with the 5xx answers and the requests that got no answer, which ask for no slowing", () => {
    const { limiter: l, clock } = limiter();
    // 100 requests a second; one in five fails with a 503, one in five gets no answer.
    goodAnswers(l, clock, 50, 10, (i) => [200, 503, 200, undefined, 200][i % 5]);
    l.answered(l.reserve().slot, 429);
    // Good answers alone came at 60 a second: the rate would drop to 57.
    expect(l.requestsPerSecond).toBeCloseTo(95, 0);
  });

  it("measures the pace over the time a request was out, not while the client sent nothing", () => {
    const { limiter: l, clock } = limiter();
    for (let burst = 0; burst < 5; burst++) {
      goodAnswers(l, clock, 10, 10); // 100 a second…
      clock.now += 1_000; // …then a second with nothing to send (the client's own backoff, say)
    }
    l.answered(l.reserve().slot, 429);
    // Over the wall clock the same answers came at about 9 a second.
    expect(l.requestsPerSecond).toBeCloseTo(95, 0);
  });

  it("takes a pace measured from a few turns as no ceiling: it climbs back quickly from a drop that went too far", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10); // 100 a second
    l.answered(l.reserve().slot, 429); // the ceiling: 100 a second
    goodAnswers(l, clock, 5, 50); // five slow answers say 20 a second…
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(19, 0);
    goodAnswers(l, clock, 300, 10); // …but three seconds of good answers follow
    // Taken for a ceiling, 20 a second would be probed past at 0.3% a second: about 19.7 by now.
    expect(l.requestsPerSecond).toBeGreaterThan(21);
  });

  it("gives back a turn never sent only as far as the turns still due: requests keep their spacing", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    const spacing = 1000 / l.requestsPerSecond;
    const turns = [l.reserve(), l.reserve(), l.reserve()];
    for (const [i, turn] of turns.entries()) expect(turn.waitMs).toBeCloseTo(i * spacing);
    // The second's caller gave up: the third still goes at its time, and the next turn after it.
    l.giveBack(turns[1]!.slot);
    expect(l.reserve().waitMs).toBeCloseTo(3 * spacing);
  });

  it("makes every request wait out a Retry-After, not only the one that got it", () => {
    const { limiter: l, clock } = limiter();
    const inFlight = l.reserve();
    l.answered(inFlight.slot, 429, 2_000);
    expect(l.reserve().waitMs).toBe(2_000);
    expect(l.pending(0)).toBe(2_000);
    expect(l.pending(clock.now + 2_000)).toBe(0);
  });

  it("keeps the longer pause when a shorter Retry-After comes in it: no request goes before its end", () => {
    const { limiter: l } = limiter();
    const first = l.reserve();
    const second = l.reserve();
    l.answered(first.slot, 429, 10_000);
    l.answered(second.slot, 429, 1_000);
    expect(l.reserve().waitMs).toBe(10_000);
    expect(l.pending(0)).toBe(10_000);
  });

  it("raises the rate by at most a second's recovery after a long quiet spell, not by all of it", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    const lowered = l.requestsPerSecond;
    clock.now += 60_000; // a minute in which the client sent nothing (reading its input, say)
    l.answered(l.reserve().slot, 200);
    // Counted as a minute of good answers, the rate would quadruple and the next requests meet 429s.
    expect(l.requestsPerSecond).toBeLessThanOrEqual(lowered * 1.05 + 1e-9);
    expect(l.requestsPerSecond).toBeGreaterThan(lowered);
  });

  it("lowers the rate once for the 429s of requests sent before it was lowered", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    const early = [l.reserve(), l.reserve(), l.reserve()];
    for (const turn of early) l.answered(turn.slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(95, 0);
  });

  it("lowers the rate again for a 429 to a request sent after it was lowered, the first one included", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(95, 0);
    // The first turn handed out at the lowered rate: its 429 says that rate is still too fast.
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(95 * 0.95, 0);
  });

  it("does not raise the rate while the vendor fails: 5xx answers and lost ones leave it where it is", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    const lowered = l.requestsPerSecond;
    goodAnswers(l, clock, 100, 20, (i) => [500, 502, 503, undefined][i % 4]); // two seconds of them
    expect(l.requestsPerSecond).toBe(lowered);
  });

  it("measures the pace at a 429 over the last 64 turns only, not over slower ones long before", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 100, 100); // 10 a second…
    goodAnswers(l, clock, 64, 20); // …then 50 a second
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(47.5, 1);
  });

  it("never drops below one request in ten seconds, whatever pace the vendor took", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 10, 50_000); // one answer in 50 s
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBe(0.1);
  });

  it("takes a pace measured from fewer than four turns as none: a 429 just after a drop lowers by backoff alone", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    const lowered = l.requestsPerSecond;
    goodAnswers(l, clock, 3, 100); // three slow answers (each raising the rate by 0.5%): 10 a second
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(lowered * 1.005 ** 3 * 0.95, 6);
  });

  it("never raises the rate on a 429, even when the turns before it came faster than the rate", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    goodAnswers(l, clock, 20, 1); // turns taken at once, their waits not kept: 1,000 a second
    const before = l.requestsPerSecond;
    l.answered(l.reserve().slot, 429);
    expect(l.requestsPerSecond).toBeCloseTo(before * 0.95, 6);
  });

  it("takes no pace above the rate it sent at for the limit: answers that bunched are no faster vendor", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10); // the 429 comes at 100 a second; the rate drops to 95
    l.answered(l.reserve().slot, 429);
    goodAnswers(l, clock, 20, 1); // turns taken at once, their waits not kept: 1,000 a second
    l.answered(l.reserve().slot, 429);
    const lowered = l.requestsPerSecond;
    goodAnswers(l, clock, 1, 1_000); // a second of recovery, at 5%: under 98% of the 95 the 429 came at
    goodAnswers(l, clock, 1, 1_000); // then past it, probed at 0.3% a second
    expect(l.requestsPerSecond).toBeCloseTo(lowered * 1.05 * 1.003, 6);
  });

  it("counts the recovery after a drop from the drop, not from the last raise before it", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    const lowered = l.requestsPerSecond;
    goodAnswers(l, clock, 1, 10);
    // 10 ms of good answers: 5% a second of recovery for a hundredth of a second.
    expect(l.requestsPerSecond).toBeCloseTo(lowered * 1.0005, 6);
  });

  it("probes slowly once the rate is within 2% of where the last 429 came", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10); // the 429 comes at 100 a second; the rate drops to 95
    l.answered(l.reserve().slot, 429);
    goodAnswers(l, clock, 1, 700); // 0.7 s of recovery: 98.3 a second
    const near = l.requestsPerSecond;
    expect(near).toBeGreaterThan(98);
    goodAnswers(l, clock, 1, 1_000); // a second more, at 0.3% a second
    expect(l.requestsPerSecond).toBeCloseTo(near * 1.003, 6);
  });

  it("raises the rate again while answers are good: quickly back towards the limit, then slowly past it", () => {
    const { limiter: l, clock } = limiter();
    goodAnswers(l, clock, 50, 10);
    l.answered(l.reserve().slot, 429);
    goodAnswers(l, clock, 10, 100); // one second of good answers
    const recovered = l.requestsPerSecond;
    expect(recovered).toBeGreaterThan(0.98 * 100);
    goodAnswers(l, clock, 100, 10); // another second, now near the rate where the 429 came
    expect(l.requestsPerSecond / recovered).toBeLessThan(1.01);
    expect(l.requestsPerSecond).toBeGreaterThan(recovered);
  });
});

/** A fetch that answers its first request 429 with `Retry-After: 3`, and every later one 200. */
function limitedOnce(): () => Promise<Response> {
  let calls = 0;
  return () =>
    Promise.resolve(
      ++calls === 1
        ? new Response(null, { status: 429, headers: { "retry-after": "3" } })
        : new Response("{}", { status: 200 }),
    );
}

describe("createTransport's limiter", () => {
  it("holds back the client's other requests while a Retry-After runs", async () => {
    const slept: number[] = [];
    const transport = createTransport({
      sleep: loggedSleep(slept),
      fetch: limitedOnce(),
    });
    await transport(new Request("http://127.0.0.1/a"));
    // The retry waited the 3 s itself; a second request of the same client waits what is left of it.
    expect(slept).toEqual([3_000]);
    await transport(new Request("http://127.0.0.1/b"));
    expect(slept).toHaveLength(2);
    expect(slept[1]).toBeGreaterThan(2_900);
  });

  it("makes a request that waited for its turn wait out a Retry-After answered meanwhile too", async () => {
    // On the limiter's clock: x is answered 429 with a Retry-After of 10 s at 0; a waits for its turn, and
    // while it does, b (sent before x) is answered 429 with one of 30 s, at 10 s.
    let clock = 0;
    const log: string[] = [];
    let answerB: (response: Response) => void = () => {};
    const transport = createTransport({
      rateLimit: { now: () => clock },
      retry: { maxRetries: 0 },
      fetch: (request) => {
        const path = new URL(request.url).pathname;
        log.push(`send ${path}`);
        if (path === "/b") return new Promise<Response>((resolve) => (answerB = resolve));
        if (path === "/x")
          return Promise.resolve(
            new Response(null, { status: 429, headers: { "retry-after": "10" } }),
          );
        return Promise.resolve(new Response("{}", { status: 200 }));
      },
      sleep: async (ms) => {
        log.push(`wait ${ms}`);
        clock += ms;
        if (ms === 10_000) {
          answerB(new Response(null, { status: 429, headers: { "retry-after": "30" } }));
          await b;
        }
      },
    });
    const b = transport(new Request("http://127.0.0.1/b"));
    await transport(new Request("http://127.0.0.1/x"));
    await transport(new Request("http://127.0.0.1/a"));
    // Before, a went out as its own wait ended, 30 s into the wait the vendor asked every request for.
    expect(log).toEqual(["send /b", "send /x", "wait 10000", "wait 30000", "send /a"]);
  });

  it("is off with rateLimit: false", async () => {
    const slept: number[] = [];
    const transport = createTransport({
      rateLimit: false,
      sleep: loggedSleep(slept),
      fetch: limitedOnce(),
    });
    await transport(new Request("http://127.0.0.1/a"));
    await transport(new Request("http://127.0.0.1/b"));
    expect(slept).toEqual([3_000]);
  });
});

describe("a caller that gives up on its requests while they wait for their turns", () => {
  it("gives their turns back: the client's other callers do not wait for requests that never went", async () => {
    // The limiter's clock: the vendor took a request a second, then answered 429 (now about one in 1.05 s).
    let clock = 0;
    let holding = false;
    const slept: number[] = [];
    const transport = createTransport({
      rateLimit: { now: () => clock },
      retry: { maxRetries: 0 },
      fetch: (request) => {
        const path = new URL(request.url).pathname;
        if (path === "/a") clock += 1_000;
        return Promise.resolve(new Response(null, { status: path === "/limited" ? 429 : 200 }));
      },
      // While `holding`, a wait for a turn lasts until its caller gives up (the transport ends it then).
      sleep: (ms) => {
        slept.push(ms);
        return holding ? new Promise<void>(() => {}) : Promise.resolve();
      },
    });
    for (let i = 0; i < 20; i++) await transport(new Request("http://127.0.0.1/a"));
    await transport(new Request("http://127.0.0.1/limited"));
    const spacing = 1_000 / 0.95;
    // An import sends four requests at once and stops: the first went, the other three waited their turns.
    holding = true;
    const stop = new AbortController();
    const stopped = Array.from({ length: 4 }, () =>
      transport(new Request("http://127.0.0.1/stopped", { signal: stop.signal })).then(
        () => "answered",
        () => "gave up",
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(slept.map(Math.round)).toEqual([1, 2, 3].map((turn) => Math.round(turn * spacing)));
    stop.abort();
    expect(await Promise.all(stopped)).toEqual(["answered", "gave up", "gave up", "gave up"]);
    // Another import's request goes a turn after the one that went, not after the three that never did.
    holding = false;
    await transport(new Request("http://127.0.0.1/b"));
    expect(slept.at(-1)).toBeCloseTo(spacing, 0);
  });
});

describe("requests waiting for their turns when a 429 with a Retry-After comes", () => {
  it("go spaced at the lowered rate from the pause's end, not all at once as it ends", async () => {
    // On a virtual clock: each sleep ends at its time, the earliest first, and moves the clock there.
    let clock = 0;
    const sleepers: { at: number; wake: () => void }[] = [];
    const sent: { path: string; at: number }[] = [];
    let answerFirst: (response: Response) => void = () => {};
    const transport = createTransport({
      rateLimit: { now: () => clock },
      retry: { maxRetries: 0 },
      fetch: (request) => {
        const path = new URL(request.url).pathname;
        sent.push({ path, at: clock });
        if (path === "/a") clock += 10;
        if (path === "/first") return new Promise<Response>((resolve) => (answerFirst = resolve));
        return Promise.resolve(new Response(null, { status: path === "/limited" ? 429 : 200 }));
      },
      sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: clock + ms, wake })),
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    // The vendor took 100 requests a second, then answered 429: the rate drops to 95 a second.
    for (let i = 0; i < 20; i++) await transport(new Request("http://127.0.0.1/a"));
    await transport(new Request("http://127.0.0.1/limited"));
    // Four requests at once: the first goes, the other three wait their turns, 1/95 s apart.
    const first = transport(new Request("http://127.0.0.1/first"));
    const waiting = [1, 2, 3].map((i) => transport(new Request(`http://127.0.0.1/waiting${i}`)));
    await settle();
    expect(sleepers).toHaveLength(3);
    // The first is answered 429 with a Retry-After of 5 s: the rate drops again, to 90.25 a second.
    const pauseEnds = clock + 5_000;
    answerFirst(new Response(null, { status: 429, headers: { "retry-after": "5" } }));
    await first;
    const next = transport(new Request("http://127.0.0.1/next"));
    await settle();
    for (let sleeper = sleepers.shift(); sleeper !== undefined; sleeper = sleepers.shift()) {
      clock = sleeper.at;
      sleeper.wake();
      await settle();
      sleepers.sort((a, b) => a.at - b.at);
    }
    await Promise.all([...waiting, next]);
    const after = sent.filter((send) => send.at >= pauseEnds);
    expect(after.map((send) => send.path)).toEqual([
      "/waiting1",
      "/waiting2",
      "/waiting3",
      "/next",
    ]);
    // Before, all four went at the pause's end: a burst at the vendor that had just asked to slow down.
    const spacing = 1_000 / (95 * 0.95);
    for (const [i, send] of after.entries())
      expect(send.at).toBeCloseTo(pauseEnds + i * spacing, 6);
  });
});

describe("requests held by the pause of a 429 that came before the limiter measured a rate", () => {
  /**
   * `callers` callers of one transport, each sending `each` requests one after another, on a virtual clock:
   * a sleep and an answer's latency end at their time, the earliest first. The vendor answers `answer(n, at)`
   * to its `n`th request (from 0), sent at `at`, after `latency(n)`.
   */
  async function run(
    callers: number,
    each: number,
    answer: (n: number, at: number) => Response,
    latency: (n: number) => number = () => latencyMs,
  ) {
    let clock = 0;
    const timers: { at: number; fire: () => void }[] = [];
    const after = (ms: number) =>
      new Promise<void>((fire) => timers.push({ at: clock + ms, fire }));
    const sent: number[] = [];
    const transport = createTransport({
      rateLimit: { now: () => clock },
      fetch: async () => {
        const response = answer(sent.length, clock);
        const took = latency(sent.length);
        sent.push(clock);
        await after(took);
        return response;
      },
      sleep: (ms) => after(ms),
    });
    const statuses: number[] = [];
    const done = Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = 0; i < each; i++) {
          const response = await transport(new Request(`http://127.0.0.1/${caller}/${i}`));
          statuses.push(response.status);
        }
      }),
    );
    let finished = false;
    void done.then(() => (finished = true));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    while (!finished) {
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift();
      if (timer === undefined)
        throw new Error("nothing left to wait for, and the callers not done");
      clock = Math.max(clock, timer.at);
      timer.fire();
      await settle();
    }
    await done;
    return { sent, statuses };
  }
  const latencyMs = 20;
  const limited = () => new Response(null, { status: 429, headers: { "retry-after": "1" } });
  const good = () => new Response("{}", { status: 200 });

  it("go one round trip of the 429 apart from the pause's end, not all at once as it ends", async () => {
    // Eight requests at once; the first is answered 429 with a Retry-After of 1 s (the pause ends at 1,020),
    // the other seven 200, whose callers send again meanwhile.
    const { sent, statuses } = await run(8, 3, (n) => (n === 0 ? limited() : good()));
    const pauseEnds = latencyMs + 1_000;
    // Every user's request answered, none twice: 24 answers 200, after 25 sends (one retried).
    expect(statuses).toEqual(Array.from({ length: 24 }, () => 200));
    expect(sent).toHaveLength(25);
    expect(sent.filter((at) => at > latencyMs && at < pauseEnds)).toEqual([]);
    // Before, all eight went as the pause ended, at the vendor that had just said "too many".
    expect(sent.filter((at) => at >= pauseEnds && at < pauseEnds + 5)).toHaveLength(1);
    // The eight it held (seven callers' next requests and the retry) go a round trip apart, as a lone caller
    // would send them; a caller whose request was answered meanwhile sends its next at once, as before.
    const after = sent.filter((at) => at >= pauseEnds).map((at) => at - pauseEnds);
    const held = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => i * latencyMs);
    expect(after).toEqual(expect.arrayContaining(held));
  });

  it("hold nothing back for a lone caller: its next request goes as the last is answered", async () => {
    // The 429 took longer than the answers after it: spaced a round trip of it apart, the next request
    // would wait for a round trip of 200 ms, not go as its last was answered.
    const { sent } = await run(
      1,
      3,
      (n) => (n === 0 ? limited() : good()),
      (n) => (n === 0 ? 200 : latencyMs),
    );
    const pauseEnds = 200 + 1_000;
    expect(sent).toEqual([0, pauseEnds, pauseEnds + latencyMs, pauseEnds + 2 * latencyMs]);
  });

  it("go within the pause's length of its end, however long the 429's round trip took", async () => {
    // Sixteen callers; the vendor answers the first request 429 after 25 s (Retry-After 1 s), the others
    // after 25.5 s, the rest in 20 ms. Spaced a round trip of the 429 apart, the held requests went 25 s
    // apart, and the import took 426 s instead of 26.
    const { sent, statuses } = await run(
      16,
      3,
      (n) => (n === 0 ? limited() : good()),
      (n) => (n === 0 ? 25_000 : n < 16 ? 25_500 : latencyMs),
    );
    const pauseEnds = 25_000 + 1_000;
    expect(statuses).toEqual(Array.from({ length: 48 }, () => 200));
    expect(sent).toHaveLength(49);
    // Still spread: not all at once as the pause ends.
    expect(sent.filter((at) => at >= pauseEnds && at < pauseEnds + 5)).toHaveLength(1);
    // The spread takes no longer than the pause did; a held caller then sends its last once answered.
    expect(Math.max(...sent)).toBeLessThanOrEqual(pauseEnds + 1_000 + latencyMs);
  });

  it("leave no spacing behind for the rate measured at the next 429: it is the vendor's pace", async () => {
    // Sixteen callers of 100 requests; the first answered 429 after 5 s (Retry-After 1 s), the others after
    // 5.1 s, the rest in 20 ms, but one more 429 to the first request sent after 8 s. That 429 measured the
    // spread's pace (the held turns and the time they were held) and kept its far due times: the requests
    // after it went one every 5 s, for minutes.
    let second = -1;
    const { sent, statuses } = await run(
      16,
      100,
      (n, at) => {
        if (n === 0) return limited();
        if (second < 0 && at > 8_000) {
          second = n;
          return limited();
        }
        return good();
      },
      (n) => (n === 0 ? 5_000 : n < 16 ? 5_100 : latencyMs),
    );
    expect(statuses).toEqual(Array.from({ length: 1_600 }, () => 200));
    const secondAt = sent[second] ?? Number.NaN;
    expect(secondAt).toBeGreaterThan(8_000);
    // The vendor took 16 requests a round trip of 20 ms (800 a second) when it answered the second 429: the
    // rest go within seconds of its pause, even at a rate measured from the spread's slower start.
    expect(Math.max(...sent)).toBeLessThan(secondAt + 1_000 + 10_000);
  });
});

describe("the round trip that spaces the turns a first 429 held", () => {
  it("is measured from when its request went, not from its turn: a token's renewal is no vendor's time", () => {
    const { limiter: l, clock } = limiter();
    const a = l.reserve();
    const b = l.reserve();
    clock.now = 100;
    l.answered(a.slot, 429, 1_000); // a pause to 1,100, and the turns it holds spread
    const c = l.reserve(); // due as the pause ends
    expect(c.waitMs).toBe(1_000);
    l.answered(b.slot, 200);
    // c's caller renewed its token after its wait and sends at 1,500; d sends then too, after the spread.
    clock.now = 1_500;
    expect(l.pending(clock.now, c.slot)).toBe(0);
    const d = l.reserve();
    expect(d.waitMs).toBe(0);
    // c is answered 429 20 ms after it went (420 ms after it was due), with a pause to 2,520.
    clock.now = 1_520;
    l.answered(c.slot, 429, 1_000);
    const e = l.reserve();
    const f = l.reserve();
    expect(e.waitMs).toBe(1_000);
    expect(f.waitMs - e.waitMs).toBe(20);
    l.answered(d.slot, 200);
  });
});

describe("a rate measured while the turns a first 429 held were spread", () => {
  it("is measured over the time requests were out, not the time the spread held them all", () => {
    const { limiter: l, clock } = limiter();
    const [a, b, c, d] = [0, 1, 2, 3].map(() => l.reserve());
    clock.now = 100;
    l.answered(a?.slot ?? -1, 429, 1_000); // a pause to 1,100; the turns it holds go 100 ms apart
    const held = [b, c, d].map((turn) => {
      l.answered(turn?.slot ?? -1, 200);
      return l.reserve();
    });
    // Each held request goes at its time and is answered in 10 ms; the last one 429.
    held.forEach((turn, i) => {
      clock.now = 100 + turn.waitMs;
      expect(l.pending(clock.now, turn.slot)).toBe(0);
      clock.now += 10;
      l.answered(turn.slot, i === 2 ? 429 : 200);
    });
    // Counted with the second the spread held every request (nothing out), the pace was under 4 a second.
    expect(l.requestsPerSecond).toBeGreaterThanOrEqual(0.95 * 100);
  });

  it("spaces the turns still held at that rate from the pause's end, not a round trip apart", () => {
    const { limiter: l, clock } = limiter();
    const [a, ...rest] = Array.from({ length: 6 }, () => l.reserve());
    const last = rest.pop();
    clock.now = 1_000;
    l.answered(a?.slot ?? -1, 429, 10_000); // a round trip of 1 s, and a pause to 11,000
    // Four answers 10 ms apart (100 a second); their callers' next turns are spread a second apart.
    const held = rest.map((turn) => {
      clock.now += 10;
      l.answered(turn.slot, 200);
      const next = l.reserve();
      return { slot: next.slot, at: clock.now + next.waitMs };
    });
    expect(held.map((turn) => turn.at)).toEqual([11_000, 12_000, 13_000, 14_000]);
    clock.now += 10;
    l.answered(last?.slot ?? -1, 429); // the rate is measured: 95 a second
    const spacing = 1_000 / l.requestsPerSecond;
    expect(spacing).toBeLessThan(20);
    held.forEach((turn, i) =>
      expect(clock.now + l.pending(clock.now, turn.slot)).toBeCloseTo(11_000 + i * spacing, 6),
    );
  });
});
