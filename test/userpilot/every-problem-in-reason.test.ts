// A record breaking several rules is rejected with every problem in its reason (the validation policy's
// "every problem, each with its rule"), not only the first: the adapter's validate passes all of them on.
import { describe, expect, it } from "vitest";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { expectEveryRecordOnce, expectRejected } from "../support/report.js";
import { run, useUserpilot } from "./harness.js";

const vendor = useUserpilot();

describe("a Userpilot record breaking two rules", () => {
  it("is rejected under the first rule, its reason naming both fields, and never sent", async () => {
    const input = [{ user_id: "u-first" }, { user_id: " ", company_id: "" }] as UserpilotUser[];
    const { log } = vendor({ pollsPerStep: 1 });
    const report = await run(input);

    expectEveryRecordOnce(report, input.length);
    expectRejected(
      report,
      1,
      "userpilot.user_id",
      "user_id: must not be blank; company_id: must not be blank",
    );
    expect(log.filter((e) => e.op === "POST").flatMap((e) => e.userIds)).toEqual(["u-first"]);
  });
});
