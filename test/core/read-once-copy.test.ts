// A plain object record is read once, into a copy that is keyed, validated and sent (see assemble-chunks'
// `readOnce`). That copy must be the record as the caller made it: a record without a prototype (as the
// CLI builds every CSV row) stays without one, so a field Object.prototype holds (polluted by another
// library) is no field of the record; a plain object of another realm (a `vm` context's) is read once too.
import vm from "node:vm";
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory, type FullStoryUser } from "../../src/fullstory/index.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
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

it("fullstory: a plain object of another realm is read once, and FullStory holds the value validated", async () => {
  const sim = mountFullStory(server);
  const first = faker.internet.email();
  let reads = 0;
  const record = vm.runInNewContext(`({ uid: ${JSON.stringify(faker.string.uuid())} })`) as object;
  Object.defineProperty(record, "email", {
    enumerable: true,
    get() {
      reads += 1;
      return reads > 1 ? "no email" : first;
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });

  const report = await importFullStory(client, [record] as FullStoryUser[], {
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
  expect(sim.users().map((u) => u.email)).toEqual([first]);
});

it("slashid: a proxy that answers reads (a lazily loaded record) is imported with what it answers", async () => {
  // A proxy with a `get` trap alone lists its target's keys, none: a copy of it would hold no field at all.
  const world = slashIdWorld(server);
  const email = faker.internet.email().toLowerCase();
  const fields: Record<string, unknown> = { emails: [email] };
  const person = new Proxy(
    {},
    { get: (_, name) => (typeof name === "string" ? fields[name] : undefined) },
  );

  const report = await importSlashId(slashIdClient(), [person] as SlashIdPerson[], {
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
  expect(world.sim.persons().map((p) => p.emails)).toEqual([[email]]);
});
