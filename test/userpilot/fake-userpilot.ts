// A stateful msw "Userpilot" for import tests: bulk identify creates background jobs that walk through their
// statuses as they are polled, one bulk job at a time (409 while one runs), users upserted on user_id when
// their job completes, `GET /v1/background_jobs` listing every job, with faults injectable per request,
// including answers lost after the job was created.
import { HttpResponse, http, type HttpHandler } from "msw";
import type { components } from "../../generated/userpilot.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { userpilotJobId } from "../../src/testing/fixtures/userpilot.js";
import { HOSTS } from "../support/msw.js";
import { loadSpec } from "../support/specs.js";

type User = components["schemas"]["BulkIdentifyUser"];

const TERMINAL = new Set(["completed", "failed"]);
const REQUEST_SCHEMA = "#/components/schemas/BulkIdentifyUsersRequest";

export interface FakeJob {
  readonly id: string;
  readonly userIds: readonly string[];
  /** Rows the job reports (`total_rows`): its users, or a foreign job's own count. */
  readonly rows: number;
  /** When the job was created, in ms (`start_time`); a test may move it back to model a longer job. */
  createdAt: number;
  /** When the vendor first reported it terminal, in ms (`end_time`). */
  endedAt: number | undefined;
  /** The POST (1-based) that created it; 0 for a foreign job. */
  readonly createdBy: number;
  /** The statuses the job reports on successive polls (the last one repeats). */
  readonly statuses: readonly string[];
  /** Extra fields of the job body once it has failed. */
  readonly failure: Record<string, unknown>;
  /** Not submitted by the importer under test (another process's job). */
  readonly foreign: boolean;
  polls: number;
  /** The status the vendor last told anyone: the job blocks others until this is terminal. */
  reported: string;
}

/** A fault to answer with instead of the vendor's normal behaviour (undefined: behave normally). */
export type Fault = Response | undefined;

export interface Submission {
  /** 1-based count of POSTs. */
  readonly attempt: number;
  readonly userIds: readonly string[];
  readonly bytes: number;
  readonly status: number;
}

export interface ForeignJobOptions {
  /** Its `total_rows`. Default 0. */
  readonly rows?: number;
  /** When it started, in ms. Default now. */
  readonly startedAt?: number;
}

/** An HTML error page as a gateway in front of Userpilot sends it (502, 504, …). */
export const gatewayPage = (status: number) =>
  new HttpResponse(`<html><body><h1>${status} Gateway error</h1></body></html>`, {
    status,
    headers: { "Content-Type": "text/html" },
  });

export const errorBody = (error: string, message: string, details?: string) => ({
  errors: [{ error, error_code: error, message, ...(details === undefined ? {} : { details }) }],
});

export class FakeUserpilot {
  readonly jobs = new Map<string, FakeJob>();
  readonly submissions: Submission[] = [];
  /** Every GET /v1/background_jobs/{id}: the raw path and the status answered. */
  readonly polls: { path: string; status: string | number }[] = [];
  /** How often each user ended in a completed job. */
  readonly imported = new Map<string, number>();
  /** How often each user was accepted into a job. */
  readonly accepted = new Map<string, number>();
  /** The users Userpilot holds, upserted on user_id as their jobs complete (the last write wins). */
  readonly stored = new Map<string, User>();
  /** Every request in order, as `POST <status>`, `LIST <status>` or `POLL <status>`. */
  readonly requests: string[] = [];
  /** Every GET /v1/background_jobs: the status answered. */
  readonly lists: (number | string)[] = [];
  /** Request bodies that do not conform to the spec's request schema. */
  readonly violations: string[] = [];
  /**
   * Submissions made while one of the importer's own jobs was still running (answered 409). An importer that
   * follows each job to its end never makes one; one that gave up on a job (timeout, polling failed) may.
   */
  readonly selfConflicts: string[] = [];
  readonly #faker = seededFaker("fake userpilot job ids");
  #pollCount = 0;
  readonly #bodies = new WeakMap<FakeJob, readonly User[]>();
  #acceptedJobs = 0;

