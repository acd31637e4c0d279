// The token cache decides, for every call, whether the token in hand goes out, a renewal is waited for, or
// a token request (carrying the client secret) is sent: when the renewal window opens, how long a failed early
// renewal holds the next one off, that a token is never handed out at or past its expiry, and that an abort
// stops the token request nobody waits for. Driven here with its two clocks in hand.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenCache, type IssuedToken } from "../../src/core/client/bearer-token.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { abortedByCaller, TransportFailure } from "../../src/core/http/failures.js";

const LIFETIME_S = 1800;
const LIFETIME_MS = LIFETIME_S * 1000;

let wall = 0;
beforeEach(() => {
  wall = 1_000_000;
  // The monotonic clock stands still: the wall clock alone ages the token.
  vi.spyOn(performance, "now").mockReturnValue(5_000);
});
afterEach(() => vi.restoreAllMocks());

/** Token requests as they are asked for, each answered by the test. */
function endpoint() {
  const asked: {
    signal: AbortSignal;
    resolve: (token: IssuedToken) => void;
    reject: (error: unknown) => void;
  }[] = [];
  const issue = (signal: AbortSignal) =>
    new Promise<IssuedToken>((resolve, reject) => {
      asked.push({ signal, resolve, reject });
      // As a fetch does, the aborted request rejects a moment later, not within the abort.
      signal.addEventListener("abort", () => setImmediate(() => reject(abortedByCaller())));
    });
  return { asked, issue };
}

/** A cache holding token `t1` of LIFETIME_S, issued at `wall`. */
async function cacheWithToken(lifetimeS = LIFETIME_S, options: { refreshBeforeMs?: number } = {}) {
  const token = endpoint();
  const cache = new TokenCache(token.issue, new SecretSet(), { ...options, now: () => wall });
  const first = cache.get();
  token.asked[0]!.resolve({ accessToken: "t1", expiresInSec: lifetimeS });
  expect(await first).toBe("t1");
  return { cache, ...token };
}

const down = () => Object.assign(new Error("token endpoint answered 503"), { status: 503 });

describe("the token cache's renewal window", () => {
  it("a short-lived token is renewed once half its life passed, not earlier, and not later", async () => {
    // 100 s of life: the 60 s default would put the whole life but 40 s in the window.
    const { cache, asked } = await cacheWithToken(100);
    wall += 45_000;
    expect(await cache.get()).toBe("t1");
    expect(asked).toHaveLength(1);
    wall += 10_000; // 55 s old: in the second half
    const renewed = cache.get();
    expect(asked).toHaveLength(2);
    asked[1]!.resolve({ accessToken: "t2", expiresInSec: 100 });
    expect(await renewed).toBe("t2");
  });

  it("at the very ms of its expiry, a token whose renewal fails is not handed out", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS;
    const call = cache.get();
    asked[1]!.reject(down());
    await expect(call).rejects.toThrow("503");
  });

  it("after a failed early renewal, a call past expiry waits for a new token, never gets the lapsed one", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS - 500;
    const early = cache.get();
    asked[1]!.reject(down());
    expect(await early).toBe("t1"); // still good for 500 ms
    wall += 600; // lapsed, though within a second of the failed renewal
    const late = cache.get();
    expect(asked).toHaveLength(3);
    asked[2]!.reject(down());
    await expect(late).rejects.toThrow("503");
  });

  it("while a renewal is under way, a call at the token's expiry waits for it, never gets the lapsed token", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS - 1_000;
    const renewing = cache.get();
    wall += 1_000;
    const late = cache.get();
    let lateGot: string | undefined;
    void late.then((token) => (lateGot = token));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lateGot).toBeUndefined();
    asked[1]!.resolve({ accessToken: "t2", expiresInSec: LIFETIME_S });
    expect(await renewing).toBe("t2");
    expect(await late).toBe("t2");
    expect(asked).toHaveLength(2);
  });

  it("a failed early renewal is tried again after a quarter of the time the token had left", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS - 60_000; // 60 s left: the next try 15 s on
    const early = cache.get();
    asked[1]!.reject(down());
    expect(await early).toBe("t1");
    wall += 5_000;
    expect(await cache.get()).toBe("t1");
    expect(asked).toHaveLength(2);
    wall += 10_000;
    const again = cache.get();
    expect(asked).toHaveLength(3);
    asked[2]!.resolve({ accessToken: "t2", expiresInSec: LIFETIME_S });
    expect(await again).toBe("t2");
  });

  it("and at least a second later, however little time the token had left", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS - 2_000; // a quarter of 2 s is 500 ms: a second is waited instead
    const early = cache.get();
    asked[1]!.reject(down());
    expect(await early).toBe("t1");
    wall += 600;
    expect(await cache.get()).toBe("t1");
    expect(asked).toHaveLength(2);
  });
});

