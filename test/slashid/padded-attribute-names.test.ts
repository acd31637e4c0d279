// An attribute bucket name or key with blanks around it (a tab, CR or no-break space too), or of blanks only,
// was sent as written: an unknown bucket only warned, and a key passed. None of SlashID's bucket names has
// blanks, and whether SlashID keeps a key's is UNCONFIRMED (` plan` and `plan` of one bucket may become one
// key). A `slashid:attributes` cell is JSON, read as written, so the CSV path brings them too. Refused as
// `slashid.blanks_around`, naming the name JSON-quoted and never the value; nothing is sent.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { personFromCsvRow } from "../../src/slashid/index.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

it.each([
  ['{"end_user_read_write ":{"plan":"pro-secret"}}', 'attributes."end_user_read_write "'],
  ['{"end_user_read_write":{"\\tplan":"pro-secret"}}', 'attributes.end_user_read_write."\\tplan"'],
  ['{"end_user_read_write":{"\\u00a0":"pro-secret"}}', 'attributes.end_user_read_write."\u00a0"'],
])("a CSV row's attributes %s: rejected, naming %s; nothing is sent", async (cell, place) => {
  const world = slashIdWorld(server);
  const rows = [
    {
      "slashid:emails": "ann@example.com",
      "slashid:attributes": '{"end_user_read_write":{"a":1}}',
    },
    { "slashid:emails": "bob@example.com", "slashid:attributes": cell },
  ];
  const report = await importUsers(slashIdClient(), rows.map(personFromCsvRow), {
    sleep: async () => {},
  });

  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "rejected"]);
  const rejected = report.outcomes[1];
  expect(rejected).toMatchObject({
    rule: "slashid.blanks_around",
    reason: matching(/^record 1 \(bob@example\.com\): /),
  });
  const reason = rejected !== undefined && "reason" in rejected ? rejected.reason : "";
  expect(reason).toContain(`${place}: must not have blanks around it, nor be only blanks`);
  expect(reason).not.toContain("pro-secret");
  expect(world.sim.uploads().flatMap((u) => u.rows)).toHaveLength(1);
});
