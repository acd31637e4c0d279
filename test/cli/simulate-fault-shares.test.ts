// `simulate <vendor>` serves the faults its flags name, in the shares they name (README: Simulators): a flag
// the command did not pass on served a simulator without that fault, and a sum of shares checked without one
// of them let the simulator refuse it later, as a crash rather than a usage error.
import { describe, expect, it } from "vitest";
import { cli, printedStats, simulate } from "./helpers.js";

const batch = (url: string) =>
  fetch(`${url}/v2/users/batch`, {
    method: "POST",
    headers: { authorization: "Basic sim-key", "content-type": "application/json" },
    body: JSON.stringify({ requests: [{ uid: "u-1" }] }),
  });

describe("simulate --fault-slow", () => {
  it("--fault-slow 1: every request is a slow one, and the stats printed at the end count them", async () => {
    const sim = await simulate([
      ...["simulate", "fullstory", "--port", "0", "--fault-slow", "1", "--slow-ms", "1"],
    ]);
    try {
      for (let i = 0; i < 3; i++) expect((await batch(sim.url)).ok).toBe(true);
    } finally {
      sim.fake.controller.abort();
    }
    expect(await sim.done).toBe(0);
    expect(printedStats(sim.fake).faults).toMatchObject({ slow: 3 });
  });

  it("counts toward the shares' sum: with --fault-429 past 1 in all, a usage error naming the rule", async () => {
    const result = await cli([
      "simulate",
      "fullstory",
      "--fault-slow",
      "0.6",
      "--fault-429",
      "0.6",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("they add up to at most 1");
  });
});

describe("shares that add up to 1", () => {
  // 0.33 + 0.56 + 0.11 is 1.0000000000000002 in binary floating point: still the 1 the operator wrote.
  it("are served, though their floating-point sum is a hair past 1", async () => {
    const sim = await simulate([
      ...["simulate", "fullstory", "--port", "0"],
      ...["--fault-429", "0.33", "--fault-5xx", "0.56", "--fault-drop", "0.11"],
    ]);
    sim.fake.controller.abort();
    expect(await sim.done).toBe(0);
    expect(sim.fake.stderr.text).toBe("");
  });
});
