// SlashID compares a person's handles without the blanks around them (the simulator trims every value of a
// list cell, as the CLI's CSV reader and the adapter's own failed_csv matching do): " ann@example.com" and
// "ann@example.com" are one person. The report's key, and so its duplicate warning, must see them as one.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { slashIdKeyOf } from "../../src/slashid/index.js";
import { useMswServer } from "../support/msw.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

it("warns of a second record whose first email differs from an earlier one only by blanks", async () => {
  const world = slashIdWorld(server);
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], groups: ["first"] },
      { emails: [" Ann@example.com "], groups: ["second"] },
    ],
    { sleep: async () => {} },
  );

  // SlashID keeps one person for both.
  expect(world.sim.persons()).toHaveLength(1);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.outcomes[1]?.key).toBe("ann@example.com");
  expect(report.events.duplicate_keys).toBe(1);
  expect(report.outcomes[1]).toHaveProperty("warning", expect.stringContaining("record 0"));
});

it("keys a person by its first handle without the blanks around it", () => {
  expect(slashIdKeyOf({ emails: ["  Ann@Example.com"] }, 0)).toBe("ann@example.com");
  expect(slashIdKeyOf({ phone_numbers: [" +13475043201 "] }, 0)).toBe("+13475043201");
  expect(slashIdKeyOf({ usernames: ["ann "] }, 0)).toBe("ann");
});
