// The crash test, for one vendor: the CLI imports into a simulator served by this process (so its state
// outlives the CLI), is killed with SIGKILL mid-import twice, and is run again with the same journal until it
// ends. The simulator's final users (and jobs, where the vendor has jobs) and every record's outcome must
// equal those of an uninterrupted run into a fresh simulator.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseReport } from "../../src/cli/report-file.js";
import type { ImportReport } from "../../src/core/engine/report.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { observeSimulatorAnswers } from "../../src/testing/kit/simulator-kit.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { writeNdjson } from "../bench/data.js";
import { canonical } from "./canonical.js";
import { SOAK_PROFILES, type KillVendor } from "./profiles.js";
import { soakRecords } from "./records.js";
import { moduleOf, type SoakTarget } from "./vendors.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

/** When to kill the CLI: after the simulator answered a call of an operation (its spec's id) this picks. */
type Trigger = (operation: string, response: Response) => boolean;

interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

/** What the summary shows of a simulator at the end. */
export interface KillSide {
  readonly users: number;
  /** Jobs created, for a vendor that has jobs. */
  readonly jobs?: number;
  readonly duplicates: number;
  readonly rewrites: number;
}

export interface KillResult {
  readonly label: string;
  readonly records: number;
  readonly runs: readonly { code: number | null; signal: string | null; killedAfter?: string }[];
  readonly interrupted: KillSide;
  readonly uninterrupted: KillSide;
  readonly resumedChunks: number;
  readonly report: Pick<ImportReport, "total" | "imported" | "failed" | "rejected">;
  readonly checks: Readonly<Record<string, boolean>>;
  readonly problems: readonly string[];
}

const ok = (response: Response) => response.status >= 200 && response.status < 300;

/** The CLI's flags for the vendor's settings: each secret one random value, the rest the simulator's. */
function credentialsFor(target: SoakTarget): { secret: string; flags: string[] } {
  const module = moduleOf(target);
  const secret = `soak-cli-secret-${Math.random().toString(36).slice(2, 14)}`;
  const flags = module.settings.flatMap((setting) => {
    const value = setting.secret === true ? secret : setting.simulator;
    return value === undefined ? [] : [`--${setting.flag}`, value];
  });
  return { secret, flags };
}

/** A simulator served here, which can kill the CLI once a request it answered matches the trigger. */
async function served(vendor: KillVendor) {
  const running = await serveSimulator(vendor.simulator);
  return {
    vendor,
    url: running.url,
    close: () => running.close(),
    // One simulator is served at a time: the answers observed are this one's.
    arm: (test: Trigger, fire: () => void) =>
      observeSimulatorAnswers(({ route, response }) => {
        if (!test(route.operationId, response)) return;
        observeSimulatorAnswers(undefined);
        fire();
      }),
    disarm: () => observeSimulatorAnswers(undefined),
  };
}

type Served = Awaited<ReturnType<typeof served>>;

async function cli(args: readonly string[], server: Served, killAt?: Trigger): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let killed = false;
  if (killAt !== undefined) {
    server.arm(killAt, () => {
      killed = child.kill("SIGKILL");
    });
  }
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("close", (c, s) => resolve([c, s])),
  );
  server.disarm();
  return { code, signal, stdout, stderr, killed };
}

function outcomesOf(report: ImportReport): string[] {
  return report.outcomes.map((o) =>
    o.outcome === "imported"
      ? "imported"
      : o.outcome === "failed"
        ? `failed ${o.code}`
        : `rejected ${o.rule}`,
  );
}

function sideOf(vendor: KillVendor): KillSide {
  const stats = vendor.simulator.stats();
  const jobs = vendor.jobs();
  return {
    users: stats.users,
    ...(jobs === undefined ? {} : { jobs }),
    duplicates: stats.duplicates,
    rewrites: stats.rewrites,
  };
}

