// CLI memory benchmark (child process, one per input size):
// `bulk-user-import import fullstory <file> --report` run in this process against a FullStory simulator
// served by another process on loopback, reporting this process's peak resident set size at its end. The
// report file is streamed, so memory should not grow with the input.
import { rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { readReportSummary } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import { report, requiredArg } from "./child.js";

const file = requiredArg("file");
const url = requiredArg("url");
const records = Number(requiredArg("records"));
const pollMs = requiredArg("poll-ms");
const reportFile = join(tmpdir(), `bench-cli-report-${randomUUID()}.ndjson`);

/** Keeps what the CLI prints, a few lines, for the failure message. */
let printed = "";
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    printed = (printed + chunk.toString()).slice(-4000);
    done();
  },
});
const stdio = sink as unknown as NodeJS.WriteStream;

const started = performance.now();
const code = await run(
  [
    "import",
    "fullstory",
    file,
    "--base-url",
    url,
    "--api-key",
    "sim-key",
    "--report",
    reportFile,
    "--poll-interval",
    `${pollMs}ms`,
    "--max-poll-interval",
    `${pollMs}ms`,
  ],
  { stdout: stdio, stderr: stdio, env: {}, signal: new AbortController().signal },
);
const durationMs = performance.now() - started;
const maxRssKiB = process.resourceUsage().maxRSS;
const summary = await readReportSummary(reportFile);
const reportBytes = (await stat(reportFile)).size;
await rm(reportFile, { force: true });
if (code !== 0 || summary?.total !== records || summary.imported !== records) {
  throw new Error(`expected ${records} imported (exit 0), got exit ${code}: ${printed}`);
}
const memory = process.memoryUsage();
report({
  records,
  durationMs,
  maxRssKiB,
  endRssKiB: Math.round(memory.rss / 1024),
  endHeapUsedKiB: Math.round(memory.heapUsed / 1024),
  reportBytes,
  chunks: summary.chunks.sent,
});
