// A SlashID person's key is its first email, else phone number, else username, written without its kind. A
// username that reads like another person's email ("ann@example.com" as a login name) is a different handle
// at SlashID: the two records are two persons. The report must not warn that SlashID keeps one person for
// both, nor, after a lost answer, fail the second as possibly merged into the first when SlashID stored it.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { gatewayPage } from "../../src/testing/index.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const INPUT: SlashIdPerson[] = [
  { usernames: ["ann@example.com"], groups: ["login"] },
  { emails: ["ann@example.com"], groups: ["mail"] },
];
const options = { sleep: async () => {}, chunkRecords: 1, replayDelayMs: 0 };

it("does not warn that an email and an equal username are one person", async () => {
  const world = slashIdWorld(server, { existingPersons: "upsert" });
  const report = await importUsers(slashIdClient(), INPUT, options);

  // SlashID holds two persons, each with its own values.
  expect(world.sim.persons().map((p) => [p.usernames, p.emails, p.groups])).toEqual([
    [["ann@example.com"], [], ["login"]],
    [[], ["ann@example.com"], ["mail"]],
  ]);
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.events["duplicate_keys"] ?? 0).toBe(0);
  expect(report.outcomes[1]).not.toHaveProperty("warning");
});

it("reports imported, after a lost answer, the email person SlashID stored beside an equal username", async () => {
  const world = slashIdWorld(server, {
    existingPersons: "refuse",
    // The second file is processed, then its answer is lost.
    script: (call) => (call.attempt === 2 ? { after: () => gatewayPage(502) } : undefined),
  });
  const report = await importUsers(slashIdClient(), INPUT, options);

  expect(report.chunks.replayed).toBe(1);
  expect(world.sim.persons().map((p) => [p.usernames, p.emails, p.groups])).toEqual([
    [["ann@example.com"], [], ["login"]],
    [[], ["ann@example.com"], ["mail"]],
  ]);
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
});

it("warns that two records sharing a phone number under different keys are one person at SlashID", async () => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const input: SlashIdPerson[] = [
    { emails: ["bo@example.com"], phone_numbers: ["+14155550123"] },
    { emails: ["bo.work@example.com"], phone_numbers: ["+14155550123"] },
    { emails: ["bo.work@example.com"] },
  ];
  const report = await importUsers(slashIdClient(), input, options);

  expectEveryRecordOnce(report, 3);
  expect(report.outcomes[1]).toMatchObject({
    outcome: "imported",
    warning: matching(
      /^record 0 of the input is the same user at slashid \(they share an identity\)/,
    ),
  });
  expect(report.outcomes[2]).toMatchObject({
    outcome: "imported",
    warning: matching(/^record 1 of the input has the same key \(bo\.work@example\.com\)/),
  });
});

// Whether SlashID compares usernames in any case, or phone numbers by their digits, is undocumented: two
// records differing only so may be one person or two, and the report says so rather than call them two.
it.each([
  ["usernames differing only in case", { usernames: ["Bo.Lin"] }, { usernames: ["bo.lin"] }],
  [
    "phone numbers differing only in blanks",
    { phone_numbers: ["+14155550188"] },
    { phone_numbers: ["+1 415 555 0188"] },
  ],
])("warns that %s may be one person at SlashID", async (_, first, second) => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const report = await importUsers(slashIdClient(), [first, second], options);

  expectEveryRecordOnce(report, 2);
  expect(report.events).toEqual({ alike_keys: 1 });
  expect(report.outcomes[1]).toMatchObject({
    outcome: "imported",
    warning: matching(
      /^record 0 of the input has an identity that differs from one of this record's only in letter case, blanks, invisible characters or Unicode form: whether slashid takes the two for one user is not documented/,
    ),
  });
});

// A record whose handles look like those of two earlier records is told of the first of them, whichever of
// its handles is listed first.
it.each([
  ["Bob", "Ann"],
  ["Ann", "Bob"],
])(
  "names the first of two earlier persons whose usernames look like this record's (%s, %s)",
  async (...usernames) => {
    slashIdWorld(server, { existingPersons: "upsert" });
    const input: SlashIdPerson[] = [{ usernames: ["ann"] }, { usernames: ["bob"] }, { usernames }];
    const report = await importUsers(slashIdClient(), input, options);

    expectEveryRecordOnce(report, 3);
    expect(report.events).toEqual({ alike_keys: 1 });
    expect(report.outcomes[2]).toMatchObject({
      outcome: "imported",
      warning: matching(
        /^record 0 of the input has an identity that differs from one of this record's/,
      ),
    });
  },
);

// A record that repeats an earlier person still has its other handles looked at by a later record's.
it("warns of a username looking like one of a record that repeated an earlier person", async () => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const input: SlashIdPerson[] = [
    { usernames: ["ann"] },
    { usernames: ["ann", "Bob"] },
    { usernames: ["bob"] },
  ];
  const report = await importUsers(slashIdClient(), input, options);

  expectEveryRecordOnce(report, 3);
  expect(report.events).toEqual({ duplicate_keys: 1, alike_keys: 1 });
  expect(report.outcomes[2]).toMatchObject({
    outcome: "imported",
    warning: matching(
      /^record 1 of the input has an identity that differs from one of this record's/,
    ),
  });
});

// One person's own handles may look alike: that says nothing of another record, and no record is its own
// earlier look-alike.
it.each([
  ["usernames", { usernames: ["BO.LIN", "Bo.Lin"] }],
  ["phone numbers", { phone_numbers: ["+1 415 555 0199", "+14155550199"] }],
])("does not warn of a person whose own %s look alike", async (_, person) => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const report = await importUsers(slashIdClient(), [person, { usernames: ["cy"] }], options);

  expectEveryRecordOnce(report, 2);
  expect(report.events).toEqual({});
  expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[0]).not.toHaveProperty("warning");
});

// A username written like another kind's handle ("e:" before an email) is still a username: the email
// person is not that record's person.
it("does not take a username that reads like a kind and a handle for that handle", async () => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const input: SlashIdPerson[] = [
    { usernames: ["e:ann@example.com"] },
    { emails: ["ann@example.com"] },
  ];
  const report = await importUsers(slashIdClient(), input, options);

  expectEveryRecordOnce(report, 2);
  expect(report.events).toEqual({});
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.outcomes[1]).not.toHaveProperty("warning");
});

it("names a person without an email by its phone number, not its username", async () => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const report = await importUsers(
    slashIdClient(),
    [{ usernames: ["bo_login"], phone_numbers: ["+14155550123"] }],
    options,
  );

  expectEveryRecordOnce(report, 1);
  expect(report.outcomes[0]).toMatchObject({ outcome: "imported", key: "+14155550123" });
});
