// `simulate --port` is a whole number as every whole-number flag is: decimal digits only. Number() read `0x0`
// as 0 and `1e3` as 1000 (and an empty value as 0), so a typo or a value meant otherwise served a simulator
// on a port the operator never named.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { fakeIo } from "./helpers.js";

/** The exit code and stderr, or "served" (the simulator listened: stopped at once, for the test to fail). */
async function simulateOn(port: string): Promise<{ code: number; stderr: string } | "served"> {
  const fake = fakeIo();
  const done = run(["simulate", "fullstory", "--port", port], fake.io);
  let settled = false;
  void done.finally(() => (settled = true));
  for (let i = 0; i < 400 && !settled && !fake.stdout.text.includes("listening on"); i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  if (!settled) {
    fake.controller.abort();
    await done;
    return "served";
  }
  return { code: await done, stderr: fake.stderr.text };
}

describe("simulate --port takes decimal digits only", () => {
  for (const port of ["0x0", "0e3", "", " ", "0.0", "+0"]) {
    it(`--port ${JSON.stringify(port)}: exit 2, nothing served`, async () => {
      const result = await simulateOn(port);
      expect(result).not.toBe("served");
      if (result === "served") return;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--port takes 0 to 65535");
    });
  }

  it("--port 0 still serves on a free port", async () => {
    expect(await simulateOn("0")).toBe("served");
  });
});
