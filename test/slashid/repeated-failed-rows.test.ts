// A failed_csv row that repeats a person an earlier row of it already placed is that person listed again: it
// must not fail another person of the file who merely resembles it (the same email, a shared phone number),
// whom SlashID's counts call imported. And a row that echoes no one in full goes to the person whose handles
// it repeats as written, not to an earlier one differing only in case.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, slashIdClient, slashIdWorld, type Row } from "./harness.js";

const server = useMswServer();
const PHONE = "+13475043201";
const HEADER = [
  "slashid:emails",
  "slashid:phone_numbers",
  "slashid:usernames",
  "slashid:groups",
  "reason",
];

/** SlashID's answer: one person imported, one failed, `rows` listed in failed_csv. */
const oneFailed = (rows: readonly Row[]) => ({
  after: () =>
    json({
      result: {
        successful_imports: 1,
        failed_imports: 1,
        failed_csv: failedCsv(HEADER, rows),
      },
    }),
});

const run = async (input: SlashIdPerson[], rows: readonly Row[]) => {
  slashIdWorld(server, { script: () => oneFailed(rows) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, input.length);
  return report.outcomes.map((o) => [
    o.key,
    o.outcome,
    o.outcome === "failed" ? o.code : undefined,
  ]);
};

it("a row listed twice as written fails its person once, not a later record with the same email", async () => {
  const ann = {
    "slashid:emails": "ann@example.com",
    "slashid:groups": "a",
    reason: "invalid person",
  };
  const outcomes = await run(
    [
      { emails: ["ann@example.com"], groups: ["a"] },
      { emails: ["ann@example.com"], groups: ["b"] },
    ],
    [ann, ann],
  );

  expect(outcomes).toEqual([
    ["ann@example.com", "failed", "rejected_by_vendor"],
    ["ann@example.com", "imported", undefined],
  ]);
});

it("a row repeating, with other cells, the handles of a person already placed fails no one sharing a phone", async () => {
  const row = {
    "slashid:emails": "ann@example.com",
    "slashid:phone_numbers": PHONE,
    reason: "invalid person",
  };
  const outcomes = await run(
    [
      { emails: ["ann@example.com"], phone_numbers: [PHONE], groups: ["a"] },
      { emails: ["bob@example.com"], phone_numbers: [PHONE] },
    ],
    // SlashID lists Ann's row, then Ann again with her groups re-written.
    [
      { ...row, "slashid:groups": "a" },
      { ...row, "slashid:groups": "A-renamed" },
    ],
  );

  expect(outcomes).toEqual([
    ["ann@example.com", "failed", "rejected_by_vendor"],
    ["bob@example.com", "imported", undefined],
  ]);
});

it("a row whose other cells echo no one fails the username it repeats as written, not its case variant", async () => {
  const outcomes = await run(
    [
      { usernames: ["Bob"], groups: ["a"] },
      { usernames: ["bob"], groups: ["b"] },
    ],
    [{ "slashid:usernames": "bob", "slashid:groups": "b-renamed", reason: "invalid person" }],
  );

  expect(outcomes).toEqual([
    ["Bob", "imported", undefined],
    ["bob", "failed", "rejected_by_vendor"],
  ]);
});
