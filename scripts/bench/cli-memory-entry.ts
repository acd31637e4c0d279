// The parent side of the CLI memory benchmark: per input size, a fresh FullStory simulator in a process of its
// own and the CLI (cli-memory.ts) in another; the entry compares the CLI's peak RSS at the two sizes.
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

const POLL_MS = 50;

export async function cliMemory(options: {
  sizes: readonly [number, number];
  prepare: (kind: "fullstory", count: number) => Promise<string>;
  script: (name: string) => string;
  log: (line: string) => void;
}): Promise<BenchEntry> {
  const { sizes, prepare, script, log } = options;
  const runs: CliMemoryRun[] = [];
  for (const count of sizes) {
    const file = await prepare("fullstory", count);
    log(
      `cli-memory: bulk-user-import import --report, ${count.toLocaleString("en-US")} users into a simulator over loopback…`,
    );
    // The simulator keeps every user it stores, as FullStory does: it gets a big heap of its own.
    const server = await startServer(script("server"), [], ["--max-old-space-size=12000"]);
    try {
      runs.push(
        await runChild<CliMemoryRun>(script("cli-memory"), [
          "--file",
          file,
          "--url",
          server.url,
          "--records",
          String(count),
          "--poll-ms",
          String(POLL_MS),
        ]),
      );
    } finally {
      await server.stop();
    }
  }
  const [small, big] = runs as [CliMemoryRun, CliMemoryRun];
  const mib = (kib: number) => round(kib / 1024, 1);
  return entry({
    name: "cli-memory",
    what: "peak RSS of `bulk-user-import import fullstory <file> --report` into a FullStory simulator served by another process on loopback, 1M vs 100k users",
    ...peakRssSides(small, big, "the CLI's memory"),
    figures: {
      peakRssMiB: [mib(small.maxRssKiB), mib(big.maxRssKiB)],
      endRssMiB: [mib(small.endRssKiB), mib(big.endRssKiB)],
      endHeapUsedMiB: [mib(small.endHeapUsedKiB), mib(big.endHeapUsedKiB)],
      reportMiB: [round(small.reportBytes / 2 ** 20, 1), round(big.reportBytes / 2 ** 20, 1)],
      durationMs: [round(small.durationMs), round(big.durationMs)],
      chunks: [small.chunks, big.chunks],
    },
    settings: {
      sizes: [small.records, big.records],
      cli: "run() of src/cli/run.ts in the child process, with --report (streamed NDJSON) and --poll-interval/--max-poll-interval",
      pollIntervalMs: POLL_MS,
      chunkRecords: 10_000,
      concurrency: 2,
      simulator:
        "FullStory simulator (scripts/bench/server.ts) in its own process on 127.0.0.1, a fresh one per size",
      measure:
        "process.resourceUsage().maxRSS of the CLI's process at its end (default node flags)",
      node: process.version,
    },
    notes: [],
  });
}
