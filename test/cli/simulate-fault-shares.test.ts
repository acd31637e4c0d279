// `simulate <vendor>` serves the faults its flags name, in the shares they name (README: Simulators): a flag
// the command did not pass on served a simulator without that fault, and a sum of shares checked without one
// of them let the simulator refuse it later, as a crash rather than a usage error.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import type { SimulatorStats } from "../../src/testing/simulator.js";
import { cli, fakeIo, type FakeIo } from "./helpers.js";

/** `simulate …` started in the background, once it prints its URL (or ends without one). */
async function simulate(
  argv: string[],
): Promise<{ fake: FakeIo; url: string; done: Promise<number> }> {
  const fake = fakeIo();
  const done = run(argv, fake.io);
  let settled = false;
  void done.finally(() => (settled = true));
  const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/;
  for (let i = 0; i < 400 && !settled && !listening.test(fake.stdout.text); i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const url = listening.exec(fake.stdout.text)?.[1];
  if (url === undefined) {
    fake.controller.abort();
    throw new Error(`simulate served nothing: ${fake.all()}`);
  }
  return { fake, url, done };
}

/** The stats a stopped `simulate` printed last. */
const printedStats = (fake: FakeIo) =>
  JSON.parse(fake.stdout.text.trimEnd().split("\n").at(-1) ?? "{}") as SimulatorStats;

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
