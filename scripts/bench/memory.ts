// Memory benchmark (child process, one per input size): a FullStory import streamed from an NDJSON file into
// an in-process simulator, reporting the process's peak resident set size at its end.
import { readFileSync } from "node:fs";
import { readRecords } from "../../src/cli/read-records.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { report, requiredArg } from "./child.js";
import { jobSimulators } from "./job-simulators.js";

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

const simulators = jobSimulators({ apiKey: "sim-key" });
const client = createFullStoryClient({
  apiKey: "sim-key",
  baseUrl: "http://fullstory.simulator",
  fetch: (request) => simulators.fetch(request),
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
if (simulators.users !== records || simulators.duplicateWrites !== 0) {
  throw new Error(
    `the simulators stored ${simulators.users} users, ${simulators.duplicateWrites} twice`,
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
  peakLiveJobs: simulators.peakLive,
});
