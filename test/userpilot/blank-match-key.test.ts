// A Userpilot key of blanks only (`user_id: " "`, a `company_id` of a no-break space or empty: an
// exporter's blank cell): rejected before any send by the field's own rule (`userpilot.user_id`,
// `userpilot.company_id`), naming the record and the field, as Propeller refuses a blank match key. Before,
// each was sent (the spec asks only `minLength: 1` of user_id), and Userpilot (its simulator here) identified
// a user, or put one in a company, keyed by nothing anyone can see.
import { describe, expect, it } from "vitest";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { expectEveryRecordOnce, expectRejected } from "../support/report.js";
import { run, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

const BLANK_KEYS: readonly (readonly [UserpilotUser, "user_id" | "company_id"])[] = [
  [{ user_id: " " }, "user_id"],
  [{ user_id: "\u00a0\u3000", company_id: "comp_a" }, "user_id"],
  [{ user_id: "\u2028\ufeff\t" }, "user_id"],
  [{ user_id: "u-c1", company_id: " " }, "company_id"],
  [{ user_id: "u-c2", company_id: "\u00a0" }, "company_id"],
  [{ user_id: "u-c3", company_id: "" }, "company_id"],
];

describe("a Userpilot user_id or company_id of blanks only", () => {
  it("is rejected by the field's rule, naming the record and the field, and never sent", async () => {
    const input: UserpilotUser[] = [
      { user_id: "u-first", company_id: "comp_a" },
      ...BLANK_KEYS.map(([record]) => record),
      // Blanks around a key are no blank key: sent as given.
      { user_id: " u-last ", company_id: " comp_b " },
    ];
    const { sim, log } = vendor({ pollsPerStep: 1 });
    const report = await run(input);

    expectEveryRecordOnce(report, input.length);
    expect(report).toMatchObject({ imported: 2, failed: 0, rejected: BLANK_KEYS.length });
    BLANK_KEYS.forEach(([, field], b) =>
      expectRejected(report, 1 + b, `userpilot.${field}`, `${field}: must not be blank`),
    );
    const sent = log.filter((e) => e.op === "POST").flatMap((e) => e.userIds);
    expect(sent).toEqual(["u-first", " u-last "]);
    expect(sim.users().map(({ user_id, company_id }) => [user_id, company_id])).toEqual([
      ["u-first", "comp_a"],
      [" u-last ", " comp_b "],
    ]);
  });
});

describe("a Userpilot user_id that is empty or missing", () => {
  it("is reported under the record's index, so two such records are two records, not one user", async () => {
    const missing = {} as UserpilotUser;
    const input: UserpilotUser[] = [
      { user_id: "" },
      { user_id: "u-kept" },
      { user_id: "" },
      missing,
    ];
    vendor({ pollsPerStep: 1 });
    const report = await run(input);

    expectEveryRecordOnce(report, input.length);
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      ["#0", "rejected"],
      ["u-kept", "imported"],
      ["#2", "rejected"],
      ["#3", "rejected"],
    ]);
    expect(report.events.duplicate_keys ?? 0).toBe(0);
  });
});
