// A vendor simulator served on 127.0.0.1 in a process of its own (for the end-to-end and vendor-bound
// benchmarks). Prints `{"url": …}` once it listens; `GET /__bench/stats` answers the simulator's stats and
// `GET /__bench/jobs` each job's start and end (ms, the simulator's clock); SIGTERM stops it.
//   --vendor fullstory|userpilot (default fullstory)  --processing-ms N  --rows-per-minute N
//   --retention all|recent (FullStory; default all: "recent" forgets read jobs, for runs longer than memory)
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { serveSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { arg } from "./child.js";

const processingMs = arg("processing-ms");
const rowsPerMinute = arg("rows-per-minute");
const rate = rowsPerMinute === undefined ? {} : { rowsPerMinute: Number(rowsPerMinute) };
const retention = arg("retention");
if (retention !== undefined && retention !== "all" && retention !== "recent")
  throw new Error(`--retention must be all or recent, not ${retention}`);

/** A job's span on the simulator's clock. */
interface Span {
  readonly rows: number;
  readonly start: number;
  readonly end: number | null;
}

let simulator: VendorSimulator;
let spans: () => Promise<Span[]>;
if (arg("vendor") === "userpilot") {
  const userpilot = createUserpilotSimulator({ apiKey: "sim-key", ...rate });
  simulator = userpilot;
  spans = async () => {
    const list = await userpilot.handle(
      new Request("http://127.0.0.1/v1/background_jobs", {
        headers: { authorization: "Token sim-key" },
      }),
    );
    const jobs = (await list.json()) as {
      total_rows: number;
      start_time: string;
      end_time: string | null;
    }[];
    return jobs.map((job) => ({
      rows: job.total_rows,
      start: Date.parse(job.start_time),
      end: job.end_time === null ? null : Date.parse(job.end_time),
    }));
  };
} else {
  const fullstory = createFullStorySimulator({
    apiKey: "sim-key",
    ...(processingMs === undefined ? {} : { processingMs: Number(processingMs) }),
    ...(retention === undefined ? {} : { retention }),
    ...rate,
  });
  simulator = fullstory;
  spans = () =>
    Promise.resolve(
      fullstory.jobs().map((job) => ({
        rows: job.records,
        start: Date.parse(job.created),
        end: job.finished === undefined ? null : Date.parse(job.finished),
      })),
    );
}

const withStats: VendorSimulator = {
  vendor: simulator.vendor,
  stats: () => simulator.stats(),
  setFaults: (faults) => simulator.setFaults(faults),
  handle: async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/__bench/stats") {
      return Response.json({
        ...simulator.stats(),
        serverCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
        serverMaxRssKiB: process.resourceUsage().maxRSS,
      });
    }
    if (path === "/__bench/jobs") return Response.json(await spans());
    return simulator.handle(request);
  },
};
const running = await serveSimulator(withStats);
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once("SIGTERM", () => {
  void running.close().then(() => process.exit(0));
});
