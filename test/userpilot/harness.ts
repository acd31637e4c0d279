// What Userpilot import tests share: faker users with known ids, the Userpilot simulator mounted in msw with
// a log of what went over the wire, scripts by operation and attempt, a client and an import run in which
// nothing waits for real, and the check of a report against what Userpilot holds.
import type { SetupServer } from "msw/node";
import { expect } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { json, type FaultOptions, type ScriptAction } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { DropConnection, type VendorSimulator } from "../../src/testing/simulator.js";
import {
  createUserpilotSimulator,
  type UserpilotSimulator,
  type UserpilotSimulatorOptions,
} from "../../src/testing/userpilot.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers, type UserpilotImportOptions } from "../../src/userpilot/import.js";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { HOSTS, useMswServer } from "../support/msw.js";

export const API_KEY = "up-test-key";

/** `n` valid users with unique ids `u-0`…, faker metadata from a fixed seed. */
export function users(n: number, seed = "userpilot import"): UserpilotUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => ({ ...userpilotUser(f), user_id: `u-${i}` }));
}

/** The ids `u-<from>` … `u-<to - 1>`. */
export const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `u-${from + i}`);

/** The bytes of a bulk identify body carrying `records`. */
export const bodyBytes = (records: readonly UserpilotUser[]) =>
  Buffer.byteLength(JSON.stringify({ users: records }));

/** One request of the importer and its answer, as they went over the wire. */
export interface Exchange {
  readonly op: "POST" | "LIST" | "POLL";
  readonly path: string;
  /** The HTTP status answered; 0 for a dropped connection. */
  readonly status: number;
  /** The job status a 202 or a status poll reported. */
  readonly jobStatus?: string;
  /** The user ids a POST carried. */
  readonly userIds: readonly string[];
  readonly bytes: number;
}

export interface Userpilot {
  readonly sim: UserpilotSimulator;
  readonly log: Exchange[];
  /** Every request in order, as `POST 202`, `LIST 500`, `POLL 200`… (0: dropped). */
  requests(): string[];
  /** The requests that were not status polls, as `requests()` gives them. */
  writesAndLists(): string[];
  ofKind(op: Exchange["op"]): Exchange[];
  /** The ids of the users of each of the importer's jobs, in order. */
  jobIds(): string[][];
  /** The id of the job carrying user `userId`. */
  jobWith(userId: string): string | undefined;
  /** Replaces the simulator's script from now on (none: the vendor answers every call). */
  script(plan?: ScriptPlan): void;
  /** Scripts the status polls of the job carrying user `userId` (and nothing else; undefined: answered). */
  scriptPollsOf(userId: string, action: (jobId: string) => ScriptAction | undefined): void;
}

/**
 * What a script does per operation and attempt (1-based, counted since the simulator was created): an
 * action, or a function that decides it when the call comes (and may act on the simulator first).
 */
export type ScriptPlan = Readonly<
  Record<string, Readonly<Record<number, ScriptAction | (() => ScriptAction)>>>
>;

const scriptOf = (plan: ScriptPlan): NonNullable<FaultOptions["script"]> => {
  return ({ operation, attempt }) => {
    const action = plan[operation]?.[attempt];
    return typeof action === "function" ? action() : action;
  };
};

/** The vendor processes the call, `effect` runs, and its answer goes out unchanged. */
export const afterwards = (effect: () => void): ScriptAction => ({
  after: (answer) => {
    effect();
    return answer;
  },
});

/**
 * In the vendor's place, a 202 in the documented `{ job_id, status, submitted_at }` shape that names `jobId`
 * (another process's job, as an API that answers with the running job might).
 */
export const acceptedAs = (jobId: string): ScriptAction => ({
  answer: () =>
    json({ job_id: jobId, status: "queued", submitted_at: new Date().toISOString() }, 202),
});

/** The vendor processes the call and the connection drops before its answer goes out. */
export const dropAfter: ScriptAction = {
  after: () => {
    throw new DropConnection();
  },
};

/**
 * The Userpilot simulator (key {@link API_KEY}) mounted in `server` at Userpilot's host, every exchange
 * logged. `faults` may carry the script (or `script()` sets it later).
 */
