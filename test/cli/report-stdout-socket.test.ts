// `--report /dev/stdout` when the run's stdout is a socket: what a Node parent's `stdio: "pipe"` gives its
// child (libuv makes a socketpair), and systemd a service. /dev/stdout cannot be opened anew on a socket
// (ENXIO), and the run stopped at once (exit 2) with "cannot write the report /dev/stdout: ENXIO", for an
// import and the demo alike. The report goes through the run's own stdout instead.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseReport } from "../../src/cli/report-file.js";
import type { ImportReport } from "../../src/index.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { useBundledCli } from "./bundled-cli.js";
import {
  CREDS,
  FAST_POLL,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-socket-");
const serve = useServedSimulators();
const main = useBundledCli();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI run with `argv` as a child whose stdout and stderr are the parent's `stdio: "pipe"`; `reader` is
 * called as the child starts, then with stdout so far as each piece of it arrives, as the parent reading.
 */
function runCli(argv: readonly string[], reader?: (child: ChildProcess, read: string) => void) {
  const child = spawn(process.execPath, [main(), ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  reader?.(child, "");
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += String(d);
    reader?.(child, stdout);
  });
  child.stderr?.on("data", (d) => (stderr += String(d)));
  return new Promise<Ran>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr })),
  );
}

/** The import of `users` to a served FullStory simulator with `--report /dev/stdout`. */
async function importUsers(users: number, reader?: (child: ChildProcess, read: string) => void) {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  const input = file(`users-${users}.ndjson`, ndjson(fullStoryUsers(users, "sock")));
  return runCli(
    [
      ...["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey],
      ...FAST_POLL,
      ...["--chunk-size", "100", "--report", "/dev/stdout"],
    ],
    reader,
  );
}

describe.skipIf(!existsSync("/dev/stdout"))("--report /dev/stdout, stdout a socket", () => {
  it("import: stdout carries the whole report (header, an outcome per record, summary); exit 0", async () => {
    // What these tests are about: a child's stdio "pipe" is a socket.
    const probe = "process.exit(require('node:fs').fstatSync(1).isSocket() ? 0 : 1)";
    const socket = spawnSync(process.execPath, ["-e", probe], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(socket.status).toBe(0);

    const ran = await importUsers(300);

    expect(ran.stderr).not.toContain("cannot write the report");
    const report = parseReport(ran.stdout, "stdout");
    expect(report.header).toMatchObject({ kind: "header", vendor: "fullstory" });
    expect(report).toMatchObject({ total: 300, imported: 300 });
    expect(report.outcomes.map((o) => o.index)).toEqual([...Array(300).keys()]);
    // The summary goes to stderr, as for any report on stdout.
    expect(ran.stderr).toMatch(/^fullstory: 300 records: 300 imported, 0 failed, 0 rejected/m);
    expect(ran.code).toBe(0);
  }, 30_000);

  it("import, read by a parent that lags: the report is whole all the same; exit 0", async () => {
    const ran = await importUsers(3000, (child) => {
      child.stdout?.pause();
      setTimeout(() => child.stdout?.resume(), 5);
    });

    expect(ran.stderr).not.toContain("cannot write the report");
    const report = parseReport(ran.stdout, "stdout");
    expect(report).toMatchObject({ total: 3000, imported: 3000 });
    expect(report.outcomes).toHaveLength(3000);
    expect(ran.code).toBe(0);
  }, 60_000);

  it("import, its reader gone mid-report: the reading stops, EPIPE named, the summary on stderr; exit 1", async () => {
    const ran = await importUsers(10_000, (child, read) => {
      if (read.length > 0) child.stdout?.destroy();
    });

    expect(ran.stderr).toContain("cannot write the report /dev/stdout: EPIPE");
    // As for a report file that fails: what was read is still sent, and the summary says what became of it.
    expect(ran.stderr).toMatch(/^fullstory: \d+ records: \d+ imported, 0 failed, 0 rejected/m);
    expect(ran.stderr).toContain("aborted: the run stopped before its end");
    expect(ran.code).toBe(1);
  }, 60_000);

  it("import, its reader gone before the report's only write: EPIPE named, the summary on stderr; exit 1", async () => {
    // 300 outcomes are one write, at the end.
    const ran = await importUsers(300, (child) => child.stdout?.destroy());

    expect(ran.stderr).toContain("cannot write the report /dev/stdout: EPIPE");
    expect(ran.stderr).toMatch(/^fullstory: 300 records: 300 imported, 0 failed, 0 rejected/m);
    expect(ran.code).toBe(1);
  }, 30_000);

  it("demo: stdout carries every vendor's report after the summaries, then the totals; exit 0", async () => {
    const ran = await runCli(["demo", "--users", "3", "--report", "/dev/stdout"]);

    expect(ran.stderr).not.toContain("cannot write the report");
    // As on a pipe (`| cat`): the report, a JSON array, between the demo's summaries and its totals.
    const start = ran.stdout.indexOf("\n[\n");
    const end = ran.stdout.indexOf("\n]\n", start);
    expect(start).toBeGreaterThan(ran.stdout.lastIndexOf("\n== "));
    const reports = JSON.parse(ran.stdout.slice(start, end + 2)) as ImportReport[];
    expect(reports.map((r) => [r.vendor, r.total, r.imported])).toEqual(
      VENDOR_NAMES.map((name) => [name, 3, 3]),
    );
    expect(ran.stdout.slice(end)).toMatch(/^\n\]\n\nall vendors: 12 records, 12 imported/);
    expect(ran.stdout).toContain("the 4 reports are in /dev/stdout");
    expect(ran.code).toBe(0);
  }, 60_000);

  it("demo, its reader gone after the first line: EPIPE named, no report claimed; exit 1", async () => {
    const ran = await runCli(["demo", "--users", "3", "--report", "/dev/stdout"], (child, read) => {
      if (read.length > 0) child.stdout?.destroy();
    });

    expect(ran.stderr).toContain("cannot write the report /dev/stdout: EPIPE");
    expect(ran.stdout).not.toContain("reports are in");
    expect(ran.code).toBe(1);
  }, 60_000);
});
