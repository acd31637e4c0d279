// Handles that differ only in case (usernames) or in a phone number's blanks are distinct keys, and may be
// distinct persons at SlashID. A failed_csv row must fail the person whose row it repeats as written, and a
// row SlashID lists twice must not fail a stored person that merely resembles it.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, rewriteFailedCsv, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const run = (records: SlashIdPerson[]): Promise<ImportReport> =>
  importUsers(slashIdClient(), records, { sleep: async () => {} });

const results = (report: ImportReport) => report.outcomes.map((o) => [o.key, o.outcome]);

const storedHandles = (world: ReturnType<typeof slashIdWorld>) =>
  world.sim.persons().flatMap((p) => [...p.emails, ...p.usernames, ...p.phone_numbers]);

/** SlashID's answer with every row of its failed_csv listed twice (its counts unchanged). */
const listedTwice = () => rewriteFailedCsv((rows, header) => failedCsv(header, [...rows, ...rows]));

describe("a failed_csv row equal as written to one person and, compared loosely, to another", () => {
  it("fails the username SlashID refused, not an earlier one differing only in case", async () => {
    const world = slashIdWorld(server, { reject: (key) => key === "username:Bob" });
    const report = await run([{ usernames: ["bob"] }, { usernames: ["Bob"] }]);

    expect(storedHandles(world)).toEqual(["bob"]);
    expectEveryRecordOnce(report, 2);
    expect(results(report)).toEqual([
      ["bob", "imported"],
      ["Bob", "failed"],
    ]);
  });

  it("fails the phone number SlashID refused, not an earlier one written with other blanks", async () => {
    const world = slashIdWorld(server, { reject: (key) => key === "phone:+1 347 504 3201" });
    const report = await run([
      { phone_numbers: ["+13475043201"] },
      { phone_numbers: ["+1 347 504 3201"] },
    ]);

    expect(storedHandles(world)).toEqual(["+13475043201"]);
    expect(results(report)).toEqual([
      ["+13475043201", "imported"],
      ["+1 347 504 3201", "failed"],
    ]);
  });

  it("fails the case variant that already existed, not the new one, where SlashID refuses existing persons", async () => {
    const world = slashIdWorld(server, { existingPersons: "refuse" });
    await run([{ usernames: ["Bob"], groups: ["old"] }]);
    const report = await run([{ usernames: ["bob"] }, { usernames: ["Bob"] }]);

    expect(world.sim.persons().map((p) => p.usernames)).toEqual([["Bob"], ["bob"]]);
    expect(results(report)).toEqual([
      ["bob", "imported"],
      ["Bob", "failed"],
    ]);
  });
});

describe("a failed_csv that lists one refused row twice", () => {
  it("keeps imported the stored person that only shares a handle with the refused one", async () => {
    const world = slashIdWorld(server, {
      reject: (key) => key === "email:ann@example.com",
      script: listedTwice,
    });
    const report = await run([
      { emails: ["ann@example.com"], phone_numbers: ["+13475043201"] },
      { emails: ["bob@example.com"], phone_numbers: ["+13475043201"] },
    ]);

    expect(storedHandles(world)).toEqual(["bob@example.com", "+13475043201"]);
    expect(world.sim.uploads()[0]?.result).toMatchObject({
      successful_imports: 1,
      failed_imports: 1,
    });
    expect(results(report)).toEqual([
      ["ann@example.com", "failed"],
      ["bob@example.com", "imported"],
    ]);
  });

  it("keeps imported the stored person whose username differs from the refused one's only in case", async () => {
    const world = slashIdWorld(server, {
      reject: (key) => key === "username:Bob",
      script: listedTwice,
    });
    const report = await run([{ usernames: ["bob"] }, { usernames: ["Bob"] }]);

    expect(storedHandles(world)).toEqual(["bob"]);
    expect(results(report)).toEqual([
      ["bob", "imported"],
      ["Bob", "failed"],
    ]);
  });
});
