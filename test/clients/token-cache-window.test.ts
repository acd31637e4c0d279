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
  const MINUTES = 60_000;
  const tokenOf = (n: number) => `access-token-${String(n).padStart(4, "0")}-of-the-endpoint`;
  const shown = (secrets: SecretSet, text: string) =>
    !secrets.scrub(`sent ${text}`).includes("REDACTED");
  let monotonic = 0;
  beforeEach(() => {
    monotonic = 5_000;
    vi.spyOn(performance, "now").mockImplementation(() => monotonic);
  });
  /** Time passes, on both clocks. */
  const pass = (ms: number) => {
    wall += ms;
    monotonic += ms;
  };

  /** A cache whose `issue(token)` renews (or, after `invalidate`, fetches) and gets `token`. */
  function longLived(secrets = new SecretSet()) {
    const endpoint_ = endpoint();
    const cache = new TokenCache(endpoint_.issue, secrets, { now: () => wall });
    const issue = async (token: string) => {
      const renewed = cache.get();
      endpoint_.asked.at(-1)!.resolve({ accessToken: token, expiresInSec: LIFETIME_S });
      expect(await renewed).toBe(token);
    };
    return { cache, secrets, issue };
  }

  it("a token is scrubbed until no call sent it for an hour, then let go of, whatever the number of renewals", async () => {
    const secrets = new SecretSet();
    secrets.add("the-client-secret");
    const { issue } = longLived(secrets);
    // A month of a server's life: a token every 29 minutes, renewed a minute before its expiry.
    for (let n = 0; n < 1_500; n++) {
      await issue(tokenOf(n));
      pass(LIFETIME_MS - 1 * MINUTES);
    }
    // The current one, and those a call sent in the last hour (each until its expiry).
    for (const n of [1_499, 1_498, 1_497, 1_496]) expect(shown(secrets, tokenOf(n))).toBe(false);
    expect(secrets.scrub("the-client-secret")).not.toContain("secret");
    // Held, each would make every scrub of the client's slower, and the set grow for ever.
    for (const n of [0, 1, 1_000, 1_495]) expect(shown(secrets, tokenOf(n))).toBe(true);
  });

  it("a token a call still sends stays a secret however long the call takes, and an hour after it ends", async () => {
    const { cache, secrets, issue } = longLived();
    await issue(tokenOf(0));
    // A call with it whose answer takes hours (long retries), while other calls renew the token.
    let answer!: () => void;
    const call = cache.sending(tokenOf(0), () => new Promise<void>((done) => (answer = done)));
    for (let n = 1; n <= 20; n++) {
      pass(29 * MINUTES);
      await issue(tokenOf(n));
    }
    expect(shown(secrets, tokenOf(0))).toBe(false);
    answer();
    await call;
    // Its answer may be scrubbed after the call: into an error, a chunk's outcomes.
    pass(59 * MINUTES);
    cache.invalidate(tokenOf(20));
    await issue(tokenOf(21));
    expect(shown(secrets, tokenOf(0))).toBe(false);
    pass(2 * MINUTES);
    cache.invalidate(tokenOf(21));
    await issue(tokenOf(22));
    expect(shown(secrets, tokenOf(0))).toBe(true);
  });

  it("a wall clock stepped forward a day lets go of no token a call may still send", async () => {
    const { issue, secrets } = longLived();
    await issue(tokenOf(0));
    pass(29 * MINUTES);
    // NTP correcting a clock a day behind: the token looks a day old on it, and is renewed.
    wall += 24 * 60 * MINUTES;
    await issue(tokenOf(1));
    expect(shown(secrets, tokenOf(0))).toBe(false);
  });

  it("a token the endpoint issued again is kept until no call sent its latest issue for an hour", async () => {
    const { cache, secrets, issue } = longLived();
    await issue(tokenOf(0));
    pass(29 * MINUTES);
    await issue(tokenOf(0)); // The same token, renewed: some endpoints hand out the one still valid.
    pass(29 * MINUTES);
    await issue(tokenOf(1));
    // Its first issue lapsed over an hour ago, its second not an hour ago.
    pass(42 * MINUTES);
    await issue(tokenOf(2));
    expect(shown(secrets, tokenOf(0))).toBe(false);
    pass(20 * MINUTES);
    cache.invalidate(tokenOf(2));
    await issue(tokenOf(3));
    expect(shown(secrets, tokenOf(0))).toBe(true);
    expect(shown(secrets, tokenOf(2))).toBe(false);
  });

  it("a client secret the endpoint issued as its token stays a secret once the token is let go of", async () => {
    const secrets = new SecretSet();
    // Short (a test setup's): the client refuses a token holding a client secret of 8 characters or more.
    secrets.add("s3cr3t7");
    const { issue } = longLived(secrets);
    await issue("s3cr3t7");
    for (let n = 1; n <= 5; n++) {
      pass(29 * MINUTES);
      await issue(tokenOf(n));
    }
    // Tokens were let go of, the first one among them.
    expect(shown(secrets, tokenOf(1))).toBe(true);
    expect(shown(secrets, "s3cr3t7")).toBe(false);
  });
});
