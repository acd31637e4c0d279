// SlashID's 200 whose counts add up to more persons than the file held: it says all were imported and that
// some failed. Nothing in such an answer confirms any unlisted person imported (FullStory's counts get the
// same treatment: `imports` + `errors` above the chunk confirms nothing).
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { persons, slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

/** SlashID's answer with its counts replaced; the persons are processed (imported) all the same. */
const counts = (successful: number, failed: number) => ({
  after: (answer: Response) =>
    answer.status === 200
      ? json({ result: { successful_imports: successful, failed_imports: failed } })
      : answer,
});

describe("SlashID counts that contradict themselves", () => {
  it("a file of 4 answered 4 imported and 2 failed, listing none: no person is called imported", async () => {
    const input = persons("contradicting-counts", 4);
    slashIdWorld(server, { script: () => counts(4, 2) });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 4);
    // SlashID said 2 of these 4 failed and did not say which: none of them is confirmed imported.
    expect(report.imported).toBe(0);
    for (const o of report.outcomes) {
      expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
    }
  });

  it("a file of 4 with one listed failure, answered 3 imported and 3 failed: the 3 others are unconfirmed", async () => {
    const input = persons("contradicting-counts-listed", 4);
    const world = slashIdWorld(server, {
      reject: (key) => key === `email:${input[0]!.emails![0]!.toLowerCase()}`,
      script: () => ({
        after: async (answer: Response) => {
          const { result } = (await answer.json()) as {
            result: { failed_csv?: string; successful_imports: number };
          };
          return json({ result: { ...result, successful_imports: 3, failed_imports: 3 } });
        },
      }),
    });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 4);
    expect(world.sim.stats()).toMatchObject({ users: 3 });
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
    expect(report.imported).toBe(0);
    // The 3 persons SlashID holds are the ones to look up there; the refused one is not.
    expect(report.outcomes[0]).not.toHaveProperty("vendorMayHold");
    for (const o of report.outcomes.slice(1)) expect(o).toMatchObject({ vendorMayHold: true });
    expect(report.vendorMayHold).toBe(3);
  });
});

describe("SlashID counts of more persons than the file held", () => {
  it("a file of 4 answered 10 imported and 0 failed confirms no one", async () => {
    const input = persons("too-many-imported", 4);
    slashIdWorld(server, { script: () => counts(10, 0) });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 4);
    expect(report.imported).toBe(0);
    for (const o of report.outcomes) {
      expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
      expect(o.outcome === "failed" && o.reason).toMatch(/SlashID imported 10 and failed 0 of 4/);
    }
  });
});
