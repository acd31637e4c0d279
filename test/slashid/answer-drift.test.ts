// SlashID's `failed_csv` drifting from text (the spec's type, which the client's answer check leaves alone as
// the field is optional) to `null` or a list: the answer must still give each person an outcome from the
// counts, which confirm only what they cover, never a crash's text.
// A failed_csv that holds something unreadable (text that does not parse, a row without its header, a list)
// beside counts calling every person imported: SlashID said both, so the report keeps the counts' word and
// warns each person that the failed_csv may list them. One that lists no one (absent, empty, a header alone,
// null) warns of nothing.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { persons, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const answering = (result: object) =>
  slashIdWorld(server, { script: () => ({ after: () => json({ result }) }) });
const run = (n: number) =>
  importUsers(slashIdClient(), persons("failed-csv-drift", n), { sleep: async () => {} });

describe("a SlashID failed_csv that is not text, or not a CSV of failed rows", () => {
  it.each([
    ["null", null],
    ["a list of rows", [{ "slashid:emails": "someone@example.com", reason: "invalid" }]],
    ["a failed row without its header", '"someone@example.com","invalid email"\n'],
  ])(
    "%s, beside a counted failure: no person is called imported or refused",
    async (_name, failedCsv) => {
      answering({ successful_imports: 2, failed_imports: 1, failed_csv: failedCsv });
      const report = await run(3);

      expectEveryRecordOnce(report, 3);
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "import_unconfirmed",
          reason: matching(/its failed_csv could not be read/),
        });
      }
    },
  );

  it("null, with every person counted imported: the counts confirm them", async () => {
    answering({ successful_imports: 3, failed_imports: 0, failed_csv: null });
    const report = await run(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    for (const outcome of report.outcomes) expect(outcome).not.toHaveProperty("warning");
  });
});

describe("an unreadable failed_csv beside counts calling every person imported", () => {
  const doubt = matching(
    new RegExp(
      "SlashID sent a failed_csv that could not be read, so whether it lists this person, whom " +
        "SlashID's counts call imported, is unknown: this person may not have been imported",
    ),
  );

  it.each([
    [
      "text that does not parse",
      '"slashid:emails","reason"\n"someone@example.com","unterminated\n',
    ],
    ["a failed row without its header", '"someone@example.com","invalid email"\n'],
    ["a message, not a CSV", "internal error: could not write the failed rows"],
    ["a list of rows", [{ "slashid:emails": "someone@example.com", reason: "invalid" }]],
  ])("%s: each person imported, with a warning", async (_name, failedCsv) => {
    answering({ successful_imports: 3, failed_imports: 0, failed_csv: failedCsv });
    const report = await run(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({ outcome: "imported", warning: doubt });
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["blank lines", "\n\n"],
    ["a header alone", '"slashid:emails","slashid:phone_numbers","reason"\n'],
    ["a header alone, without a line end", "slashid:emails,reason"],
    ["an empty list", []],
  ])("%s, listing no one: each person imported, without a warning", async (_name, failedCsv) => {
    answering({ successful_imports: 3, failed_imports: 0, failed_csv: failedCsv });
    const report = await run(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    for (const outcome of report.outcomes) expect(outcome).not.toHaveProperty("warning");
  });
});
