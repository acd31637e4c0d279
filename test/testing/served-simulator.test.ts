// What serveSimulator gives a caller over loopback HTTP: where it listens, what a failing script answers,
// a slow request its caller gave up on, and a close that does not wait for requests still held.
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { FaultKind, FaultOptions } from "../../src/testing/faults.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";

async function served(faults: FaultOptions) {
  const sim = createUserpilotSimulator({ apiKey: "k", faults });
  return { sim, running: await serveSimulator(sim) };
}

const jobsOf = (url: string, init: RequestInit = {}) =>
  fetch(`${url}/v1/background_jobs`, { ...init, headers: { Authorization: "Token k" } });

describe("a served simulator", () => {
  it("listens on loopback only", async () => {
    const { running } = await served({});
    try {
      expect((running.server.address() as AddressInfo).address).toBe("127.0.0.1");
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await running.close();
    }
  });

  it("answers a script's mistake with a 500 that says what it was", async () => {
    // A script from JavaScript (or cast) naming a kind that does not exist.
    const { running } = await served({ script: () => "lost-answer" as FaultKind });
    try {
      const answer = await jobsOf(running.url);
      expect(answer.status).toBe(500);
      expect(await answer.text()).toContain(
        "faults.script: expected a fault kind (429, 5xx, drop, slow, lost_answer) or an action",
      );
    } finally {
      await running.close();
    }
  });

  it("closes without waiting for a request it still holds, which the caller sees dropped", async () => {
    const { sim, running } = await served({ rateSlow: 1, slowMs: 60_000 });
    const held = jobsOf(running.url).then(
      () => "answered",
      () => "dropped",
    );
    // The request is held once the simulator has counted its slow fault.
    await expect.poll(() => sim.stats().faults["slow"]).toBe(1);
    await running.close();
    expect(await held).toBe("dropped");
  });

  // The caller's giving up reaches the simulator as the connection closing: its slow request is dropped.
  it("a slow request whose caller gives up is never processed, even once its time is up", async () => {
    const { sim, running } = await served({
      slowMs: 1_000,
      script: ({ attempt }) => (attempt === 1 ? "slow" : undefined),
    });
    try {
      const caller = new AbortController();
      const sent = fetch(`${running.url}/v1/users/bulk_identify`, {
        method: "POST",
        headers: { Authorization: "Token k", "Content-Type": "application/json" },
        body: JSON.stringify({ users: [{ user_id: "u-1" }] }),
        signal: caller.signal,
      });
      await expect.poll(() => sim.stats().faults["slow"]).toBe(1);
      caller.abort();
      await expect(sent).rejects.toThrow();
      // Past the second the request was held for.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(sim.jobs()).toEqual([]);
      expect(sim.stats()).toMatchObject({ jobs: 0, faults: { slow: 1 } });
    } finally {
      await running.close();
    }
  });
});
