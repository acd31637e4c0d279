// README "Lost answers": a chunk whose answer was lost or turned away (a timeout, a 408, a 429, a 5xx) is sent
// again within the run, and a record ends `failed` only when the vendor refused it or the attempts ran out.
// Each status here reaches the engine once the client's own retries are off (`maxRetries: 0`), in the form the
// vendor's spec gives it: documented and typed (FullStory lists 429 and 500), or `undocumented` (Propeller
// lists neither), or `too_large` (a body over `maxResponseBytes`).
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory } from "../../src/fullstory/import.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import { json } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { API_KEY, mountFullStory, vendorError } from "../fullstory/harness.js";
import { mountPropeller, users } from "../propeller/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const noWait = async () => {};
const outcomes = (report: ImportReport) => report.outcomes.map((o) => o.outcome);

describe("FullStory: a documented status that may pass, on the create, is sent again in the run", () => {
  it.each([429, 500, 503])(
    "HTTP %i, then the vendor's answer: every user imported",
    async (status) => {
      let creates = 0;
      const sim = mountFullStory(server, {
        faults: {
          script: ({ operation }) =>
            operation === "createBatchImport" && ++creates === 1
              ? vendorError(status, "scripted")
              : undefined,
        },
      });
      const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0, sleep: noWait });
      const f = seededFaker(`passing ${status}`);
      const input = [0, 1].map((i) => ({ uid: `${f.string.alphanumeric(8)}-${i}` }));
      const report = await importFullStory(client, input, {
        pollIntervalMs: 1,
        replayDelayMs: 0,
        sleep: noWait,
      });
      expect(creates).toBe(2);
      expect(outcomes(report)).toEqual(["imported", "imported"]);
      expect(sim.users().map((u) => u.uid)).toEqual(input.map((u) => u.uid));
    },
  );
});

describe("Propeller: an undocumented status that may pass is sent again in the run", () => {
  const credentials = propellerCredentials(seededFaker("propeller harness"));
  const client = () =>
    createPropellerClient({
      ...credentials,
      maxRetries: 0,
      maxResponseBytes: 4096,
      sleep: noWait,
    });
  const huge = (status: number) =>
    json({ message: "x".repeat(10_000) }, status, { "retry-after": "0" });

  it.each([
    ["HTTP 408", () => json({ message: "request timeout" }, 408)],
    ["HTTP 500", () => json({ message: "internal error" }, 500)],
    ["HTTP 429", () => json({ message: "slow down" }, 429)],
    ["HTTP 429 over maxResponseBytes", () => huge(429)],
  ])("%s, then the vendor's answer: every user imported", async (_name, answer) => {
    let calls = 0;
    const vendor = mountPropeller(server, {
      bulk: () => (++calls === 1 ? { answer } : undefined),
    });
    const report = await importPropeller(client(), users(2), { replayDelayMs: 0, sleep: noWait });
    expect(calls).toBe(2);
    expect(outcomes(report)).toEqual(["imported", "imported"]);
    expect(vendor.sim.stats()).toMatchObject({ users: 2, duplicates: 0 });
  });
});

it("FullStory: an answer later than `timeoutMs`, after the vendor acted, is sent again and the users imported", async () => {
  let creates = 0;
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport" && ++creates === 1
          ? {
              after: async (answer) => {
                await new Promise((resolve) => setTimeout(resolve, 1_200));
                return answer;
              },
            }
          : undefined,
    },
  });
  const client = createFullStoryClient({
    apiKey: API_KEY,
    maxRetries: 0,
    timeoutMs: 400,
    sleep: noWait,
  });
  const input = [{ uid: "late-answer-0" }, { uid: "late-answer-1" }];
  const report = await importFullStory(client, input, {
    pollIntervalMs: 1,
    replayDelayMs: 0,
    sleep: noWait,
  });
  expect(outcomes(report)).toEqual(["imported", "imported"]);
  expect(sim.users().map((u) => u.uid)).toEqual(input.map((u) => u.uid));
});
