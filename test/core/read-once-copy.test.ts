// A plain object record is read once, into a copy that is keyed, validated and sent (see assemble-chunks'
// `readOnce`). That copy must be the record as the caller made it: a record without a prototype (as the
// CLI builds every CSV row) stays without one, so a field Object.prototype holds (polluted by another
// library) is no field of the record; a plain object of another realm (a `vm` context's) is read once too.
// A class instance, or an object made by Object.create, is read as JSON.stringify sends it: its own
// enumerable fields, never one its prototype holds (a getter, a default) or a non-enumerable one.
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
import { client as userpilotClient, userpilot } from "../userpilot/harness.js";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { importUsers as importUserpilot } from "../../src/userpilot/import.js";

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

/** An object of class `Row` whose `field` is `value` where JSON.stringify does not see it. */
function unsent(
  field: string,
  value: string,
  how: "non-enumerable" | "getter" | "inherited",
): object {
  if (how === "inherited") return Object.create({ [field]: value }) as object;
  class Row {}
  if (how === "getter")
    Object.defineProperty(Row.prototype, field, { get: () => value, enumerable: true });
  const row = new Row();
  if (how === "non-enumerable") Object.defineProperty(row, field, { value, enumerable: false });
  return row;
}

it("userpilot: a user_id JSON.stringify would not send is missing: the user is rejected, the others imported", async () => {
  const up = userpilot(server);
  const kept = faker.string.uuid();
  const records = [
    unsent("user_id", faker.string.uuid(), "non-enumerable"),
    unsent("user_id", faker.string.uuid(), "getter"),
    unsent("user_id", faker.string.uuid(), "inherited"),
    { user_id: kept },
  ];

  const report = await importUserpilot(userpilotClient(), records as UserpilotUser[], {
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
    "userpilot.user_id",
    "userpilot.user_id",
    "userpilot.user_id",
    "imported",
  ]);
  expect(report.outcomes[0]).toMatchObject({ key: "#0" });
  expect(up.sim.users().map((u) => u.user_id)).toEqual([kept]);
});

it("fullstory: a uid JSON.stringify would not send names no user in the report: FullStory never got it", async () => {
  const sim = mountFullStory(server);
  const uids = [faker.string.uuid(), faker.string.uuid(), faker.string.uuid()];
  const records = [
    unsent("uid", uids[0] ?? "", "non-enumerable"),
    unsent("uid", uids[1] ?? "", "getter"),
    unsent("uid", uids[2] ?? "", "inherited"),
  ];
  const client = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });

  const report = await importFullStory(client, records as FullStoryUser[], {
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    sleep: async () => {},
  });

  // FullStory holds three users without a uid (a record of no fields is a valid, empty user).
  expect(sim.users().map((u) => u.uid)).toEqual([undefined, undefined, undefined]);
  expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
    ["#0", "imported"],
    ["#1", "imported"],
    ["#2", "imported"],
  ]);
});
