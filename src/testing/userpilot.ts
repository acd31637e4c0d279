// Userpilot's bulk identify on the simulator kit. Where Userpilot documents nothing, the simulator chooses
// (UNCONFIRMED, see specs/userpilot.yaml), besides the options' pace of a job: what
// createUserpilotSimulator's TSDoc says of jobs, and:
// - A job never shows `pending_refresh`; one failed by `faults` or `failJobs` adds an `error` field and
//   writes nothing.
// - A body over `maxBytes` answers 413; one the spec refuses (over 10,000 records too) 400 `invalid_input`.
// - An unknown job id answers 404 `job_not_found`. `GET /v1/background_jobs` is a bare array of every job,
//   oldest first, with `start_time` (its creation, on the simulator's clock) and `end_time`: a client whose
//   answer was lost (after processing: the job exists) finds the job its request created there.
import type { components } from "../../generated/userpilot.js";
import { document } from "../../generated/userpilot.document.js";
import { rules } from "../../generated/userpilot.rules.js";
import { durationOption, wholeNumberOption } from "../core/options.js";
import { seededRandom } from "./faults.js";
import { jobClock } from "./kit/job-clock.js";
import { createSimulatorKit, listProblems } from "./kit/simulator-kit.js";
import { userpilotError as error } from "./userpilot/errors.js";
import type * as T from "./userpilot/options.js";

export type * from "./userpilot/options.js";
/** What {@link createUserpilotSimulator} returns: a simulator with its users, companies and jobs. */
export type UserpilotSimulator = ReturnType<typeof createUserpilotSimulator>;
/** What {@link UserpilotSimulator}'s `stats()` gives: the common counts and Userpilot's own. */
export type UserpilotSimulatorStats = ReturnType<UserpilotSimulator["stats"]>;
/** One job as {@link UserpilotSimulator}'s `jobs()` lists it. */
export type UserpilotJobView = ReturnType<UserpilotSimulator["jobs"]>[number];

type Schemas = components["schemas"];
type BulkRecord = Schemas["BulkIdentifyUser"] | Schemas["BulkIdentifyCompany"];

/** Each body's most bytes, as its own schema in the spec states them. */
const MAX_BODY_BYTES: Readonly<Record<T.UserpilotJobKind, number>> = {
  users: rules.BulkIdentifyUsersRequest["x-max-body-bytes"],
  companies: rules.BulkIdentifyCompaniesRequest["x-max-body-bytes"],
};
/** Statuses a job walks through before its terminal one. */
const STEPS: readonly Schemas["JobStatus"][] = ["queued", "validating", "processing"];
const SCHEMAS = { users: "BulkIdentifyUsersRequest", companies: "BulkIdentifyCompaniesRequest" };