export function userpilot(
  server: SetupServer,
  options: UserpilotSimulatorOptions = {},
  plan?: ScriptPlan,
): Userpilot {
  const faultsWith = (next: ScriptPlan | undefined): FaultOptions =>
    next === undefined ? { ...options.faults } : { ...options.faults, script: scriptOf(next) };
  const sim = createUserpilotSimulator({
    apiKey: API_KEY,
    ...options,
    faults: faultsWith(plan),
  });
  const log: Exchange[] = [];
  const wire: VendorSimulator = {
    vendor: sim.vendor,
    basePath: sim.basePath ?? "",
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    async handle(request) {
      const { pathname } = new URL(request.url);
      const op =
        request.method === "POST"
          ? "POST"
          : /\/background_jobs\/./.test(pathname)
            ? "POLL"
            : "LIST";
      const text = op === "POST" ? await request.clone().text() : "";
      const userIds = op === "POST" ? usersIn(text) : [];
      const entry = { op, path: pathname, userIds, bytes: Buffer.byteLength(text) } as const;
      try {
        const response = await sim.handle(request);
        log.push({ ...entry, status: response.status, ...(await jobStatusOf(response)) });
        return response;
      } catch (error) {
        if (error instanceof DropConnection) log.push({ ...entry, status: 0 });
        throw error;
      }
    },
  };
  server.use(...simulatorHandlers(wire, HOSTS.userpilot));
  const requests = () => log.map((e) => `${e.op} ${e.status}`);
  return {
    sim,
    log,
    requests,
    writesAndLists: () => requests().filter((r) => !r.startsWith("POLL")),
    ofKind: (op) => log.filter((e) => e.op === op),
    jobIds: () =>
      sim
        .jobs()
        .filter((job) => !job.foreign)
        .map((job) => [...job.ids]),
    jobWith: (userId) => sim.jobs().find((job) => job.ids.includes(userId))?.job_id,
    script: (next) => sim.setFaults(faultsWith(next)),
    scriptPollsOf(userId, action) {
      sim.setFaults({
        ...options.faults,
        script: ({ operation, params: { job_id: id } }) =>
          operation === "getBackgroundJob" && id !== undefined && id === this.jobWith(userId)
            ? action(id)
            : undefined,
      });
    },
  };
}

/**
 * For a test file: its msw server (with the response check on), and a factory of Userpilot simulators
 * mounted in it, the latest taking the requests.
 */
export function useUserpilot() {
  const server = useMswServer();
  return (options?: UserpilotSimulatorOptions, plan?: ScriptPlan) =>
    userpilot(server, options, plan);
}

function usersIn(text: string): string[] {
  try {
    const body = JSON.parse(text) as { users?: { user_id?: string }[] };
    return (body.users ?? []).map((user) => String(user.user_id));
  } catch {
    return [];
  }
}

async function jobStatusOf(response: Response): Promise<{ jobStatus?: string }> {
  if (response.status !== 200 && response.status !== 202) return {};
  // A test's hostile answer may be any JSON (`null`, a bare string).
  const body = (await response.clone().json()) as { status?: unknown } | null;
  return typeof body?.status === "string" ? { jobStatus: body.status } : {};
}

/** A client whose retries never wait for real; `retries`, when given, logs the waits they ask for. */
export const client = (apiKey = API_KEY, retries?: number[]) =>
  createUserpilotClient({
    apiKey,
    sleep: retries === undefined ? async () => {} : loggedSleep(retries),
    retryBaseDelayMs: 1,
  });

/**
 * An import in which nothing waits for real; every requested wait is logged: the import's (polls, conflicts,
 * replays) in `waits`, its client's (retry backoffs, Retry-After) in `retries`.
 */
export function run(
  records: UserpilotUser[],
  options: UserpilotImportOptions = {},
  apiKey?: string,
): Promise<ImportReport> & { waits: number[]; retries: number[] } {
  const waits: number[] = [];
  const retries: number[] = [];
  const promise = importUsers(client(apiKey, retries), records, {
    pollIntervalMs: 10,
    maxPollIntervalMs: 40,
    conflictWaitMs: 100,
    sleep: loggedSleep(waits),
    ...options,
  });
  return Object.assign(promise, { waits, retries });
}

/**
 * What must hold after any import: no user in two live jobs or written twice, and no user the report calls
 * failed (or imported) that Userpilot holds (or does not).
 */
export function expectTruthfulReport(report: ImportReport, sim: UserpilotSimulator) {
  const stored = new Set(sim.users().map((user) => user.user_id));
  const lies = report.outcomes.filter(
    (o) =>
      (o.outcome === "failed" && stored.has(o.key)) ||
      (o.outcome === "imported" && !stored.has(o.key)),
  );
  expect(lies, "outcomes that contradict what Userpilot holds").toEqual([]);
  expect(sim.stats()).toMatchObject({ duplicates: 0, rewrites: 0 });
}

/** `n` users whose bodies all have the same bytes, as ids of one width and a plan of one length give. */
export const alike = (prefix: string, n = 5, plan = "pro"): UserpilotUser[] =>
  Array.from({ length: n }, (_, i) => ({ user_id: `${prefix}-${i}`, metadata: { plan } }));

/** Options under which two imports at once take turns: their waits yield to the event loop. */
export const turnTaking = {
  chunkRecords: 5,
  pollIntervalMs: 1,
  maxPollIntervalMs: 1,
  conflictWaitMs: 1,
  replayDelayMs: 0,
  sleep: () => new Promise<void>((resolve) => setImmediate(resolve)),
} satisfies UserpilotImportOptions;
