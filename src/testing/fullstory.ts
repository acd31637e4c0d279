// A FullStory server API v2 simulator (users and batch user import), for tests and local runs.
//
// Simulation choices where FullStory documents nothing (UNCONFIRMED, see specs/fullstory.yaml):
// - A different body (or another operation) under a used `Idempotency-Key` answers 400
//   `idempotency_key_reused`. Results are stored for 24 h of the simulator's clock; 429 and 5xx results are
//   never stored (the newer docs), and fault responses are injected before the endpoint is reached anyway.
// - Changing an identified user's `uid` answers 400 `invalid_argument` ("uid is immutable …").
// - Records the simulator refuses by FullStory's documented property rules (a value over the byte limit, an
//   array of objects, a bad nested name, a dotted path too long, too many properties; limits from the spec) and
//   an `id` that names no user fail per record with `invalid_argument` / `user_not_found`; the `rejectRate`
//   fault fails records with `simulated_rejection`.
import type { components } from "../../generated/fullstory.js";
import { document } from "../../generated/fullstory.document.js";
import { FULLSTORY_LIMITS } from "../fullstory/validate.js";
import { FaultInjector, json, type FaultOptions } from "./faults.js";
import { createRequestValidator } from "./request-validator.js";
import type { SimulatorStats, VendorSimulator } from "./simulator.js";

type Schemas = components["schemas"];
type BatchItem = Schemas["BatchUserImportRequest"];
type ImportedUser = Schemas["ImportedUser"];
type FailedUserImport = Schemas["FailedUserImport"];
type ErrorBody = Schemas["ErrorResponse"];
type JobStatus = Schemas["JobStatus"];
type SchemaType = Schemas["SchemaType"];

export interface FullStorySimulatorOptions {
  /** The key expected as `Authorization: Basic <apiKey>`. Default `"sim-key"`. */
  apiKey?: string;
  /** A path prefix the API is served under (e.g. `"/fs"`). Default `""`. */
  basePath?: string;
  /** Injected faults; `rejectRate` fails batch records (in `/errors`, code `simulated_rejection`). */
  faults?: FaultOptions;
  /** Status polls a batch job answers `PROCESSING` before it ends. Default 2. Ignored when `processingMs` is set. */
  processingPolls?: number;
  /** When set, a job ends once this many ms of `now()` have passed since it was created (instead of by polls). */
  processingMs?: number;
  /**
   * When set, a job is processed at this many users a minute of `now()` from its creation (each job on its
   * own: FullStory runs up to 100 at once), and ends (`finished`) when its last user is done; it overrides
   * `processingMs` and `processingPolls`. A benchmark scales it to measure polling in seconds.
   */
  rowsPerMinute?: number;
  /** The simulator's clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Results per page of `/imports` and `/errors`. Default 1000. */
  pageSize?: number;
  /** Batch jobs in progress at which `POST /v2/users/batch` answers 429 (FullStory: 200). Default 200. */
  maxInProgressJobs?: number;
}

/** A user as the simulator stores it. */
export interface FullStoryUser {
  readonly id: string;
  readonly uid?: string;
  readonly display_name?: string;
  readonly email?: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Property types declared through `schema.properties`, by dotted path. */
  readonly declaredTypes: Readonly<Record<string, SchemaType>>;
  /** The imports that wrote the user: batch job ids and `createUser#<n>` requests, in order. */
  readonly writers: readonly string[];
}

/** A batch job, as the simulator holds it (reading it does not count as a status poll). */
export interface FullStoryJob {
  readonly id: string;
  readonly status: JobStatus;
  readonly created: string;
  readonly finished?: string;
  /** Status polls answered so far. */
  readonly polls: number;
  readonly records: number;
  readonly imports: number;
  readonly errors: number;
  readonly idempotencyKey?: string;
}

export interface FullStorySimulatorStats extends SimulatorStats {
  /** Batch jobs created (idempotent replays create none). */
  readonly jobs: number;
  /** Requests answered from the idempotency store instead of being processed again. */
  readonly replays: number;
  /** Records failed by the simulator's own rules (property limits, unknown `id`): not faults. */
  readonly refused: number;
}

