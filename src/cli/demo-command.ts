import { closeSync, writeFile } from "node:fs";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { runImport } from "../core/engine/engine.js";
import type { ImportReport } from "../core/engine/report.js";
import {
  simulatorSettings,
  withOptionalPeers,
  type JobTuning,
  type SampleRecords,
  type VendorModule,
} from "../vendor-module.js";
import type { FaultOptions } from "../testing/faults.js";
import { serveSimulator } from "../testing/serve.js";
import { createProgressDisplay } from "./progress.js";
import {
  checkWritable,
  codeOf,
  openReportPipe,
  pipeStream,
  reportIsCsv,
  untilWritten,
  writeTo,
} from "./report-file.js";
import { reportOnStderr, reportTarget, streamFd } from "./report-target.js";
import { createSimulator } from "./simulate-command.js";
import { formatSummary } from "./summary.js";
import { forTerminal } from "./terminal-text.js";
import { ConfigError, VENDORS } from "./vendors.js";

/** The requests that write users, of any vendor. */
const WRITES = new Set(VENDORS.flatMap((vendor) => vendor.writes));

/**
 * Faults the demo's simulators inject: rate limits, dropped connections, records the vendor refuses, and
 * answers lost after the vendor acted (the connection dropped, or a gateway's 502/504 page in their place):
 * by chance, and always on the 2nd and 3rd write of each vendor, so every demo shows what becomes of them.
 */
const DEMO_FAULTS: FaultOptions = {
  rate429: 0.05,
  retryAfterSeconds: 0,
  rateDrop: 0.03,
  rateLostAnswer: 0.05,
  rejectRate: 0.01,
  seed: 7,
  script: ({ operation, attempt }) =>
    WRITES.has(operation) && (attempt === 2 || attempt === 3) ? "lost_answer" : undefined,
};
// The demo waits little: simulated jobs finish after a few polls, and replays follow at once.
// Each simulator is the demo's own: nothing else imports into it.
const FAST: JobTuning = {
  pollIntervalMs: 20,
  maxPollIntervalMs: 100,
  conflictWaitMs: 20,
  soleImporter: true,
};
const ENGINE = { replayDelayMs: 10 };

/**
 * `bulk-user-import demo`: makes users with faker, serves each vendor's simulator on loopback (with faults),
 * imports into each and prints the reports. Exit 0 when every import ran to its end, each simulator holds
 * what its report says (the failures being the records it refused on purpose) and the report asked for was
 * written; else 1.
 */
