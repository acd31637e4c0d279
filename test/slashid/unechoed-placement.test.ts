// A failed_csv whose rows do not repeat the uploaded cells exactly (SlashID masks the legacy password it was
// given, or re-serialises a person's attributes) is placed by shared handles. A row must land on the person
// whose handles it carries, not on an earlier person that merely shares one of them: otherwise the report
// calls a stored person failed and a refused one imported.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, rewriteFailedCsv, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();
const PHONE = "+13475043201";

/** An attributes cell as a JSON encoder that sorts object keys writes it (Go's encoding/json does). */
const sortedJson = (cell: string): string =>
  cell === ""
    ? cell
    : JSON.stringify(JSON.parse(cell), (_, value: unknown) =>
        value !== null && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
          : value,
      );

/** SlashID's answer with the attributes of its failed_csv rows re-encoded with sorted keys. */
const attributesReencoded = () =>
  rewriteFailedCsv((rows, header) =>
    failedCsv(
      header,
      rows.map((row) => ({
        ...row,
        "slashid:attributes": sortedJson(row["slashid:attributes"] ?? ""),
      })),
    ),
  );

it("fails the refused phone-only person, not a stored person sharing its phone number", async () => {
  const world = slashIdWorld(server, {
    // Ann's and Cy's rows are refused; Bob is stored.
    reject: (key) => key === "email:ann@example.com" || key === `phone:${PHONE}`,
    // SlashID does not echo the password hashes it was given.
    script: () =>
      rewriteFailedCsv((rows, header) =>
        failedCsv(
          header,
          rows.map((row) => ({ ...row, "slashid:password": "********" })),
        ),
      ),
  });
  const input: SlashIdPerson[] = [
    { emails: ["ann@example.com"], phone_numbers: [PHONE], password: "hash-ann" },
    { emails: ["bob@example.com"], phone_numbers: [PHONE], password: "hash-bob" },
    { phone_numbers: [PHONE], password: "hash-cy" },
  ];
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });

  expectEveryRecordOnce(report, 3);
  // SlashID holds Bob only.
  expect(world.sim.persons().map((p) => p.emails)).toEqual([["bob@example.com"]]);
  expect(world.sim.uploads()[0]?.result).toMatchObject({
    successful_imports: 1,
    failed_imports: 2,
  });
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["failed", "imported", "failed"]);
});

it("keeps imported a stored person sharing a phone number with a refused row listed twice, its password masked", async () => {
  const world = slashIdWorld(server, {
    reject: (key) => key === "email:ann@example.com",
    script: () =>
      rewriteFailedCsv((rows, header) => {
        const masked = rows.map((row) => ({ ...row, "slashid:password": "********" }));
        return failedCsv(header, [...masked, ...masked]);
      }),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [PHONE], password: "hash-ann" },
      { emails: ["bob@example.com"], phone_numbers: [PHONE], password: "hash-bob" },
    ],
    { sleep: async () => {} },
  );

  expect(world.sim.persons().map((p) => p.emails)).toEqual([["bob@example.com"]]);
  expect(world.sim.uploads()[0]?.result).toMatchObject({
    successful_imports: 1,
    failed_imports: 1,
  });
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["failed", "imported"]);
});

it("fails the refused record of a person, not an earlier stored record with the same handles", async () => {
  const world = slashIdWorld(server, {
    script: attributesReencoded,
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], attributes: { end_user_read_write: { plan: "pro", age: 3 } } },
      // A region SlashID does not know (sent: only a warning on our side): SlashID refuses this row.
      {
        emails: ["ann@example.com"],
        attributes: { end_user_read_write: { plan: "team", age: 4 } },
        region: "mars-north",
      },
    ],
    { sleep: async () => {} },
  );

  // SlashID holds Ann with the first record's values only.
  expect(world.sim.persons().map((p) => [p.emails, p.attributes, p.region])).toEqual([
    [["ann@example.com"], { end_user_read_write: { plan: "pro", age: 3 } }, undefined],
  ]);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "failed"]);
  const refused = report.outcomes[1];
  expect(refused?.outcome === "failed" && refused.reason).toContain("mars-north");
});

it("fails the refused username, not a stored case variant, when SlashID blanks the password in failed_csv", async () => {
  const world = slashIdWorld(server, {
    reject: (key) => key === "username:Bob",
    script: () =>
      rewriteFailedCsv((rows, header) =>
        failedCsv(
          header,
          rows.map((row) => ({ ...row, "slashid:password": "" })),
        ),
      ),
  });
  const report = await importUsers(
    slashIdClient(),
    [{ usernames: ["Bob"], password: "hash-bob" }, { usernames: ["bob"] }],
    { sleep: async () => {} },
  );

  // SlashID holds "bob" only.
  expect(world.sim.persons().map((p) => p.usernames)).toEqual([["bob"]]);
  expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
    ["Bob", "failed"],
    ["bob", "imported"],
  ]);
});

it("fails the refused phone-only person when SlashID re-encodes the attributes it echoes", async () => {
  const attributes = { end_user_read_write: { plan: "pro", age: 3 } };
  const world = slashIdWorld(server, {
    reject: (key) => key === "email:ann@example.com" || key === `phone:${PHONE}`,
    script: attributesReencoded,
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: [PHONE], attributes },
      { emails: ["bob@example.com"], phone_numbers: [PHONE], attributes },
      { phone_numbers: [PHONE], attributes },
    ],
    { sleep: async () => {} },
  );

  expect(world.sim.persons().map((p) => p.emails)).toEqual([["bob@example.com"]]);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["failed", "imported", "failed"]);
});
