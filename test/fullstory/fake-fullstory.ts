// A stateful FullStory batch-import "vendor" for msw: jobs that process over a number of status polls, the
// idempotency-key store (a known key replays its job), paged result lists that answer 202 while processing,
// and fault hooks. It counts what a test needs: create attempts, distinct jobs, imports per user.
import { HttpResponse, http, type HttpHandler } from "msw";
import type { components } from "../../generated/fullstory.js";
import { HOSTS } from "../support/msw.js";

type Schemas = components["schemas"];
type User = Schemas["BatchUserImportRequest"];
type Imported = Schemas["ImportedUser"];
type Failure = Schemas["FailedUserImport"];

export type Operation = "create" | "status" | "imports" | "errors";

export interface FakeOptions {
  /** Status polls that answer PROCESSING before the job ends. Default 1 (the first poll ends it). */
  pollsToFinish?: number;
  /** Results per page of /imports and /errors. Default 1,000. */
  pageSize?: number;
  /** Makes FullStory fail a user: its error code and message. */
  fail?: (user: User) => { code: string; message: string } | undefined;
  /** Users the job neither imports nor lists as failed. */
  omit?: (user: User) => boolean;
  /** The job ends FAILED even when no user failed (with `omit`, a job whose lists miss users). */
  forceFailed?: boolean;
  /** 202 answers of each result list after the job has ended (FullStory still assembling the lists). */
  listLag?: number;
  /** `next_page_token` on the last page: absent (default) or empty. */
  lastToken?: "absent" | "empty";
  /** From the second page on, answer with the same `next_page_token` as was sent (a stuck cursor). */
  repeatToken?: boolean;
  /**
   * Every page answers a new `next_page_token`, past the end of the list too (a hostile cursor), up to 1,000
   * pages, so that a client without bounds fails its test instead of running forever.
   */
  endlessPages?: boolean;
  /** Entries listed before the job's own: users that were never sent, or entries for the wrong user. */
  ghosts?: { imports?: Imported[]; errors?: Failure[] };
  /** The counts the status answers instead of the lists' lengths. */
  statusCounts?: { imports: number; errors?: number };
  /** The `total_records` every list page answers instead of the list's length. */
  totalRecords?: string;
  /**
   * Called before each request is handled; a Response answers it instead (the vendor does nothing, e.g. a 500
   * that is not stored under the idempotency key), `undefined` lets it through.
   */
  fault?: (
    operation: Operation,
    attempt: number,
    request: Request,
    users?: readonly User[],
  ) => Response | undefined;
  /** Called after a create made (or replayed) a job, before answering; a Response replaces the answer. */
  afterCreate?: (job: Job, attempt: number) => Response | undefined;
}

export interface Job {
  readonly id: string;
  readonly created: string;
  readonly users: User[];
  readonly key: string | null;
  polls: number;
  status: "PROCESSING" | "COMPLETED" | "FAILED";
  imports: Imported[];
  errors: Failure[];
  listAnswers: { imports: number; errors: number };
}

export interface CreateAttempt {
  readonly key: string | null;
  readonly users: User[];
}

/** FullStory's id for a user: stable across fakes, so reports of separate runs compare equal. */
export const fullStoryIdOf = (user: User) => user.id ?? `fs-${user.uid ?? user.email ?? "anon"}`;

export class FakeFullStory {
  readonly jobs = new Map<string, Job>();
  readonly byKey = new Map<string, string>();
  readonly creates: CreateAttempt[] = [];
  /** Times each user (by uid, else id, else email) was written by a job. */
  readonly imported = new Map<string, number>();
  readonly requests: Record<Operation, string[]> = {
    create: [],
    status: [],
    imports: [],
    errors: [],
  };
  /** The page_token of every list request (null for none), by list. */
  readonly tokens: Record<"imports" | "errors", (string | null)[]> = { imports: [], errors: [] };

  constructor(public options: FakeOptions = {}) {}

  handlers(): HttpHandler[] {
    const base = `${HOSTS.fullstory}/v2/users/batch`;
    return [
      http.post(base, ({ request }) => this.#create(request)),
      http.get(`${base}/:jobId`, ({ request, params }) =>
        this.#status(request, String(params["jobId"])),
      ),
      http.get(`${base}/:jobId/imports`, ({ request, params }) =>
        this.#list(request, "imports", String(params["jobId"])),
      ),
      http.get(`${base}/:jobId/errors`, ({ request, params }) =>
        this.#list(request, "errors", String(params["jobId"])),
      ),
    ];
  }

  /** Uids (or keys) of the users a job wrote more than once. */
  duplicates(): string[] {
    return [...this.imported].filter(([, n]) => n > 1).map(([key]) => key);
  }

  #fault(
    operation: Operation,
    request: Request,
    detail: string,
    users?: readonly User[],
  ): Response | undefined {
    this.requests[operation].push(detail);
    return this.options.fault?.(operation, this.requests[operation].length, request, users);
  }

