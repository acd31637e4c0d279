// SlashID's counts and `failed_csv` must agree before the report trusts them. Two answers that do not:
// - a negative `failed_imports` (the spec's `minimum: 0`, which the answer check does not enforce) lets
//   `successful_imports` exceed the file's size while the two add up to it: SlashID counted imports of persons
//   it was never sent, which confirms no one;
// - a person listed in `failed_csv` whom the counts call imported (more imports counted than persons left
//   unlisted): SlashID said both, so the report may not say it refused the person.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  emailKey,
  failedCsv,
  slashIdAnswering,
  slashIdClient,
  slashIdWorld,
} from "../slashid/harness.js";

const server = useMswServer();
const input = [{ emails: ["ann@example.com"] }, { emails: ["bob@example.com"] }];

/** SlashID's answer, its failed_csv kept, with the counts replaced. */
const counts = (successful: number, failed: number) => ({
  after: async (answer: Response) => {
    const { result } = (await answer.json()) as { result: object };
    return json({ result: { ...result, successful_imports: successful, failed_imports: failed } });
  },
});

it("a file of 2 answered 3 imported and -1 failed confirms no one", async () => {
  slashIdWorld(server, { script: () => counts(3, -1) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  expect(report.imported).toBe(0);
  for (const o of report.outcomes)
    expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
});

it("a person listed in failed_csv but counted imported (2 imported, 0 failed of 2) is unconfirmed, not refused", async () => {
  slashIdWorld(server, {
    reject: (key) => key === emailKey("ann@example.com"),
    script: () => counts(2, 0),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "import_unconfirmed",
    reason: matching(
      /simulated rejection.*yet SlashID counted 2 of the 2 persons in this file imported, more than the 1 it did not list, so whether this person was imported is unknown/,
    ),
  });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
});

it("a file of 2 answered -1 imported and 3 failed: no one refused or imported, as a count below zero is no count", async () => {
  slashIdWorld(server, {
    reject: (key) => key === emailKey("ann@example.com"),
    script: () => counts(-1, 3),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  // Not "counted -1 imported, more than the 1 it did not list": -1 is no more than anything.
  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "import_unconfirmed",
    reason: matching(
      /simulated rejection\), yet SlashID counted -1 imported and 3 failed of the 2 persons in this file, and a count below zero is no count, so whether this person was imported is unknown$/,
    ),
  });
  expect(report.outcomes[1]).toMatchObject({
    outcome: "failed",
    code: "import_unconfirmed",
    reason: matching(/a count below zero is no count/),
  });
});

it("a file of 2 answered 1 imported and -1 failed: the listed person's reason does not call 1 more than the 1 unlisted", async () => {
  slashIdWorld(server, {
    reject: (key) => key === emailKey("ann@example.com"),
    script: () => counts(1, -1),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  const ann = report.outcomes[0];
  expect(ann).toMatchObject({ outcome: "failed", code: "import_unconfirmed", vendorMayHold: true });
  const reason = ann?.outcome === "failed" ? ann.reason : "";
  expect(reason).not.toMatch(/more than the/);
  expect(reason).toMatch(
    /counted 1 imported and -1 failed of the 2 persons.*a count below zero is no count/,
  );
  expect(report.outcomes[1]).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
});

it("a file of 2 answered 1 imported and 2 failed: the person failed_csv does not list is not called refused", async () => {
  // Every person counted failed, yet one counted imported too: the counts do not settle that the unlisted
  // person failed, as they would with none imported.
  slashIdWorld(server, {
    reject: (key) => key === emailKey("ann@example.com"),
    script: () => counts(1, 2),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(report.outcomes[1]).toMatchObject({
    outcome: "failed",
    code: "import_unconfirmed",
    reason: matching(/that is more persons than the file held, so its counts confirm no import/),
    vendorMayHold: true,
  });
});

it("a person a tied row leaves unconfirmed keeps that reason alone, though SlashID counted more imported than unlisted", async () => {
  // Ann and Bob share a phone number, the only cell of the failed row: it matches both equally.
  const phone = "+13475043201";
  slashIdAnswering(server, {
    successful_imports: 3,
    failed_imports: 0,
    failed_csv: failedCsv(
      ["slashid:phone_numbers", "reason"],
      [{ "slashid:phone_numbers": phone, reason: "invalid phone" }],
    ),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [phone] },
      { emails: ["bob@example.com"], phone_numbers: [phone] },
      { emails: ["cid@example.com"] },
    ],
    { sleep: async () => {} },
  );
  expectEveryRecordOnce(report, 3);
  for (const o of report.outcomes.slice(0, 2))
    expect(o).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      reason: matching(
        /^invalid phone: the failed row .* so which of them it refused, and whether this person was imported, is unknown$/,
      ),
    });
  expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
});
