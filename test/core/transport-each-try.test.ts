// A layer above the transport may give each try of a call its own Authorization header (a bearer token that
// lapses while the call waits to retry): it is asked for as the try goes out, after every wait before it;
// everything else of the try is the call as first sent; and a credential that cannot be had ends the call.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenCache, withBearerAuth } from "../../src/core/client/bearer-token.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { TransportFailure } from "../../src/core/http/failures.js";
import {
  answersAfterArrivedTry,
  createTransport,
  type EachTry,
} from "../../src/core/http/transport.js";

afterEach(() => vi.restoreAllMocks());

/** What a try sent: its Authorization, and everything else of it as text. */
async function seen(request: Request) {
  const headers = [...request.headers].filter(([name]) => name !== "authorization");
  return {
    authorization: request.headers.get("authorization"),
    rest: JSON.stringify([request.method, request.url, headers, await request.text()]),
  };
}

/** Each try's header: `Bearer t<attempt>`, with the asks logged. */
function bearerPerTry(log: string[]): EachTry {
  return {
    authorization: (attempt) => {
      log.push(`authorize ${attempt}`);
      return Promise.resolve(`Bearer t${attempt}`);
    },
  };
}

describe("EachTry: the Authorization header of each try", () => {
  it("each try carries the header given for it, and is otherwise the call as first sent", async () => {
    const tries: Awaited<ReturnType<typeof seen>>[] = [];
    const transport = createTransport({
      fetch: async (request) => {
        tries.push(await seen(request));
        return new Response(null, { status: tries.length < 3 ? 503 : 200 });
      },
      sleep: () => Promise.resolve(),
      rateLimit: false,
    });
    const request = new Request("https://vendor.test/v1/users", {
      method: "POST",
      headers: { "Idempotency-Key": "k-1", "Content-Type": "application/json" },
      body: '{"users":[1]}',
    });
    const response = await transport(request, bearerPerTry([]));
    expect(response.status).toBe(200);
    expect(tries.map((t) => t.authorization)).toEqual(["Bearer t0", "Bearer t1", "Bearer t2"]);
    expect(new Set(tries.map((t) => t.rest)).size).toBe(1);
    expect(tries[0]!.rest).toContain("k-1");
  });

  it("is asked for after the waits before the try: the retry's, and the rate limit's after a 429", async () => {
    const log: string[] = [];
    let clock = 0;
    let sends = 0;
    /** The waits under way, each passed (its time added to the clock) when the test says. */
    const waits: (() => void)[] = [];
    const transport = createTransport({
      fetch: (request) => {
        sends += 1;
        log.push(`send ${request.headers.get("authorization")}`);
        return Promise.resolve(
          sends === 1
            ? new Response(null, { status: 429, headers: { "Retry-After": "2" } })
            : new Response(null, { status: 200 }),
        );
      },
      sleep: (ms) => {
        log.push(`wait ${ms}`);
        return new Promise<void>((resolve) => waits.push(() => ((clock += ms), resolve())));
      },
      rateLimit: { now: () => clock },
    });
    const call = (eachTry: EachTry) =>
      transport(
        new Request("https://vendor.test/v1/users", { method: "POST", body: "{}" }),
        eachTry,
      );
    const first = call(bearerPerTry(log));
    await vi.waitFor(() => expect(waits).toHaveLength(1));
    // Begun while the 429's Retry-After holds the client: asked before it takes its turn, then again once it
    // waited that out, and the header given last is the one sent.
    let asked = 0;
    const second = call({
      authorization: () => (log.push("authorize second"), Promise.resolve(`Bearer s${++asked}`)),
    });
    await vi.waitFor(() => expect(waits).toHaveLength(2));
    waits[0]!();
    await first;
    waits[1]!();
    await second;
    expect(log).toEqual([
      "authorize 0",
      "send Bearer t0",
      "wait 2000",
      "authorize second",
      "wait 2000",
      "authorize 1",
      "send Bearer t1",
      "authorize second",
      "send Bearer s2",
    ]);
  });

  it("a header that cannot be had ends the call, unretried, saying an earlier try may have arrived", async () => {
    let sends = 0;
    const transport = createTransport({
      fetch: () => {
        sends += 1;
        return Promise.resolve(new Response(null, { status: 502 }));
      },
      sleep: () => Promise.resolve(),
      rateLimit: false,
    });
    const refused = new TransportFailure("auth", "the token endpoint refused the client", false);
    const eachTry: EachTry = {
      authorization: (attempt) =>
        attempt === 0 ? Promise.resolve("Bearer t0") : Promise.reject(refused),
    };
    // A PUT: replay-safe, so the 502 (which the vendor may have acted on) is retried.
    const request = new Request("https://vendor.test/v1/users/u1", { method: "PUT", body: "{}" });
    const error: unknown = await transport(request, eachTry).catch((e: unknown) => e);
    expect(sends).toBe(1);
    expect(error).toMatchObject({ kind: "auth", message: refused.message, mayHaveArrived: true });
  });
});

