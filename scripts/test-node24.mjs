// `npm run test:node24` (CI runs it after `npm test`): runs a slice of the suite on Node 24, where the
// package's async context, JSON.parse's words, fetch's errors and the CLI's streams and signals behaved
// otherwise than on Node 20, which runs the whole suite. The pinned Node 24 binary is fetched through npm
// (`npm pack` of the `node-<platform>-<arch>` package, not a dependency of this one) into a temp dir, which
// is removed at the end; a failed fetch fails the run. Vitest runs on that binary, with its folder first on
// PATH: the test workers and every child process a test spawns (`process.execPath`, or `node` by name) run
// on it too. Files or folders given (`npm run test:node24 -- test/core/x.test.ts`) replace the slice.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const VERSION = "24.22.3";
const PACKAGE = `node-${process.platform}-${process.arch}@${VERSION}`;

/**
 * What differed on Node 24: request waits carried in AsyncLocalStorage (test/core, test/clients' shared
 * token request), JSON syntax errors' words (test/core, the CLI's readers), fetch's errors on broken answers
 * (test/hostile, test/clients), the CLI's streams, pipes and signals, and the order of an abort and a send
 * (test/fullstory/import). About 70 s on 2 cores.
 */
const SLICE = [
  "test/core",
  "test/hostile",
  "test/clients",
  "test/cli/process-streams-and-signals.test.ts",
  "test/cli/stop-signals.test.ts",
  "test/cli/dry-run-ctrl-c.test.ts",
  "test/cli/input-files.test.ts",
  "test/cli/input-json-syntax-line.test.ts",
  "test/cli/input-errors-quote-nothing.test.ts",
  "test/fullstory/import.test.ts",
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/**
 * The child under way (npm pack, tar, the fetched node, vitest) and the signal that stopped the run, if one
 * did. Handled from the start, not only while vitest runs: the fetch ran in execFileSync, during which no
 * handler runs, so a SIGTERM (or a Ctrl-C) then killed this script at once, leaving the temp dir with the
 * tarball (51 MB) behind and `npm pack` running on into it. A SIGINT sent to this process alone (npm passes
 * one on to the script it runs) was ignored: vitest ran to its end.
 */
let current;
let stoppedBy;
const stop = (signal) => {
  stoppedBy ??= signal;
  // To the child's whole process group: vitest ends on it without waiting for its workers, which ran on
  // (with the binary's folder removed) until their test file ended. Its own group, so a terminal's Ctrl-C
  // reaches it once, from here: vitest's handler is a once-only one, and a second SIGINT would kill it.
  if (current?.pid === undefined) return;
  try {
    process.kill(-current.pid, signal);
  } catch {
    // The group ended as the signal came.
  }
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/** Runs `command`; resolves to its exit code (1 when a signal ended it) and what it wrote to stdout. */
function run(command, args, options = {}) {
  if (stoppedBy !== undefined) return Promise.reject(new Error(`stopped by ${stoppedBy}`));
  const { capture = false, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    // Its stdin ignored: in a group of its own, a read of the terminal would stop it (SIGTTIN).
    const child = spawn(command, args, {
      cwd: root,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      detached: true,
      ...spawnOptions,
    });
    current = child;
    let stdout = "";
    child.stdout?.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.on("error", reject);
    child.on("close", (code) => {
      current = undefined;
      resolve({ code: code ?? 1, stdout });
    });
  });
}

/** Runs `command` for what it prints; throws naming `what` when it fails or a signal stopped the run. */
async function output(what, command, args) {
  const { code, stdout } = await run(command, args, { capture: true });
  if (stoppedBy !== undefined) throw new Error(`stopped by ${stoppedBy}`);
  if (code !== 0) throw new Error(`${what} failed (exit ${code})`);
  return stdout;
}

/** Fetches the binary into `temp`; returns its path, or throws saying what failed. */
async function fetchNode(temp) {
  const args = ["pack", PACKAGE, "--pack-destination", temp, "--json", "--ignore-scripts"];
  const packed = JSON.parse(await output(`npm pack ${PACKAGE}`, "npm", args));
  const tarball = path.join(temp, packed[0].filename);
  await output(`unpacking ${packed[0].filename}`, "tar", [
    "-xzf",
    tarball,
    "-C",
    temp,
    "package/bin/node",
  ]);
  rmSync(tarball);
  const node = path.join(temp, "package", "bin", "node");
  const version = (await output(`${node} --version`, node, ["--version"])).trim();
  if (version !== `v${VERSION}`) throw new Error(`${PACKAGE} holds Node ${version}`);
  return node;
}

/** Runs `files` on `node`; resolves to vitest's exit code. A SIGINT or SIGTERM is passed on to vitest. */
async function runSlice(node, files) {
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` };
  const vitest = path.join(root, "node_modules", ".bin", "vitest");
  const { code } = await run(node, [vitest, "run", ...files], { env });
  return code;
}

const temp = mkdtempSync(path.join(tmpdir(), "bulk-user-import-node24-"));
try {
  const started = performance.now();
  const node = await fetchNode(temp);
  console.log(`test:node24: fetched Node ${VERSION} (${PACKAGE}) in ${seconds(started)} s`);
  const ran = performance.now();
  const given = process.argv.slice(2);
  const code = await runSlice(node, given.length > 0 ? given : SLICE);
  // Stopped, the run failed whatever vitest said as it ended.
  process.exitCode = stoppedBy === undefined ? code : 128 + constants.signals[stoppedBy];
  const outcome = process.exitCode === 0 ? "passed" : `failed (exit ${process.exitCode})`;
  console.log(`test:node24: the slice ${outcome} on Node ${VERSION} in ${seconds(ran)} s`);
} catch (error) {
  console.error(`test:node24: ${error.message}`);
  process.exitCode = stoppedBy === undefined ? 1 : 128 + constants.signals[stoppedBy];
} finally {
  rmSync(temp, { recursive: true, force: true });
}
