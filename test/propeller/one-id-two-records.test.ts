// Which of `primaryLanguage` and `language` Propeller matches a user on is unconfirmed, so records that
// differ in either have different report keys. When Propeller's answer gives two records of one request, or
// of two requests of one import, the same id, it says itself that it holds one user for both: the report must
// not present them as two users written as sent, unsaid that the values written last replaced the others.
import { expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { mountPropeller, propellerClient } from "./harness.js";

const server = useMswServer();

it("two records of one request answered with the same id are warned that Propeller holds one user for both", async () => {
  const vendor = mountPropeller(server);
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "1", firstName: "Old" },
    { source: "CRM", sourceId: "2", firstName: "Bob" },
    { source: "CRM", sourceId: "1", language: "NL", firstName: "New" },
  ];
  const report = await importUsers(propellerClient().client, input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 3);
  // The simulator, like Propeller as far as documented, matches on primaryLanguage: one user, written last.
  const stored = vendor.sim.users();
  expect(stored.map((u) => u.fields.firstName)).toEqual(["New", "Bob"]);
  const id = String(stored[0]!.id);
  expect(report.outcomes[0]).toMatchObject({
    outcome: "imported",
    id,
    warning: matching(
      /same id \(\d+\) to CRM:1::NL of this request too: it holds one user for them/,
    ),
  });
  expect(report.outcomes[2]).toMatchObject({
    outcome: "imported",
    id,
    warning: matching(/same id \(\d+\) to CRM:1 of this request too: it holds one user for them/),
  });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[1]).not.toHaveProperty("warning");
  // Both were given the id by this request: no other request of the import is said to have given it.
  for (const outcome of [report.outcomes[0], report.outcomes[2]])
    expect(outcome?.outcome === "imported" && outcome.warning).not.toMatch(/another request/);
});

it("five records of one request under one id: each is warned naming three of the others and counting the rest", async () => {
  mountPropeller(server);
  const languages = [undefined, "NL", "FR", "DE", "EN"];
  const input: PropellerUser[] = languages.map((language) => ({
    source: "CRM",
    sourceId: "1",
    ...(language !== undefined && { language }),
  }));
  const report = await importUsers(propellerClient().client, input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 5);
  const named = (others: string) =>
    matching(
      new RegExp(`^Propeller gave the same id \\(\\d+\\) to ${others} of this request too: `),
    );
  expect(report.outcomes.map((o) => o.outcome === "imported" && o.warning)).toEqual([
    named("CRM:1::NL, CRM:1::FR, CRM:1::DE and 1 more"),
    named("CRM:1, CRM:1::FR, CRM:1::DE and 1 more"),
    named("CRM:1, CRM:1::NL, CRM:1::DE and 1 more"),
    named("CRM:1, CRM:1::NL, CRM:1::FR and 1 more"),
    named("CRM:1, CRM:1::NL, CRM:1::FR and 1 more"),
  ]);
});

it("two records of one key answered with one id carry only the input's duplicate warning, once", async () => {
  mountPropeller(server);
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "1", firstName: "Old" },
    { source: "CRM", sourceId: "1", firstName: "New" },
  ];
  const report = await importUsers(propellerClient().client, input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 2);
  // The engine already says of the later record that Propeller keeps one user for both; the first is its own
  // key, which no "same id … to CRM:1" names as another record.
  expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
  expect(report.outcomes[0]).not.toHaveProperty("warning");
  expect(report.outcomes[1]).toMatchObject({
    outcome: "imported",
    warning: matching(/^record 0 of the input has the same key \(CRM:1\)[^;]*$/),
  });
});

it("a record answered with the id another request of the import gave a record of another key is warned too", async () => {
  const vendor = mountPropeller(server);
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "1", firstName: "Old" },
    { source: "CRM", sourceId: "2", firstName: "Bob" },
    { source: "CRM", sourceId: "1", language: "NL", firstName: "New" },
    // A chunk sent twice in a run gets the same id for the same key: no warning.
    { source: "CRM", sourceId: "2", firstName: "Bob" },
  ];
  const report = await importUsers(propellerClient().client, input, {
    chunkRecords: 1,
    concurrency: 1,
    sleep: async () => {},
  });

  expectEveryRecordOnce(report, 4);
  expect(vendor.sent).toHaveLength(4);
  const id = String(vendor.sim.users()[0]!.id);
  expect(report.outcomes[0]).toMatchObject({ outcome: "imported", id });
  expect(report.outcomes[0]).not.toHaveProperty("warning");
  expect(report.outcomes[2]).toMatchObject({
    outcome: "imported",
    id,
    warning: matching(
      new RegExp(
        `same id \\(${id}\\) to a record of another key in another request of this import`,
      ),
    ),
  });
  expect(report.outcomes[3]).toMatchObject({
    outcome: "imported",
    warning: matching(/^record 1 of the input has the same key \(CRM:2\)[^;]*$/),
  });
});

it("records of two requests under one id whose keys differ in their last character only are warned", async () => {
  mountPropeller(server);
  const input: PropellerUser[] = [
    { source: "CRM", sourceId: "1", language: "NL" },
    { source: "CRM", sourceId: "1", language: "NM" },
  ];
  const report = await importUsers(propellerClient().client, input, {
    chunkRecords: 1,
    concurrency: 1,
    sleep: async () => {},
  });

  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[1]).toMatchObject({
    outcome: "imported",
    warning: matching(/to a record of another key in another request of this import/),
  });
});

it("an adapter used for two imports, one after the other or at once, warns of ids of the import's own requests only", async () => {
  mountPropeller(server);
  const adapter = createPropellerAdapter(propellerClient().client);
  const options = { chunkRecords: 1, concurrency: 1, sleep: async () => {} };
  const first = await runImport(
    adapter,
    [{ source: "CRM", sourceId: "1", firstName: "Old" }],
    options,
  );
  // Propeller holds one user for both keys (the simulator matches on primaryLanguage), but no request of the
  // second import gave its id to another key: the first import's request is not one of this import's.
  const [second, third] = await Promise.all([
    runImport(
      adapter,
      [{ source: "CRM", sourceId: "1", language: "NL", firstName: "New" }],
      options,
    ),
    runImport(
      adapter,
      [{ source: "CRM", sourceId: "1", language: "FR", firstName: "Neu" }],
      options,
    ),
  ]);

  for (const report of [first, second, third]) {
    expectEveryRecordOnce(report, 1);
    expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
    expect(report.outcomes[0]).not.toHaveProperty("warning");
  }
});
