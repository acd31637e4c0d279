#!/usr/bin/env node
import { run } from "./run.js";

const controller = new AbortController();
// The first Ctrl-C stops the import cleanly (records end as failed, the journal keeps the rest); a second
// one exits at once.
process.once("SIGINT", () => {
  controller.abort();
  process.once("SIGINT", () => process.exit(130));
});
process.once("SIGTERM", () => controller.abort());

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
