// A try that waits for its credential (a token's renewal) must not hold a turn of the client's rate limiter
// meanwhile: once the renewal came, the tries of every call waiting for it went out at once, past the
// limiter's spacing and past a Retry-After answered to another call while they waited.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import {
  TokenCache,
  withBearerAuth,
  type IssuedToken,
} from "../../src/core/client/bearer-token.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { createTransport, type TransportOptions } from "../../src/core/http/transport.js";

let wall = 1_000_000;
let monotonic = 5_000;
beforeEach(() => {
  wall = 1_000_000;
  monotonic = 5_000;
  vi.spyOn(performance, "now").mockImplementation(() => monotonic);
});
afterEach(() => vi.restoreAllMocks());

const HOUR_S = 3600;
const passTime = (ms: number) => {
  wall += ms;
  monotonic += ms;
};

/** Hour-long tokens: the first issued at once, each later one when the test says (`renew`). */
function tokens(options: { refreshBeforeMs: number }) {
  let issued = 0;
  let renew: (token: IssuedToken) => void = () => {};
  const cache = new TokenCache(
    () =>
      ++issued === 1
        ? Promise.resolve({ accessToken: "access-token-first-issued", expiresInSec: HOUR_S })
        : new Promise<IssuedToken>((resolve) => (renew = resolve)),
    new SecretSet(),
    { now: () => wall, ...options },
  );
  return {
    cache,
    issued: () => issued,
    renew: () => renew({ accessToken: "access-token-renewed", expiresInSec: HOUR_S }),
  };
}

const post = (path: string) =>
  new Request(`https://vendor.test${path}`, { method: "POST", body: "{}" });

it("a try that waited for a renewal waits out a Retry-After answered to another call meanwhile", async () => {
  const { cache, issued, renew } = tokens({ refreshBeforeMs: 60_000 });
  const log: string[] = [];
  const transport = createTransport({
    fetch: (request) => {
      const path = new URL(request.url).pathname;
      log.push(`send ${path}`);
      const first = log.filter((entry) => entry === `send ${path}`).length === 1;
      return Promise.resolve(
        path === "/b" && first
          ? new Response(null, { status: 429, headers: { "Retry-After": "30" } })
          : new Response(null, { status: 200 }),
      );
    },
    // Waits pass when the test says: the 30 s are still to run when the renewal comes.
    sleep: (ms) => (log.push(`wait ${ms}`), new Promise<void>(() => {})),
  });
  const client = withBearerAuth(transport, cache, "https://vendor.test/oauth2/token");
  await cache.get();
  // In the token's renewal window: call a waits for the renewal, call b goes on with the token in hand.
  passTime(HOUR_S * 1000 - 30_000);
  void client(post("/a"));
  await vi.waitFor(() => expect(issued()).toBe(2));
  void client(post("/b"));
  await vi.waitFor(() => expect(log).toEqual(["send /b", "wait 30000"]));
  renew();
  // Before, a sent its try as soon as the token came, into the 30 s the vendor asked every call to wait.
  await vi.waitFor(() => expect(log).toHaveLength(3));
  expect(log[2]).toBe("wait 30000");
});

it("the tries of calls that waited for one renewal go out spaced by the limiter, not at once", async () => {
  // Renewed at expiry: every call in flight then waits for the renewal.
  const { cache, issued, renew } = tokens({ refreshBeforeMs: 0 });
  let limiterClock = 0;
  const log: string[] = [];
  let sends = 0;
  const options: TransportOptions = {
    fetch: (request) => {
      sends += 1;
      log.push(`send ${new URL(request.url).pathname}`);
      // Each request is out 100 ms: the vendor takes 10 a second, until a 429 to the seventh.
      limiterClock += 100;
      return Promise.resolve(new Response(null, { status: sends === 7 ? 429 : 200 }));
    },
    sleep: (ms) => (log.push(`wait ${Math.round(ms)}`), Promise.resolve()),
    rateLimit: { now: () => limiterClock },
    retry: { maxRetries: 0 },
  };
  const client = withBearerAuth(
    createTransport(options),
    cache,
    "https://vendor.test/oauth2/token",
  );
  for (let n = 0; n < 7; n++) await client(post("/warm"));
  log.length = 0;
  passTime(HOUR_S * 1000);
  const asked = vi.spyOn(cache, "get");
  const calls = ["/a", "/b", "/c"].map((path) => client(post(path)));
  await vi.waitFor(() => expect([issued(), asked.mock.calls.length]).toEqual([2, 3]));
  log.push("renewed");
  renew();
  await Promise.all(calls);
  const after = log.slice(log.indexOf("renewed") + 1);
  // Before, b and c waited their turns before asking for the token, then went out with a at once.
  expect(after.filter((entry) => entry.startsWith("send"))).toEqual([
    "send /a",
    "send /b",
    "send /c",
  ]);
  expect(after.indexOf("send /b")).toBeGreaterThan(after.findIndex((e) => e.startsWith("wait")));
  expect(after.filter((entry) => entry.startsWith("wait"))).toHaveLength(2);
});