describe("the token cache and aborts", () => {
  it("a caller that aborts while a renewal is under way is failed `aborted`, not handed the token in hand", async () => {
    const { cache, asked } = await cacheWithToken();
    wall += LIFETIME_MS - 30_000;
    const controller = new AbortController();
    const call = cache.get(controller.signal);
    expect(asked).toHaveLength(2);
    controller.abort();
    const error: unknown = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportFailure);
    expect((error as TransportFailure).kind).toBe("aborted");
  });

  it("the token request is aborted once its only caller aborted, and the next caller gets a request of its own", async () => {
    const token = endpoint();
    const cache = new TokenCache(token.issue, new SecretSet(), { now: () => wall });
    const controller = new AbortController();
    const gaveUp = cache.get(controller.signal);
    controller.abort();
    await expect(gaveUp).rejects.toThrow("aborted");
    // No more requests carrying the client secret go out for it.
    expect(token.asked[0]!.signal.aborted).toBe(true);
    // Asked before the aborted request settled: not joined to it, which would fail this call `aborted`.
    const next = cache.get();
    expect(token.asked).toHaveLength(2);
    token.asked[1]!.resolve({ accessToken: "t1", expiresInSec: LIFETIME_S });
    expect(await next).toBe("t1");
  });

  it("invalidating a token other than the current one keeps the current one", async () => {
    const { cache, asked } = await cacheWithToken();
    cache.invalidate("an older token");
    expect(await cache.get()).toBe("t1");
    expect(asked).toHaveLength(1);
    cache.invalidate("t1");
    void cache.get().catch(() => undefined);
    expect(asked).toHaveLength(2);
    asked[1]!.reject(down());
  });
});

describe("the tokens a long-lived client keeps secret", () => {
  const tokenOf = (n: number) => `access-token-${String(n).padStart(4, "0")}-of-the-endpoint`;
  const shown = (secrets: SecretSet, n: number) =>
    !secrets.scrub(`sent ${tokenOf(n)}`).includes("REDACTED");

  it("a token is scrubbed until an hour past its expiry, then let go of, whatever the number of renewals", async () => {
    const token = endpoint();
    const secrets = new SecretSet();
    secrets.add("the-client-secret");
    const cache = new TokenCache(token.issue, secrets, { now: () => wall });
    // A month of a server's life: a token every 29 minutes, renewed a minute before its expiry.
    for (let n = 0; n < 1_500; n++) {
      const renewed = cache.get();
      token.asked[n]!.resolve({ accessToken: tokenOf(n), expiresInSec: LIFETIME_S });
      expect(await renewed).toBe(tokenOf(n));
      wall += LIFETIME_MS - 60_000;
    }
    // The current one, and the ones that lapsed less than an hour ago: a call may still be retrying with one.
    for (const n of [1_499, 1_498, 1_497]) expect(shown(secrets, n)).toBe(false);
    expect(secrets.scrub("the-client-secret")).not.toContain("secret");
    // Long lapsed: held, each would make every scrub of the client's slower, and the set grow for ever.
    for (const n of [0, 1, 1_000, 1_494]) expect(shown(secrets, n)).toBe(true);
  });

  it("a token the endpoint issued again is kept until its latest issue lapsed", async () => {
    const token = endpoint();
    const secrets = new SecretSet();
    const cache = new TokenCache(token.issue, secrets, { now: () => wall });
    const minutes = 60_000;
    const issue = async (n: number) => {
      const renewed = cache.get();
      token.asked.at(-1)!.resolve({ accessToken: tokenOf(n), expiresInSec: LIFETIME_S });
      expect(await renewed).toBe(tokenOf(n));
    };
    await issue(0);
    wall += 29 * minutes;
    await issue(0); // The same token, renewed: some endpoints hand out the one still valid.
    wall += 29 * minutes;
    await issue(1);
    // Its first issue lapsed over an hour ago, its second not yet.
    wall += 42 * minutes;
    await issue(2);
    expect(shown(secrets, 0)).toBe(false);
    wall += 20 * minutes;
    cache.invalidate(tokenOf(2));
    await issue(3);
    expect(shown(secrets, 0)).toBe(true);
    expect(shown(secrets, 2)).toBe(false);
  });
});
