// The result lists' share of a job's time (jobTimeoutMs) when the caller's sleep returns at once: the waits
// asked for are the time, over every page of a list and across a replay that follows the job again.
import { describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import {
  importUsers,
  type FullStoryImportOptions,
  type FullStoryUser,
} from "../../src/fullstory/index.js";
import type { FaultCall, ScriptAction } from "../../src/testing/faults.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, fullStoryError, mountFullStory } from "./harness.js";
import { matching } from "../support/matchers.js";

const server = useMswServer();

const users = (n: number): FullStoryUser[] =>
  Array.from({ length: n }, (_, i) => ({ uid: `u-${i}`, email: `u${i}@example.com` }));
const client = () =>
  createFullStoryClient({
    apiKey: API_KEY,
    retryBaseDelayMs: 1,
    maxRetries: 0,
    sleep: loggedSleep([]),
  });
const STILL_PROCESSING = { answer: () => new Response(null, { status: 202 }) };

/** Options whose sleep returns at once, logging each wait; every wait of a list is 100 ms. */
function instant(extra: FullStoryImportOptions) {
  const sleeps: number[] = [];
  const options: FullStoryImportOptions = {
    pollIntervalMs: 100,
    maxPollIntervalMs: 100,
    sleep: (ms, signal) => {
      signal.throwIfAborted();
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...extra,
  };
  return { options, waited: () => sleeps.reduce((sum, ms) => sum + ms, 0) };
}

describe("result lists within the job's time (a sleep that returns at once)", () => {
  it("a later page's 202s get what the list's earlier pages left, not the whole time again", async () => {
    const { options, waited } = instant({ jobTimeoutMs: 5_000, chunkAttempts: 1 });
    // The imports list's first page is ready after 4 s of waits; its second answers 202 for ever.
    mountFullStory(server, {
      pageSize: 1,
      faults: {
        script: ({ operation, request }: FaultCall): ScriptAction | undefined => {
          if (operation !== "getBatchImports") return undefined;
          const first = !new URL(request.url).searchParams.has("page_token");
          return first && waited() >= 4_000 ? undefined : STILL_PROCESSING;
        },
      },
    });
    const report = await importUsers(client(), users(2), options);

    expect(report.outcomes[1]).toMatchObject({ code: "results_incomplete" });
    // The second page was given the whole 5 s again: 8.9 s of waits for a job given 5.
    expect(waited()).toBeLessThanOrEqual(5_000);
  });

  it("a replay's lists get what the first attempt's lists left of the job's time", async () => {
    const { options, waited } = instant({
      jobTimeoutMs: 5_000,
      chunkAttempts: 2,
      replayDelayMs: 0,
    });
    // Both lists answer 202 until 3 s of waits (1.5 s each, side by side), then 502 once each; the
    // replay finds the job ended and its lists answering 202 for ever.
    let failed = 0;
    let importsAsked = 0;
    mountFullStory(server, {
      faults: {
        script: ({ operation }: FaultCall): ScriptAction | undefined => {
          if (operation !== "getBatchImports" && operation !== "getBatchImportErrors")
            return undefined;
          if (operation === "getBatchImports") importsAsked += 1;
          if (waited() >= 3_000 && failed < 2) {
            failed += 1;
            return { answer: () => new Response(null, { status: 502 }) };
          }
          return STILL_PROCESSING;
        },
      },
    });
    const report = await importUsers(client(), users(2), options);

    expect(failed).toBe(2);
    expect(report.imported).toBe(0);
    // Waits of 100 ms within 5 s: at most 50, so at most one ask more per attempt. Given its time
    // again, the replay's imports list was asked 66 times in all.
    expect(importsAsked).toBeLessThanOrEqual(52);
  });

  it("a sleep that takes its time: its waits are not counted again, the lists get the rest", async () => {
    const { options, waited } = instant({ jobTimeoutMs: 5_000, chunkAttempts: 1 });
    // Our clock moves by each wait, as a real sleep's does: the status polls take about 2 s, and the
    // imports list answers 202 until 4.5 s, within the job's 5.
    const started = performance.now();
    const monotonic = vi.spyOn(performance, "now").mockImplementation(() => started + waited());
    try {
      mountFullStory(server, {
        processingPolls: 25,
        faults: {
          script: ({ operation }: FaultCall): ScriptAction | undefined =>
            operation === "getBatchImports" && waited() < 4_500 ? STILL_PROCESSING : undefined,
        },
      });
      const report = await importUsers(client(), users(2), options);

      // The polls' 2 s counted twice (as time and as waits), the list's time ran out at about 3 s.
      expect(report.imported).toBe(2);
    } finally {
      monotonic.mockRestore();
    }
  });

  it("a replay left no time after the job was seen ended: not a job FullStory may still finish", async () => {
    const { options, waited } = instant({
      jobTimeoutMs: 5_000,
      chunkAttempts: 2,
      replayDelayMs: 0,
    });
    // The job ends at its first poll; its imports list refuses a page (400), while the errors list's
    // answer takes 6 s: the job's time is spent. The replay's status poll meets a 503 it has no time to
    // retry.
    let slow = 0;
    let listFailed = false;
    const started = performance.now();
    const monotonic = vi
      .spyOn(performance, "now")
      .mockImplementation(() => started + waited() + slow);
    try {
      mountFullStory(server, {
        faults: {
          script: ({ operation }: FaultCall): ScriptAction | undefined => {
            if (operation === "getBatchImportStatus" && listFailed)
              return { answer: () => fullStoryError(503, "service_unavailable") };
            if (operation === "getBatchImports" && !listFailed) {
              listFailed = true;
              return { answer: () => fullStoryError(400, "invalid_argument") };
            }
            if (operation === "getBatchImportErrors" && slow === 0)
              return {
                after: (answer) => {
                  slow += 6_000;
                  return Promise.resolve(answer);
                },
              };
            return undefined;
          },
        },
      });
      const patient = createFullStoryClient({
        apiKey: API_KEY,
        retryBaseDelayMs: 1_000,
        maxRetries: 2,
        sleep: loggedSleep([]),
      });
      const report = await importUsers(patient, users(2), options);

      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "results_incomplete",
          reason: matching(/ended, as an earlier status said, but its result lists were not read/),
          vendorMayHold: true,
        });
        expect(outcome).not.toMatchObject({ reason: matching(/may still finish it/) });
      }
    } finally {
      monotonic.mockRestore();
    }
  });
});