export interface FullStorySimulator extends VendorSimulator {
  readonly vendor: "fullstory";
  stats(): FullStorySimulatorStats;
  /** The stored users, in creation order. */
  users(): FullStoryUser[];
  /** The batch jobs, in creation order. */
  jobs(): FullStoryJob[];
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_VALUE_BYTES = FULLSTORY_LIMITS.propertyValueBytes;
const MAX_PATH_LENGTH = FULLSTORY_LIMITS.propertyPath;
const MAX_PROPERTIES = FULLSTORY_LIMITS.propertyCount;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const POINTERS = {
  createBatchImport: "#/components/schemas/CreateBatchImportRequest",
  createUser: "#/components/schemas/CreateUserRequest",
  updateUser: "#/components/schemas/UpdateUserRequest",
} as const;

let sharedValidator: ((pointer: string, value: unknown) => string[]) | undefined;
function validate(pointer: string, value: unknown): string[] {
  sharedValidator ??= createRequestValidator(document);
  return sharedValidator(pointer, value);
}

interface StoredUser {
  readonly id: string;
  uid?: string;
  display_name?: string;
  email?: string;
  properties: Record<string, unknown>;
  declared: Record<string, SchemaType>;
  readonly writers: string[];
}

interface Job {
  readonly id: string;
  readonly createdMs: number;
  finishedMs?: number;
  polls: number;
  readonly records: number;
  readonly imports: ImportedUser[];
  /** Declared types of each import's user at the time of the write, for `include_schema=true`. */
  readonly importTypes: Record<string, SchemaType>[];
  readonly errors: FailedUserImport[];
  readonly idempotencyKey?: string;
}

interface StoredResult {
  readonly operation: string;
  readonly bodyText: string;
  readonly status: number;
  readonly body: unknown;
  readonly atMs: number;
}

type Route =
  | { readonly op: "createBatchImport" }
  | { readonly op: "getBatchImportStatus"; readonly jobId: string }
  | { readonly op: "getBatchImports"; readonly jobId: string }
  | { readonly op: "getBatchImportErrors"; readonly jobId: string }
  | { readonly op: "createUser" }
  | { readonly op: "getUser"; readonly id: string }
  | { readonly op: "updateUser"; readonly id: string }
  | { readonly op: "unknown" };

const TEMPLATES: Record<Route["op"], string> = {
  createBatchImport: "POST /v2/users/batch",
  getBatchImportStatus: "GET /v2/users/batch/{job_id}",
  getBatchImports: "GET /v2/users/batch/{job_id}/imports",
  getBatchImportErrors: "GET /v2/users/batch/{job_id}/errors",
  createUser: "POST /v2/users",
  getUser: "GET /v2/users/{id}",
  updateUser: "POST /v2/users/{id}",
  unknown: "",
};

/** An answer computed by an operation: stored under an idempotency key when it is not a 429/5xx. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const fail = (status: number, code: string, message: string): Answer => ({
  status,
  body: { message, code } satisfies ErrorBody,
});

/**
 * A stateful FullStory simulator. Batch jobs are processed when created (users upserted by `uid`, else `id`,
 * else `email`) and report `PROCESSING` for `processingPolls` status polls, then `COMPLETED` (no errors) or
 * `FAILED` (any error, including a partial failure). `duplicates` counts batch jobs created again for the
 * same batch content (a chunk re-sent under a new idempotency key); `rewrites` counts users written again by
 * a later import (batch job or `createUser` request). Idempotent replays write nothing.
 */
export function createFullStorySimulator(
  options: FullStorySimulatorOptions = {},
): FullStorySimulator {
  const apiKey = options.apiKey ?? "sim-key";
  const basePath = (options.basePath ?? "").replace(/\/$/, "");
  const now = options.now ?? Date.now;
  const processingPolls = options.processingPolls ?? 2;
  const pageSize = Math.max(1, options.pageSize ?? 1000);
  const maxInProgress = options.maxInProgressJobs ?? 200;

  const injector = new FaultInjector(options.faults ?? {});
  const requests: Record<string, number> = {};
  const usersById = new Map<string, StoredUser>();
  const usersByUid = new Map<string, StoredUser>();
  const jobs = new Map<string, Job>();
  const idempotency = new Map<string, StoredResult>();
  /** Batch jobs created per batch content (its `requests`, as JSON): more than one is a duplicate. */
  const jobsByContent = new Map<string, number>();
  let userSeq = 0;
  let jobSeq = 0;
  let createUserSeq = 0;
  let rejected = 0;
  let refused = 0;
  let replays = 0;

  const iso = (ms: number) => new Date(ms).toISOString();

  function faultBody(status: number): ErrorBody {
    if (status === 429) {
      return {
        message: "Too many requests. Client has exceeded the rate limit for this endpoint.",
        code: "too_many_requests",
      };
    }
    if (status === 503) return { message: "Service unavailable", code: "service_unavailable" };
    return { message: "Server error was encountered", code: "server_error" };
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
    const [v2, users, third, fourth, fifth, ...rest] = parts;
    if (v2 !== "v2" || users !== "users" || rest.length > 0) return { op: "unknown" };
    if (third === undefined) return method === "POST" ? { op: "createUser" } : { op: "unknown" };
    if (third === "batch") {
      if (fourth === undefined)
        return method === "POST" ? { op: "createBatchImport" } : { op: "unknown" };
      if (method !== "GET" || fourth === "") return { op: "unknown" };
      if (fifth === undefined) return { op: "getBatchImportStatus", jobId: fourth };
      if (fifth === "imports") return { op: "getBatchImports", jobId: fourth };
      if (fifth === "errors") return { op: "getBatchImportErrors", jobId: fourth };
      return { op: "unknown" };
    }
    if (fourth !== undefined || third === "") return { op: "unknown" };
    if (method === "GET") return { op: "getUser", id: third };
    if (method === "POST") return { op: "updateUser", id: third };
    return { op: "unknown" };
  }

  /** Reads and checks a JSON body against the operation's request schema. */
  async function readBody(
    request: Request,
    pointer: string,
  ): Promise<
    { ok: true; text: string; value: unknown } | { ok: false; text: string; answer: Answer }
  > {
    const text = await request.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return {
        ok: false,
        text,
        answer: fail(400, "invalid_argument", "request body is not valid JSON"),
      };
    }
    const problems = validate(pointer, value);
    if (problems.length === 0) return { ok: true, text, value };
    const shown = problems.slice(0, 20).join("; ");
    const more = problems.length > 20 ? `; and ${problems.length - 20} more` : "";
    const code = problems.every((p) => p.includes("must have required property"))
      ? "required_field"
      : "invalid_argument";
    return { ok: false, text, answer: fail(400, code, `invalid request body: ${shown}${more}`) };
  }

