// A client made with its own `signal`, aborted in the middle of an import: every later call of that client
// fails `aborted` without a request, so a replay within the run could only fail so again.
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers } from "../../src/propeller/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials } from "../../src/testing/fixtures/propeller.js";
import { useMswServer } from "../support/msw.js";
import { errorAnswer, mountPropeller, users } from "../propeller/harness.js";

const server = useMswServer();

describe("an import through a client whose own signal aborts", () => {
  it("sends no chunk again and claims no send for the chunks that never went out", async () => {
    const vendor = mountPropeller(server);
    const controller = new AbortController();
    const client = createPropellerClient({
      ...propellerCredentials(seededFaker("propeller harness")),
      signal: controller.signal,
    });
    const slept: number[] = [];
    const report = await importUsers(client, users(30), {
      chunkRecords: 10,
      concurrency: 1,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
      // The first chunk is done: the caller shuts its client down.
      onOutcome: (outcome) => {
        if (outcome.index === 9) controller.abort();
      },
    });

    expect(vendor.sent.length).toBe(1);
    expect([report.imported, report.failed]).toEqual([10, 20]);
    expect(report.chunks.replayed).toBe(0);
    expect(slept).toEqual([]);
    const failed = report.outcomes.filter((o) => o.outcome === "failed");
    for (const outcome of failed) {
      expect(outcome).toMatchObject({ code: "aborted" });
      expect(outcome.reason).not.toMatch(/sent \d+ times?/);
      // Their requests stopped before they went out: nothing for Propeller to hold.
      expect(outcome.reason).toContain("before this chunk's request went out");
      expect(outcome.reason).not.toMatch(/may hold/);
    }
  });

  it("says the chunk's request went out, and was turned away, when the abort cut its Retry-After short", async () => {
    const vendor = mountPropeller(server, {
      bulk: () => errorAnswer(429, 429, "Too Many", ["slow"]),
    });
    const controller = new AbortController();
    const client = createPropellerClient({
      ...propellerCredentials(seededFaker("propeller harness")),
      signal: controller.signal,
      // The caller shuts its client down while the call waits to retry.
      sleep: () => {
        controller.abort();
        return Promise.reject(new Error("aborted"));
      },
    });
    const report = await importUsers(client, users(2), { sleep: () => Promise.resolve() });
    expect(vendor.sent.length).toBe(1);
    expect(report.chunks.sent).toBe(1);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "aborted" });
      if (outcome.outcome !== "failed") continue;
      // Before, it said "before this chunk's request went out": Propeller had answered it 429.
      expect(outcome.reason).toContain(
        "the caller aborted the client's calls after propeller turned this chunk's request away unprocessed",
      );
      expect(outcome.reason).not.toMatch(/may hold|before this chunk's request went out/);
    }
  });
});