  /** Statuses a new job walks through on successive polls; by default queued → completed. */
  statusesFor: (jobNumber: number, userIds: readonly string[]) => readonly string[] = () => [
    "queued",
    "completed",
  ];
  failureFor: (jobNumber: number) => Record<string, unknown> = () => ({});
  /** A fault for the n-th POST (1-based), before anything else. */
  submitFault: (attempt: number, userIds: readonly string[]) => Fault = () => undefined;
  /**
   * Replaces the 202 of the n-th POST (1-based) after its job was created: the request was processed and its
   * answer is lost (a dropped connection, a gateway page).
   */
  answerFault: (attempt: number, job: FakeJob) => Fault = () => undefined;
  /** A fault for the n-th GET /v1/background_jobs (1-based). */
  listFault: (list: number) => Fault = () => undefined;
  /** Whether the n-th list (1-based) shows a job yet (a list that lags behind job creation). */
  listed: (job: FakeJob, list: number) => boolean = () => true;
  /** A fault for the n-th poll (1-based) of a job, before it is looked up. */
  pollFault: (poll: number, job: FakeJob | undefined) => Fault = () => undefined;
  /** Bodies with more users than this are refused with 413 (Userpilot's limit is in bytes; this simulates one). */
  maxUsersPerBody = Number.POSITIVE_INFINITY;
  /** Called after a job is accepted (e.g. to abort the import then). */
  onAccepted: (job: FakeJob, jobNumber: number) => void = () => {};
  /** Called when a job is polled, after its answer is decided. */
  onPolled: (job: FakeJob, poll: number) => void = () => {};

