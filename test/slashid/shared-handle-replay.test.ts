// Where SlashID refuses an existing person, a replayed file's "already exists" means the lost upload wrote
// the person, unless another person of the file shares a handle with it: SlashID may then answer so because
// the lost upload wrote that one, having refused this one.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { gatewayPage } from "../../src/testing/index.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it("does not report imported a refused person whose replay reads 'already exists' through a shared phone", async () => {
  const world = slashIdWorld(server, {
    existingPersons: "refuse",
    reject: (key) => key === "email:bob@example.com",
    script: (call) => (call.attempt === 1 ? { after: () => gatewayPage(502) } : undefined),
  });
  const report = await importUsers(
    slashIdClient(),
    [
      { emails: ["ann@example.com"], phone_numbers: ["+13475043201"] },
      { emails: ["bob@example.com"], phone_numbers: ["+13475043201"], groups: ["bobs"] },
    ],
    { sleep: async () => {}, replayDelayMs: 0 },
  );

  expectEveryRecordOnce(report, 2);
  expect(report.chunks.replayed).toBe(1);
  // SlashID holds Ann only: nothing of Bob (his email, his group) was ever written.
  expect(world.sim.persons().map((p) => [p.emails, p.groups])).toEqual([[["ann@example.com"], []]]);
  const [ann, bob] = report.outcomes;
  expect(bob).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
  expect(bob?.outcome === "failed" && bob.reason).toContain("shares its phone number");
  // Ann's "already exists" cannot tell either (SlashID answers so had it written Bob in her place).
  expect(ann?.outcome).not.toBe("imported");
});

it("imports, with SlashID's doubt, a replayed person refused as existing whose own emails differ only in case", async () => {
  // Its two emails are one handle of its own, shared with no other person of the file.
  slashIdWorld(server, {
    existingPersons: "refuse",
    script: (call) => (call.attempt === 1 ? { after: () => gatewayPage(502) } : undefined),
  });
  const report = await importUsers(
    slashIdClient(),
    [{ emails: ["ann@example.com", "Ann@Example.com"] }, { emails: ["bob@example.com"] }],
    { sleep: async () => {}, replayDelayMs: 0 },
  );

  expectEveryRecordOnce(report, 2);
  expect(report.chunks.replayed).toBe(1);
  for (const o of report.outcomes)
    expect(o).toMatchObject({
      outcome: "imported",
      warning: matching(
        /^SlashID refused this person's row \(.+\), presumably as it already exists: /,
      ),
    });
});