  /** Runs an operation under an `Idempotency-Key`: the first stored result is replayed for the same body. */
  async function idempotent(
    request: Request,
    operation: string,
    pointer: string,
    run: (value: unknown) => Answer,
  ): Promise<Answer> {
    const read = await readBody(request, pointer);
    const key = request.headers.get("idempotency-key");
    if (key !== null && key !== "") {
      const stored = idempotency.get(key);
      if (stored !== undefined && now() - stored.atMs < DAY_MS) {
        if (stored.operation !== operation || stored.bodyText !== read.text) {
          return fail(
            400,
            "idempotency_key_reused",
            `Idempotency-Key ${key} was already used with a different request; send the same body to retry, or use a new key`,
          );
        }
        replays += 1;
        return { status: stored.status, body: stored.body };
      }
    }
    const answer = read.ok ? run(read.value) : read.answer;
    if (key !== null && key !== "" && answer.status !== 429 && answer.status < 500) {
      idempotency.set(key, {
        operation,
        bodyText: read.text,
        status: answer.status,
        body: answer.body,
        atMs: now(),
      });
    }
    return answer;
  }

  function finishIfDue(job: Job): void {
    if (job.finishedMs !== undefined) return;
    const rate = options.rowsPerMinute;
    if (rate !== undefined && rate > 0) {
      // The job ended when its last user was done, not when someone looked.
      const end = job.createdMs + Math.ceil((job.records * 60_000) / rate);
      if (now() >= end) job.finishedMs = end;
      return;
    }
    const due =
      options.processingMs !== undefined
        ? now() - job.createdMs >= options.processingMs
        : job.polls > processingPolls;
    if (due) job.finishedMs = now();
  }

