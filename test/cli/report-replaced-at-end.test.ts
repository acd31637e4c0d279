// While a run goes, its report is written to a temporary file beside the --report, which replaces the report
// only when the run ends: an earlier report stays whole until then, and stays as it was when the run is
// refused. The writer's promises resolve once the file is where a reader looks for it.
import { existsSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { ReportWriter, parseReport, readReportFile } from "../../src/cli/report-file.js";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-report-replaced-");

const header = () => ({
  vendor: "fullstory",
  input: "users.ndjson",
  startedAt: new Date().toISOString(),
});

const imported = (index: number): RecordOutcome => ({
  index,
  key: faker.string.uuid(),
  outcome: "imported",
});

const reportOf = (outcomes: readonly RecordOutcome[]): ImportReport => ({
  vendor: "fullstory",
  total: outcomes.length,
  imported: outcomes.length,
  failed: 0,
  rejected: 0,
  outcomes: [],
  chunks: { sent: 1, resumed: 0, replayed: 0 },
  events: {},
  aborted: false,
  startedAt: new Date().toISOString(),
  durationMs: 1,
});

/** Temporary files of `report` left in its folder. */
const partialsIn = (report: string) =>
  readdirSync(path.dirname(report)).filter(
    (name) => name.startsWith(`.${path.basename(report)}.`) && name.endsWith(".partial"),
  );

describe("ReportWriter: the report is replaced when the run ends", () => {
  it("writes beside the report while the run goes; finish puts this run's report in its place", async () => {
    const earlier = faker.lorem.paragraph();
    const report = file("finished.ndjson", earlier);
    const outcomes = [imported(0), imported(1)];

    const writer = await ReportWriter.open(report, header());
    for (const outcome of outcomes) writer.outcome(outcome);
    await writer.ready();

    expect(path.dirname(writer.partial!)).toBe(path.dirname(report));
    expect(path.basename(writer.partial!)).toBe(`.finished.ndjson.${process.pid}.partial`);
    expect(readFileSync(report, "utf8")).toBe(earlier);

    await writer.finish(reportOf(outcomes));

    expect((await readReportFile(report)).outcomes).toEqual(outcomes);
    expect(partialsIn(report)).toEqual([]);
  });

  it("never overwrites a file that has the temporary name already", async () => {
    const report = file("taken.ndjson");
    const other = file(`.taken.ndjson.${process.pid}.partial`, "someone else's\n");

    const writer = await ReportWriter.open(report, header());
    await writer.finish(reportOf([]));

    expect(writer.partial).not.toBe(other);
    expect(readFileSync(other, "utf8")).toBe("someone else's\n");
    expect(await readReportFile(report)).toMatchObject({ total: 0 });
  });

  it("abandon, once an outcome is known: resolves with the report in place, without a summary", async () => {
    const report = file("abandoned.ndjson", faker.lorem.paragraph());
    const writer = await ReportWriter.open(report, header());
    writer.outcome(imported(0));

    await writer.abandon();

    const text = readFileSync(report, "utf8");
    expect(text).toContain('"kind":"outcome"');
    expect(() => parseReport(text, report)).toThrow("not a complete report");
    expect(partialsIn(report)).toEqual([]);
  });

  it("abandon before any outcome, and discard after some, leave the earlier report as it was", async () => {
    const earlier = faker.lorem.paragraph();
    const report = file("kept.ndjson", earlier);

    const idle = await ReportWriter.open(report, header());
    await idle.abandon();
    const refused = await ReportWriter.open(report, header());
    refused.outcome(imported(0));
    await refused.discard();

    expect(readFileSync(report, "utf8")).toBe(earlier);
    expect(partialsIn(report)).toEqual([]);
  });

  it("a report reached through a symbolic link: the link stays, the file it names is replaced", async () => {
    const target = file("real-report.ndjson", faker.lorem.paragraph());
    const link = file("linked-report.ndjson");
    symlinkSync(target, link);

    const writer = await ReportWriter.open(link, header());
    writer.outcome(imported(0));
    await writer.finish(reportOf([imported(0)]));

    expect((await readReportFile(target)).total).toBe(1);
    expect(readFileSync(link, "utf8")).toBe(readFileSync(target, "utf8"));
  });

  it("a report where there was none appears only at the end", async () => {
    const report = file("new-report.ndjson");
    const writer = await ReportWriter.open(report, header());
    expect(existsSync(report)).toBe(false);

    await writer.finish(reportOf([]));

    expect(existsSync(report)).toBe(true);
  });
});
