// SlashID compares a person's handles without the blanks around them (the simulator trims every value of a
// list cell, as the CLI's CSV reader and the adapter's own failed_csv matching do): " ann@example.com" and
// "ann@example.com" are one person. A CSV cell's blanks are the file's layout, read away; a record given
// with them is refused (`slashid.blanks_around`), never sent as written nor changed, and keyed as the handle
// without them, so the report names the person it would have been.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { personFromCsvRow, slashIdKeyOf } from "../../src/slashid/index.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

it("rejects a record whose email has blanks around it, keyed without them; nothing is sent", async () => {
  const world = slashIdWorld(server);
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], groups: ["first"] },
      { emails: [" Ann@example.com "], groups: ["second"] },
    ],
    { sleep: async () => {} },
  );

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "rejected"]);
  expect(report.outcomes[1]).toMatchObject({
    key: "ann@example.com",
    rule: "slashid.blanks_around",
    reason: matching(/^record 1 \(ann@example\.com\): emails\.0: must not have blanks/),
  });
  expect(world.sim.persons().map((p) => [p.emails, p.groups])).toEqual([
    [["ann@example.com"], ["first"]],
  ]);
  expect(world.sim.uploads().flatMap((u) => u.rows)).toHaveLength(1);
});

it("warns of a CSV row whose first email differs from an earlier one only by its blanks", async () => {
  const world = slashIdWorld(server);
  const rows = [
    { "slashid:emails": "ann@example.com", "slashid:groups": "first" },
    { "slashid:emails": " Ann@example.com ", "slashid:groups": " second " },
  ];
  const report = await importUsers(slashIdClient(), rows.map(personFromCsvRow), {
    sleep: async () => {},
  });

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
