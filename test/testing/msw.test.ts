// The msw handlers of the simulators. A dropped connection while the caller aborts the request: msw's
// interceptor, answered with a network error after the abort, leaves a "Failed to fetch" rejection nobody
// handles, which fails the integrator's test run. The run's own stop (another chunk's 401) aborts in-flight
// requests so.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { DropConnection, type VendorSimulator } from "../../src/testing/simulator.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";

const BASE = "https://drops.example";
let stop = new AbortController();
/** Microtasks the aborting request waits before it aborts, varied to meet the drop's answer at each step. */
let delay = 0;

const simulator: VendorSimulator = {
  vendor: "drops",
  handle: async (request) => {
    if (request.url.endsWith("/drop")) throw new DropConnection();
    for (let i = 0; i < delay; i++) await Promise.resolve();
    stop.abort();
    return new Response("{}");
  },
  stats: () => {
    throw new Error("not read");
  },
  setFaults: () => undefined,
};
const server = setupServer(...simulatorHandlers(simulator, BASE));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

it("a drop the caller aborts meanwhile leaves no unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const seen = (reason: unknown) => void unhandled.push(reason);
  process.on("unhandledRejection", seen);
  const failures = new Set<string>();
  try {
    for (delay = 0; delay < 200; delay++) {
      stop = new AbortController();
      const failed = (error: Error) => void failures.add(error.name);
      await Promise.all(
        ["drop", "abort"].map((path) =>
          fetch(`${BASE}/${path}`, { signal: stop.signal }).then(() => "answered", failed),
        ),
      );
    }
    // Unhandled rejections are reported after the microtasks of the task that made them.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off("unhandledRejection", seen);
  }
  expect(unhandled).toEqual([]);
  // Each request failed as its caller saw it: aborted (or dropped, where the drop came first).
  expect([...failures].every((name) => name === "AbortError" || name === "TypeError")).toBe(true);
});

it("simulators behind one host each get the requests under their basePath", async () => {
  // The first simulator's handler answered every request under the host: Userpilot's got FullStory's 404.
  const fullstory = createFullStorySimulator({ basePath: "/fullstory" });
  const userpilot = createUserpilotSimulator({ basePath: "/userpilot/" });
  const gateway = "https://gateway.example";
  server.use(
    ...simulatorHandlers(fullstory, gateway),
    ...simulatorHandlers(userpilot, `${gateway}/userpilot`),
  );
  const fs = createFullStoryClient({ apiKey: "sim-key", baseUrl: `${gateway}/fullstory` });
  const up = createUserpilotClient({ apiKey: "sim-key", baseUrl: `${gateway}/userpilot` });
  expect((await fs.createUser({ body: { uid: "u-1" } })).ok).toBe(true);
  expect((await up.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } })).ok).toBe(true);
  expect([fullstory.stats().requests, userpilot.stats().requests]).toEqual([
    { "POST /v2/users": 1 },
    { "POST /v1/users/bulk_identify": 1 },
  ]);
  // Under no simulator's basePath: msw's onUnhandledRequest ("error") answers, not a vendor's 404.
  await expect(fetch(`${gateway}/v2/users`, { method: "POST" })).rejects.toThrow();
  server.resetHandlers();
});

it.each(["api.fullstory.com", "/v2", "", "ftp://files.example"])(
  "refuses a baseUrl %j, which would match no request",
  (baseUrl) => {
    expect(() => simulatorHandlers(simulator, baseUrl)).toThrow(
      new TypeError(`baseUrl: expected an http(s) URL, got ${JSON.stringify(baseUrl)}`),
    );
  },
);
