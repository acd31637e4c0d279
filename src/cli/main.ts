#!/usr/bin/env node
import { run } from "./run.js";

const controller = new AbortController();
// The first Ctrl-C (or SIGTERM) stops the import cleanly (records end as failed, the journal keeps the rest);
// a second one ends the process at once. Once the listener is gone the signal's default action is back, which
// the kernel carries out: process.exit() would first wait for reads still pending in the thread pool, forever
// on an input (a FIFO) whose writer stalls.
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
