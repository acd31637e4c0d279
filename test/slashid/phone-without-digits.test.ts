// A phone number without a digit ("---", "( )") is a placeholder, refused before anything is sent; one can
// still reach the handle comparison from SlashID's own failed_csv, where it must not be taken for one empty
// number shared by every such phone.
import { expect, it } from "vitest";
import { handleKey } from "../../src/slashid/failed-rows.js";
import { importUsers } from "../../src/slashid/import.js";
import { validateSlashIdPerson } from "../../src/slashid/validate.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it("rejects a phone number without a digit as slashid.phone_format, sending nothing", async () => {
  const world = slashIdWorld(server, {});
  const report = await importUsers(
    slashIdClient(),
    [{ phone_numbers: ["---"] }, { phone_numbers: ["( )"] }, { phone_numbers: ["+1 (555) 0100"] }],
    { sleep: async () => {} },
  );

  expectEveryRecordOnce(report, 3);
  const [dashes, brackets, phone] = report.outcomes;
  for (const rejected of [dashes, brackets]) {
    expect(rejected).toMatchObject({ outcome: "rejected", rule: "slashid.phone_format" });
    expect(rejected?.outcome === "rejected" && rejected.reason).toMatch(
      /phone_numbers\.0: not a phone/,
    );
  }
  expect(phone?.outcome).toBe("imported");
  expect(world.sim.persons().flatMap((p) => p.phone_numbers)).toEqual(["+1 (555) 0100"]);
});

it("compares phones by their digits, and one without a digit as written", () => {
  expect(handleKey("p", "+1 (555) 0100")).toBe(handleKey("p", "+15550100"));
  expect(handleKey("p", "---")).not.toBe(handleKey("p", "( )"));
});

it("says a phone number refused for being short needs 3 or more characters, which its digits alone meet", () => {
  // "12" and "+1" are digits after an optional +, at least one a digit: a message naming only those would
  // describe the value it refuses.
  for (const phone of ["12", "+1"]) {
    const [problem] = validateSlashIdPerson({ phone_numbers: [phone] });
    expect(problem).toMatchObject({ rule: "slashid.phone_format" });
    expect(problem?.message).toMatch(/^phone_numbers\.0: .*\b3 or more characters\b/);
  }
});
