// A proxy record (a reactive or observable object, a view over a row buffer) is read where it stands, not
// copied: when the input hands over one proxy, its row refilled for each record, each user must still be
// sent as it was when read, not as the row holds when its chunk goes.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const faker = seededFaker("proxy record refilled");

/** One proxy over one row, refilled with each of `records` before it is handed over again. */
function* refilledProxy(records: readonly Record<string, unknown>[]): Generator<FullStoryUser> {
  const row: Record<string, unknown> = {};
  const view = new Proxy(row, {
    get: (target, name): unknown => Reflect.get(target, name),
  });
  for (const record of records) {
    for (const key of Object.keys(row)) delete row[key];
    Object.assign(row, record);
    yield view;
  }
}

it("fullstory: each user is sent as the proxy read when handed over, under its own outcome", async () => {
  const sim = mountFullStory(server);
  const users = [1, 2, 3].map(() => ({ uid: faker.string.uuid(), email: faker.internet.email() }));

  const report = await importUsers(
    createFullStoryClient({ apiKey: API_KEY }),
    refilledProxy(users),
    { pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: async () => {} },
  );

  expect(sim.users().map((u) => [u.uid, u.email])).toEqual(users.map((u) => [u.uid, u.email]));
  expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual(
    users.map((u) => [u.uid, "imported"]),
  );
});
