// A FullStory simulator served on 127.0.0.1 in a process of its own (for the end-to-end benchmarks). Prints
// `{"url": …}` once it listens; `GET /__bench/stats` answers the simulator's stats; SIGTERM stops it.
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { serveSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { arg } from "./child.js";

const processingMs = arg("processing-ms");
const simulator = createFullStorySimulator({
  apiKey: "sim-key",
  ...(processingMs === undefined ? {} : { processingMs: Number(processingMs) }),
});
const withStats: VendorSimulator = {
  vendor: simulator.vendor,
  stats: () => simulator.stats(),
  handle: (request) =>
    new URL(request.url).pathname === "/__bench/stats"
      ? Promise.resolve(
          Response.json({
            ...simulator.stats(),
            serverCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
            serverMaxRssKiB: process.resourceUsage().maxRSS,
          }),
        )
      : simulator.handle(request),
};
const running = await serveSimulator(withStats);
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once("SIGTERM", () => {
  void running.close().then(() => process.exit(0));
});
