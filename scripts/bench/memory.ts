// Memory benchmark (child process, one per input size): a FullStory import streamed from an NDJSON file into
// an in-process simulator, reporting the process's peak resident set size at its end.
import { readFileSync } from "node:fs";
import { readRecords } from "../../src/cli/read-records.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { report, requiredArg } from "./child.js";

const file = requiredArg("file");
const records = Number(requiredArg("records"));

/** VmHWM (peak RSS) from /proc, in KiB, where there is one. */
function vmHwmKiB(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

// A simulator that keeps every user (as FullStory does) would measure its database instead of the importer:
// this one forgets each job's results and users once both lists were read.
const simulator = createFullStorySimulator({
  apiKey: "sim-key",
  retention: "recent",
  recentJobs: 0,
});
const client = createFullStoryClient({
  apiKey: "sim-key",
  baseUrl: "http://fullstory.simulator",
  fetch: (request) => simulator.handle(request),
});
const started = performance.now();
const result = await importUsers(
  client,
  readRecords(file, "ndjson") as AsyncIterable<FullStoryUser>,
  { keepOutcomes: "problems", pollIntervalMs: 1, maxPollIntervalMs: 1 },
);
const durationMs = performance.now() - started;
if (result.total !== records || result.imported !== records) {
  throw new Error(
    `expected ${records} imported, got ${JSON.stringify({ ...result, outcomes: result.outcomes.slice(0, 3) })}`,
  );
}
const stats = simulator.stats();
const stored = stats.users + stats.forgottenUsers;
if (stored !== records || stats.duplicates !== 0 || stats.rewrites !== 0) {
  throw new Error(
    `the simulator stored ${stored} users, ${stats.rewrites} again, ${stats.duplicates} duplicate jobs`,
  );
}
const memory = process.memoryUsage();
report({
  records,
  durationMs,
  maxRssKiB: process.resourceUsage().maxRSS,
  vmHwmKiB: vmHwmKiB(),
  endRssKiB: Math.round(memory.rss / 1024),
  endHeapUsedKiB: Math.round(memory.heapUsed / 1024),
  chunks: result.chunks.sent,
  jobsForgotten: stats.forgottenJobs,
});