  function statusOf(job: Job): JobStatus {
    if (job.finishedMs === undefined) return "PROCESSING";
    return job.errors.length === 0 ? "COMPLETED" : "FAILED";
  }

  function metadata(job: Job): Schemas["JobMetadata"] {
    return {
      id: job.id,
      status: statusOf(job),
      created: iso(job.createdMs),
      ...(job.finishedMs !== undefined && { finished: iso(job.finishedMs) }),
    };
  }

  /** Why the simulator refuses a user's properties under FullStory's documented rules, if it does. */
  function refusalOf(properties: Record<string, unknown> | undefined): string | undefined {
    if (properties === undefined) return undefined;
    let leaves = 0;
    const walk = (object: Record<string, unknown>, prefix: string): string | undefined => {
      for (const [name, value] of Object.entries(object)) {
        const path = prefix === "" ? name : `${prefix}.${name}`;
        if (!NAME.test(name))
          return `property name ${JSON.stringify(path)} must match [A-Za-z][A-Za-z0-9_]*`;
        if (path.length > MAX_PATH_LENGTH) {
          return `property path ${path.slice(0, 40)}… is longer than ${MAX_PATH_LENGTH} characters`;
        }
        if (isPlainObject(value)) {
          const inner = walk(value, path);
          if (inner !== undefined) return inner;
          continue;
        }
        if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object")) {
          return `property ${path}: arrays of objects are not supported`;
        }
        const bytes = Buffer.byteLength(
          typeof value === "string" ? value : (JSON.stringify(value) ?? ""),
        );
        if (bytes > MAX_VALUE_BYTES) {
          return `property ${path}: value is ${bytes} bytes, more than the ${MAX_VALUE_BYTES} allowed`;
        }
        leaves += 1;
      }
      return undefined;
    };
    const problem = walk(properties, "");
    if (problem !== undefined) return problem;
    if (leaves > MAX_PROPERTIES)
      return `${leaves} properties, more than the ${MAX_PROPERTIES} allowed`;
    return undefined;
  }

  function newUser(): StoredUser {
    userSeq += 1;
    const user: StoredUser = {
      id: String(4_200_000_000 + userSeq),
      properties: {},
      declared: {},
      writers: [],
    };
    usersById.set(user.id, user);
    return user;
  }

  function findByEmail(email: string): StoredUser | undefined {
    for (const user of usersById.values()) if (user.email === email) return user;
    return undefined;
  }

  type Fields = Omit<BatchItem, "id">;

  /** Sets a user's fields; an error when it would change an identified user's uid or take another's. */
  function apply(user: StoredUser, fields: Fields, writer: string | undefined): Answer | undefined {
    if (fields.uid !== undefined && fields.uid !== user.uid) {
      if (user.uid !== undefined) {
        return fail(
          400,
          "invalid_argument",
          `uid is immutable: user ${user.id} already has uid ${JSON.stringify(user.uid)}`,
        );
      }
      const owner = usersByUid.get(fields.uid);
      if (owner !== undefined && owner !== user) {
        return fail(
          400,
          "invalid_argument",
          `uid ${JSON.stringify(fields.uid)} belongs to user ${owner.id}`,
        );
      }
    }
    if (fields.uid !== undefined && user.uid === undefined) {
      user.uid = fields.uid;
      usersByUid.set(fields.uid, user);
    }
    if (fields.display_name !== undefined) user.display_name = fields.display_name;
    if (fields.email !== undefined) user.email = fields.email;
    if (fields.properties !== undefined)
      user.properties = merge(user.properties, fields.properties);
    const declared = fields.schema?.properties;
    if (declared !== undefined) user.declared = { ...user.declared, ...declared };
    if (writer !== undefined && user.writers[user.writers.length - 1] !== writer)
      user.writers.push(writer);
    return undefined;
  }

  /** Upserts one batch item: by `uid`, else by `id` (which must exist), else by `email`, else a new user. */
  function upsert(item: BatchItem, writer: string): StoredUser | Answer {
    let user: StoredUser | undefined;
    if (item.uid !== undefined) user = usersByUid.get(item.uid);
    if (user === undefined && item.id !== undefined) {
      user = usersById.get(item.id);
      if (user === undefined)
        return fail(404, "user_not_found", `User with id ${item.id} does not exist`);
    }
    if (user === undefined && item.uid === undefined && item.email !== undefined) {
      user = findByEmail(item.email);
    }
    const created = user === undefined;
    const target = user ?? newUser();
    const { id: _id, ...fields } = item;
    const problem = apply(target, fields, writer);
    if (problem !== undefined && created) usersById.delete(target.id);
    return problem ?? target;
  }

  function importedOf(user: StoredUser): ImportedUser {
    return {
      id: user.id,
      ...(user.uid !== undefined && { uid: user.uid }),
      ...(user.display_name !== undefined && { display_name: user.display_name }),
      ...(user.email !== undefined && { email: user.email }),
      properties: structuredClone(user.properties),
      schema: null,
      type_conflicts: null,
    };
  }

  function createBatchImport(value: unknown, key: string | undefined): Answer {
    const inProgress = [...jobs.values()].filter((job) => {
      finishIfDue(job);
      return job.finishedMs === undefined;
    }).length;
    if (inProgress >= maxInProgress) {
      return fail(
        429,
        "too_many_requests",
        `${inProgress} batch import jobs are in progress; wait for some to finish`,
      );
    }
    const body = value as Schemas["CreateBatchImportRequest"];
    jobSeq += 1;
    const job: Job = {
      id: `sim-batch-${String(jobSeq).padStart(6, "0")}`,
      createdMs: now(),
      polls: 0,
      records: body.requests.length,
      imports: [],
      importTypes: [],
      errors: [],
      ...(key !== undefined && { idempotencyKey: key }),
    };
    const content = JSON.stringify(body.requests);
    jobsByContent.set(content, (jobsByContent.get(content) ?? 0) + 1);
    for (const item of body.requests) {
      const verdict = injector.verdict(recordKey(item));
      if (verdict.refused) {
        if (!verdict.again) rejected += 1;
        job.errors.push({
          message: "the simulator rejected this user (rejectRate)",
          code: "simulated_rejection",
          user: item,
        });
        continue;
      }
      const problem = refusalOf(item.properties);
      const result: StoredUser | Answer =
        problem === undefined ? upsert(item, job.id) : fail(400, "invalid_argument", problem);
      if ("status" in result) {
        refused += 1;
        const error = result.body as ErrorBody;
        job.errors.push({ message: error.message, code: error.code, user: item });
        continue;
      }
      job.imports.push(importedOf(result));
      job.importTypes.push(typesOf(result.properties, result.declared));
    }
    jobs.set(job.id, job);
    return {
      status: 200,
      body: { job: metadata(job) } satisfies Schemas["CreateBatchImportResponse"],
    };
  }

  function page<T>(
    items: readonly T[],
    token: string | null,
  ): { results: T[]; next?: string } | undefined {
    let offset = 0;
    if (token !== null && token !== "") {
      const match = /^page-(\d+)$/.exec(token);
      if (match === null) return undefined;
      offset = Number(match[1]);
    }
    const results = items.slice(offset, offset + pageSize);
    const end = offset + results.length;
    return end < items.length ? { results, next: `page-${end}` } : { results };
  }

  function listing(jobId: string, url: URL, which: "imports" | "errors"): Response {
    const job = jobs.get(jobId);
    if (job === undefined)
      return answer(fail(404, "resource_not_found", `Job ${jobId} does not exist`));
    finishIfDue(job);
    if (job.finishedMs === undefined) return new Response(null, { status: 202 });
    const token = url.searchParams.get("page_token");
    if (which === "errors") {
      const got = page(job.errors, token);
      if (got === undefined)
        return answer(fail(400, "invalid_argument", "page_token is not valid"));
      return json({
        results: got.results,
        total_records: String(job.errors.length),
        ...(got.next !== undefined && { next_page_token: got.next }),
      } satisfies Schemas["BatchImportErrorsResponse"]);
    }
    const withSchema = url.searchParams.get("include_schema") === "true";
    const indexed = job.imports.map((user, index) => ({ user, index }));
    const got = page(indexed, token);
    if (got === undefined) return answer(fail(400, "invalid_argument", "page_token is not valid"));
    const results = got.results.map(({ user, index }) =>
      withSchema ? { ...user, schema: { properties: job.importTypes[index] ?? {} } } : user,
    );
    return json({
      results,
      total_records: String(job.imports.length),
      ...(got.next !== undefined && { next_page_token: got.next }),
    } satisfies Schemas["BatchImportsResponse"]);
  }

  function createUser(value: unknown): Answer {
    const body = value as Schemas["CreateUserRequest"];
    const problem = refusalOf(body.properties);
    if (problem !== undefined) return fail(400, "invalid_argument", problem);
    createUserSeq += 1;
    const existing = body.uid === undefined ? undefined : usersByUid.get(body.uid);
    const user = existing ?? newUser();
    const error = apply(user, body, `createUser#${createUserSeq}`);
    if (error !== undefined) return error;
    return { status: 200, body: { id: user.id } satisfies Schemas["CreateUserResponse"] };
  }

  function getUser(id: string, url: URL): Answer {
    const user = usersById.get(id);
    if (user === undefined) return fail(404, "user_not_found", "User with that ID does not exist");
    const withSchema = url.searchParams.get("include_schema") === "true";
    const body: Schemas["GetUserResponse"] = {
      id: user.id,
      ...(user.uid !== undefined && { uid: user.uid }),
      ...(user.display_name !== undefined && { display_name: user.display_name }),
      ...(user.email !== undefined && { email: user.email }),
      is_being_deleted: false,
      properties: structuredClone(user.properties),
      schema: withSchema ? { properties: typesOf(user.properties, user.declared) } : null,
      type_conflicts: null,
      app_url: `https://app.fullstory.com/ui/sim/segments/everyone/people/user/${encodeURIComponent(user.id)}`,
    };
    return { status: 200, body };
  }

  function updateUser(id: string, value: unknown): Answer {
    const user = usersById.get(id);
    if (user === undefined) return fail(404, "user_not_found", "User with that ID does not exist");
    const body = value as Schemas["UpdateUserRequest"];
    const problem = refusalOf(body.properties);
    if (problem !== undefined) return fail(400, "invalid_argument", problem);
    const error = apply(user, body, undefined);
    if (error !== undefined) return error;
    return { status: 200, body: { id: user.id } satisfies Schemas["UpdateUserResponse"] };
  }

  const answer = (a: Answer): Response => json(a.body, a.status);

  async function respond(request: Request, url: URL, target: Route): Promise<Response> {
    if (request.headers.get("authorization") !== `Basic ${apiKey}`) {
      return answer(fail(401, "unauthorized", "access is unauthorized"));
    }
    switch (target.op) {
      case "createBatchImport": {
        const key = request.headers.get("idempotency-key") ?? "";
        const result = await idempotent(request, target.op, POINTERS.createBatchImport, (value) =>
          createBatchImport(value, key === "" ? undefined : key),
        );
        if (result.status === 429) {
          return json(result.body, 429, {
            "Retry-After": String(injector.retryAfterSeconds),
          });
        }
        return answer(result);
      }
      case "getBatchImportStatus": {
        const job = jobs.get(target.jobId);
        if (job === undefined) {
          return answer(fail(404, "resource_not_found", `Job ${target.jobId} does not exist`));
        }
        if (job.finishedMs === undefined) job.polls += 1;
        finishIfDue(job);
        const finished = job.finishedMs !== undefined;
        return json({
          imports: finished ? job.imports.length : 0,
          errors: finished ? job.errors.length : 0,
          job: metadata(job),
        } satisfies Schemas["BatchImportStatusResponse"]);
      }
      case "getBatchImports":
        return listing(target.jobId, url, "imports");
      case "getBatchImportErrors":
        return listing(target.jobId, url, "errors");
      case "createUser":
        return answer(await idempotent(request, target.op, POINTERS.createUser, createUser));
      case "getUser":
        return answer(getUser(target.id, url));
      case "updateUser": {
        const read = await readBody(request, POINTERS.updateUser);
        return answer(read.ok ? updateUser(target.id, read.value) : read.answer);
      }
      case "unknown":
        return answer(fail(404, "resource_not_found", "Requested resource does not exist"));
    }
  }

  return {
    vendor: "fullstory",
    basePath,

    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const target = route(request.method, url.pathname);
      const template =
        target.op === "unknown" ? `${request.method} (unknown route)` : TEMPLATES[target.op];
      requests[template] = (requests[template] ?? 0) + 1;

      return injector.run(
        { operation: target.op, writes: request.method === "POST" },
        faultBody,
        request,
        () => respond(request, url, target),
      );
    },

    stats(): FullStorySimulatorStats {
      let rewrites = 0;
      for (const user of usersById.values())
        rewrites += Math.max(0, new Set(user.writers).size - 1);
      let duplicates = 0;
      for (const jobs of jobsByContent.values()) duplicates += jobs - 1;
      return {
        requests: { ...requests },
        faults: { ...injector.counts },
        users: usersById.size,
        duplicates,
        rewrites,
        duplicateWrites: duplicates,
        rejected,
        jobs: jobs.size,
        replays,
        refused,
      };
    },

    users(): FullStoryUser[] {
      return [...usersById.values()].map((user) => ({
        id: user.id,
        ...(user.uid !== undefined && { uid: user.uid }),
        ...(user.display_name !== undefined && { display_name: user.display_name }),
        ...(user.email !== undefined && { email: user.email }),
        properties: structuredClone(user.properties),
        declaredTypes: { ...user.declared },
        writers: [...user.writers],
      }));
    },

    jobs(): FullStoryJob[] {
      return [...jobs.values()].map((job) => {
        finishIfDue(job);
        return {
          id: job.id,
          status: statusOf(job),
          created: iso(job.createdMs),
          ...(job.finishedMs !== undefined && { finished: iso(job.finishedMs) }),
          polls: job.polls,
          records: job.records,
          imports: job.imports.length,
          errors: job.errors.length,
          ...(job.idempotencyKey !== undefined && { idempotencyKey: job.idempotencyKey }),
        };
      });
    },

    setFaults(faults: FaultOptions): void {
      injector.setOptions(faults);
    },
  };
}

