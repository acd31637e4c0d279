// One token request serves every call that needs a token meanwhile. While it waits in the client (a 429's
// Retry-After), each of those calls waits for a request to be retried: the send each runs in (an import's
// chunk) hears of that wait, not only the one whose call began the request. A call that joins while the wait
// is under way hears of it at once; one that stops waiting (its signal aborted) hears it end.
import { describe, expect, it } from "vitest";
import { TokenCache } from "../../src/core/client/bearer-token.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import {
  carryRequestWaits,
  withRequestWaits,
  type RequestWaits,
} from "../../src/core/http/request-waits.js";
import { createTransport } from "../../src/core/http/transport.js";

/** A send's listener, logging what it hears under `name`. */
function listener(log: string[], name: string): RequestWaits {
  return { began: () => log.push(`${name} began`), ended: () => log.push(`${name} ended`) };
}

/**
 * A token cache whose token endpoint answers 429 with a Retry-After of 30 s, then issues `t1`; the client's
 * wait is held until `release`.
 */
function turnedAwayOnce() {
  let release = () => {};
  let began = () => {};
  const waiting = new Promise<void>((resolve) => (began = resolve));
  let tries = 0;
  const transport = createTransport({
    fetch: () => {
      tries += 1;
      return Promise.resolve(
        tries === 1
          ? new Response("{}", { status: 429, headers: { "Retry-After": "30" } })
          : new Response("{}", { status: 200 }),
      );
    },
    rateLimit: false,
    replaySafe: () => true,
    sleep: () => {
      began();
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  const cache = new TokenCache(async (signal) => {
    const request = new Request("http://127.0.0.1/oauth2/token", {
      method: "POST",
      body: "grant_type=client_credentials",
      signal,
    });
    // As a client's call does: the Request's signal follows the one the token request is made under.
    carryRequestWaits(signal, request.signal);
    const response = await transport(request);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return { accessToken: "t1", expiresInSec: 1800 };
  }, new SecretSet());
  return { cache, waiting, release: () => release() };
}

/** Lets the calls under way take a few turns. */
const turns = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("the waits of a token request shared by several sends' calls", () => {
  it("each send waiting for it hears them; one joining during a wait hears it at once", async () => {
    const { cache, waiting, release } = turnedAwayOnce();
    const log: string[] = [];
    const a = withRequestWaits(listener(log, "a"), () => cache.get());
    const b = withRequestWaits(listener(log, "b"), () => cache.get());
    await waiting;
    const c = withRequestWaits(listener(log, "c"), () => cache.get());
    await turns();
    expect(log).toEqual(["a began", "b began", "c began"]);
    release();
    expect(await Promise.all([a, b, c])).toEqual(["t1", "t1", "t1"]);
    expect(log.slice(3).sort()).toEqual(["a ended", "b ended", "c ended"]);
  });

  it("a send whose call stops waiting for it (its signal aborted) hears the wait end then", async () => {
    const { cache, waiting, release } = turnedAwayOnce();
    const log: string[] = [];
    const stop = new AbortController();
    const a = withRequestWaits(listener(log, "a"), () => cache.get());
    const b = withRequestWaits(listener(log, "b"), () => cache.get(stop.signal)).catch(
      () => "aborted",
    );
    await waiting;
    stop.abort();
    expect(await b).toBe("aborted");
    expect(log).toEqual(["a began", "b began", "b ended"]);
    release();
    expect(await a).toBe("t1");
    expect(log).toEqual(["a began", "b began", "b ended", "a ended"]);
  });

  it("a call aborted as it joins during a wait (by what that told) stops at once", async () => {
    const { cache, waiting, release } = turnedAwayOnce();
    const log: string[] = [];
    const stop = new AbortController();
    const a = withRequestWaits(listener(log, "a"), () => cache.get());
    await waiting;
    // As an import's onProgress does that stops the run when a chunk begins to wait: b's call is aborted as
    // it joins, before it listens for an abort. It waited for the token request's whole wait (a Retry-After
    // of minutes; here, for ever), holding its import open.
    const stopping: RequestWaits = {
      began: () => {
        log.push("b began");
        stop.abort();
      },
      ended: () => log.push("b ended"),
    };
    let settled = false;
    const b = withRequestWaits(stopping, () => cache.get(stop.signal))
      .catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
      .finally(() => (settled = true));
    await turns();
    expect(settled).toBe(true);
    expect(await b).toMatch(/aborted/);
    expect(log).toEqual(["a began", "b began", "b ended"]);
    release();
    expect(await a).toBe("t1");
  });

  it("begun by a call of no send: a send that waits for it hears its wait", async () => {
    const { cache, waiting, release } = turnedAwayOnce();
    const log: string[] = [];
    // The integrator's own call (a lookup from a callback), while no send runs.
    const own = cache.get();
    const a = withRequestWaits(listener(log, "a"), () => cache.get());
    await waiting;
    await turns();
    expect(log).toEqual(["a began"]);
    release();
    expect(await Promise.all([own, a])).toEqual(["t1", "t1"]);
    expect(log).toEqual(["a began", "a ended"]);
  });
});
