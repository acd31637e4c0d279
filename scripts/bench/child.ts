// Benchmarks run in child processes (a fresh heap each, and a separate process for the simulator server);
// these are the helpers on both sides of that.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";

/** Whether `taskset` can pin a child to one CPU here (Linux with util-linux, and more than one CPU). */
export const CAN_PIN = spawnSync("taskset", ["-c", "0", "true"]).status === 0 && cpus().length > 1;

/**
 * `node [flags] script args` as a command, pinned to `cpu` with taskset when it is given and pinning works.
 * Pinning a client and the server it talks to to different CPUs keeps them (and their garbage collectors'
 * helper threads) from taking each other's time, which otherwise made the same run vary by half.
 */
function nodeCommand(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[],
  cpu: number | undefined,
): [string, string[]] {
  const node = [...nodeFlags, script, ...args];
  return cpu === undefined || !CAN_PIN
    ? [process.execPath, node]
    : ["taskset", ["-c", String(cpu), process.execPath, ...node]];
}

/** Runs `node [flags] script args --out <file>` and returns what the child wrote to that file as JSON. */
export async function runChild<T>(
  script: string,
  args: readonly string[],
  options: { nodeFlags?: readonly string[]; env?: NodeJS.ProcessEnv; cpu?: number } = {},
): Promise<T> {
  const out = join(tmpdir(), `bench-${randomUUID()}.json`);
  const [command, commandArgs] = nodeCommand(
    script,
    [...args, "--out", out],
    options.nodeFlags ?? [],
    options.cpu,
  );
  const child = spawn(command, commandArgs, {
    stdio: ["ignore", "inherit", "inherit"],
    env: options.env ?? process.env,
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(" ")} exited with ${String(code)}`);
  const text = await readFile(out, "utf8");
  await rm(out, { force: true });
  return JSON.parse(text) as T;
}

/** In a child: the value of `--name <value>` in argv. */
export function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

export function requiredArg(name: string): string {
  const value = arg(name);
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

/** In a child: hands the result to the parent. */
export function report(result: unknown): void {
  writeFileSync(requiredArg("out"), JSON.stringify(result));
}

/** A server child that prints one JSON line `{ "url": … }` once it listens. */
export interface ServerChild {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
  cpu?: number,
): Promise<ServerChild> {
  const [command, commandArgs] = nodeCommand(script, args, nodeFlags, cpu);
  const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${String(code)}`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Collects garbage when the process was started with --expose-gc, so each timed run starts alike. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}
