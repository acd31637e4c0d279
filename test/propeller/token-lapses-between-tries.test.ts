// A call's tries may be far apart: a 429's or a 503's Retry-After, the backoff after 5xx. Propeller's access
// token may lapse meanwhile (30 minutes by the spec; 3 seconds here), and Propeller refuses a lapsed one
// with 401 `token expired`. Each try must carry a token good as it goes out: a call that sent every try with
// the token it took at its start was refused, renewed once, and its resend's own waits outlasted the new
// token too, so the call, and its chunk, failed on a 401 with nothing wrong with the credentials.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import {
  json,
  type FaultCall,
  type FaultOptions,
  type ScriptAction,
} from "../../src/testing/faults.js";
import { propellerError } from "../../src/testing/propeller.js";
import { containing } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users, type MountedPropeller } from "./harness.js";

const server = useMswServer();
const START = Date.parse("2026-03-29T00:30:00Z");
/** Propeller's tokens live 3 s; every wait below is 5 s. */
const TOKEN_LIFE_S = 3;

let monotonic = 0;
beforeEach(() => {
  monotonic = 1_000;
  vi.useFakeTimers({ toFake: ["Date"], now: START });
  vi.spyOn(performance, "now").mockImplementation(() => monotonic);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A wait of the client's, passed at once: our wall and monotonic clocks, and Propeller's, move on by it. */
const elapse = (ms: number) => {
  vi.setSystemTime(Date.now() + ms);
  monotonic += ms;
  return Promise.resolve();
};

/** Propeller turning a try away for 5 s: a 429, or a 503 (which a non-idempotent POST retries too). */
const turnedAway = (status: 429 | 503): ScriptAction => ({
  answer: json(propellerError(status, status, "Unavailable", ["try again later"]), status, {
    "Retry-After": "5",
  }),
});

/** The bulk tries as they reached Propeller: the token each carried, and whether it was good then. */
interface Try {
  readonly token: string;
  readonly good: boolean;
}

/**
 * Propeller with 3-second tokens, whose bulk endpoint passes each try to `decide` with the token it carried
 * (answering as the simulator does where `decide` says nothing: a 401 for a lapsed token, else the upsert);
 * `faults` script its token endpoint.
 */
function propeller(
  decide: (tried: Try, n: number) => ScriptAction | undefined,
  faults?: FaultOptions,
) {
  const tries: Try[] = [];
  const vendor: MountedPropeller = mountPropeller(server, {
    expiresIn: TOKEN_LIFE_S,
    now: () => Date.now(),
    ...(faults && { faults }),
    bulk: (call: FaultCall) => {
      const token = /^Bearer (.+)$/.exec(call.request.headers.get("authorization") ?? "")?.[1];
      const issued = vendor.sim.tokensIssued().find((t) => t.token === token);
      const tried = {
        token: token ?? "",
        good: issued !== undefined && Date.now() < issued.expiresAt,
      };
      tries.push(tried);
      return decide(tried, tries.length);
    },
  });
  return { vendor, tries };
}

/** Turns away the first three tries that carry a good token, alternately 429 and 503, for 5 s each. */
const threeTimesAway = () => {
  let away = 0;
  return (tried: Try) => {
    if (!tried.good || away === 3) return undefined;
    away += 1;
    return turnedAway(away % 2 === 1 ? 429 : 503);
  };
};

const bulk = (client: ReturnType<typeof propellerClient>["client"]) =>
  client.bulkUsersBySourceId({ body: { users: users(2, "token lapses") } });

describe("a Propeller call whose waits between tries outlast the access token", () => {
  it("sends each try with a token good as it goes out, and succeeds", async () => {
    const { vendor, tries } = propeller(threeTimesAway());
    const result = await bulk(propellerClient(elapse).client);
    // Before, the second try carried the lapsed first token (401), and so did the resend's second try: the
    // call failed on that 401.
    expect(result.ok ? "ok" : result.error.status).toBe("ok");
    expect(tries.map((t) => t.good)).toEqual([true, true, true, true]);
    // Each wait outlasted the token in hand: every try after the first took a new one.
    expect(tries.map((t) => t.token)).toEqual(vendor.sim.tokensIssued().map((t) => t.token));
    expect(new Set(tries.map((t) => t.token)).size).toBe(4);
    expect(vendor.sim.users()).toHaveLength(2);
  });

  it("a token still good after a wait is kept: no token request for it", async () => {
    let away = 0;
    const { vendor, tries } = propeller(() =>
      ++away === 1
        ? {
            answer: json(propellerError(429, 429, "Too Many", ["slow"]), 429, {
              "Retry-After": "1",
            }),
          }
        : undefined,
    );
    const result = await bulk(propellerClient(elapse).client);
    expect(result.ok).toBe(true);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.token).toBe(tries[0]!.token);
    expect(vendor.sim.tokensIssued()).toHaveLength(1);
  });

  it("an import whose chunk is turned away past the token's life imports every user", async () => {
    const { vendor, tries } = propeller(threeTimesAway());
    const report = await importUsers(propellerClient(elapse).client, users(3, "token lapses"), {
      sleep: elapse,
    });
    // Before, the chunk failed on the 401 to the resend, and the import stopped.
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "imported"]);
    expect(tries.every((t) => t.good)).toBe(true);
    expect(vendor.sim.users()).toHaveLength(3);
  });

  it("a 401 to a token renewed for a try is met with one renewal, then fails the call as any 401 does", async () => {
    // Propeller turns the first try away, then refuses every token: revoked, whatever its age.
    const refused = json(
      propellerError(401, 401, "Unauthorized", ["Unauthorized: invalid token"]),
      401,
    );
    const { vendor, tries } = propeller((_tried, n) =>
      n === 1 ? turnedAway(429) : { answer: refused },
    );
    const result = await bulk(propellerClient(elapse).client);
    expect(result.ok ? "ok" : result.error.status).toBe(401);
    // The second try took a new token (the first had lapsed) and met a 401; the one renewal it gives was
    // refused too, and nothing more was asked: no loop of renewals.
    expect(tries).toHaveLength(3);
    expect(tries.map((t) => t.good)).toEqual([true, true, true]);
    const issued = vendor.sim.tokensIssued().map((t) => t.token);
    expect(issued).toHaveLength(3);
    expect(tries.map((t) => t.token)).toEqual(issued);
  });

  it("a call aborted while a retry waits for the renewed token fails `aborted` at once, that try unsent", async () => {
    const controller = new AbortController();
    let release = () => {};
    // The renewal the second try waits for is held until the test lets go; the caller aborts meanwhile.
    const { tries } = propeller((_tried, n) => (n === 1 ? turnedAway(429) : undefined), {
      script: (call) =>
        call.operation === "getAccessToken" && call.attempt === 2
          ? new Promise<undefined>((resolve) => {
              release = () => resolve(undefined);
              controller.abort();
            })
          : undefined,
    });
    const result = await propellerClient(elapse).client.bulkUsersBySourceId({
      body: { users: users(1, "token lapses") },
      signal: controller.signal,
    });
    release();
    expect(result.ok ? "ok" : result.error).toMatchObject({
      status: "aborted",
      message: containing(
        "waiting for a renewed access token to retry the request: not sent again",
      ),
    });
    expect(tries).toHaveLength(1);
  });

  it("a call aborted while its 401's renewal is under way, after two tries went out, does not say it was sent once", async () => {
    const controller = new AbortController();
    let release = () => {};
    const refused = json(
      propellerError(401, 401, "Unauthorized", ["Unauthorized: invalid token"]),
      401,
    );
    // Turned away once, then refused (its wait outlasted the first token: the second try took a new one): the
    // renewal after the 401, the third token request, is held while the caller aborts.
    const { tries } = propeller((_tried, n) => (n === 1 ? turnedAway(429) : { answer: refused }), {
      script: (call) =>
        call.operation === "getAccessToken" && call.attempt === 3
          ? new Promise<undefined>((resolve) => {
              release = () => resolve(undefined);
              controller.abort();
            })
          : undefined,
    });
    const result = await propellerClient(elapse).client.bulkUsersBySourceId({
      body: { users: users(1, "token lapses") },
      signal: controller.signal,
    });
    release();
    expect(tries).toHaveLength(2);
    expect(result.ok ? "ok" : result.error).toMatchObject({
      status: "aborted",
      message: containing("waiting for a renewed access token: the request was refused with 401"),
    });
    // Before, it said "the request was sent once and refused with 401": two tries of it went out.
    expect(result.ok ? "" : result.error.message).not.toContain("sent once");
  });
});