  async #create(request: Request): Promise<Response> {
    const body = (await request.clone().json()) as { requests: User[] };
    const key = request.headers.get("idempotency-key");
    this.creates.push({ key, users: body.requests });
    const faulted = this.#fault("create", request, key ?? "", body.requests);
    if (faulted !== undefined) return faulted;
    const known = key === null ? undefined : this.byKey.get(key);
    let job = known === undefined ? undefined : this.jobs.get(known);
    if (job === undefined) {
      job = {
        id: `job-${this.jobs.size + 1}`,
        created: new Date(Date.UTC(2026, 0, 1, 0, this.jobs.size)).toISOString(),
        users: body.requests,
        key,
        polls: 0,
        status: "PROCESSING",
        imports: [],
        errors: [],
        listAnswers: { imports: 0, errors: 0 },
      };
      this.jobs.set(job.id, job);
      if (key !== null) this.byKey.set(key, job.id);
    }
    const replaced = this.options.afterCreate?.(job, this.creates.length);
    if (replaced !== undefined) return replaced;
    return HttpResponse.json({ job: { id: job.id, status: "PROCESSING", created: job.created } });
  }

  #status(request: Request, jobId: string): Response {
    const faulted = this.#fault("status", request, jobId);
    if (faulted !== undefined) return faulted;
    const job = this.jobs.get(jobId);
    if (job === undefined) return notFound();
    if (job.status === "PROCESSING") {
      job.polls += 1;
      if (job.polls >= (this.options.pollsToFinish ?? 1)) this.#finish(job);
    }
    return HttpResponse.json({
      ...(this.options.statusCounts ?? {
        imports: job.imports.length,
        errors: job.errors.length,
      }),
      job: {
        id: job.id,
        status: job.status,
        created: job.created,
        ...(job.status === "PROCESSING" ? {} : { finished: "2026-01-01T01:00:00.000Z" }),
      },
    });
  }

  #finish(job: Job): void {
    job.imports.push(...(this.options.ghosts?.imports ?? []));
    job.errors.push(...(this.options.ghosts?.errors ?? []));
    for (const user of job.users) {
      if (this.options.omit?.(user) === true) continue;
      const failure = this.options.fail?.(user);
      if (failure !== undefined) {
        job.errors.push({ ...failure, user });
        continue;
      }
      job.imports.push({
        id: fullStoryIdOf(user),
        ...(user.uid === undefined ? {} : { uid: user.uid }),
        ...(user.email === undefined ? {} : { email: user.email }),
        ...(user.display_name === undefined ? {} : { display_name: user.display_name }),
      });
      const who = user.uid ?? user.id ?? user.email ?? "anon";
      this.imported.set(who, (this.imported.get(who) ?? 0) + 1);
    }
    job.status =
      job.errors.length > 0 || this.options.forceFailed === true ? "FAILED" : "COMPLETED";
  }

  #list(request: Request, list: "imports" | "errors", jobId: string): Response {
    const token = new URL(request.url).searchParams.get("page_token");
    this.tokens[list].push(token);
    const faulted = this.#fault(list, request, jobId);
    if (faulted !== undefined) return faulted;
    const job = this.jobs.get(jobId);
    if (job === undefined) return notFound();
    if (job.status === "PROCESSING") return new HttpResponse(null, { status: 202 });
    job.listAnswers[list] += 1;
    if (job.listAnswers[list] <= (this.options.listLag ?? 0)) {
      return new HttpResponse(null, { status: 202 });
    }
    const all: unknown[] = list === "imports" ? job.imports : job.errors;
    const size = this.options.pageSize ?? 1000;
    const offset = token === null ? 0 : Number(token.slice(1));
    const end = offset + size;
    const next =
      this.options.repeatToken === true && token !== null
        ? token
        : end < all.length || (this.options.endlessPages === true && end < ENDLESS_PAGES)
          ? `p${end}`
          : this.options.lastToken === "empty"
            ? ""
            : undefined;
    return HttpResponse.json({
      results: all.slice(offset, end),
      total_records: this.options.totalRecords ?? String(all.length),
      ...(next === undefined ? {} : { next_page_token: next }),
    });
  }
}

/** Where `endlessPages` gives up (with page size 1, a thousand pages). */
const ENDLESS_PAGES = 1_000;

export const fsError = (status: number, code: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ message: `${code} (fake)`, code }, { status, headers });

function notFound(): Response {
  return fsError(404, "resource_not_found");
}