export async function killTest(options: {
  target: SoakTarget;
  records: number;
  dir: string;
  seed: number;
  faults: FaultOptions;
  output: string[];
}): Promise<KillResult> {
  const { target, records, dir, seed, faults, output } = options;
  const name = target.label.replace(/\W+/g, "-");
  const input = join(dir, `kill-${name}-input.ndjson`);
  const samples = await moduleOf(target).samples(seed);
  await writeNdjson(input, soakRecords(samples, records));
  const credentials = credentialsFor(target);
  const args = (server: Served, journal: string, report: string) => [
    "import",
    target.vendor,
    input,
    "--base-url",
    server.url,
    ...credentials.flags,
    "--journal",
    journal,
    "--report",
    report,
    "--chunk-size",
    String(Math.max(1, Math.floor(records / 20))),
  ];

  // Interrupted: killed twice, then run to its end, always with the same journal.
  const a = await served(
    SOAK_PROFILES[target.vendor].kill(credentials.secret, { ...faults, seed }, target),
  );
  const journal = join(dir, `kill-${name}.journal`);
  const runs: { code: number | null; signal: string | null; killedAfter?: string }[] = [];
  const runReports: string[] = [];
  const { writes: writeOperations } = moduleOf(target);
  let writes = 0;
  let seconds = 0;
  const plan: [string, Trigger | undefined][] = [
    [
      "the 8th write the simulator carried out (its answer lost)",
      (operation, response) =>
        writeOperations.includes(operation) && ok(response) && ++writes === 8,
    ],
    [
      a.vendor.secondKill.what,
      (operation, response) =>
        operation === a.vendor.secondKill.operation && ok(response) && ++seconds === 5,
    ],
    ["(not killed: runs to its end)", undefined],
  ];
  const outputs: CliRun[] = [];
  try {
    for (const [n, [what, trigger]] of plan.entries()) {
      const report = join(dir, `kill-${name}-report-${n + 1}.json`);
      const run = await cli(args(a, journal, report), a, trigger);
      outputs.push(run);
      runReports.push(report);
      runs.push({
        code: run.code,
        signal: run.signal,
        ...(trigger === undefined
          ? {}
          : { killedAfter: run.killed ? what : `${what}: never reached` }),
      });
    }
  } finally {
    await a.close();
  }

  // Uninterrupted, into a fresh simulator with the same faults.
  const b = await served(
    SOAK_PROFILES[target.vendor].kill(credentials.secret, { ...faults, seed }, target),
  );
  const freshJournal = join(dir, `kill-${name}-uninterrupted.journal`);
  const fresh = join(dir, `kill-${name}-uninterrupted-report.json`);
  try {
    outputs.push(await cli(args(b, freshJournal, fresh), b));
  } finally {
    await b.close();
  }

  // A run that wrote no report failed before its end: say why, in the CLI's own words.
  const reportOf = (file: string, run: CliRun | undefined): ImportReport => {
    if (existsSync(file)) return parseReport(readFileSync(file, "utf8"), file);
    throw new Error(
      `${name}: the CLI wrote no report ${file} (exit ${String(run?.code)}): ${run?.stderr ?? ""}`,
    );
  };
  const last = reportOf(runReports[2]!, outputs[2]);
  const whole = reportOf(fresh, outputs[3]);
  for (const run of outputs) output.push(run.stdout, run.stderr);
  for (const file of [...runReports.slice(2), fresh, journal, freshJournal]) {
    output.push(readFileSync(file, "utf8"));
  }

  const usersA = a.vendor.users();
  const usersB = b.vendor.users();
  const sameUsers =
    usersA.size === usersB.size && [...usersA].every(([key, data]) => usersB.get(key) === data);
  const sideA = sideOf(a.vendor);
  const sideB = sideOf(b.vendor);
  const text = output.join("\n");
  const checks: Record<string, boolean> = {
    "killed twice with SIGKILL": runs.slice(0, 2).every((r) => r.signal === "SIGKILL"),
    "the last run ended on its own (exit 0, or 1 for records rejected)":
      runs[2]?.code === 0 || runs[2]?.code === 1,
    "the last run resumed chunks from the journal": last.chunks.resumed > 0,
    "same users as an uninterrupted run (every stored field)": sameUsers,
    "same number of users": sideA.users === sideB.users,
    "no duplicate at the vendor in either run": sideA.duplicates === 0 && sideB.duplicates === 0,
    "same outcome for every record as the uninterrupted run":
      canonical(outcomesOf(last)) === canonical(outcomesOf(whole)),
    "report invariant holds":
      last.total === records && last.total === last.imported + last.failed + last.rejected,
    "no secret in any output (stdout, stderr, reports, journals)":
      !text.includes(credentials.secret) && !text.includes("sim-token-"),
  };
  if (sideA.jobs !== undefined) {
    checks["no job created twice (same job count as the uninterrupted run)"] =
      sideA.jobs === sideB.jobs;
  }
  return {
    label: target.label,
    records,
    runs,
    interrupted: sideA,
    uninterrupted: sideB,
    resumedChunks: last.chunks.resumed,
    report: {
      total: last.total,
      imported: last.imported,
      failed: last.failed,
      rejected: last.rejected,
    },
    checks,
    problems: Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([check]) => check),
  };
}
