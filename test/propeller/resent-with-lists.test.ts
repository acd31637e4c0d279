// Propeller's answer to a chunk leaves a user out, so the chunk is sent again (an upsert, so safe). Every user
// of the chunk goes out again, those the first answer confirmed too: whether Propeller replaces a user's
// addresses and attributes or adds to them is not documented, so a confirmed user with either, now written a
// second time, may hold them twice, and its report must say so, as it does for a user the second send settled.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  LISTS_NOTE,
  mountPropeller,
  propellerClient,
  rewritingResults,
  userKey,
  type BulkResults,
} from "./harness.js";

const server = useMswServer();

const address = { type: "delivery", street: "Main St", city: "Utrecht", country: "NL" } as const;
const input: PropellerUser[] = [
  { source: "CRM", sourceId: "1", firstName: "Ann", addresses: [address] },
  { source: "CRM", sourceId: "2", firstName: "Bob", attributes: [{ name: "tier", value: "gold" }] },
  { source: "CRM", sourceId: "3", firstName: "Cid" },
];

it("a user the first answer confirmed, sent again with the chunk, warns that it may hold its lists twice", async () => {
  const vendor = mountPropeller(server, {
    // The first answer leaves out the last user's result; the second answers for all.
    bulk: (call) =>
      call.attempt === 1 ? rewritingResults((data) => data.slice(0, -1)) : undefined,
  });
  const report = await importUsers(propellerClient().client, input, {
    sleep: async () => {},
    replayDelayMs: 0,
  });

  expectEveryRecordOnce(report, 3);
  // Every user was written by both sends.
  expect(vendor.sent.map((users) => users.length)).toEqual([3, 3]);
  const writes = vendor.writes();
  for (const user of input) expect(writes.get(userKey(user))).toEqual([1, 2]);
  const ids = vendor.ids();
  for (const [i, lists] of [
    [0, "addresses"],
    [1, "attributes"],
  ] as const) {
    expect(report.outcomes[i]).toMatchObject({
      outcome: "imported",
      id: String(ids.get(userKey(input[i]!))),
      warning: matching(LISTS_NOTE),
    });
    expect(report.outcomes[i]).toMatchObject({ warning: matching(`this user's ${lists} twice`) });
  }
  expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[2]).not.toHaveProperty("warning");
});

it("a warning both answers give the confirmed user is said once, beside the lists warning", async () => {
  const merged = (data: BulkResults) =>
    data.map((r, i) => (i === 0 ? { ...r, action: "merge" } : r));
  mountPropeller(server, {
    bulk: (call) =>
      rewritingResults((data) => (call.attempt === 1 ? merged(data).slice(0, -1) : merged(data))),
  });
  const report = await importUsers(propellerClient().client, input, {
    sleep: async () => {},
    replayDelayMs: 0,
  });

  expectEveryRecordOnce(report, 3);
  const warning = report.outcomes[0]?.outcome === "imported" ? report.outcomes[0].warning : "";
  expect(warning?.match(/action "merge"/g)).toHaveLength(1);
  expect(warning).toContain("this user's addresses twice");
});

it("a confirmed user keeps its id, and takes no warning the replay's answer gave of an id it left out", async () => {
  // The replay's answer gives the first user an id JSON cannot carry exactly: of that answer, the user would be
  // imported without an id. The first answer's id stands, so a warning that it was left out would be false.
  const inexact = (data: BulkResults) =>
    data.map((r, i) => (i === 0 ? { ...r, id: 2 ** 53 + 2 } : r));
  const vendor = mountPropeller(server, {
    bulk: (call) =>
      rewritingResults((data) => (call.attempt === 1 ? data.slice(0, -1) : inexact(data))),
  });
  const report = await importUsers(propellerClient().client, input, {
    sleep: async () => {},
    replayDelayMs: 0,
  });

  expectEveryRecordOnce(report, 3);
  expect(report.outcomes[0]).toMatchObject({
    outcome: "imported",
    id: String(vendor.ids().get(userKey(input[0]!))),
    warning: matching(LISTS_NOTE),
  });
});

it("a confirmed user whose replay's answer was lost, or left it out, still warns of its lists", async () => {
  // The first answer leaves out the last user; the replay is processed (every user written again), but its
  // answer is lost on the first pass, and leaves the first two users out on the second.
  for (const replay of ["lost_answer" as const, rewritingResults((data) => data.slice(2))]) {
    const vendor = mountPropeller(server, {
      bulk: (call) => (call.attempt === 1 ? rewritingResults((data) => data.slice(0, -1)) : replay),
    });
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
      chunkAttempts: 2,
    });

    expectEveryRecordOnce(report, 3);
    for (const user of input.slice(0, 2))
      expect(vendor.writes().get(userKey(user))).toHaveLength(2);
    for (const i of [0, 1])
      expect(report.outcomes[i]).toMatchObject({
        outcome: "imported",
        warning: matching(LISTS_NOTE),
      });
  }
});
