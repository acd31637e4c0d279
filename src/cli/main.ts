#!/usr/bin/env node
import { run } from "./run.js";
import { relayStopSignals, whatStoppingDoes } from "./stop-signals.js";

const argv = process.argv.slice(2);
const controller = new AbortController();
// The first Ctrl-C (or SIGTERM) stops the run cleanly, and says so; the next one of either ends the process
// at once.
relayStopSignals(controller, process, {
  stderr: process.stderr,
  doing: whatStoppingDoes(argv),
});

process.exitCode = await run(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
