// A Userpilot bulk identify simulator (users, companies, background jobs), for tests and local runs: only
// Userpilot's behaviour; routing, the `Authorization: Token <apiKey>` check, faults, scripts (operations
// `bulkIdentifyUsers`, `bulkIdentifyCompanies`, `listBackgroundJobs`, `getBackgroundJob`) and request
// counting are the simulator kit's. Options, views and stats: ./userpilot/types.ts.
//
// Simulation choices where Userpilot documents nothing (UNCONFIRMED, see specs/userpilot.yaml):
// - One bulk job at a time: a bulk request while a job runs answers 409 `job_already_running`.
// - A job moves queued → validating → processing → completed/failed one step per `pollsPerStep` ticks (a
//   status poll of it, or a bulk request it turned away: time passing while a client waits), per `stepMs`
//   of the clock too if set; with `rowsPerMinute`, only by the clock, at that rate.
// - A completed job upserts its records by `user_id` / `company_id`, metadata merged. A job refused by
//   `rejectRate` (one roll per set of ids; `reject` is asked with `JSON.stringify([kind, sortedIds])`) or
//   `failJobs` ends `failed`, adds an `error` field, writes nothing; its rows count as `rejected`, once.
// - A body over `maxBytes` answers 413; one the spec refuses (over 10,000 records too) 400 `invalid_input`.
// - An unknown job id answers 404 `job_not_found`. `GET /v1/background_jobs` is a bare array of every job,
//   oldest first, with `start_time` (its creation, on the simulator's clock) and `end_time`: a client whose
//   answer was lost (after processing: the job exists) finds the job its request created there.
import type { components } from "../../generated/userpilot.js";
import { document } from "../../generated/userpilot.document.js";
import { json, seededRandom } from "./faults.js";
import { createSimulatorKit, type OperationHandlers } from "./kit/simulator-kit.js";
import {
  USERPILOT_ERRORS as ERRORS,
  userpilotError as error,
  userpilotFaultBody,
} from "./userpilot/errors.js";
import type {
  UserpilotForeignJobOptions,
  UserpilotJobInfo,
  UserpilotJobKind,
  UserpilotSimulator,
  UserpilotSimulatorOptions,
} from "./userpilot/types.js";

export type * from "./userpilot/types.js";

type Schemas = components["schemas"];
type BulkRecord = Schemas["BulkIdentifyUser"] | Schemas["BulkIdentifyCompany"];

/** The spec's `x-max-body-bytes`. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Statuses a job walks through before its terminal one. */
const STEPS: readonly Schemas["JobStatus"][] = ["queued", "validating", "processing"];
const SCHEMAS = { users: "BulkIdentifyUsersRequest", companies: "BulkIdentifyCompaniesRequest" };

interface Job {
  readonly id: string;
  readonly kind: UserpilotJobKind;
  readonly foreign: boolean;
  readonly records: readonly BulkRecord[];
  readonly ids: readonly string[];
  readonly rows: number;
  /** The kind and the sorted ids of its records: two live jobs with the same one are a duplicate. */
  readonly content: string;
  readonly bytes: number;
  readonly createdMs: number;
  readonly ticksPerStep: number;
  readonly failure: string | undefined;
  ticks: number;
  endMs?: number;
}

type Stored = { company_id?: string; metadata: Schemas["Metadata"]; readonly writers: string[] };

