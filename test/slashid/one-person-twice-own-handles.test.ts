// A person whose own row repeats a handle (one email written twice, in another case) repeats no earlier
// record: the report names no record as the same user as itself.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it("imports a person whose emails differ only in case without a duplicate warning", async () => {
  slashIdWorld(server, { existingPersons: "upsert" });
  const report = await importUsers(
    slashIdClient(),
    [{ emails: ["ann@example.com", "Ann@Example.com"] }, { emails: ["bob@example.com"] }],
    { sleep: async () => {} },
  );

  expectEveryRecordOnce(report, 2);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.outcomes[0]).not.toHaveProperty("warning");
  expect(report.events["duplicate_keys"] ?? 0).toBe(0);
});
