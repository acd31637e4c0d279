// The fault script: a test forces a fault on a given call of a given operation, whatever the random roll.
import { describe, expect, it } from "vitest";
import type { FaultCall, ScriptAction } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import {
  fullStoryBatch,
  fullStoryGet,
  fullStoryPost,
  propellerPost,
  propellerToken,
  propellerUsers,
  slashIdRows,
  slashIdUpload,
} from "./vendor-requests.js";

/** `response`, its body read. */
function read(response: Response): Response {
  void response.text();
  return response;
}

describe("fault script", () => {
  it("injects the fault it names on the call it picks, by operation and attempt", async () => {
    const f = seededFaker("script");
    const seen: FaultCall[] = [];
    const sim = createFullStorySimulator({
      processingPolls: 5,
      faults: {
        retryAfterSeconds: 7,
        script: (call) => {
          seen.push(call);
          if (call.operation !== "getBatchImportStatus") return undefined;
          return call.attempt === 2 ? "5xx" : call.attempt === 3 ? "429" : undefined;
        },
      },
    });
    const created = await fullStoryPost(sim, fullStoryBatch(f, 2));
    const { job } = (await created.json()) as { job: { id: string } };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const answer = await fullStoryGet(sim, `/v2/users/batch/${job.id}`);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get("retry-after");
    }
    expect(statuses).toEqual([200, 500, 429, 200]);
    expect(retryAfter).toBe("7");
    expect(seen.map(({ operation, attempt }) => ({ operation, attempt }))).toEqual([
      { operation: "createBatchImport", attempt: 1 },
      { operation: "getBatchImportStatus", attempt: 1 },
      { operation: "getBatchImportStatus", attempt: 2 },
      { operation: "getBatchImportStatus", attempt: 3 },
      { operation: "getBatchImportStatus", attempt: 4 },
    ]);
    expect(sim.stats().faults).toEqual({ "5xx": 1, "429": 1 });
  });

  it("wins over the random roll, which still decides the calls it leaves alone", async () => {
    const f = seededFaker("script wins");
    const sim = createFullStorySimulator({
      faults: { rate5xx: 1, script: (call) => (call.attempt === 1 ? "drop" : undefined) },
    });
    await expect(fullStoryPost(sim, fullStoryBatch(f, 1))).rejects.toBeInstanceOf(DropConnection);
    expect((await fullStoryPost(sim, fullStoryBatch(f, 1))).status).toBe(500);
    expect(sim.stats()).toMatchObject({ jobs: 0, faults: { drop: 1, "5xx": 1 } });
  });

  // A script from JavaScript (or cast) that names no fault answered nothing: msw then sent the request on to
  // the real vendor with the test's credentials, and a served simulator dropped it as if faulted.
  it.each([
    [
      "a misspelt kind",
      "lost-answer",
      'expected a fault kind (429, 5xx, drop, slow, lost_answer) or an action ({ answer } or { after }), got "lost-answer"',
    ],
    ["an action of neither kind", {}, "expected a Response from the action, got undefined"],
    [
      "an after that gives nothing",
      { after: () => undefined },
      "expected a Response from the action, got undefined",
    ],
    // Sent on, it reached a served client cut off, and crashed msw's interceptor (an uncaught TypeError).
    [
      "an answer whose body was read",
      { answer: () => read(new Response("{}")) },
      "the action's Response was read or sent before",
    ],
  ])("refuses %s by name, and counts no fault", async (_, action, message) => {
    const f = seededFaker("script typo");
    const sim = createFullStorySimulator({
      faults: { script: () => action as unknown as ScriptAction },
    });
    await expect(fullStoryPost(sim, fullStoryBatch(f, 1))).rejects.toThrow(
      `faults.script: ${message}`,
    );
    expect(sim.stats().faults).not.toHaveProperty("lost-answer");
  });

  it("sends one answer given for every call whole each time", async () => {
    const f = seededFaker("one answer");
    const busy = Response.json({ code: "busy" }, { status: 429 });
    const sim = createFullStorySimulator({ faults: { script: () => ({ answer: busy }) } });
    for (let call = 1; call <= 2; call++) {
      const answer = await fullStoryPost(sim, fullStoryBatch(f, 1));
      expect([answer.status, await answer.json()]).toEqual([429, { code: "busy" }]);
    }
  });

  it("counts each { answer } and { after } action as scripted, beside the kinds it names", async () => {
    const f = seededFaker("scripted count");
    const sim = createFullStorySimulator({
      faults: {
        script: ({ attempt }) =>
          attempt === 1
            ? { answer: () => Response.json({ code: "busy" }, { status: 503 }) }
            : attempt === 2
              ? { after: (answer) => answer }
              : attempt === 3
                ? "429"
                : undefined,
      },
    });
    const statuses: number[] = [];
    for (let call = 1; call <= 4; call++)
      statuses.push((await fullStoryPost(sim, fullStoryBatch(f, 1))).status);
    expect(statuses).toEqual([503, 200, 429, 200]);
    expect(sim.stats().faults).toEqual({ scripted: 2, "429": 1 });
  });

  it("shows a call to a path the spec does not know as operation unknown, with no params", async () => {
    const seen: FaultCall[] = [];
    const sim = createFullStorySimulator({
      faults: { script: (call) => void seen.push(call) },
    });
    expect((await fullStoryGet(sim, "/v9/nowhere/1")).status).toBe(404);
    expect(seen.map(({ operation, attempt, params }) => ({ operation, attempt, params }))).toEqual([
      { operation: "unknown", attempt: 1, params: {} },
    ]);
  });

  it("setFaults restarts the random sequence from the seed it is given", async () => {
    const faults = { rate429: 0.5, seed: 5 };
    const sim = createFullStorySimulator({ faults });
    const busy = async () => {
      const seen: boolean[] = [];
      for (let call = 1; call <= 4; call++)
        seen.push((await fullStoryGet(sim, "/v2/users/batch/none")).status === 429);
      return seen;
    };
    const first = await busy();
    expect(first).toContain(true);
    expect(first).toContain(false);
    sim.setFaults(faults);
    expect(await busy()).toEqual(first);
  });

  // slowMs left out is the documented 5000 ms: a caller that aborts after 500 ms is never processed.
  it("holds a slow request 5 s by default: a caller giving up meanwhile is dropped", async () => {
    const f = seededFaker("slow default");
    const sim = createFullStorySimulator({ faults: { rateSlow: 1 } });
    const caller = new AbortController();
    const sent = sim.handle(
      new Request("http://fs.test/v2/users/batch", {
        method: "POST",
        headers: { Authorization: "Basic sim-key", "Content-Type": "application/json" },
        body: JSON.stringify(fullStoryBatch(f, 1)),
        signal: caller.signal,
      }),
    );
    setTimeout(() => caller.abort(), 500);
    await expect(sent).rejects.toBeInstanceOf(DropConnection);
    expect(sim.stats()).toMatchObject({ jobs: 0, users: 0, faults: { slow: 1 } });
  });

  it("setFaults on SlashID and Propeller: attempts keep counting across it", async () => {
    const f = seededFaker("set faults");
    const slashid = createSlashIdSimulator();
    expect((await slashIdUpload(slashid, slashIdRows(f, 1))).status).toBe(200);
    slashid.setFaults({
      script: (call) =>
        call.operation === "bulkImportPersons" && call.attempt === 2 ? "429" : undefined,
    });
    expect((await slashIdUpload(slashid, slashIdRows(f, 1))).status).toBe(429);
    expect((await slashIdUpload(slashid, slashIdRows(f, 1))).status).toBe(200);

    const propeller = createPropellerSimulator();
    const token = await propellerToken(propeller);
    propeller.setFaults({
      script: (call) => (call.operation === "bulkUsersBySourceId" ? "5xx" : undefined),
    });
    expect((await propellerPost(propeller, token, propellerUsers(f, 1))).status).toBe(500);
    propeller.setFaults({});
    expect((await propellerPost(propeller, token, propellerUsers(f, 1))).status).toBe(200);
    expect(propeller.stats()).toMatchObject({ users: 1, faults: { "5xx": 1 } });
  });
});
