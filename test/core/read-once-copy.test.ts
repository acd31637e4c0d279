// A plain object record is read once, into a copy that is keyed, validated and sent (see assemble-chunks'
// `readOnce`). That copy must be the record as the caller made it: a record without a prototype (as the
// CLI builds every CSV row) stays without one, so a field Object.prototype holds (polluted by another
// library) is no field of the record.
import { expect, it } from "vitest";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const faker = seededFaker("read once copy");

it("slashid: a record without a prototype sends no field that a polluted Object.prototype holds", async () => {
  const world = slashIdWorld(server);
  const email = faker.internet.email().toLowerCase();
  const person = Object.assign(Object.create(null) as Record<string, unknown>, { emails: [email] });
  // Not enumerable, so nothing else that walks objects meanwhile sees it; removed before the test ends.
  Object.defineProperty(Object.prototype, "region", {
    value: "polluted",
    configurable: true,
    writable: true,
  });
  let report;
  try {
    report = await importSlashId(slashIdClient(), [person] as SlashIdPerson[], {
      sleep: async () => {},
    });
  } finally {
    delete (Object.prototype as { region?: unknown }).region;
  }

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
  // The body, not the simulator's persons: the simulator reads its rows while the prototype is polluted too.
  expect(world.sim.persons().map((p) => p.emails)).toEqual([[email]]);
  expect(world.bodies.join("")).not.toContain("polluted");
});
