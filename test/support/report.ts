// What every import report keeps, whatever the vendor or the faults: the checks and views the adapter, engine
// and CLI tests share, so that each vendor's tests assert the same invariant.
import { expect } from "vitest";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";

type Status = RecordOutcome["outcome"];

/**
 * Every record read is in the report exactly once, in input order, and the counts add up: imported, failed
 * and rejected are the numbers of outcomes with that status, `vendorMayHold` the number of failures marked
 * so, `warned` that of imports with a warning, and `total` (the input's size, when given) is the sum of the
 * first three.
 */
export function expectEveryRecordOnce(report: ImportReport, total = report.total): void {
  expect(report.total).toBe(total);
  expect(report.outcomes.map((o) => o.index)).toEqual(Array.from({ length: total }, (_, i) => i));
  const counts: Record<Status | "vendorMayHold" | "warned", number> = {
    ...{ imported: 0, warned: 0, failed: 0, rejected: 0, vendorMayHold: 0 },
  };
  for (const o of report.outcomes) {
    counts[o.outcome] += 1;
    if (o.outcome === "failed" && o.vendorMayHold === true) counts.vendorMayHold += 1;
    if (o.outcome === "imported" && o.warning !== undefined) counts.warned += 1;
  }
  expect(counts).toEqual({
    imported: report.imported,
    warned: report.warned,
    failed: report.failed,
    rejected: report.rejected,
    vendorMayHold: report.vendorMayHold,
  });
}

/** A report of no records with `fields` over it: what a report writer is handed at the end, for its tests. */
export const reportOf = (fields: Partial<ImportReport> = {}): ImportReport => ({
  ...{ vendor: "fullstory", total: 0, imported: 0, warned: 0, failed: 0, vendorMayHold: 0 },
  rejected: 0,
  ...{ outcomes: [], chunks: { sent: 0, resumed: 0, replayed: 0 }, events: {}, aborted: false },
  ...{ startedAt: new Date(0).toISOString(), durationMs: 0 },
  ...fields,
});

/**
 * What a user reads in a report, for comparing two runs of one input (say, an interrupted one resumed from
 * its journal and an uninterrupted one): all of it but the timing and the count of chunks sent, resumed
 * and replayed, which differ by design.
 */
export function essence(
  report: ImportReport,
): Omit<ImportReport, "startedAt" | "durationMs" | "chunks"> {
  const { startedAt: _startedAt, durationMs: _durationMs, chunks: _chunks, ...rest } = report;
  return rest;
}

/** Record `index` rejected by `rule`, its reason naming it and its key, then `problem`. */
export function expectRejected(
  report: ImportReport,
  index: number,
  rule: string,
  problem: string,
): void {
  const outcome = report.outcomes[index];
  expect(outcome).toMatchObject({ index, outcome: "rejected", rule });
  expect(outcome?.outcome === "rejected" && outcome.reason).toBe(
    `record ${index} (${outcome?.key}): ${problem}`,
  );
}

/** The outcomes with `status`, in input order. */
export function outcomesWith<S extends Status>(
  report: ImportReport,
  status: S,
): Extract<RecordOutcome, { outcome: S }>[] {
  return report.outcomes.filter(
    (o): o is Extract<RecordOutcome, { outcome: S }> => o.outcome === status,
  );
}

/** The input indexes of the records with `status`, in order. */
export const indexesWith = (report: ImportReport, status: Status): number[] =>
  outcomesWith(report, status).map((o) => o.index);