describe("withBearerAuth over the transport: the tokens a call's tries sent", () => {
  it("every one stays among the client's secrets while the call is under way, the lapsed ones too", async () => {
    const HOUR_MS = 3_600_000;
    let wall = 1_000_000;
    let monotonic = 5_000;
    vi.spyOn(performance, "now").mockImplementation(() => monotonic);
    const secrets = new SecretSet();
    let issued = 0;
    const tokenOf = (n: number) => `access-token-${n}-of-the-tests-own-making`;
    // Tokens living 3 s: the call's wait of 5 s before its retry outlasts the first.
    const cache = new TokenCache(
      () => Promise.resolve({ accessToken: tokenOf(++issued), expiresInSec: 3 }),
      secrets,
      { now: () => wall },
    );
    const sent: (string | null)[] = [];
    let answer: (response: Response) => void = () => {};
    const transport = createTransport({
      fetch: (request) => {
        sent.push(request.headers.get("authorization"));
        if (sent.length === 1)
          return Promise.resolve(
            new Response(null, { status: 429, headers: { "Retry-After": "5" } }),
          );
        return new Promise<Response>((resolve) => (answer = resolve));
      },
      sleep: (ms) => {
        wall += ms;
        monotonic += ms;
        return Promise.resolve();
      },
      rateLimit: false,
    });
    const client = withBearerAuth(transport, cache, "https://vendor.test/oauth2/token");
    const call = client(
      new Request("https://vendor.test/v1/users", { method: "POST", body: "{}" }),
    );
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent).toEqual([`Bearer ${tokenOf(1)}`, `Bearer ${tokenOf(2)}`]);
    const isSecret = (n: number) => secrets.scrub(tokenOf(n)) !== tokenOf(n);

    // Two hours on, with the call's second try still out: the next token issued lets go of the tokens no
    // call sends, none of the call's.
    wall += 2 * HOUR_MS;
    monotonic += 2 * HOUR_MS;
    cache.invalidate(tokenOf(2));
    expect(await cache.get()).toBe(tokenOf(3));
    expect([isSecret(1), isSecret(2)]).toEqual([true, true]);

    answer(new Response("{}", { status: 200 }));
    expect((await call).status).toBe(200);
    // An hour after the call ended, they are let go of at the next issue.
    wall += 2 * HOUR_MS;
    monotonic += 2 * HOUR_MS;
    cache.invalidate(tokenOf(3));
    expect(await cache.get()).toBe(tokenOf(4));
    expect([isSecret(1), isSecret(2), isSecret(4)]).toEqual([false, false, true]);
  });
});

describe("withBearerAuth's resend after a 401 that follows a try which may have arrived", () => {
  /**
   * A PUT (replay-safe) answered `statuses` in turn, under a token cache whose second token request is
   * refused when `refuseRenewal`.
   */
  function bearerCall(statuses: number[], refuseRenewal = false) {
    let issued = 0;
    const cache = new TokenCache(() => {
      issued += 1;
      return refuseRenewal && issued > 1
        ? Promise.reject(new Error("the token endpoint refused the client"))
        : Promise.resolve({
            accessToken: `access-token-${issued}-of-the-test`,
            expiresInSec: 1800,
          });
    }, new SecretSet());
    const sent: number[] = [];
    const transport = createTransport({
      fetch: () => {
        const status = statuses[sent.length] ?? 503;
        sent.push(status);
        return Promise.resolve(new Response(null, { status }));
      },
      sleep: () => Promise.resolve(),
      retry: { maxRetries: 2 },
      rateLimit: false,
    });
    const client = withBearerAuth(transport, cache, "https://vendor.test/oauth2/token");
    const call = () =>
      client(new Request("https://vendor.test/v1/users/u1", { method: "PUT", body: "{}" }));
    return { sent, call };
  }

  // The 502's try may have been acted on: a 503 to the resend says only that the resend was not, and a
  // report would say the vendor holds nothing of the call.
  it("the resend's answer (503s) still says an earlier try may have arrived", async () => {
    const { sent, call } = bearerCall([502, 401, 503, 503, 503]);
    const response = await call();
    expect(sent).toEqual([502, 401, 503, 503, 503]);
    expect(response.status).toBe(503);
    expect(answersAfterArrivedTry(response)).toBe(true);
  });

  it("a resend that fails (no renewed token) says an earlier try may have arrived", async () => {
    const { sent, call } = bearerCall([502, 401], true);
    const error: unknown = await call().catch((e: unknown) => e);
    expect(sent).toEqual([502, 401]);
    expect(error).toBeInstanceOf(TransportFailure);
    expect(error).toMatchObject({ kind: "auth", mayHaveArrived: true });
  });
});