export async function demoCommand(
  users: number,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
  reportFile?: string,
  load: () => Promise<DemoFixtures> = loadDemoFixtures,
  signal?: AbortSignal,
  /** Takes the secrets the CLI was given out of the report's name as it is shown (see `run`). */
  scrub: (text: string) => string = (text) => text,
): Promise<number> {
  // An import's report named .csv is CSV; the demo's is every vendor's report as one JSON document, which a
  // .csv file would hold unreadable to the spreadsheet or CSV reader its name promises.
  if (reportFile !== undefined && reportIsCsv(reportFile))
    throw new ConfigError(
      `--report ${reportFile}: the demo writes its report as JSON (every vendor's import's report in one document), not CSV; give it a name that does not end in .csv (demo.json)`,
    );
  // Refused before the imports run, not found amid the progress they write there.
  if (reportFile !== undefined && reportTarget(reportFile, stdout, stderr) === "stderr")
    throw reportOnStderr(reportFile, stdout, stderr);
  // The simulators' peers are named with faker's: installed one round at a time, the next would fail anew.
  const fixtures = await withOptionalPeers(
    load,
    "demo makes its users with @faker-js/faker (and checks requests with ajv)",
    ["@faker-js/faker", "ajv", "ajv-formats"],
  );
  // The run's stdout (`| jq`, a Node parent's `stdio: "pipe"`, `>> log.txt`) takes the report through its
  // stream, after the summaries written before it, as an import's report (see ReportWriter): a file opened
  // anew to replace it would empty what the shell's file held, and the totals would land amid the report.
  const through =
    reportFile !== undefined &&
    streamFd(stdout) !== undefined &&
    reportTarget(reportFile, stdout, stderr) === "stdout";
  // Checked before the imports, so that a report that cannot be written stops the demo before it runs, and
  // left as it is until the end: a demo that ends early keeps an earlier report, and removes one it made.
  const created = reportFile === undefined || through ? false : await checkWritable(reportFile);
  // A named pipe no process reads is refused now, rather than waited on for ever once the imports are done.
  const pipe = reportFile === undefined || through ? undefined : await openReportPipe(reportFile);
  // The name as it is shown: it may hold a secret given to the CLI (the rest of a line run together).
  const shownReport = reportFile === undefined ? undefined : scrub(reportFile);
  const reports: ImportReport[] = [];
  let honest = true;
  const run = async (vendor: VendorModule, samples: SampleRecords<unknown>) => {
    const simulator = await createSimulator(vendor, DEMO_FAULTS);
    const running = await serveSimulator(simulator);
    stdout.write(`\n== ${vendor.name}: ${users} users into the simulator at ${running.url}\n`);
    const progress = createProgressDisplay(stderr, vendor.name, 1000, users);
    let retries = 0;
    const client = vendor.createClient(simulatorSettings(vendor), {
      baseUrl: running.url,
      ...(signal !== undefined && { signal }),
      userAgent: "bulk-user-import-demo",
      retryBaseDelayMs: 10,
      onRetry: () => (retries += 1),
    });
    const adapter = vendor.createAdapter(client, FAST);
    try {
      // Keys are unique, so the simulators' "imported twice" count can only come from the importer.
      const records = generate(users, (i) => samples.record(`demo-${i}`));
      let report: ImportReport;
      try {
        report = await runImport(adapter, records, {
          ...ENGINE,
          chunkRecords: quarter(users, adapter.limits.maxRecords),
          onProgress: progress.update,
          ...(signal !== undefined && { signal }),
        });
      } finally {
        progress.done();
      }
      // Interrupted (Ctrl-C), the vendor may hold users the report could not confirm: no claim is made.
      if (signal?.aborted === true) return;
      reports.push(report);
      // The demo's report file holds every vendor's import, written once they are done.
      stdout.write(formatSummary(report, 5, shownReport));
      const stats = simulator.stats();
      const injected = Object.entries(stats.faults)
        .map(([kind, n]) => `${n} ${FAULT_NAMES[kind] ?? kind}`)
        .join(", ");
      const events = report.events;
      stdout.write(
        `  the simulator injected: ${injected === "" ? "nothing" : injected}; it refused ${stats.rejected} records on purpose\n` +
          `  the library: ${retries} requests retried by the client, ${report.chunks.replayed} chunks replayed after a lost answer` +
          `${events["reconciled_jobs"] === undefined ? "" : `, ${events["reconciled_jobs"]} jobs of lost requests found and followed`}\n` +
          `  the vendor holds ${stats.users} users (${stats.duplicates} duplicates); the report says ${report.imported} imported\n`,
      );
      // The demo's claim: every valid user is imported except those the vendor refused, and the report
      // says exactly what the vendor holds.
      if (
        report.failed !== stats.rejected ||
        report.imported !== stats.users ||
        stats.duplicates > 0
      )
        honest = false;
    } finally {
      await running.close();
    }
  };

  try {
    for (const vendor of VENDORS) {
      const samples = fixtures.get(vendor.name);
      if (samples === undefined) throw new Error(`no demo fixtures for ${vendor.name}`);
      await run(vendor, samples);
      if (signal?.aborted === true) throw new DemoInterrupted();
    }
  } catch (error) {
    // The pipe's reader gets its end, with nothing before it, rather than wait for ever.
    if (pipe !== undefined) closeSync(pipe);
    if (created && reportFile !== undefined) await rm(reportFile, { force: true });
    if (!(error instanceof DemoInterrupted)) throw error;
    // The summaries of the vendors before may have pointed at the report ("see FILE"), which the demo
    // removes, or leaves as an earlier run wrote it.
    const unwritten =
      shownReport === undefined ? "" : `; the report ${forTerminal(shownReport)} was not written`;
    stderr.write(
      "bulk-user-import: the demo was interrupted; the vendor it was importing into, and those after it, " +
        `were not checked${unwritten}\n`,
    );
    return 1;
  }
  let unwritten: string | undefined;
  if (reportFile !== undefined) {
    const text = `${JSON.stringify(reports, null, 2)}\n`;
    const failed = (error: Error) => (unwritten ??= codeOf(error));
    const stream = through ? stdout : pipe === undefined ? undefined : pipeStream(pipe);
    if (stream !== undefined) {
      await untilWritten(stream, writeTo(stream, text, failed), failed);
      // The pipe's reader gets its end; the run's own stdout goes on, with the totals.
      if (stream !== stdout) stream.destroy();
    } else {
      try {
        await promisify(writeFile)(reportFile, text);
      } catch (error) {
        unwritten = codeOf(error);
        // Part of a JSON document is no report: one the demo made goes, as when the demo ends early.
        if (created) await rm(reportFile, { force: true });
      }
    }
  }
  const total = (key: "total" | "imported" | "failed" | "rejected") =>
    reports.reduce((n, r) => n + r[key], 0);
  stdout.write(
    `\nall vendors: ${total("total")} records, ${total("imported")} imported, ${total("failed")} failed${honest ? " (each one refused by the vendor)" : ""}, ${total("rejected")} rejected\n`,
  );
  // The name is the command line's, shown as an import shows it: an escape in it must not drive the terminal.
  if (shownReport !== undefined && unwritten === undefined)
    stdout.write(`the ${reports.length} reports are in ${forTerminal(shownReport)}\n`);
  if (!honest) stdout.write("the report and what the vendors hold disagree: that is a bug\n");
  if (unwritten !== undefined)
    stderr.write(
      `bulk-user-import: cannot write the report ${forTerminal(shownReport ?? "")}: ${unwritten}; the summaries above say what each import did\n`,
    );
  return honest &&
    unwritten === undefined &&
    reports.every((r) => r.fatal === undefined && r.total === r.imported + r.failed + r.rejected)
    ? 0
    : 1;
}

class DemoInterrupted extends Error {}

/** Each vendor's sample records, by its name: the users the demo imports. */
export type DemoFixtures = ReadonlyMap<string, SampleRecords<unknown>>;

/** faker and the fixtures are loaded only for the demo: faker is an optional peer of the package. */
export async function loadDemoFixtures(): Promise<DemoFixtures> {
  const samples = VENDORS.map(async (vendor) => [vendor.name, await vendor.samples(2026)] as const);
  return new Map(await Promise.all(samples));
}

/** A quarter of the users per chunk (so each vendor gets several), within the vendor's limit. */
const quarter = (users: number, max: number) => Math.min(max, Math.max(1, Math.ceil(users / 4)));

/** What each fault kind is called in the demo's words. */
const FAULT_NAMES: Readonly<Record<string, string>> = {
  "429": "rate limits (429)",
  "5xx": "server errors (500/503)",
  drop: "dropped connections",
  slow: "slow answers",
  lost_answer: "answers lost after the vendor acted",
};

/** Makes records as the import reads them, so the demo's memory does not grow with its size. */
function* generate<T>(count: number, make: (index: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield make(i);
}
