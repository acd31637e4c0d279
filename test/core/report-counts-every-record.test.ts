// A report counts every record read exactly once: one whose outcome a defect lost, or recorded twice, would
// make its counts not add up to the input, so no report is built then, rather than one that says so.
import { describe, expect, it } from "vitest";
import { ReportBuilder } from "../../src/core/engine/report-builder.js";

const chunks = { sent: 1, resumed: 0, replayed: 0 };

describe("a report whose outcomes do not match the records read", () => {
  it("is not built when a record read has no outcome", () => {
    const report = new ReportBuilder("all", undefined);
    report.validated();
    report.validated();
    report.record({ index: 0, key: "u0", outcome: "imported" });
    expect(() => report.build("test", { aborted: false, chunks })).toThrow(
      "internal: 2 records read but 1 outcomes recorded",
    );
  });

  it("is not built when a record's outcome was recorded twice", () => {
    const report = new ReportBuilder("all", undefined);
    report.validated();
    report.record({ index: 0, key: "u0", outcome: "imported" });
    report.record({ index: 0, key: "u0", outcome: "failed", code: "timeout", reason: "lost" });
    expect(() => report.build("test", { aborted: false, chunks })).toThrow(
      "internal: 1 records read but 2 outcomes recorded",
    );
  });

  it("is built, adding up to the records read, when each has one outcome, its duration in whole ms", () => {
    const report = new ReportBuilder("problems", undefined);
    for (let i = 0; i < 3; i++) report.validated();
    report.record({
      index: 2,
      key: "u2",
      outcome: "rejected",
      rule: "r",
      reason: "record 2 (u2): r",
    });
    report.record({ index: 0, key: "u0", outcome: "imported" });
    report.record({ index: 1, key: "u1", outcome: "failed", code: "400", reason: "refused" });
    const built = report.build("test", { aborted: false, chunks });
    expect(built).toMatchObject({
      total: 3,
      imported: 1,
      failed: 1,
      rejected: 1,
      outcomes: [
        { index: 1, outcome: "failed" },
        { index: 2, outcome: "rejected" },
      ],
    });
    // In whole milliseconds, as the report says.
    expect(Number.isInteger(built.durationMs)).toBe(true);
  });
});
