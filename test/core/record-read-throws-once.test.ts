// A record whose reading throws (a lazy source whose load failed) is rejected, quoting what it threw, even
// when a later read would answer: a record read again could be sent with values no validation saw, and the
// report would call imported a record that could not be read.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { containing } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const faker = seededFaker("record read throws once");
const FAST = { pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: async () => {} };

/** `field` of `fields` throws on its first read only, as a lazy load that failed once and then answered. */
function failsOnce(fields: Record<string, unknown>, field: string) {
  let reads = 0;
  return (name: string | symbol) => {
    if (name === field && ++reads === 1) throw new Error("the lazy load failed: 503");
    return typeof name === "string" ? fields[name] : undefined;
  };
}

it("fullstory: a plain record whose getter throws on the first read is rejected, and FullStory holds nothing", async () => {
  const sim = mountFullStory(server);
  const read = failsOnce({ email: faker.internet.email() }, "email");
  const record = { uid: faker.string.uuid() };
  Object.defineProperty(record, "email", { enumerable: true, get: () => read("email") });

  const report = await importUsers(createFullStoryClient({ apiKey: API_KEY }), [record], FAST);

  expect(report.outcomes[0]).toMatchObject({
    outcome: "rejected",
    rule: "fullstory.unreadable_record",
    reason: containing("reading it threw: the lazy load failed: 503"),
  });
  expect(sim.users()).toEqual([]);
});

it("fullstory: a proxy record whose key throws on the first read is rejected, and FullStory holds nothing", async () => {
  const sim = mountFullStory(server);
  const fields = { uid: faker.string.uuid(), email: faker.internet.email() };
  const read = failsOnce(fields, "uid");
  const record = new Proxy({ ...fields }, { get: (_target, name) => read(name) });

  const report = await importUsers(
    createFullStoryClient({ apiKey: API_KEY }),
    [record] as FullStoryUser[],
    FAST,
  );

  expect(report.outcomes[0]).toMatchObject({
    outcome: "rejected",
    key: "#0",
    rule: "fullstory.unreadable_record",
    reason: containing("reading it threw: the lazy load failed: 503"),
  });
  expect(sim.users()).toEqual([]);
});
