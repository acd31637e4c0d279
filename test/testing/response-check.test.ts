// The check every test's simulator answers go through (test/support/msw.ts turns it on): an answer outside
// the spec is reported, naming the operation and what is wrong; a conforming one is not.
import { afterEach, describe, expect, it } from "vitest";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import {
  checkSimulatorResponse,
  onSimulatorResponseProblem,
} from "../../src/testing/response-check.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";

/** A FullStory simulator that always gives `answer`, as a drifting simulator might. */
function drifting(answer: () => Response, basePath = ""): VendorSimulator {
  return {
    vendor: "fullstory",
    basePath,
    handle: () => Promise.resolve(answer()),
    setFaults: () => {},
    stats: () => ({
      requests: {},
      faults: {},
      users: 0,
      duplicates: 0,
      rewrites: 0,
      duplicateWrites: 0,
      rejected: 0,
    }),
  };
}

async function problemsOf(
  simulator: VendorSimulator,
  request: Request,
  mountPath = "",
): Promise<string[]> {
  const problems: string[] = [];
  onSimulatorResponseProblem((p) => problems.push(p));
  const response = await simulator.handle(request);
  await checkSimulatorResponse(simulator, request, response, mountPath);
  // The body is still there for the client.
  await response.text();
  return problems;
}

const batch = () =>
  new Request("https://api.fullstory.com/v2/users/batch", { method: "POST", body: "{}" });
const json = (body: unknown, status = 200) => Response.json(body, { status });

afterEach(() => onSimulatorResponseProblem(undefined));

describe("simulator answers are checked against the spec", () => {
  it("passes a documented status with a body its schema accepts", async () => {
    const sim = drifting(() =>
      json({ job: { id: "j1", status: "PROCESSING", created: "2024-01-01T00:00:00Z" } }),
    );
    expect(await problemsOf(sim, batch())).toEqual([]);
  });

  it("reports a body that lacks a required field, naming the operation", async () => {
    const sim = drifting(() => json({ job: { id: "j1", status: "PROCESSING" } }));
    expect(await problemsOf(sim, batch())).toEqual([
      expect.stringMatching(
        /createBatchImport 200 body \/job must have required property 'created'/,
      ),
    ]);
  });

  it("reports an enum value the spec does not list", async () => {
    const sim = drifting(() =>
      json({ job: { id: "j1", status: "RUNNING", created: "2024-01-01T00:00:00Z" } }),
    );
    expect(await problemsOf(sim, batch())).toEqual([
      expect.stringMatching(/createBatchImport 200 body \/job\/status must be equal to one of/),
    ]);
  });

  it("reports a status the operation does not document", async () => {
    const sim = drifting(() => json({ message: "teapot", code: "teapot" }, 418));
    expect(await problemsOf(sim, batch())).toEqual([
      expect.stringMatching(/status 418 is not documented for createBatchImport/),
    ]);
  });

  it("matches operations below the mount path and the simulator's base path only", async () => {
    const sim = drifting(() => json({ job: { id: "j1" } }), "/fs");
    const inside = new Request("https://h.test/api/fs/v2/users/batch", { method: "POST" });
    expect(await problemsOf(sim, inside, "/api")).not.toEqual([]);
    const outside = new Request("https://h.test/v2/users/batch", { method: "POST" });
    expect(await problemsOf(sim, outside, "/api")).toEqual([]);
  });

  it("lets an injected fault carry a status the spec does not list (Propeller documents no 5xx)", async () => {
    const sim = createPropellerSimulator({ faults: { rate5xx: 1 } });
    const request = new Request("https://api.helice.cloud/v2/users/bulk/sourceId", {
      method: "POST",
      body: JSON.stringify({ users: [{ source: "s", sourceId: 1 }] }),
      headers: { "content-type": "application/json" },
    });
    expect(await problemsOf(sim, request)).toEqual([]);
  });
});
