// The parent side of the CLI memory benchmarks: per input size, a fresh FullStory simulator in a process of
// its own and the CLI (cli-memory.ts) in another; each entry compares the CLI's peak RSS at its two sizes.
// `cli-memory` (100k vs 1M) is in the default run; `cli-10m` (1M vs 10M) is opt-in: it takes about 10
// minutes (20 the first time) and a simulator that forgets read jobs (retention "recent"), since one keeping
// 10M users would not fit.
import { stat } from "node:fs/promises";
import { runChild, startServer } from "./child.js";
import { entry, peakRssSides, round, type BenchEntry } from "./results.js";

interface CliMemoryRun {
  records: number;
  durationMs: number;
  maxRssKiB: number;
  endRssKiB: number;
  endHeapUsedKiB: number;
  reportBytes: number;
  chunks: number;
}

/** What the simulator's process says at the end of a run (scripts/bench/server.ts). */
interface ServerStats {
  users: number;
  duplicates: number;
  jobs: number;
  forgottenJobs: number;
  forgottenUsers: number;
  serverMaxRssKiB: number;
}

type Measured = CliMemoryRun & { inputBytes: number; server: ServerStats };

const POLL_MS = 50;

const SCENARIOS = {
  "cli-memory": { name: "cli-memory", retention: "all" },
  "cli-10m": { name: "cli at scale", retention: "recent" },
} as const;

/** 1000000 as "1M", 100000 as "100k". */
const short = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);

export async function cliMemory(options: {
  scenario?: keyof typeof SCENARIOS;
  sizes: readonly [number, number];
  prepare: (kind: "fullstory", count: number) => Promise<string>;
  script: (name: string) => string;
  log: (line: string) => void;
}): Promise<BenchEntry> {
  const { sizes, prepare, script, log } = options;
  const scenario = SCENARIOS[options.scenario ?? "cli-memory"];
  const runs: Measured[] = [];
  for (const count of sizes) {
    const file = await prepare("fullstory", count);
    log(
      `${scenario.name}: bulk-user-import import --report, ${count.toLocaleString("en-US")} users into a simulator over loopback…`,
    );
    // With retention "all" the simulator keeps every user it stores, as FullStory does: it gets a big heap.
    const server = await startServer(
      script("server"),
      ["--retention", scenario.retention],
      ["--max-old-space-size=12000"],
    );
    try {
      const run = await runChild<CliMemoryRun>(script("cli-memory"), [
        "--file",
        file,
        "--url",
        server.url,
        "--records",
        String(count),
        "--poll-ms",
        String(POLL_MS),
      ]);
      const stats = (await (await fetch(`${server.url}/__bench/stats`)).json()) as ServerStats;
      const inputBytes = (await stat(file)).size;
      runs.push({ ...run, inputBytes, server: stats });
      log(
        `  ${round(run.durationMs / 1000)} s, CLI peak RSS ${round(run.maxRssKiB / 1024)} MiB, simulator peak RSS ${round(stats.serverMaxRssKiB / 1024)} MiB`,
      );
    } finally {
      await server.stop();
    }
  }
  const [small, big] = runs as [Measured, Measured];
  const mib = (kib: number) => round(kib / 1024, 1);
  const both = (figure: (run: Measured) => number) => [figure(small), figure(big)];
  const sides = peakRssSides(small, big, "the CLI's memory");
  const ratio = `${short(big.records)}/${short(small.records)}`;
  return entry({
    name: scenario.name,
    what: `peak RSS of \`bulk-user-import import fullstory <file> --report\` into a FullStory simulator served by another process on loopback, ${short(big.records)} vs ${short(small.records)} users`,
    ...sides,
    target: { ...sides.target, text: sides.target.text.replace("1M/100k", ratio) },
    figures: {
      peakRssMiB: both((r) => mib(r.maxRssKiB)),
      endRssMiB: both((r) => mib(r.endRssKiB)),
      endHeapUsedMiB: both((r) => mib(r.endHeapUsedKiB)),
      reportMiB: both((r) => round(r.reportBytes / 2 ** 20, 1)),
      inputMiB: both((r) => round(r.inputBytes / 2 ** 20, 1)),
      durationMs: both((r) => round(r.durationMs)),
      usersPerSecond: both((r) => Math.round(r.records / (r.durationMs / 1000))),
      chunks: both((r) => r.chunks),
      simulatorPeakRssMiB: both((r) => mib(r.server.serverMaxRssKiB)),
      simulatorUsersKept: both((r) => r.server.users),
      simulatorJobsForgotten: both((r) => r.server.forgottenJobs),
    },
    settings: {
      sizes: [small.records, big.records],
      cli: "run() of src/cli/run.ts in the child process, with --report (streamed NDJSON) and --poll-interval/--max-poll-interval",
      check: "exit 0 and the report's summary says every user imported (readReportSummary)",
      pollIntervalMs: POLL_MS,
      chunkRecords: 10_000,
      concurrency: 2,
      simulator: `FullStory simulator (scripts/bench/server.ts, retention "${scenario.retention}") in its own process on 127.0.0.1, --max-old-space-size=12000, a fresh one per size`,
      measure:
        "process.resourceUsage().maxRSS of the CLI's process at its end (default node flags); the simulator's likewise",
      node: process.version,
    },
    notes:
      scenario.retention === "recent"
        ? [
            'the simulator forgets a job\'s results and the users it wrote once 8 later jobs were read (retention "recent"); a simulator keeping every user needs about 2 GB per million',
          ]
        : [],
  });
}
