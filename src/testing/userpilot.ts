// A Userpilot bulk identify simulator (users, companies, background jobs), for tests and local runs.
//
// Simulation choices where Userpilot documents nothing (UNCONFIRMED, see specs/userpilot.yaml):
// - Time passes per request: a job moves one step (queued → validating → processing → completed/failed)
//   every `pollsPerStep` "ticks", a tick being a status poll of that job or a bulk request it turned away with
//   409 (time passing while a client waits). With `stepMs`, the clock moves it too.
// - Userpilot reports per job, not per record: the `rejectRate` fault (one roll per job) and `failJobs` make
//   the whole job end `failed` with nothing written; its rows count as `rejected`. A failed job's body adds
//   an `error` field (the schema allows further fields).
// - More than 10,000 records answers 400 (the schema's limit) unless `tooManyRecordsStatus: 413`.
// - An unknown job id answers 404 `job_not_found`. `GET /v1/background_jobs` is a bare array of every job,
//   oldest first (newest last), each with `job_id`, `status`, `total_rows`, `completed_rows`, `start_time`
//   (when the job was created, on the simulator's clock) and `end_time`: a client whose answer to a bulk
//   request was lost finds the job that request created there.
// - A lost answer (`rateLostAnswer`, or a script's `lost_answer`) comes after the request was processed:
//   the job exists. Script operations: `bulkIdentifyUsers`, `bulkIdentifyCompanies`, `listBackgroundJobs`,
//   `getBackgroundJob`.
import type { components } from "../../generated/userpilot.js";
import { document } from "../../generated/userpilot.document.js";
import { FaultInjector, json, seededRandom, type FaultOptions } from "./faults.js";
import { createRequestValidator } from "./request-validator.js";
import type { SimulatorStats, VendorSimulator } from "./simulator.js";

type Schemas = components["schemas"];
type JobStatus = Schemas["JobStatus"];
type ErrorDetail = Schemas["ErrorDetail"];
type Metadata = Schemas["Metadata"];

export type UserpilotJobKind = "users" | "companies";

/** What `failJobs` decides on: one submitted bulk job. */
export interface UserpilotJobInfo {
  readonly id: string;
  readonly kind: UserpilotJobKind;
  /** 1-based number of the job among the jobs submitted to this simulator. */
  readonly index: number;
  readonly rows: number;
}

export interface UserpilotSimulatorOptions {
  /** The key expected as `Authorization: Token <apiKey>`. Default `"sim-key"`. */
  apiKey?: string;
  /** A path prefix the API is served under (e.g. `"/up"`). Default `""`. */
  basePath?: string;
  /** Injected faults; `rejectRate` is the chance that a job fails as a whole (rolled once per job). */
  faults?: FaultOptions;
  /** Ticks (status polls of the job, or bulk requests it turned away with 409) per status step. Default 1. */
  pollsPerStep?: number;
  /**
   * When set, a job also moves one step per `stepMs` of `now()` since it was submitted; 0 ends a job the
   * first time it is looked at after its submission (a status poll, the job list, the next bulk request).
   */
  stepMs?: number;
  /** The simulator's clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * When set, a job is processed at this many rows a minute of `now()` from its submission (Userpilot: about
   * 1,200; a benchmark scales it up): it is `processing` with `completed_rows` advancing in proportion, and
   * ends (`end_time`) when its last row is done; ticks and `stepMs` are then ignored.
   */
  rowsPerMinute?: number;
  /** Largest request body in bytes; larger answers 413. Default 50 MiB (the adapter's 50 × 1024 × 1024). */
  maxBytes?: number;
  /** The status for more than 10,000 records (UNCONFIRMED whether Userpilot answers 400 or 413). Default 400. */
  tooManyRecordsStatus?: 400 | 413;
  /** Jobs that fail: a share of jobs (0 to 1, seeded by `faults.seed`) or a predicate. Default none. */
  failJobs?: number | ((job: UserpilotJobInfo) => boolean);
}

