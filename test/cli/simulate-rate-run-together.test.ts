// The fix for flags run together into one argument (a quoted "$OPTS") covers the tuning flags of `import`;
// the fault-rate flags of `simulate` still quoted the whole value, the rest of the line and its key too.
import { expect, it } from "vitest";
import { cli } from "./helpers.js";

it("a fault-rate flag run together with --api-key does not print the key", async () => {
  const key = "na1.SECRETkey0123456789abcdef";
  const result = await cli(["simulate", "fullstory", `--fault-429=0.1 --api-key=${key}`]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--fault-429/);
  expect(result.all).not.toContain(key.slice(4, 14));
});

it("a wrong fault rate of one word is still quoted back", async () => {
  const result = await cli(["simulate", "fullstory", "--reject=2"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--reject takes a share from 0 to 1, not 2/);
});