/** `duplicates` counts jobs (not failed) made again for the same ids; `rewrites`, ids written again. */
export function createUserpilotSimulator(
  options: UserpilotSimulatorOptions = {},
): UserpilotSimulator {
  const apiKey = options.apiKey ?? "sim-key";
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const rate = (options.rowsPerMinute ?? 0) > 0 ? options.rowsPerMinute : undefined;
  const kit = createSimulatorKit({
    document,
    basePath: options.basePath,
    faults: options.faults,
    faultBody: userpilotFaultBody,
    notFound: () => error(404, ERRORS.notFound),
    authenticate: (request) =>
      request.headers.get("authorization") === `Token ${apiKey}`
        ? undefined
        : error(401, ERRORS.unauthorized),
  });
  const jobs = new Map<string, Job>();
  const stores = { users: new Map<string, Stored>(), companies: new Map<string, Stored>() };
  /** Contents of the jobs that failed, so a content refused twice counts its rows in `rejected` once. */
  const failedContents = new Set<string>();
  let rejected = 0;
  let conflicts = 0;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Rows done by the processing model (`rowsPerMinute`), or undefined without one. */
  const processedRows = (job: Job) =>
    rate === undefined
      ? undefined
      : Math.min(job.rows, Math.floor(((now() - job.createdMs) * rate) / 60_000));

  /** How many steps the job has taken: by ticks, or by the clock when `stepMs` is set (whichever is more). */
  function stepOf(job: Job): number {
    const done = processedRows(job);
    if (done !== undefined) return done >= job.rows ? STEPS.length : STEPS.length - 1;
    const { stepMs } = options;
    const byClock =
      stepMs === undefined ? 0 : stepMs <= 0 ? STEPS.length : (now() - job.createdMs) / stepMs;
    return Math.floor(Math.max(job.ticks / job.ticksPerStep, byClock));
  }

  function statusOf(job: Job): Schemas["JobStatus"] {
    if (job.endMs !== undefined) return job.failure === undefined ? "completed" : "failed";
    return STEPS[Math.min(stepOf(job), STEPS.length - 1)] ?? "queued";
  }

  /** Ends the job if it has taken all its steps: writes its records, or counts them rejected. */
  function settle(job: Job): Job {
    if (job.endMs !== undefined || stepOf(job) < STEPS.length) return job;
    // With a processing model the job ended when its last row was done, not when someone looked.
    const done =
      rate === undefined ? Infinity : job.createdMs + Math.ceil((job.rows * 60_000) / rate);
    job.endMs = Math.min(now(), done);
    if (job.foreign) return job;
    if (job.failure !== undefined) {
      if (!failedContents.has(job.content)) rejected += job.rows;
      failedContents.add(job.content);
      return job;
    }
    const store = stores[job.kind];
    job.records.forEach((record, i) => {
      const id = job.ids[i] ?? "";
      const stored = store.get(id) ?? { metadata: {}, writers: [] };
      store.set(id, stored);
      if ("user_id" in record && record.company_id !== undefined)
        stored.company_id = record.company_id;
      stored.metadata = { ...stored.metadata, ...record.metadata };
      if (stored.writers.at(-1) !== job.id) stored.writers.push(job.id);
    });
    return job;
  }

  function tick(job: Job): Job {
    if (job.endMs === undefined) job.ticks += 1;
    return settle(job);
  }

  const running = () => [...jobs.values()].find((job) => settle(job).endMs === undefined);

  /** Why a job fails. A client's is rolled for every job, so the fault sequence ignores `failJobs`. */
  function failureOf(content: string, job: UserpilotJobInfo, foreign?: { fail?: boolean }) {
    if (foreign) return foreign.fail === true ? "the foreign job failed" : undefined;
    if (kit.faults.verdict(content).refused) return "the simulator rejected this job (rejectRate)";
    if (options.failJobs?.(job) === true) return "the simulator failed this job (failJobs)";
    return undefined;
  }

  function addJob(
    kind: UserpilotJobKind,
    records: readonly BulkRecord[],
    bytes: number,
    foreign?: UserpilotForeignJobOptions,
  ): Job {
    const index = jobs.size + 1;
    const id = `${kind}:${index}:${suffix(index)}`;
    const ids = records.map((r) => ("user_id" in r ? r.user_id : r.company_id));
    const content = foreign ? `foreign:${id}` : JSON.stringify([kind, [...ids].sort()]);
    const rows = foreign?.rows ?? records.length;
    const job: Job = {
      ...{ id, kind, records, ids, rows, content, bytes, ticks: 0, foreign: foreign !== undefined },
      createdMs: foreign?.startedAt ?? now(),
      ticksPerStep: Math.max(1, foreign?.pollsPerStep ?? options.pollsPerStep ?? 1),
      failure: failureOf(content, { id, kind, index, rows }, foreign),
    };
    jobs.set(id, job);
    return job;
  }

  function jobBody(job: Job): Schemas["BackgroundJobStatus"] {
    const status = statusOf(job);
    const processing =
      status === "processing" ? (processedRows(job) ?? Math.floor(job.rows / 2)) : 0;
    return {
      job_id: job.id,
      status,
      total_rows: job.rows,
      completed_rows: status === "completed" ? job.rows : processing,
      elapsed_time: Math.max(0, Math.round(((job.endMs ?? now()) - job.createdMs) / 1000)),
      start_time: iso(job.createdMs),
      end_time: job.endMs === undefined ? null : iso(job.endMs),
      file_size: job.bytes,
      type: `bulk_identify_${job.kind}`,
      ...(status === "failed" && job.failure !== undefined && { error: job.failure }),
    };
  }

  async function bulkIdentify(request: Request, kind: UserpilotJobKind): Promise<Response> {
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength > maxBytes) return error(413, ERRORS.tooLarge(maxBytes, bytes.byteLength));
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return error(400, ERRORS.notJson);
    }
    const problems = kit.validate(`#/components/schemas/${SCHEMAS[kind]}`, value);
    if (problems.length > 0) {
      const more = problems.length > 20 ? `; and ${problems.length - 20} more` : "";
      return error(400, ERRORS.invalid(`${problems.slice(0, 20).join("; ")}${more}`));
    }
    const active = running();
    if (active !== undefined && tick(active).endMs === undefined) {
      conflicts += 1;
      return error(409, ERRORS.jobRunning(active.id));
    }
    const job = addJob(kind, (value as Record<string, BulkRecord[]>)[kind] ?? [], bytes.byteLength);
    const submitted = iso(job.createdMs);
    return json(
      {
        job_id: job.id,
        status: "queued",
        total_rows: job.rows,
        file_size: job.bytes,
        filename: `${job.id.replace(/:/g, "-")}.json`,
        submitted_at: submitted,
        start_time: submitted,
        end_time: null,
        type: `bulk_identify_${kind}`,
      } satisfies Schemas["BackgroundJob"],
      202,
    );
  }

  const handlers: OperationHandlers = {
    bulkIdentifyUsers: ({ request }) => bulkIdentify(request, "users"),
    bulkIdentifyCompanies: ({ request }) => bulkIdentify(request, "companies"),
    listBackgroundJobs: () => json([...jobs.values()].map((job) => jobBody(settle(job)))),
    getBackgroundJob: ({ params: { job_id: id = "" } }) => {
      const job = jobs.get(id);
      return job ? json(jobBody(tick(job))) : error(404, ERRORS.jobNotFound(id));
    },
  };

  /** Every stored record (after settling the jobs due), with copies of its metadata and writers. */
  function stored(kind: UserpilotJobKind) {
    jobs.forEach(settle);
    return [...stores[kind]].map(([id, { metadata, writers, ...rest }]) => ({
      id,
      ...rest,
      metadata: { ...metadata },
      writers: [...writers],
    }));
  }

  return {
    vendor: "userpilot",
    basePath: kit.basePath,
    handle: (request) => kit.handle(request, handlers),
    stats() {
      jobs.forEach(settle);
      const live = [...jobs.values()].filter((job) => !job.foreign && job.failure === undefined);
      const duplicates = live.length - new Set(live.map((job) => job.content)).size;
      return {
        ...kit.stats({ users: stores.users.size, duplicates, rewrites: rewrites(stores.users) }),
        rejected,
        jobs: jobs.size,
        conflicts,
        companies: stores.companies.size,
        companyRewrites: rewrites(stores.companies),
      };
    },
    users: () => stored("users").map(({ id, ...user }) => ({ user_id: id, ...user })),
    companies: () =>
      stored("companies").map(({ id, ...company }) => ({ ...company, company_id: id })),
    jobs: () =>
      [...jobs.values()].map((job) => ({
        job_id: job.id,
        kind: job.kind,
        status: statusOf(settle(job)),
        total_rows: job.rows,
        ids: job.ids,
        foreign: job.foreign,
        ticks: job.ticks,
        ...(job.failure !== undefined && { failure: job.failure }),
      })),
    startForeignJob(foreign = {}) {
      const active = running();
      if (active) throw new Error(`userpilot simulator: job ${active.id} is still running`);
      return addJob("users", [], 0, foreign).id;
    },
    setFaults: (faults) => kit.faults.setOptions(faults),
  };
}

/** Times a key was written by a job after another had written it. */
const rewrites = (store: Map<string, Stored>) =>
  [...store.values()].reduce((n, { writers }) => n + new Set(writers).size - 1, 0);

/** Eight hex digits derived from a job's number, standing in for the uuid of a real job id. */
const suffix = (index: number) =>
  Math.floor(seededRandom(index * 2654435761)() * 0x100000000)
    .toString(16)
    .padStart(8, "0");