  /** A running bulk job of someone else, which finishes after `conflicts` submissions were refused for it. */
  foreignJob(conflicts: number, options: ForeignJobOptions = {}): FakeJob {
    const job = this.#newJob([], ["processing"], 0, options);
    let left = conflicts;
    this.#onConflict = (running) => {
      if (running === job && --left <= 0) {
        job.reported = "completed";
        job.endedAt = Date.now();
      }
    };
    return job;
  }
  #onConflict: (running: FakeJob) => void = () => {};

  running(): FakeJob | undefined {
    for (const job of this.jobs.values()) if (!TERMINAL.has(job.reported)) return job;
    return undefined;
  }

  /** The importer's jobs (not foreign ones), in creation order. */
  ownJobs(): FakeJob[] {
    return [...this.jobs.values()].filter((j) => !j.foreign);
  }

  /** Users accepted into jobs, by job, in submission order. */
  acceptedChunks(): string[][] {
    return [...this.jobs.values()].filter((j) => !j.foreign).map((j) => [...j.userIds]);
  }

  handlers(): HttpHandler[] {
    const spec = loadSpec("userpilot");
    return [
      http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, async ({ request }) => {
        const text = await request.text();
        const body = JSON.parse(text) as { users: User[] };
        const userIds = body.users.map((u) => u.user_id);
        const attempt = this.submissions.length + 1;
        const answer = (response: Response) => {
          this.submissions.push({
            attempt,
            userIds,
            bytes: Buffer.byteLength(text),
            status: response.status,
          });
          this.requests.push(`POST ${response.status}`);
          return response;
        };
        for (const problem of spec.problems(REQUEST_SCHEMA, body)) {
          this.violations.push(`POST ${attempt}: ${problem}`);
        }
        if (request.headers.get("authorization") !== "Token up-test-key") {
          return answer(
            HttpResponse.json(errorBody("unauthorized", "Invalid API key"), { status: 401 }),
          );
        }
        const fault = this.submitFault(attempt, userIds);
        if (fault !== undefined) return answer(fault);
        if (userIds.length > this.maxUsersPerBody) {
          return answer(
            HttpResponse.json(errorBody("payload_too_large", "Payload too large"), { status: 413 }),
          );
        }
        const running = this.running();
        if (running !== undefined) {
          if (running.foreign) this.#onConflict(running);
          else {
            this.selfConflicts.push(`POST ${attempt} while the importer's job ${running.id} ran`);
            this.#advance(running); // time passes for a job nobody polls, too
          }
          return answer(
            HttpResponse.json(
              errorBody(
                "conflict",
                "A bulk job is already in progress",
                `Wait for job ${running.id} to finish.`,
              ),
              { status: 409 },
            ),
          );
        }
        const jobNumber = ++this.#acceptedJobs;
        const job = this.#newJob(userIds, this.statusesFor(jobNumber, userIds), attempt);
        this.#bodies.set(job, body.users);
        Object.assign(job.failure, this.failureFor(jobNumber));
        for (const id of userIds) this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
        this.onAccepted(job, jobNumber);
        const lost = this.answerFault(attempt, job);
        if (lost !== undefined) return answer(lost);
        return answer(
          HttpResponse.json(
            { job_id: job.id, status: "queued", submitted_at: "2025-05-19T07:29:12Z" },
            { status: 202 },
          ),
        );
      }),
      http.get(`${HOSTS.userpilot}/v1/background_jobs`, () => {
        const list = this.lists.length + 1;
        const fault = this.listFault(list);
        if (fault !== undefined) {
          this.lists.push(fault.status);
          this.requests.push(`LIST ${fault.status}`);
          return fault;
        }
        this.lists.push(200);
        this.requests.push("LIST 200");
        return HttpResponse.json(
          [...this.jobs.values()]
            .filter((job) => this.listed(job, list))
            .map((job) => ({
              job_id: job.id,
              status: job.reported,
              total_rows: job.rows,
              completed_rows: job.reported === "completed" ? job.rows : 0,
              ...this.#times(job),
            })),
        );
      }),
      http.get(`${HOSTS.userpilot}/v1/background_jobs/:job_id`, ({ request }) => {
        const path = new URL(request.url).pathname;
        const raw = path.slice("/v1/background_jobs/".length);
        const job = this.jobs.get(decodeURIComponent(raw));
        const poll = ++this.#pollCount;
        const fault = this.pollFault(poll, job);
        if (fault !== undefined) {
          this.polls.push({ path, status: fault.status });
          this.requests.push(`POLL ${fault.status}`);
          return fault;
        }
        if (job === undefined) {
          this.polls.push({ path, status: 404 });
          this.requests.push("POLL 404");
          return HttpResponse.json(errorBody("not_found", "Job not found"), { status: 404 });
        }
        const status = this.#advance(job);
        this.polls.push({ path, status });
        this.requests.push(`POLL ${status}`);
        this.onPolled(job, poll);
        const done =
          status === "completed" ? job.userIds.length : Math.floor(job.userIds.length / 2);
        return HttpResponse.json({
          job_id: job.id,
          status,
          total_rows: job.rows,
          completed_rows: done,
          elapsed_time: job.polls,
          ...this.#times(job),
          ...(status === "failed" ? job.failure : {}),
        });
      }),
    ];
  }

  /** Moves a job to its next status (counting its users as imported when it completes). */
  #advance(job: FakeJob): string {
    const status = job.statuses[Math.min(job.polls, job.statuses.length - 1)] ?? "queued";
    job.polls += 1;
    if (!TERMINAL.has(job.reported) && status === "completed") {
      for (const id of job.userIds) this.imported.set(id, (this.imported.get(id) ?? 0) + 1);
      for (const user of this.#bodies.get(job) ?? []) this.stored.set(user.user_id, user);
    }
    if (!TERMINAL.has(job.reported) && TERMINAL.has(status)) job.endedAt = Date.now();
    job.reported = status;
    return status;
  }

  #times(job: FakeJob) {
    return {
      start_time: new Date(job.createdAt).toISOString(),
      end_time: job.endedAt === undefined ? null : new Date(job.endedAt).toISOString(),
    };
  }

  #newJob(
    userIds: readonly string[],
    statuses: readonly string[],
    createdBy: number,
    foreign?: ForeignJobOptions,
  ): FakeJob {
    const job: FakeJob = {
      id: userpilotJobId(this.#faker),
      userIds,
      rows: foreign?.rows ?? userIds.length,
      createdAt: foreign?.startedAt ?? Date.now(),
      endedAt: undefined,
      createdBy,
      statuses,
      failure: {},
      foreign: foreign !== undefined,
      polls: 0,
      reported: "queued",
    };
    this.jobs.set(job.id, job);
    return job;
  }
}