/** The key the vendor's verdict on a record is kept under: the user it upserts. */
function recordKey(item: BatchItem): string {
  if (item.uid !== undefined) return `uid:${item.uid}`;
  if (item.id !== undefined) return `id:${item.id}`;
  if (item.email !== undefined) return `email:${item.email}`;
  return `item:${JSON.stringify(item)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Merges properties like FullStory: nested objects merge by path, anything else replaces. */
function merge(
  base: Record<string, unknown>,
  update: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(update)) {
    const current = out[name];
    out[name] =
      isPlainObject(current) && isPlainObject(value)
        ? merge(current, value)
        : structuredClone(value);
  }
  return out;
}

/** The declared or inferred type of every leaf property, by dotted path (numbers are `real`). */
function typesOf(
  properties: Record<string, unknown>,
  declared: Record<string, SchemaType>,
): Record<string, SchemaType> {
  const out: Record<string, SchemaType> = {};
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(object)) {
      const path = prefix === "" ? name : `${prefix}.${name}`;
      if (isPlainObject(value)) {
        walk(value, path);
        continue;
      }
      const inferred = inferType(value);
      const type = declared[path] ?? inferred;
      if (type !== undefined) out[path] = type;
    }
  };
  walk(properties, "");
  return out;
}

function inferType(value: unknown): SchemaType | undefined {
  if (typeof value === "string") return "str";
  if (typeof value === "number") return "real";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) {
    const first: unknown = value.find((v) => v !== null);
    if (typeof first === "number") return "reals";
    if (typeof first === "boolean") return "bools";
    return "strs";
  }
  return undefined;
}