export interface UserpilotUser {
  readonly user_id: string;
  readonly company_id?: string;
  readonly metadata: Readonly<Metadata>;
  /** The jobs that wrote the user, in order. */
  readonly writers: readonly string[];
}

export interface UserpilotCompany {
  readonly company_id: string;
  readonly metadata: Readonly<Metadata>;
  readonly writers: readonly string[];
}

/** A job as the simulator holds it (reading it here does not tick it). */
export interface UserpilotJob {
  readonly job_id: string;
  readonly kind: UserpilotJobKind;
  readonly status: JobStatus;
  readonly total_rows: number;
  /** Started with `startForeignJob()`: not one of the client's. */
  readonly foreign: boolean;
  readonly ticks: number;
  /** Why it fails or failed (`rejectRate`, `failJobs`, a foreign job told to fail). */
  readonly failure?: string;
}

export interface UserpilotForeignJobOptions {
  /** Ticks per step of this job (3 steps to the end). Default: the simulator's `pollsPerStep`. */
  pollsPerStep?: number;
  /** Rows it claims. Default 1000. */
  rows?: number;
  /** End `failed` instead of `completed`. Default false. */
  fail?: boolean;
}

export interface UserpilotSimulatorStats extends SimulatorStats {
  /** Bulk jobs accepted (foreign jobs included). */
  readonly jobs: number;
  /** Bulk requests turned away with 409 because another job was running. */
  readonly conflicts: number;
  readonly companies: number;
  /** Times a job wrote a company id an earlier job had written (users are in `rewrites`). */
  readonly companyRewrites: number;
}

export interface UserpilotSimulator extends VendorSimulator {
  readonly vendor: "userpilot";
  stats(): UserpilotSimulatorStats;
  users(): UserpilotUser[];
  companies(): UserpilotCompany[];
  jobs(): UserpilotJob[];
  /**
   * Starts a bulk job that is not the client's (another process, an interrupted run): it blocks bulk requests
   * with 409 until it ends, ticking once per turned-away request. Returns its id. Throws if a job is running.
   */
  startForeignJob(options?: UserpilotForeignJobOptions): string;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}

const MAX_RECORDS = 10_000;
/** Statuses a job walks through before its terminal one. */
const STEPS: readonly JobStatus[] = ["queued", "validating", "processing"];

const POINTERS: Record<UserpilotJobKind, string> = {
  users: "#/components/schemas/BulkIdentifyUsersRequest",
  companies: "#/components/schemas/BulkIdentifyCompaniesRequest",
};

let sharedValidator: ((pointer: string, value: unknown) => string[]) | undefined;
function validate(pointer: string, value: unknown): string[] {
  sharedValidator ??= createRequestValidator(document);
  return sharedValidator(pointer, value);
}

interface Job {
  readonly id: string;
  readonly kind: UserpilotJobKind;
  readonly foreign: boolean;
  readonly records:
    readonly Schemas["BulkIdentifyUser"][] | readonly Schemas["BulkIdentifyCompany"][];
  readonly totalRows: number;
  /** The kind and the sorted ids of its records: two live jobs with the same one are a duplicate. */
  readonly content: string;
  readonly fileSize: number;
  readonly createdMs: number;
  readonly ticksPerStep: number;
  ticks: number;
  endMs?: number;
  readonly failure?: string;
}

interface Stored {
  company_id?: string;
  metadata: Metadata;
  readonly writers: string[];
}

type Route =
  | { readonly op: "bulkIdentify"; readonly kind: UserpilotJobKind }
  | { readonly op: "listBackgroundJobs" }
  | { readonly op: "getBackgroundJob"; readonly jobId: string }
  | { readonly op: "unknown" };

const error = (status: number, detail: ErrorDetail, headers: Record<string, string> = {}) =>
  json({ errors: [detail] } satisfies Schemas["ErrorResponse"], status, headers);

