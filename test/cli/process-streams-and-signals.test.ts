// The CLI as a process an operator runs: its stdout or stderr read by a pipe that goes away (`| head`, a pager
// quit early), a second Ctrl-C while the first one's run cannot end (its input is a FIFO whose writer stalls),
// its progress bar on a terminal narrower than the bar's line, and a --report that is its own stdout or stderr.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseReport } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  CREDS,
  CollectingStream,
  FAST_POLL,
  fakeIo,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "../cli/helpers.js";
import { useBundledCli } from "./bundled-cli.js";

const file = useTempDir("bui-process-");
const serve = useServedSimulators();

const main = useBundledCli();

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}
const ended = (child: ChildProcess) =>
  new Promise<Ended>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);

/** `sim`, answering each request `ms` later, so an import takes a few seconds. */
function slowed(sim: VendorSimulator, ms: number): VendorSimulator {
  return {
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle: async (request) => {
      await new Promise((r) => setTimeout(r, ms));
      return sim.handle(request);
    },
  };
}

const lines = (report: string) => readFileSync(report, "utf8").trimEnd().split("\n");

describe("the CLI's output read by a pipe that goes away", () => {
  it("stderr closed by its reader after the first progress line (`2>&1 | head -1`): the import runs to its end, report and journal complete, exit 0", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(slowed(sim, 25));
    const input = file("stderr-closed.ndjson", ndjson(fullStoryUsers(600, "se")));
    const report = file("stderr-closed.report");
    const journal = file("stderr-closed.journal");
    const child = spawn(
      process.execPath,
      [
        main(),
        ...["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey],
        ...FAST_POLL,
        ...["--chunk-size", "10", "--concurrency", "1", "--report", report, "--journal", journal],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    // The reader of stderr reads the first progress line, then goes away (as `head -1` does).
    child.stderr.once("data", () => child.stderr.destroy());

    const end = await ended(child);

    // Every user is at the vendor; the run must say so, as it would have with stderr open.
    expect(sim.users()).toHaveLength(600);
    expect(stdout).toMatch(/^fullstory: 600 records: 600 imported, 0 failed, 0 rejected/);
    const last = JSON.parse(lines(report).at(-1)!) as { kind: string; imported: number };
    expect(last).toMatchObject({ kind: "summary", imported: 600 });
    expect(existsSync(`${journal}.lock`)).toBe(false);
    expect(end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("stdout closed before the summary (`| true`): exit with the import's code, not a crash", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("stdout-closed.ndjson", ndjson(fullStoryUsers(20, "so")));
    const report = file("stdout-closed.report");
    const child = spawn(
      process.execPath,
      [
        main(),
        ...["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey],
        ...FAST_POLL,
        ...["--report", report],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));

    const end = await ended(child);

    expect(sim.users()).toHaveLength(20);
    expect(stderr).not.toContain("EPIPE");
    expect(JSON.parse(lines(report).at(-1)!)).toMatchObject({ kind: "summary", imported: 20 });
    expect(end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("in process: a stderr that fails with EPIPE does not end run() or change its exit code", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("epipe-in-process.ndjson", ndjson(fullStoryUsers(5, "ip")));
    const fake = fakeIo();
    const broken = new (class extends CollectingStream {
      override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (e?: Error) => void) {
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      }
    })(false);
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.prependListener("uncaughtException", onUncaught);
    try {
      const code = await run(
        ["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL],
        { ...fake.io, stderr: broken as unknown as NodeJS.WriteStream },
      );
      await new Promise((r) => setTimeout(r, 50));
      expect(code).toBe(0);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(unhandled).toEqual([]);
    expect(fake.stdout.text).toMatch(/^fullstory: 5 records: 5 imported/);
  });
});

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("Ctrl-C twice", () => {
  // Said nothing at the first, an operator whose run had yet to end took it for unheard and pressed again.
  it("input from a FIFO whose writer stalls: the first Ctrl-C is answered on stderr at once and ends the import, the second ends the process, adding nothing", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const fifo = file("stalled.ndjson");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const journal = file("stalled.journal");
    const child = spawn(
      process.execPath,
      [
        main(),
        ...["import", "fullstory", fifo, "--base-url", url, "--api-key", CREDS.apiKey],
        ...FAST_POLL,
        ...["--chunk-size", "2", "--journal", journal],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exit = ended(child);
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    const acknowledgement =
      "bulk-user-import: stopping (SIGINT): nothing more is read or sent, requests under way are cut " +
      "short, and the records not yet settled fail [aborted] (the vendor may hold those of a chunk that " +
      "was out); the summary follows, and --journal keeps what was settled for a re-run, unless the " +
      "summary says otherwise; press Ctrl-C again to end at once\n";
    let writer: FileHandle | undefined;
    try {
      writer = await open(fifo, "w");
      await writer.write(ndjson(fullStoryUsers(5, "ff")));
      // The writer stalls: two chunks are imported (journaled done), the fifth record waits for its chunk.
      const done = () =>
        existsSync(journal) ? readFileSync(journal, "utf8").split('"kind":"done"').length - 1 : 0;
      for (let i = 0; i < 200 && done() < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(done()).toBe(2);

      child.kill("SIGINT");
      const stopped = () => stdout.includes("aborted") && stderr.includes("stopping");
      for (let i = 0; i < 200 && !stopped(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(stderr).toContain(acknowledgement);
      expect(stdout).toMatch(/^fullstory: 5 records: 4 imported, 1 failed/);
      // The import ended; its process may still wait on the FIFO. A second Ctrl-C must end it at once.
      child.kill("SIGINT");
      const end = await within(exit, 3000);

      expect(end).not.toBe("timeout");
      if (end !== "timeout") expect(end.code === 130 || end.signal === "SIGINT").toBe(true);
      expect(stderr.split("stopping (").length - 1).toBe(1);
    } finally {
      await writer?.close();
      child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("Ctrl-C with the users piped to stdin (`import <vendor> -`)", () => {
  it("a producer that stalls: the first Ctrl-C ends the import and the process, exit 1", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const journal = file("stdin-stalled.journal");
    const child = spawn(
      process.execPath,
      [
        main(),
        ...["import", "fullstory", "-", "--format", "ndjson"],
        ...["--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL],
        ...["--chunk-size", "2", "--journal", journal],
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    const exit = ended(child);
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    try {
      // Written, and stdin left open: the producer (a query still running) stalls.
      child.stdin.write(ndjson(fullStoryUsers(5, "sf")));
      const done = () =>
        existsSync(journal) ? readFileSync(journal, "utf8").split('"kind":"done"').length - 1 : 0;
      for (let i = 0; i < 200 && done() < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(done()).toBe(2);

      child.kill("SIGINT");
      // The run lets go of stdin as it ends: no second Ctrl-C, nor the producer's end, is waited for.
      const end = await within(exit, 10_000);

      expect(end).toEqual({ code: 1, signal: null });
      expect(stdout).toMatch(/^fullstory: 5 records: 4 imported, 1 failed/);
    } finally {
      child.stdin.end();
      child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("the progress bar on a terminal", () => {
  it("every line redrawn in place fits in the terminal's width (else each redraw leaves a wrapped row behind)", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(slowed(sim, 5));
    const input = file("narrow.ndjson", ndjson(fullStoryUsers(200, "nw")));
    const fake = fakeIo();
    const stderr = new CollectingStream(true);
    Object.assign(stderr, { columns: 80 });

    const code = await run(
      [
        ...["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey],
        ...FAST_POLL,
        ...["--chunk-size", "10", "--concurrency", "1"],
      ],
      { ...fake.io, stderr: stderr as unknown as NodeJS.WriteStream },
    );

    expect(code).toBe(0);
    const drawn = stderr.text.split("\r");
    // Every piece but the last is overwritten by the next `\r`: it must have stayed on one row.
    const overwritten = drawn.slice(0, -1).map((piece) => piece.replaceAll("\u001b[K", ""));
    expect(overwritten.length).toBeGreaterThan(1);
    for (const piece of overwritten) expect(piece.length).toBeLessThan(80);
  });
});

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)(
  "a journal path that is a pipe",
  () => {
    // Opened as a journal, a pipe without a writer blocks the run before it starts (and a device such as
    // /dev/zero, not run here, would be read without end).
    it("is refused at once: exit 2, naming the file, no lock left", () => {
      const journal = file("journal.fifo");
      expect(spawnSync("mkfifo", [journal]).status).toBe(0);
      const input = file("journal-fifo.ndjson", ndjson(fullStoryUsers(2, "jf")));
      const child = spawnSync(
        process.execPath,
        [main(), "import", "fullstory", input, "--api-key", CREDS.apiKey, "--journal", journal],
        // SIGKILL: a CLI blocked in a read never runs its SIGTERM handler.
        { encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" },
      );
      expect(child.status).toBe(2);
      expect(child.stderr).toContain(`journal ${journal} cannot be used: it is not a regular file`);
      expect(existsSync(`${journal}.lock`)).toBe(false);
    }, 30_000);
  },
);

describe.skipIf(!existsSync("/dev/stdout"))("--report: the run's stdout or stderr", () => {
  let inputs = 0;
  /**
   * The import of `users` to a served FullStory simulator, as a process with `stdio`, `--report` at
   * `report`; its stdout through a shell's pipe (`| cat`) when `piped`: a pipe Node makes is a socket, which
   * /dev/stdout cannot be opened on.
   */
  async function importTo(report: string, stdio: StdioOptions, users = 300, piped = false) {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file(`own-stream-${++inputs}.ndjson`, ndjson(fullStoryUsers(users, "own")));
    const argv = [
      main(),
      ...["import", "fullstory", input, "--base-url", url, "--api-key", CREDS.apiKey],
      ...FAST_POLL,
      ...["--chunk-size", "100", "--report", report],
    ];
    const child = piped
      ? spawn("bash", ["-o", "pipefail", "-c", '"$@" | cat', "bash", process.execPath, ...argv], {
          stdio,
        })
      : spawn(process.execPath, argv, { stdio });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += String(d)));
    child.stderr?.on("data", (d) => (stderr += String(d)));
    const end = await ended(child);
    return { sim, end, stdout: () => stdout, stderr: () => stderr };
  }

  const openedAs = async (name: string, flags: string, text = "") => {
    const out = file(name, text);
    const handle = await open(out, flags);
    return { out, handle };
  };

  it("`--report /dev/stdout > out.txt`: the file holds the whole report; the summary goes to stderr; exit 0", async () => {
    const { out, handle } = await openedAs("stdout-file.txt", "w");
    const ran = await importTo("/dev/stdout", ["ignore", handle.fd, "pipe"]);
    await handle.close();

    const report = parseReport(readFileSync(out, "utf8"), out);
    expect(report).toMatchObject({ total: 300, imported: 300 });
    expect(report.outcomes).toHaveLength(300);
    expect(ran.stderr()).toMatch(/^fullstory: 300 records: 300 imported, 0 failed, 0 rejected/m);
    expect(ran.stderr()).not.toContain("cannot write the report");
    expect(ran.end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("`{ run --report /dev/stdout; echo done; } > out.txt`: the shell's next line follows the report, not over its first", async () => {
    const { out, handle } = await openedAs("stdout-then-shell.txt", "w");
    const ran = await importTo("/dev/stdout", ["ignore", handle.fd, "pipe"]);
    // Through the descriptor the shell shares with the run, at its offset, as the shell's next command writes.
    const next = "done\n";
    await handle.write(next);
    await handle.close();

    const text = readFileSync(out, "utf8");
    expect(text.endsWith(`}\n${next}`)).toBe(true);
    expect(parseReport(text.slice(0, -next.length), out)).toMatchObject({ imported: 300 });
    expect(ran.end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("`--report /dev/stdout >> out.txt`: what the file held is kept, the report follows it whole; exit 0", async () => {
    const earlier = "an earlier run's line\n";
    const { out, handle } = await openedAs("stdout-append.txt", "a", earlier);
    const ran = await importTo("/dev/stdout", ["ignore", handle.fd, "pipe"]);
    await handle.close();

    const text = readFileSync(out, "utf8");
    expect(text.startsWith(earlier)).toBe(true);
    expect(parseReport(text.slice(earlier.length), out)).toMatchObject({ imported: 300 });
    expect(ran.stderr()).not.toContain("cannot write the report");
    expect(ran.end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("`--report /dev/stdout | reader`: the pipe carries the report alone, the summary goes to stderr", async () => {
    const ran = await importTo("/dev/stdout", ["ignore", "pipe", "pipe"], 300, true);

    expect(parseReport(ran.stdout(), "stdout")).toMatchObject({ imported: 300 });
    expect(ran.stderr()).toMatch(/^fullstory: 300 records: 300 imported/m);
    expect(ran.end).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("`--report /dev/stderr`, into a file or a pipe: refused (exit 2) before anything is sent, naming --report", async () => {
    const { out, handle } = await openedAs("stderr-file.txt", "w");
    const toFile = await importTo("/dev/stderr", ["ignore", "pipe", handle.fd], 3);
    await handle.close();
    const toPipe = await importTo("/dev/stderr", ["ignore", "pipe", "pipe"], 3);

    for (const [ran, stderr] of [
      [toFile, readFileSync(out, "utf8")],
      [toPipe, toPipe.stderr()],
    ] as const) {
      expect(stderr).toContain(
        "--report /dev/stderr is this run's stderr, where its progress, warnings and errors go",
      );
      expect(stderr).toContain("give --report a file of its own");
      expect(ran.end).toEqual({ code: 2, signal: null });
      expect(ran.sim.stats().jobs).toBe(0);
      expect(ran.sim.users()).toHaveLength(0);
    }
  }, 30_000);

  it("`--report /dev/stdout 2>&1 | reader`: refused (exit 2), not told to give /dev/stdout, which it gave", async () => {
    const { out, handle } = await openedAs("both-streams.txt", "w");
    // One file as stdout and stderr, as `2>&1` makes them, a terminal or a service's journal is.
    const ran = await importTo("/dev/stdout", ["ignore", handle.fd, handle.fd], 3);
    await handle.close();
    // stdout another file: /dev/stdout is what to give instead.
    const apart = await openedAs("stderr-apart.txt", "w");
    const toStderr = await importTo("/dev/stderr", ["ignore", "pipe", apart.handle.fd], 3);
    await apart.handle.close();

    const said = readFileSync(out, "utf8");
    expect(said).toContain("--report /dev/stdout is this run's stderr");
    expect(said).toContain("its stdout is that same file");
    expect(said).not.toContain("or /dev/stdout");
    expect(ran.end).toEqual({ code: 2, signal: null });
    expect(ran.sim.stats().jobs).toBe(0);
    const told = readFileSync(apart.out, "utf8");
    expect(told).toContain(
      "give --report a file of its own, or /dev/stdout (the summary then goes to stderr)",
    );
    expect(told).not.toContain("its stdout is that same file");
    expect(toStderr.end).toEqual({ code: 2, signal: null });
  }, 30_000);
});