interface Job {
  readonly id: string;
  readonly kind: T.UserpilotJobKind;
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

/**
 * A Userpilot bulk identify simulator (users, companies, background jobs): one job at a time (another bulk
 * request answers 409 `job_already_running`), each moving queued → validating → processing → completed or
 * failed by status polls or the clock (see the options); a completed job upserts its records by `user_id` or
 * `company_id`, metadata merged. `users()`, `companies()` and `jobs()` show what it holds; `startForeignJob`
 * starts a job that is not the client's.
 * @throws RangeError naming an option out of range; TypeError for a `faults.script` or `faults.reject`
 *   that is not a function.
 */
export function createUserpilotSimulator(options: T.UserpilotSimulatorOptions = {}) {
  // Refused by name at once, as the library's own options are: a NaN `stepMs` left every job queued.
  const maxBytes = wholeNumberOption("maxBytes", options.maxBytes, MAX_BODY_BYTES.users);
  // A `maxBytes` given bounds both bodies; by default each has its own schema's.
  const mostBytes = (kind: T.UserpilotJobKind) =>
    options.maxBytes === undefined ? MAX_BODY_BYTES[kind] : maxBytes;
  const pollsPerStep = wholeNumberOption("pollsPerStep", options.pollsPerStep, 1, {
    orInfinity: true,
  });
  const stepMs = durationOption("stepMs", options.stepMs, undefined, { min: 0 });
  const clock = jobClock(options);
  const { now, iso } = clock;
  const kit = createSimulatorKit({
    vendor: "userpilot",
    document,
    options,
    notFound: () => error(404, "not_found"),
    authenticate: (request, _, apiKey) =>
      request.headers.get("authorization") === `Token ${apiKey}`,
  });
  const jobs = new Map<string, Job>();
  const stores = { users: new Map<string, Stored>(), companies: new Map<string, Stored>() };
  /** Contents of the jobs that failed, so a content refused twice counts its rows in `rejected` once. */
  const failedContents = new Set<string>();
  let rejected = 0;
  let conflicts = 0;
  /** A 200 or 202: Userpilot's reference lists `x-request-id` on both (on no error answer). */
  const answer = kit.answerWithId;

  /**
   * How many steps the job has taken: at `rowsPerMinute`, processing until its rows are done; else by ticks,
   * or by the clock when `stepMs` is set (whichever is more).
   */
  function stepOf(job: Job): number {
    const done = clock.rowsDone(job);
    if (done !== undefined) return done >= job.rows ? STEPS.length : STEPS.length - 1;
    const byClock =
      stepMs === undefined ? 0 : stepMs === 0 ? STEPS.length : (now() - job.createdMs) / stepMs;
    return Math.floor(Math.max(job.ticks / job.ticksPerStep, byClock));
  }

  function statusOf(job: Job): Schemas["JobStatus"] {
    if (job.endMs !== undefined) return job.failure === undefined ? "completed" : "failed";
    return STEPS[Math.min(stepOf(job), STEPS.length - 1)] ?? "queued";
  }

  /** Ends the job if it has taken all its steps: writes its records, or counts them rejected. */
  function settle(job: Job): Job {
    if (job.endMs !== undefined || stepOf(job) < STEPS.length) return job;
    // Steps taken by ticks take no time on the clock.
    const byClock = clock.endMs(job, stepMs === undefined ? undefined : stepMs * STEPS.length);
    job.endMs = Math.min(now(), byClock ?? job.createdMs);
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
      kit.addWriter(stored.writers, job.id);
    });
    return job;
  }

  /** Time passing while a client waits: a status poll of the job, or a bulk request it turned away. */
  function tick(job: Job): Job {
    if (job.endMs === undefined) job.ticks += 1;
    return settle(job);
  }

  /** Why a client's job fails. Its verdict is drawn first: `failJobs` leaves the fault sequence as it was. */
  function failureOf(content: string, job: T.UserpilotJobInfo) {
    if (kit.faults.verdict(content).refused) return "the simulator rejected this job (rejectRate)";
    if (options.failJobs?.(job) === true) return "the simulator failed this job (failJobs)";
    return undefined;
  }

  const running = () => [...jobs.values()].find((job) => settle(job).endMs === undefined);

  function addJob(
    kind: T.UserpilotJobKind,
    records: readonly BulkRecord[],
    bytes: number,
    foreign?: T.UserpilotForeignJobOptions,
  ): Job {
    const index = jobs.size + 1;
    const id = `${kind}:${index}:${suffix(index)}`;
    const ids = records.map((r) => ("user_id" in r ? r.user_id : r.company_id));
    const content = foreign ? `foreign:${id}` : JSON.stringify([kind, [...ids].sort()]);
    const rows = foreign?.rows ?? records.length;
    const job: Job = {
      ...{ id, kind, records, ids, rows, content, bytes, ticks: 0, foreign: foreign !== undefined },
      createdMs: foreign?.startedAt ?? now(),
      ticksPerStep: wholeNumberOption("pollsPerStep", foreign?.pollsPerStep, pollsPerStep, {
        orInfinity: true,
      }),
      failure: foreign ? undefined : failureOf(content, { id, kind, index, rows }),
    };
    jobs.set(id, job);
    return job;
  }

  function jobBody(job: Job): Schemas["BackgroundJobStatus"] {
    const status = statusOf(job);
    const processing =
      status === "processing" ? (clock.rowsDone(job) ?? Math.floor(job.rows / 2)) : 0;
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

  async function bulkIdentify(request: Request, kind: T.UserpilotJobKind): Promise<Response> {
    const body = await kit.readJson(request, SCHEMAS[kind]);
    const bytes = Buffer.byteLength(body.text);
    const most = mostBytes(kind);
    if (bytes > most)
      return error(
        413,
        "payload_too_large",
        `The request body must not exceed ${most} bytes; it has ${bytes}.`,
      );
    if (body.problems === undefined)
      return error(400, "invalid_json", "The request body is not valid JSON.");
    if (body.problems.length > 0) return error(400, "invalid_input", listProblems(body.problems));
    const active = running();
    if (active !== undefined && tick(active).endMs === undefined) {
      conflicts += 1;
      return error(409, "job_already_running", `Wait for job ${active.id} to finish.`);
    }
    const job = addJob(kind, (body.value as Record<string, BulkRecord[]>)[kind] ?? [], bytes);
    const submitted = iso(job.createdMs);
    return answer(
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

  /** Every stored record (after settling the jobs due), with copies of its metadata and writers. */
  function stored(kind: T.UserpilotJobKind) {
    jobs.forEach(settle);
    return [...stores[kind]].map(([id, { metadata, writers, ...rest }]) => ({
      id,
      ...rest,
      metadata: { ...metadata },
      writers: [...writers],
    }));
  }

  return {
    ...kit.serve({
      bulkIdentifyUsers: ({ request }) => bulkIdentify(request, "users"),
      bulkIdentifyCompanies: ({ request }) => bulkIdentify(request, "companies"),
      listBackgroundJobs: () => answer([...jobs.values()].map((job) => jobBody(settle(job)))),
      getBackgroundJob: ({ params: { job_id: id = "" } }) => {
        const job = jobs.get(id);
        if (job === undefined)
          return error(404, "job_not_found", `No background job with id ${id}`);
        return answer(jobBody(tick(job)));
      },
    }),
    /**
     * The common counts (`rejected`: the rows of failed jobs, a set of ids counted once), with `jobs`
     * accepted (foreign ones too), `conflicts` (bulk requests turned away with 409) and `companies` stored.
     */
    stats() {
      jobs.forEach(settle);
      const live = [...jobs.values()].filter((job) => !job.foreign && job.failure === undefined);
      const duplicates = live.length - new Set(live.map((job) => job.content)).size;
      const rewrites = kit.rewritesOf([...stores.users.values()].map((user) => user.writers));
      return {
        ...kit.stats({ users: stores.users.size, duplicates, rewrites }),
        rejected,
        jobs: jobs.size,
        conflicts,
        companies: stores.companies.size,
      };
    },
    /**
     * Rotates the account's API key (one revoked after a leak): from now on only `next` is accepted, and the
     * old key gets a 401. What the account holds stays the account's and is seen under the new key (its
     * users, and its jobs, by id and in the job list): whether Userpilot does so is UNCONFIRMED (nothing
     * published speaks of a rotated key); this is the simulator's choice.
     */
    rotateKey(next: string) {
      kit.rotateKey(next);
    },
    /** The users stored, in order of their first write, with copies of their metadata and writers. */
    users: () => stored("users").map(({ id, ...user }) => ({ user_id: id, ...user })),
    /** The companies stored, in order of their first write, with copies of their metadata and writers. */
    companies: () =>
      stored("companies").map(({ id, ...company }) => ({ ...company, company_id: id })),
    /**
     * The jobs (reading them does not tick them); a foreign job has no `ids`. `failure`, present when a job
     * fails, says why (`rejectRate` or `failJobs`); it is decided when the job is made.
     */
    jobs: () =>
      [...jobs.values()].map((job) => ({
        /** The job's id, as its answers give it. */
        job_id: job.id,
        /** Whether it identifies users or companies. */
        kind: job.kind,
        /** Its status now (a job whose time has come is ended first). */
        status: statusOf(settle(job)),
        /** The rows it claims: its records, or a foreign job's `rows`. */
        total_rows: job.rows,
        /** The ids of its records, in request order; empty for a foreign job. */
        ids: [...job.ids],
        /** Started by `startForeignJob`, not by a bulk request. */
        foreign: job.foreign,
        /** Its status polls and the bulk requests it turned away while it ran. */
        ticks: job.ticks,
        ...(job.failure !== undefined && { failure: job.failure }),
      })),
    /**
     * Starts a job that is not the client's (another process, an interrupted run): it blocks bulk requests
     * with 409 until it ends, ticking once per turned-away request. Throws if a job is running.
     */
    startForeignJob(foreign: T.UserpilotForeignJobOptions = {}): string {
      const active = running();
      if (active) throw new Error(`userpilot simulator: job ${active.id} is still running`);
      return addJob("users", [], 0, foreign).id;
    },
  };
}

/** Eight hex digits derived from a job's number, standing in for the uuid of a real job id. */
const suffix = (index: number) =>
  Math.floor(seededRandom(index * 2654435761)() * 0x100000000)
    .toString(16)
    .padStart(8, "0");
