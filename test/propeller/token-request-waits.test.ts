// Propeller's access token is shared by the chunks in flight: one token request for all that need one. While
// that request waits in the client (a 429's Retry-After, a backoff), every chunk waiting for the token waits
// for a request to be retried, and `waitingToRetryRequest` counts each. It counted only the chunk whose call
// began the token request: the others, waiting on the same request, counted as waiting on nothing.
import { describe, expect, it } from "vitest";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { useMswServer } from "../support/msw.js";
import { fourInFlight, mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

/** The client's waits: one of 30 s (the token endpoint's Retry-After) is held until `release`. */
function heldRetryAfter() {
  let release = () => {};
  let began = () => {};
  const waiting = new Promise<void>((resolve) => (began = resolve));
  const sleep = (ms: number) => {
    if (ms !== 30_000) return Promise.resolve();
    began();
    return new Promise<void>((resolve) => (release = resolve));
  };
  return { sleep, waiting, release: () => release() };
}

/** Token requests after the first `n` are answered 429 with a Retry-After of 30 s, once. */
const tokenTurnedAwayAt = (n: number) => ({
  retryAfterSeconds: 30,
  script: ({ operation, attempt }: { operation: string; attempt: number }) =>
    operation === "getAccessToken" && attempt === n ? ("429" as const) : undefined,
});

/** Lets the chunks still on their way to the token request join it, then the last progress call. */
async function settledCall(calls: readonly ImportProgress[], waiting: number) {
  for (let i = 0; i < 50 && (calls.at(-1)?.waitingToRetryRequest ?? 0) < waiting; i++)
    await new Promise((resolve) => setImmediate(resolve));
  return calls.at(-1);
}

describe("Propeller: chunks waiting for one token request that waits out a Retry-After", () => {
  it("the first token, for 3 chunks at once: each counts as waiting to retry a request", async () => {
    const vendor = mountPropeller(server, { faults: tokenTurnedAwayAt(1) });
    const wait = heldRetryAfter();
    const calls: ImportProgress[] = [];
    const done = importUsers(propellerClient(wait.sleep).client, users(15), {
      chunkRecords: 5,
      concurrency: 3,
      onProgress: (progress) => calls.push(progress),
    });
    await wait.waiting;
    expect(await settledCall(calls, 3)).toMatchObject({
      sent: 15,
      confirmed: 0,
      waitingToRetryRequest: 3,
    });
    wait.release();
    const report = await done;
    expect(report.imported).toBe(15);
    expect(vendor.sim.stats().requests["POST /oauth2/token"]).toBe(2);
    expect(calls.at(-1)).toMatchObject({ confirmed: 15, waitingToRetryRequest: 0 });
  });

  it("a renewal after the token was revoked with 4 chunks in flight: each of the 4 counts", async () => {
    const vendor: ReturnType<typeof mountPropeller> = mountPropeller(server, {
      faults: tokenTurnedAwayAt(2),
      bulk: fourInFlight(() => vendor.sim.revokeToken("sim-token-1")),
    });
    const wait = heldRetryAfter();
    const calls: ImportProgress[] = [];
    const done = importUsers(propellerClient(wait.sleep).client, users(20), {
      chunkRecords: 5,
      concurrency: 4,
      onProgress: (progress) => calls.push(progress),
    });
    await wait.waiting;
    expect(await settledCall(calls, 4)).toMatchObject({
      sent: 20,
      confirmed: 0,
      waitingToRetryRequest: 4,
    });
    wait.release();
    const report = await done;
    expect(report.imported).toBe(20);
    // The first token, and one renewal (turned away once, then issued) for the four chunks.
    expect(vendor.sim.stats().requests["POST /oauth2/token"]).toBe(3);
    expect(calls.at(-1)).toMatchObject({ confirmed: 20, waitingToRetryRequest: 0 });
  });
});

describe("Propeller: a run stopped from onProgress as a chunk joins a token request that waits", () => {
  it("settles at once: the joining chunk's call stops waiting for the token too", async () => {
    mountPropeller(server, { faults: tokenTurnedAwayAt(1) });
    const wait = heldRetryAfter();
    const stop = new AbortController();
    const all = users(10);
    // The second chunk is made once the token request waits (the first goes out as the next record is read):
    // it joins the wait under way.
    async function* records() {
      yield* all.slice(0, 6);
      await wait.waiting;
      yield* all.slice(6);
    }
    let settled = false;
    const done = importUsers(propellerClient(wait.sleep).client, records(), {
      chunkRecords: 5,
      concurrency: 2,
      signal: stop.signal,
      // Gives up once two chunks wait on a rate limit: as the second joins the token request's wait.
      onProgress: ({ waitingToRetryRequest }) => {
        if (waitingToRetryRequest === 2) stop.abort();
      },
    }).finally(() => (settled = true));
    // The Retry-After is never waited out: the run must settle without it.
    for (let i = 0; i < 200 && !settled; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    const report = await done;
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual(
      all.map(() => "aborted"),
    );
    wait.release();
  });
});

/** A promise and the function that resolves it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("Propeller: a call the client's sleep makes with its signal, as the token waits", () => {
  it("is not the token request's: its wait is no chunk's", async () => {
    const tokenWait = held();
    const tokenAnswer = held();
    const tokenWaitBegan = held();
    const tokenRetried = held();
    const reportWaitBegan = held();
    // The first token request is answered 429 (Retry-After 30 s); its second try's answer is held.
    mountPropeller(server, {
      faults: {
        retryAfterSeconds: 30,
        script: ({ operation, attempt }) => {
          if (operation !== "getAccessToken" || attempt > 2) return undefined;
          if (attempt === 1) return "429";
          return {
            after: async (answer: Response) => {
              tokenRetried.release();
              await tokenAnswer.promise;
              return answer;
            },
          };
        },
      },
    });
    // The caller's own client, for reports, whose request is answered 429 (Retry-After 60 s) and waits.
    mountFullStory(server, {
      faults: {
        retryAfterSeconds: 60,
        script: ({ operation }) => (operation === "getUser" ? "429" : undefined),
      },
    });
    const reports = createFullStoryClient({
      apiKey: API_KEY,
      sleep: () => {
        reportWaitBegan.release();
        return new Promise<void>(() => {});
      },
    });
    const client = createPropellerClient({
      ...propellerCredentials(seededFaker("propeller harness")),
      // Reports each wait once over, given up on if the waiting call is.
      sleep: async (ms, signal) => {
        if (ms !== 30_000) return;
        tokenWaitBegan.release();
        await tokenWait.promise;
        void reports.getUser({ params: { path: { id: "u1" } }, ...(signal && { signal }) });
      },
    });
    const calls: ImportProgress[] = [];
    const done = importUsers(client, users(15), {
      chunkRecords: 5,
      concurrency: 3,
      progressHeartbeatMs: 1,
      onProgress: (progress) => calls.push(progress),
    });
    await tokenWaitBegan.promise;
    expect(await settledCall(calls, 3)).toMatchObject({ waitingToRetryRequest: 3 });
    tokenWait.release();
    await Promise.all([tokenRetried.promise, reportWaitBegan.promise]);
    // Two heartbeats later: the token request is out again, and the report's wait is no chunk's.
    const before = calls.length;
    while (calls.length < before + 2) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(calls.at(-1)).toMatchObject({ sent: 15, waitingToRetryRequest: 0 });
    tokenAnswer.release();
    expect((await done).imported).toBe(15);
    expect(calls.at(-1)).toMatchObject({ confirmed: 15, waitingToRetryRequest: 0 });
  });
});
