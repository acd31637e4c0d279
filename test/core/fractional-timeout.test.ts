// `timeoutMs` takes a duration in ms with a fraction (as every duration option does): an attempt's timer is
// whole milliseconds, rounded up so it never cuts an attempt short. A fraction made every call of the client
// fail with Node's RangeError ("delay … must be an integer"), and an import fail every chunk.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { createTransport } from "../../src/core/http/transport.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const faker = seededFaker("fractional timeout");

it("an import through a client whose timeoutMs has a fraction imports its users", async () => {
  const sim = mountFullStory(server);
  const client = createFullStoryClient({ apiKey: API_KEY, timeoutMs: 30_000.5 });
  const users: FullStoryUser[] = [{ uid: faker.string.uuid() }, { uid: faker.string.uuid() }];

  const report = await importUsers(client, users, {
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(sim.users().map((u) => u.uid)).toEqual(users.map((u) => u.uid));
});

it("a transport whose timeoutMs has a fraction answers", async () => {
  const send = createTransport({
    timeoutMs: 1000.5,
    fetch: () => Promise.resolve(new Response("ok")),
  });

  const response = await send(new Request("http://127.0.0.1:9/x"));

  expect([response.status, await response.text()]).toEqual([200, "ok"]);
});
