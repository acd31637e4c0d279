#!/usr/bin/env node
import { run } from "./run.js";
import { relayStopSignals } from "./stop-signals.js";

const controller = new AbortController();
// The first Ctrl-C (or SIGTERM) stops the run cleanly; the next one of either ends the process at once.
relayStopSignals(controller);

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
