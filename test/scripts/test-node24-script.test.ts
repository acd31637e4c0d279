// scripts/test-node24.mjs fetches Node 24 into a temp dir and runs vitest on it. What CI and a developer rely
// on: a failing slice fails the step, and however the run ends (a failure, a SIGTERM from a runner's timeout,
// a SIGINT sent to it), the temp dir (a tarball of 51 MB, a binary of 120 MB) is removed and no child it
// started runs on. Run here with `npm` and the fetched `node` replaced by shell scripts on PATH: no network.
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-dir.js";

const SCRIPT = path.resolve("scripts/test-node24.mjs");
const VERSION = /const VERSION = "([^"]+)"/.exec(readFileSync(SCRIPT, "utf8"))?.[1] ?? "";

/** What the fake `npm pack` does: hand over the tarball, or hang (a download that takes its time). */
type Npm = "pack" | "hang";
/**
 * What the fetched `node` does when vitest is run on it: pass, fail, or hang (tests under way), alone or with
 * a worker process of its own.
 */
type Node = "pass" | "fail" | "hang" | "workers";

/** Pids the fakes wrote, ended after each test whatever happened. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

/** Whether `pid` runs: a zombie (ended, not yet reaped by whoever inherited it) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync("/proc/self/stat")) return true;
  try {
    // The state follows the command's name in parentheses, which may hold blanks.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    // Reaped since.
    return false;
  }
}

/** A bin folder with a fake `npm`, the tarball it hands over, and the folder the script's temp dir goes in. */
function fakes() {
  const dir = tempDir("test-node24-script-");
  const bin = path.join(dir, "bin");
  const tmp = path.join(dir, "tmp");
  const packageBin = path.join(dir, "tarball", "package", "bin");
  for (const folder of [bin, tmp, packageBin]) mkdirSync(folder, { recursive: true });
  const node = path.join(packageBin, "node");
  writeFileSync(
    node,
    [
      "#!/bin/sh",
      `if [ "$1" = "--version" ]; then echo v${VERSION}; exit 0; fi`,
      // With workers, as vitest runs its test files: node.pid is written once worker.pid is.
      'if [ "$FAKE_NODE" = workers ]; then sleep 300 & echo $! > "$FAKE_DIR/worker.pid"; fi',
      'echo $$ > "$FAKE_DIR/node.pid"',
      'case "$FAKE_NODE" in hang) exec sleep 300 ;; workers) wait ;; fail) exit 1 ;; *) exit 0 ;; esac',
      "",
    ].join("\n"),
  );
  chmodSync(node, 0o755);
  const npm = path.join(bin, "npm");
  // Called as `npm pack <package> --pack-destination <dir> --json --ignore-scripts`.
  writeFileSync(
    npm,
    [
      "#!/bin/sh",
      'echo $$ > "$FAKE_DIR/npm.pid"',
      'if [ "$FAKE_NPM" = hang ]; then exec sleep 300; fi',
      'tar -czf "$4/node-fake.tgz" -C "$FAKE_DIR/tarball" package',
      `echo '[{"filename":"node-fake.tgz"}]'`,
      "",
    ].join("\n"),
  );
  chmodSync(npm, 0o755);
  return { dir, bin, tmp };
}

/** Starts the script with the fakes; `pidOf` waits for a fake to have started and gives its pid. */
function startScript(npm: Npm, node: Node) {
  const { dir, bin, tmp } = fakes();
  const env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`,
    TMPDIR: tmp,
    FAKE_DIR: dir,
    FAKE_NPM: npm,
    FAKE_NODE: node,
  };
  const child = spawn(process.execPath, [SCRIPT, "test/some.test.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // On its exit, not its streams' close: a child it left running may hold them open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const closed = new Promise((resolve) => child.on("close", resolve));
  const pidOf = async (fake: "npm" | "node" | "worker") => {
    const file = path.join(dir, `${fake}.pid`);
    for (let i = 0; i < 1000 && !existsSync(file); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const pid = Number(readFileSync(file, "utf8"));
    started.push(pid);
    return pid;
  };
  const said = async () => {
    await closed;
    return output;
  };
  return { child, exited, pidOf, leftInTmp: () => readdirSync(tmp), said };
}

describe("scripts/test-node24.mjs", () => {
  it("a slice that passes exits 0, and the temp dir is removed", async () => {
    const run = startScript("pack", "pass");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.leftInTmp()).toEqual([]);
  });

  it("a slice that fails fails the run, and the temp dir is removed", async () => {
    const run = startScript("pack", "fail");
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(await run.said()).toMatch(/the slice failed \(exit 1\)/);
    expect(run.leftInTmp()).toEqual([]);
  });

  it("a SIGTERM during the fetch ends npm pack, removes the temp dir and fails the run", async () => {
    const run = startScript("hang", "pass");
    const npm = await run.pidOf("npm");
    run.child.kill("SIGTERM");
    expect(await run.exited).toEqual({ code: 143, signal: null });
    expect(alive(npm)).toBe(false);
    expect(run.leftInTmp()).toEqual([]);
  });

  // It was ignored (only a terminal's Ctrl-C, sent to the whole process group, reached vitest): the run went
  // on to vitest's end, here the fake's, which never comes (the test's timeout ends it).
  it("a SIGINT sent to the script alone while vitest runs ends it, and the temp dir is removed", async () => {
    const run = startScript("pack", "hang");
    const vitest = await run.pidOf("node");
    run.child.kill("SIGINT");
    expect(await run.exited).toEqual({ code: 130, signal: null });
    expect(alive(vitest)).toBe(false);
    expect(run.leftInTmp()).toEqual([]);
  }, 20_000);

  it("a SIGTERM while vitest runs ends it and its workers, and the temp dir is removed", async () => {
    const run = startScript("pack", "workers");
    const vitest = await run.pidOf("node");
    const worker = await run.pidOf("worker");
    run.child.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.signal).toBeNull();
    expect(exit.code).toBeGreaterThan(0);
    expect(alive(vitest)).toBe(false);
    expect(alive(worker)).toBe(false);
    expect(run.leftInTmp()).toEqual([]);
  });
});
