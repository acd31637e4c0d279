// The crash test: the CLI imports into a FullStory simulator served by this process (so its state outlives
// the CLI), is killed with SIGKILL mid-import twice, and is run again with the same journal until it ends.
// The simulator's final users must equal those of an uninterrupted run into a fresh simulator.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ImportReport } from "../../src/core/engine/report.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { createFullStorySimulator, type FullStorySimulator } from "../../src/testing/fullstory.js";
import { serveSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { writeNdjson } from "../bench/data.js";
import { soakRecords } from "./records.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

/** When to kill the CLI: after the simulator answered a request this predicate picks. */
type Trigger = (request: Request, response: Response) => boolean;

interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

export interface KillResult {
  readonly records: number;
  readonly runs: readonly { code: number | null; signal: string | null; killedAfter?: string }[];
  readonly interrupted: ReturnType<FullStorySimulator["stats"]>;
  readonly uninterrupted: ReturnType<FullStorySimulator["stats"]>;
  readonly resumedChunks: number;
  readonly report: Pick<ImportReport, "total" | "imported" | "failed" | "rejected">;
  readonly checks: Readonly<Record<string, boolean>>;
  readonly problems: readonly string[];
}

/** A simulator served here, which can kill the CLI once a request it answered matches the trigger. */
async function served(apiKey: string, faults: FaultOptions) {
  // Jobs end at their first status poll, so the CLI's default poll interval (2 s) is never waited.
  const simulator = createFullStorySimulator({ apiKey, processingMs: 0, faults });
  let trigger: { test: Trigger; fire: () => void } | undefined;
  const killing: VendorSimulator = {
    vendor: simulator.vendor,
    stats: () => simulator.stats(),
    handle: async (request) => {
      const response = await simulator.handle(request);
      if (trigger?.test(request, response) === true) {
        const { fire } = trigger;
        trigger = undefined;
        fire();
      }
      return response;
    },
  };
  const running = await serveSimulator(killing);
  return {
    simulator,
    url: running.url,
    close: () => running.close(),
    arm: (test: Trigger, fire: () => void) => {
      trigger = { test, fire };
    },
    disarm: () => {
      trigger = undefined;
    },
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

/** JSON with object keys sorted, so equal users compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** The users as the vendor holds them, minus what differs between any two runs (its ids, its job ids). */
function usersOf(simulator: FullStorySimulator): Map<string, string> {
  return new Map(
    simulator.users().map((u) => {
      const { id: _id, writers: _writers, ...data } = u;
      return [u.uid ?? `(no uid) ${u.id}`, canonical(data)];
    }),
  );
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

export async function killTest(options: {
  records: number;
  dir: string;
  seed: number;
  faults: FaultOptions;
  output: string[];
}): Promise<KillResult> {
  const { records, dir, seed, faults, output } = options;
  const input = join(dir, "kill-input.ndjson");
  await writeNdjson(input, soakRecords("fullstory", records, seed));
  const apiKey = `soak-cli-secret-${Math.random().toString(36).slice(2, 14)}`;
  const args = (server: Served, journal: string, report: string) => [
    "import",
    "fullstory",
    input,
    "--base-url",
    server.url,
    "--api-key",
    apiKey,
    "--journal",
    journal,
    "--report",
    report,
    "--chunk-size",
    "1000",
  ];

  // Interrupted: killed twice, then run to its end, always with the same journal.
  const a = await served(apiKey, { ...faults, seed });
  const journal = join(dir, "kill.journal");
  const runs: { code: number | null; signal: string | null; killedAfter?: string }[] = [];
  const runReports: string[] = [];
  let creates = 0;
  let pages = 0;
  const plan: [string, Trigger | undefined][] = [
    [
      "the 8th batch the simulator created (its answer lost)",
      (request, response) =>
        request.method === "POST" &&
        new URL(request.url).pathname === "/v2/users/batch" &&
        response.status === 200 &&
        ++creates === 8,
    ],
    [
      "the 5th page of imports the simulator answered in this run (a job half read)",
      (request, response) =>
        new URL(request.url).pathname.endsWith("/imports") &&
        response.status === 200 &&
        ++pages === 5,
    ],
    ["(not killed: runs to its end)", undefined],
  ];
  const outputs: CliRun[] = [];
  try {
    for (const [n, [what, trigger]] of plan.entries()) {
      const report = join(dir, `kill-report-${n + 1}.json`);
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
  const b = await served(apiKey, { ...faults, seed });
  const fresh = join(dir, "kill-uninterrupted-report.json");
  try {
    outputs.push(await cli(args(b, join(dir, "kill-uninterrupted.journal"), fresh), b));
  } finally {
    await b.close();
  }

  const last = JSON.parse(readFileSync(runReports[2]!, "utf8")) as ImportReport;
  const whole = JSON.parse(readFileSync(fresh, "utf8")) as ImportReport;
  for (const run of outputs) output.push(run.stdout, run.stderr);
  for (const file of [
    ...runReports.slice(2),
    fresh,
    journal,
    join(dir, "kill-uninterrupted.journal"),
  ]) {
    output.push(readFileSync(file, "utf8"));
  }

  const usersA = usersOf(a.simulator);
  const usersB = usersOf(b.simulator);
  const sameUsers =
    usersA.size === usersB.size && [...usersA].every(([uid, data]) => usersB.get(uid) === data);
  const statsA = a.simulator.stats();
  const statsB = b.simulator.stats();
  const checks = {
    "killed twice with SIGKILL": runs.slice(0, 2).every((r) => r.signal === "SIGKILL"),
    "the last run ended on its own (exit 0, or 1 for records rejected)":
      runs[2]?.code === 0 || runs[2]?.code === 1,
    "the last run resumed chunks from the journal": last.chunks.resumed > 0,
    "same users as an uninterrupted run (uid, name, email, properties, types)": sameUsers,
    "same number of users": statsA.users === statsB.users,
    "none imported twice (duplicateWrites 0 in both)":
      statsA.duplicateWrites === 0 && statsB.duplicateWrites === 0,
    "no batch job created twice (same job count)": statsA.jobs === statsB.jobs,
    "same outcome for every record as the uninterrupted run":
      canonical(outcomesOf(last)) === canonical(outcomesOf(whole)),
    "report invariant holds": last.total === last.imported + last.failed + last.rejected,
    "no secret in any output (stdout, stderr, reports, journals)": !output
      .join("\n")
      .includes(apiKey),
  };
  return {
    records,
    runs,
    interrupted: statsA,
    uninterrupted: statsB,
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
