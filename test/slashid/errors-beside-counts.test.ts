// SlashID's own example of a 200 lists `errors` beside `result`; what such an entry means (a warning, a row it
// also counted as failed) is UNCONFIRMED. The persons the counts call imported stay imported, and each
// carries the listed messages as a warning, rather than the report dropping them.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const input = [{ emails: ["ann@example.com"] }, { emails: ["bob@example.com"] }];
const withErrors = (errors: unknown) => ({
  after: async (answer: Response) =>
    answer.status === 200 ? json({ ...((await answer.json()) as object), errors }) : answer,
});

it("warns each imported person of the errors a 200 lists beside its counts", async () => {
  slashIdWorld(server, {
    script: () => withErrors([{ httpcode: 409, message: "region could not be set" }]),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 2);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "imported",
      warning: matching(/region could not be set.*may not have been imported as sent/),
    });
});

it("warns of nothing when the list is empty", async () => {
  slashIdWorld(server, { script: () => withErrors([]) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expect(report.outcomes.map((o) => o.outcome === "imported" && o.warning)).toEqual([
    undefined,
    undefined,
  ]);
});

it.each<[string, unknown]>([
  ["an object", { message: "rows 1-2 failed" }],
  ["a text", "rows 1-2 failed"],
])("warns each imported person of errors a 200 gives as %s, not as a list", async (_, errors) => {
  slashIdWorld(server, { script: () => withErrors(errors) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "imported",
      warning: matching(/rows 1-2 failed.*may not have been imported as sent/),
    });
});

it("warns of nothing when errors is an empty text", async () => {
  slashIdWorld(server, { script: () => withErrors("") });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expect(report.outcomes.map((o) => o.outcome === "imported" && o.warning)).toEqual([
    undefined,
    undefined,
  ]);
});

it("quotes errors of fewer than 500 characters whole, with no mark of a cut", async () => {
  const message = `region could not be set for ${"some persons of this file, ".repeat(5)}retry later`;
  slashIdWorld(server, { script: () => withErrors([{ httpcode: 409, message }]) });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "imported",
      warning: expect.stringContaining(`(${message}), and does not say whom`) as unknown,
    });
});
