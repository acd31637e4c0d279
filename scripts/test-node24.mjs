// `npm run test:node24` (CI runs it after `npm test`): runs a slice of the suite on Node 24, where the
// package's async context, JSON.parse's words, fetch's errors and the CLI's streams and signals behaved
// otherwise than on Node 20, which runs the whole suite. The pinned Node 24 binary is fetched through npm
// (`npm pack` of the `node-<platform>-<arch>` package, not a dependency of this one) into a temp dir, which
// is removed at the end; a failed fetch fails the run. Vitest runs on that binary, with its folder first on
// PATH: the test workers and every child process a test spawns (`process.execPath`, or `node` by name) run
// on it too. Files or folders given (`npm run test:node24 -- test/core/x.test.ts`) replace the slice.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

/** Fetches the binary into `temp`; returns its path, or throws saying what failed. */
function fetchNode(temp) {
  let packed;
  try {
    packed = JSON.parse(
      execFileSync(
        "npm",
        ["pack", PACKAGE, "--pack-destination", temp, "--json", "--ignore-scripts"],
        { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
      ),
    );
  } catch (error) {
    throw new Error(`npm pack ${PACKAGE} failed (${error.message.split("\n")[0]})`, {
      cause: error,
    });
  }
  const tarball = path.join(temp, packed[0].filename);
  execFileSync("tar", ["-xzf", tarball, "-C", temp, "package/bin/node"], { stdio: "inherit" });
  rmSync(tarball);
  const node = path.join(temp, "package", "bin", "node");
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  if (version !== `v${VERSION}`) throw new Error(`${PACKAGE} holds Node ${version}`);
  return node;
}

/** Runs `files` on `node`; resolves to the exit code. Ctrl-C reaches vitest, a SIGTERM is passed on. */
function runSlice(node, files) {
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` };
  const vitest = path.join(root, "node_modules", ".bin", "vitest");
  const child = spawn(node, [vitest, "run", ...files], { cwd: root, env, stdio: "inherit" });
  // The temp dir is removed once vitest has ended, however it ends.
  const relay = (signal) => child.kill(signal);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", relay);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const temp = mkdtempSync(path.join(tmpdir(), "bulk-user-import-node24-"));
try {
  const started = performance.now();
  const node = fetchNode(temp);
  console.log(`test:node24: fetched Node ${VERSION} (${PACKAGE}) in ${seconds(started)} s`);
  const ran = performance.now();
  const given = process.argv.slice(2);
  process.exitCode = await runSlice(node, given.length > 0 ? given : SLICE);
  const outcome = process.exitCode === 0 ? "passed" : `failed (exit ${process.exitCode})`;
  console.log(`test:node24: the slice ${outcome} on Node ${VERSION} in ${seconds(ran)} s`);
} catch (error) {
  console.error(`test:node24: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(temp, { recursive: true, force: true });
}