/**
 * A stateful Userpilot simulator: one bulk job at a time (409 while one runs), jobs that advance per poll,
 * users upserted by `user_id` (companies by `company_id`) when a job completes. `duplicates` counts jobs
 * (not failed) created again for the same set of ids; `rewrites` counts user ids written again by a later
 * job. `rejectRate` is decided once per set of ids, so a job sent again gets the same verdict.
 */
export function createUserpilotSimulator(
  options: UserpilotSimulatorOptions = {},
): UserpilotSimulator {
  const apiKey = options.apiKey ?? "sim-key";
  const basePath = (options.basePath ?? "").replace(/\/$/, "");
  const now = options.now ?? Date.now;
  const pollsPerStep = Math.max(1, options.pollsPerStep ?? 1);
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const tooManyStatus = options.tooManyRecordsStatus ?? 400;
  const failShare = seededRandom((options.faults?.seed ?? 1) + 7919);

  const injector = new FaultInjector(options.faults ?? {});
  /** Contents of the jobs that failed, so a content refused twice counts its rows in `rejected` once. */
  const failedContents = new Set<string>();
  const requests: Record<string, number> = {};
  const jobs = new Map<string, Job>();
  const users = new Map<string, Stored>();
  const companies = new Map<string, Stored>();
  let rejected = 0;
  let conflicts = 0;

  const iso = (ms: number) => new Date(ms).toISOString();

  function faultDetail(status: number): Schemas["ErrorResponse"] {
    const detail: ErrorDetail =
      status === 429
        ? {
            error: "too_many_requests",
            error_code: "rate_limit_exceeded",
            message: "Rate limit exceeded",
            details: "At most 600 requests per minute are allowed.",
          }
        : status === 503
          ? {
              error: "service_unavailable",
              error_code: "service_unavailable",
              message: "Service unavailable",
            }
          : {
              error: "internal_server_error",
              error_code: "internal_error",
              message: "Internal server error",
            };
    return { errors: [detail] };
  }

  function route(method: string, pathname: string): Route {
    if (!(pathname === basePath || pathname.startsWith(`${basePath}/`))) return { op: "unknown" };
    const raw = pathname.slice(basePath.length).split("/").slice(1);
    if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop();
    let parts: string[];
    try {
      parts = raw.map((part) => decodeURIComponent(part));
    } catch {
      return { op: "unknown" };
    }
    const [v1, second, third, ...rest] = parts;
    if (v1 !== "v1" || rest.length > 0) return { op: "unknown" };
    if (
      method === "POST" &&
      (second === "users" || second === "companies") &&
      third === "bulk_identify"
    ) {
      return { op: "bulkIdentify", kind: second };
    }
    if (method === "GET" && second === "background_jobs") {
      if (third === undefined) return { op: "listBackgroundJobs" };
      if (third !== "") return { op: "getBackgroundJob", jobId: third };
    }
    return { op: "unknown" };
  }

  function templateOf(target: Route, method: string): string {
    switch (target.op) {
      case "bulkIdentify":
        return `POST /v1/${target.kind}/bulk_identify`;
      case "listBackgroundJobs":
        return "GET /v1/background_jobs";
      case "getBackgroundJob":
        return "GET /v1/background_jobs/{job_id}";
      case "unknown":
        return `${method} (unknown route)`;
    }
  }

  /** How many steps the job has taken: by ticks, or by the clock when `stepMs` is set (whichever is more). */
  function stepOf(job: Job): number {
    const done = processedRows(job);
    if (done !== undefined) return done >= job.totalRows ? STEPS.length : STEPS.length - 1;
    const byTicks = Math.floor(job.ticks / job.ticksPerStep);
    const byClock =
      options.stepMs === undefined
        ? 0
        : options.stepMs <= 0
          ? STEPS.length
          : Math.floor((now() - job.createdMs) / options.stepMs);
    return Math.max(byTicks, byClock);
  }

  /** Rows done by the processing model (`rowsPerMinute`), or undefined without one. */
  function processedRows(job: Job): number | undefined {
    const rate = options.rowsPerMinute;
    if (rate === undefined || rate <= 0) return undefined;
    return Math.min(job.totalRows, Math.floor(((now() - job.createdMs) * rate) / 60_000));
  }

  function statusOf(job: Job): JobStatus {
    if (job.endMs !== undefined) return job.failure === undefined ? "completed" : "failed";
    return STEPS[Math.min(stepOf(job), STEPS.length - 1)] ?? "queued";
  }

  /** Ends the job if it has taken all its steps: writes its records, or counts them rejected. */
  function settle(job: Job): void {
    if (job.endMs !== undefined || stepOf(job) < STEPS.length) return;
    const rate = options.rowsPerMinute;
    // With a processing model the job ended when its last row was done, not when someone looked.
    job.endMs =
      rate === undefined || rate <= 0
        ? now()
        : Math.min(now(), job.createdMs + Math.ceil((job.totalRows * 60_000) / rate));
    if (job.foreign) return;
    if (job.failure !== undefined) {
      if (!failedContents.has(job.content)) rejected += job.totalRows;
      failedContents.add(job.content);
      return;
    }
    for (const record of job.records) {
      if ("user_id" in record) {
        upsert(users, record.user_id, record.metadata, job.id, record.company_id);
      } else {
        upsert(companies, record.company_id, record.metadata, job.id, undefined);
      }
    }
  }

  function upsert(
    store: Map<string, Stored>,
    id: string,
    metadata: Metadata | undefined,
    writer: string,
    companyId: string | undefined,
  ): void {
    let stored = store.get(id);
    if (stored === undefined) {
      stored = { metadata: {}, writers: [] };
      store.set(id, stored);
    }
    if (companyId !== undefined) stored.company_id = companyId;
    if (metadata !== undefined) stored.metadata = { ...stored.metadata, ...metadata };
    if (stored.writers[stored.writers.length - 1] !== writer) stored.writers.push(writer);
  }

  function tick(job: Job): void {
    if (job.endMs !== undefined) return;
    job.ticks += 1;
    settle(job);
  }

  function running(): Job | undefined {
    for (const job of jobs.values()) {
      settle(job);
      if (job.endMs === undefined) return job;
    }
    return undefined;
  }

  function addJob(
    kind: UserpilotJobKind,
    records: Job["records"],
    fileSize: number,
    rows: number,
    foreign: boolean,
    ticksPerStep: number,
    decideFailure: (info: UserpilotJobInfo, content: string) => string | undefined,
  ): Job {
    const index = jobs.size + 1;
    const id = `${kind}:${index}:${suffix(index)}`;
    const ids = records.map((r) => ("user_id" in r ? r.user_id : r.company_id)).sort();
    const content = foreign ? `foreign:${id}` : JSON.stringify([kind, ids]);
    const failure = decideFailure({ id, kind, index, rows }, content);
    const job: Job = {
      id,
      kind,
      foreign,
      records,
      totalRows: rows,
      content,
      fileSize,
      createdMs: now(),
      ticksPerStep,
      ticks: 0,
      ...(failure !== undefined && { failure }),
    };
    jobs.set(id, job);
    return job;
  }

  function failureOf(info: UserpilotJobInfo, content: string): string | undefined {
    // Decided for every job, so the fault sequence does not depend on `failJobs`; once per content, so a
    // job sent again for the same rows gets the same verdict.
    const byFault = injector.verdict(content).refused;
    const { failJobs } = options;
    const byOption =
      typeof failJobs === "function"
        ? failJobs(info)
        : typeof failJobs === "number"
          ? failShare() < failJobs
          : false;
    if (byFault) return "the simulator rejected this job (rejectRate)";
    if (byOption) return "the simulator failed this job (failJobs)";
    return undefined;
  }

  function jobBody(job: Job): Schemas["BackgroundJobStatus"] {
    const status = statusOf(job);
    const endMs = job.endMs;
    const processed =
      status === "completed"
        ? job.totalRows
        : status === "processing"
          ? (processedRows(job) ?? Math.floor(job.totalRows / 2))
          : 0;
    return {
      job_id: job.id,
      status,
      total_rows: job.totalRows,
      completed_rows: processed,
      elapsed_time: Math.max(0, Math.round(((endMs ?? now()) - job.createdMs) / 1000)),
      start_time: iso(job.createdMs),
      end_time: endMs === undefined ? null : iso(endMs),
      file_size: job.fileSize,
      type: `bulk_identify_${job.kind}`,
      ...(status === "failed" && job.failure !== undefined && { error: job.failure }),
    };
  }

  async function bulkIdentify(request: Request, kind: UserpilotJobKind): Promise<Response> {
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength > maxBytes) {
      return error(413, {
        error: "payload_too_large",
        error_code: "payload_too_large",
        message: "Payload too large",
        details: `The request body must not exceed ${maxBytes} bytes; it has ${bytes.byteLength}.`,
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return error(400, {
        error: "bad_request",
        error_code: "invalid_json",
        message: "Invalid input",
        details: "The request body is not valid JSON.",
      });
    }
    const problems = validate(POINTERS[kind], value);
    if (problems.length > 0) {
      const list = (value as Record<string, unknown> | null)?.[kind];
      if (tooManyStatus === 413 && Array.isArray(list) && list.length > MAX_RECORDS) {
        return error(413, {
          error: "payload_too_large",
          error_code: "too_many_records",
          message: "Payload too large",
          details: `At most ${MAX_RECORDS} ${kind} per request; got ${list.length}.`,
        });
      }
      const shown = problems.slice(0, 20).join("; ");
      const more = problems.length > 20 ? `; and ${problems.length - 20} more` : "";
      return error(400, {
        error: "bad_request",
        error_code: "invalid_input",
        message: "Invalid input",
        details: `${shown}${more}`,
      });
    }
    const active = running();
    if (active !== undefined) {
      tick(active);
      if (active.endMs === undefined) {
        conflicts += 1;
        return error(409, {
          error: "conflict",
          error_code: "job_already_running",
          message: "A bulk job is already in progress",
          details: `Wait for job ${active.id} to finish.`,
        });
      }
    }
    const records =
      kind === "users"
        ? (value as Schemas["BulkIdentifyUsersRequest"]).users
        : (value as Schemas["BulkIdentifyCompaniesRequest"]).companies;
    const job = addJob(
      kind,
      records,
      bytes.byteLength,
      records.length,
      false,
      pollsPerStep,
      failureOf,
    );
    const submitted = iso(job.createdMs);
    return json(
      {
        job_id: job.id,
        status: "queued",
        total_rows: job.totalRows,
        file_size: job.fileSize,
        filename: `${job.id.replace(/:/g, "-")}.json`,
        submitted_at: submitted,
        start_time: submitted,
        end_time: null,
        type: `bulk_identify_${kind}`,
      } satisfies Schemas["BackgroundJob"],
      202,
    );
  }

  function snapshot(stored: Stored): { metadata: Metadata; writers: string[] } {
    return { metadata: { ...stored.metadata }, writers: [...stored.writers] };
  }

  function rewrites(store: Map<string, Stored>): number {
    let count = 0;
    for (const stored of store.values()) count += Math.max(0, new Set(stored.writers).size - 1);
    return count;
  }

  /** Jobs beyond the first for the same ids; a failed job wrote nothing, so it is no duplicate. */
  function duplicateJobs(): number {
    const live = new Map<string, number>();
    for (const job of jobs.values()) {
      if (job.foreign || job.failure !== undefined) continue;
      live.set(job.content, (live.get(job.content) ?? 0) + 1);
    }
    let count = 0;
    for (const n of live.values()) count += n - 1;
    return count;
  }

  async function respond(request: Request, target: Route): Promise<Response> {
    if (request.headers.get("authorization") !== `Token ${apiKey}`) {
      return error(401, {
        error: "unauthorized",
        error_code: "invalid_api_key",
        message: "Invalid API key",
        details: "Use 'Authorization: Token <API key>' with the API key from Environment Settings.",
      });
    }

    switch (target.op) {
      case "bulkIdentify":
        return bulkIdentify(request, target.kind);
      case "listBackgroundJobs":
        return json(
          [...jobs.values()].map((job) => {
            settle(job);
            return jobBody(job);
          }) satisfies Schemas["BackgroundJobList"],
        );
      case "getBackgroundJob": {
        const job = jobs.get(target.jobId);
        if (job === undefined) {
          return error(404, {
            error: "not_found",
            error_code: "job_not_found",
            message: "Job not found",
            details: `No background job with id ${target.jobId}`,
          });
        }
        tick(job);
        return json(jobBody(job));
      }
      case "unknown":
        return error(404, { error: "not_found", error_code: "not_found", message: "Not found" });
    }
  }

  return {
    vendor: "userpilot",
    basePath,

    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const target = route(request.method, url.pathname);
      const template = templateOf(target, request.method);
      requests[template] = (requests[template] ?? 0) + 1;

      return injector.run(
        { operation: operationOf(target), writes: request.method === "POST" },
        faultDetail,
        request,
        () => respond(request, target),
      );
    },

    stats(): UserpilotSimulatorStats {
      for (const job of jobs.values()) settle(job);
      const duplicates = duplicateJobs();
      return {
        requests: { ...requests },
        faults: { ...injector.counts },
        users: users.size,
        duplicates,
        rewrites: rewrites(users),
        duplicateWrites: duplicates,
        rejected,
        jobs: jobs.size,
        conflicts,
        companies: companies.size,
        companyRewrites: rewrites(companies),
      };
    },

    users(): UserpilotUser[] {
      for (const job of jobs.values()) settle(job);
      return [...users.entries()].map(([user_id, stored]) => ({
        user_id,
        ...(stored.company_id !== undefined && { company_id: stored.company_id }),
        ...snapshot(stored),
      }));
    },

    companies(): UserpilotCompany[] {
      for (const job of jobs.values()) settle(job);
      return [...companies.entries()].map(([company_id, stored]) => ({
        company_id,
        ...snapshot(stored),
      }));
    },

    jobs(): UserpilotJob[] {
      return [...jobs.values()].map((job) => {
        settle(job);
        return {
          job_id: job.id,
          kind: job.kind,
          status: statusOf(job),
          total_rows: job.totalRows,
          foreign: job.foreign,
          ticks: job.ticks,
          ...(job.failure !== undefined && { failure: job.failure }),
        };
      });
    },

    startForeignJob(foreign: UserpilotForeignJobOptions = {}): string {
      const active = running();
      if (active !== undefined)
        throw new Error(`userpilot simulator: job ${active.id} is still running`);
      const job = addJob(
        "users",
        [],
        0,
        foreign.rows ?? 1000,
        true,
        Math.max(1, foreign.pollsPerStep ?? pollsPerStep),
        () => (foreign.fail === true ? "the foreign job failed" : undefined),
      );
      return job.id;
    },

    setFaults(faults: FaultOptions): void {
      injector.setOptions(faults);
    },
  };
}

/** The operation's id in specs/userpilot.yaml, the name a fault script sees. */
function operationOf(target: Route): string {
  if (target.op === "bulkIdentify")
    return target.kind === "users" ? "bulkIdentifyUsers" : "bulkIdentifyCompanies";
  return target.op;
}

/** Eight hex digits derived from a job's number, standing in for the uuid of a real job id. */
function suffix(index: number): string {
  const random = seededRandom(index * 2654435761);
  return Math.floor(random() * 0x100000000)
    .toString(16)
    .padStart(8, "0");
}
