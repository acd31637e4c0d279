// --report is streamed as NDJSON while the import runs: a header line, one line per record as its outcome is
// known, the summary last. The end-of-run summary keeps only the first problems, never every outcome.
import { readFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { exitCodeOf } from "../../src/cli/import-command.js";
import { ProblemSample } from "../../src/cli/problem-sample.js";
import { formatSummary } from "../../src/cli/summary.js";
import { ReportWriter, readReportFile, readReportSummary } from "../../src/cli/report-file.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { reportOf } from "../support/report.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

describe("--report: NDJSON streamed as the import runs", () => {
  it("header first, every record exactly once, the summary last; the summary is read from the end", async () => {
    const sim = createFullStorySimulator({ faults: { rejectRate: 0.2, seed: 11 } });
    const { url } = await serve(sim);
    const count = 4000;
    const lines17 = ndjson(fullStoryUsers(count, faker.string.alpha(5))).split("\n");
    lines17[17] = "{not json";
    const input = file("streamed.ndjson", lines17.join("\n"));
    const reportFile = file("streamed-report.ndjson");

    const result = await cli([
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--chunk-size",
      "500",
      "--concurrency",
      "3",
      "--report",
      reportFile,
      ...FAST_POLL,
    ]);

    expect(result.code).toBe(1);
    const lines = readFileSync(reportFile, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      kind: "header",
      format: "bulk-user-import.report",
      version: 1,
      vendor: "fullstory",
      input,
    });
    const outcomes = lines.slice(1, -1);
    expect(outcomes.every((o) => o["kind"] === "outcome")).toBe(true);
    expect(outcomes.map((o) => o["index"]).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ kind: "summary", vendor: "fullstory", total: count });
    expect(summary).not.toHaveProperty("outcomes");
    const failed = outcomes.filter((o) => o["outcome"] === "failed").length;
    expect(summary).toMatchObject({
      imported: sim.users().length,
      failed,
      rejected: 1,
    });
    expect(failed).toBe(sim.stats().rejected);
    expect(await readReportSummary(reportFile)).toEqual(summary);
    expect(result.stdout).toMatch(
      new RegExp(`^fullstory: ${count} records: ${sim.users().length} imported, ${failed} failed`),
    );
  });

  it("the summary line counts the imports with a warning, as the outcome lines hold them", async () => {
    // `imported` counts them too: a script reading only the last line must learn that some of them the
    // report cannot vouch for (a repeated or look-alike key) without reading every outcome.
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const users = ["ann", "bob", "ann", "Bob", "cy", "ann"].map((uid) => ({ uid }));
    const reportFile = file("warned-report.ndjson");

    const result = await cli([
      "import",
      "fullstory",
      file("warned.ndjson", ndjson(users)),
      ...["--base-url", url, "--api-key", CREDS.apiKey, "--report", reportFile, ...FAST_POLL],
    ]);

    expect(result.code).toBe(0);
    const lines = readFileSync(reportFile, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const warned = lines.filter((l) => l["kind"] === "outcome" && l["warning"] !== undefined);
    expect(warned.map((l) => l["index"]).sort()).toEqual([2, 3, 5]);
    expect(lines.at(-1)).toMatchObject({ kind: "summary", imported: 6, warned: 3 });
  });

  it("the stdout summary lists the first problems in input order and counts the rest", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const text = Array.from({ length: 3000 }, (_, i) => `{not json ${i}\n`).join("");
    const reportFile = file("all-bad-report.ndjson");
    const result = await cli([
      "import",
      "fullstory",
      file("all-bad.ndjson", text),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--report",
      reportFile,
    ]);
    expect(result.code).toBe(1);
    const listed = [...result.stdout.matchAll(/rejected \[[\w.]+\] record (\d+) /g)].map((m) =>
      Number(m[1]),
    );
    expect(listed).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(result.stdout).toContain(`… and 2990 more (see ${reportFile})`);

    // Without a report file there is nothing to see: the summary says how to keep every outcome.
    const unreported = await cli([
      "import",
      "fullstory",
      file("all-bad.ndjson", text),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
    ]);
    expect(unreported.stdout).toContain("… and 2990 more (--report FILE keeps every outcome)");
  });

  it("a report that cannot be written is a usage error, before anything is sent", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const result = await cli([
      "import",
      "fullstory",
      file("nowhere.ndjson", ndjson(fullStoryUsers(2))),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--report",
      file("no-such-dir/report.ndjson"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot write the report");
    expect(result.stderr).toMatch(/: its folder .*no-such-dir does not exist/);
    expect(sim.users()).toEqual([]);
  });
});

describe("ReportWriter", () => {
  it("waits for the disk between records without piling up listeners (no MaxListenersExceededWarning)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const reportFile = file("many.ndjson");
      const writer = await ReportWriter.open(reportFile, {
        vendor: "test",
        input: "in.ndjson",
        startedAt: new Date().toISOString(),
      });
      const reason = faker.lorem.sentence();
      let waits = 0;
      for (let index = 0; index < 100_000; index++) {
        writer.outcome({ index, key: `k${index}`, outcome: "failed", code: "x", reason });
        if (index % 50 === 0) {
          await writer.ready();
          waits += 1;
        }
      }
      const summary = {
        vendor: "test",
        total: 100_000,
        imported: 0,
        failed: 100_000,
        vendorMayHold: 0,
        rejected: 0,
      };
      await writer.finish(reportOf(summary));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(waits).toBe(2000);
      expect(warnings).toEqual([]);
      expect(await readReportSummary(reportFile)).toMatchObject({ kind: "summary", ...summary });
      expect((await readReportFile(reportFile)).outcomes).toHaveLength(100_000);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

it("each NDJSON line parses alone when a reader splits lines at U+2028, U+2029 or U+0085 too", async () => {
  // JSON.stringify leaves these raw, but Python's str.splitlines() and JavaScript readers of the JSON of
  // before ES2019 take them for line ends: a key or reason holding one broke its line in two.
  const keys = ["a\u2028b", "c\u2029d", "e\u0085f", "\ud800lone", "plain"];
  const reportFile = file("line-ends.ndjson");
  const writer = await ReportWriter.open(reportFile, {
    vendor: "fullstory",
    input: "in\u2028put.ndjson",
    startedAt: new Date(0).toISOString(),
  });
  keys.forEach((key, index) =>
    writer.outcome({ index, key, outcome: "failed", code: "x", reason: `no ${key}` }),
  );
  await writer.finish(reportOf({ total: keys.length, failed: keys.length, fatal: "\u2029" }));

  const text = readFileSync(reportFile, "utf8");
  // As Python's splitlines() splits (a CR LF gives an empty line between, dropped): every line is one value.
  const ends = new Set([
    "\n",
    "\r",
    "\v",
    "\f",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
  ]);
  const lines = [...text]
    .map((c) => (ends.has(c) ? "\n" : c))
    .join("")
    .split("\n")
    .filter((l) => l !== "");
  expect(lines).toHaveLength(keys.length + 2);
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  const report = await readReportFile(reportFile);
  expect(report.outcomes.map((o) => o.key)).toEqual(keys);
  expect(report.header.input).toBe("in\u2028put.ndjson");
  expect(report.fatal).toBe("\u2029");
});

describe("ProblemSample: what the summary keeps, whatever the input's size", () => {
  const failed = (index: number, code = "rejected_by_vendor"): RecordOutcome => ({
    index,
    key: `k${index}`,
    outcome: "failed",
    code,
    reason: "no",
  });

  it("keeps the lowest-index problems and warnings, whatever order they arrive in, and counts the rest", () => {
    const sample = new ProblemSample(3);
    const order = faker.helpers.shuffle(Array.from({ length: 10_000 }, (_, i) => i));
    for (const index of order) {
      sample.add(
        index % 2 === 0 ? failed(index) : { index, key: `k${index}`, outcome: "imported" },
      );
      if (index % 5 === 0)
        sample.add({ index: index + 100_000, key: "w", outcome: "imported", warning: "twice" });
    }
    expect(sample.problems.map((o) => o.index)).toEqual([0, 2, 4]);
    expect(sample.warned.map((o) => o.index)).toEqual([100_000, 100_005, 100_010]);
    expect(sample.answeredFailures).toBe(5000);
    expect(sample.outcomes().map((o) => o.index)).toEqual([0, 2, 4, 100_000, 100_005, 100_010]);
  });

  it("tells failures without any answer (network, timeout) from answered ones", () => {
    const sample = new ProblemSample();
    sample.add(failed(0, "network"));
    sample.add(failed(1, "timeout"));
    expect(sample.answeredFailures).toBe(0);
    sample.add(failed(2, "500"));
    expect(sample.answeredFailures).toBe(1);
  });

  it("a failure after as many warned imports as the summary shows is still shown", () => {
    const sample = new ProblemSample();
    for (let index = 0; index < 10; index += 1)
      sample.add({ index, key: `k${index}`, outcome: "imported", warning: "same key as #0" });
    sample.add(failed(10));
    const report = reportOf({ total: 11, imported: 10, warned: 10, failed: 1 });

    const summary = formatSummary({ ...report, outcomes: sample.outcomes() });

    expect(summary).toContain("failed   #10 k10: [rejected_by_vendor] no");
    expect(summary.match(/warning {2}#/g)).toHaveLength(10);
  });

  it("a rejected record is no answer from the vendor: every failure unanswered still exits 3", () => {
    const sample = new ProblemSample();
    sample.add({ index: 0, key: "k0", outcome: "rejected", rule: "fullstory.uid", reason: "no" });
    sample.add(failed(1, "network"));
    sample.add(failed(2, "timeout"));
    const report = reportOf({ total: 3, failed: 2, rejected: 1 });

    expect(exitCodeOf(report, sample)).toBe(3);
  });
});
