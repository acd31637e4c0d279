// FullStory's users and batch import on the simulator kit; a job with any failed user ends FAILED (a partial
// failure). UNCONFIRMED choices (see specs/fullstory.yaml): the match by `email` (see `upsert`; FullStory
// names `uid` and `id`); a used `Idempotency-Key` with another body or operation answers 400
// `idempotency_key_reused`; results are kept 24 h of `now()`, never a 429 or 5xx. Changing an identified
// user's `uid`, an array of objects or a value over the spec's byte limit answer 400 `invalid_argument`; in a
// batch such a record fails alone, as do an `id` naming no user (`user_not_found`) and a record `rejectRate`
// or `reject` refuses (`simulated_rejection`).
import { createHash } from "node:crypto";
import { document } from "../../generated/fullstory.document.js";
import { parameterRules, rules } from "../../generated/fullstory.rules.js";
import type { components } from "../../generated/fullstory.js";
import type { FullStorySchemaType } from "../fullstory/validate.js";
import { choiceOption, durationOption, wholeNumberOption as whole } from "../core/options.js";
import { json } from "./faults.js";
import { documentedExample } from "./kit/examples.js";
import { jobClock } from "./kit/job-clock.js";
import type { FullStorySimulatorOptions } from "./fullstory/options.js";
import { mergeProperties, propertyProblem, typesOf } from "./fullstory/properties.js";
import {
  createSimulatorKit,
  listProblems,
  type OperationCall as Call,
} from "./kit/simulator-kit.js";

export type { FullStorySimulatorOptions };
/** What {@link createFullStorySimulator} returns: a simulator with FullStory's own stats, users and jobs. */
export type FullStorySimulator = ReturnType<typeof createFullStorySimulator>;
/** What {@link FullStorySimulator}'s `stats()` gives: the common counts and FullStory's own. */
export type FullStorySimulatorStats = ReturnType<FullStorySimulator["stats"]>;
/** One batch job as {@link FullStorySimulator}'s `jobs()` lists it. */
export type FullStoryJobView = ReturnType<FullStorySimulator["jobs"]>[number];
/** The old name of {@link SimulatedFullStoryUser}. @deprecated Also the name of the library's record type. */
export type FullStoryUser = SimulatedFullStoryUser;

type Schemas = components["schemas"];
type BatchItem = Schemas["BatchUserImportRequest"];
type Properties = Record<string, unknown>;

/** A stored user, with its declared property types by dotted path and the imports that wrote it, in order. */
export interface SimulatedFullStoryUser extends Pick<
  Schemas["ImportedUser"],
  "uid" | "display_name" | "email"
> {
  /** The FullStory-assigned id; the simulator lists it with every imported user. */
  id: string;
  /** Its properties, every write merged in (nested objects by path: the simulator's choice, UNCONFIRMED). */
  properties: Record<string, unknown>;
  /** The property types writes declared in `schema.properties`, by dotted path. */
  declaredTypes: Record<string, FullStorySchemaType>;
  /** Batch job ids and `createUser#<n>`. */
  writers: string[];
}

interface Job {
  readonly id: string;
  readonly createdMs: number;
  readonly rows: number;
  readonly idempotencyKey?: string;
  finishedMs?: number;
  polls: number;
  readonly imported: number;
  readonly failed: number;
  /** Absent once forgotten (`retention: "recent"`). */
  results?: Results;
}

type List = "imports" | "errors";

/** What a job's `/imports` and `/errors` page through. */
interface Results {
  /** Each with its user's types at the time of the write, for `include_schema=true`. */
  readonly imports: (Schemas["ImportedUser"] & { id: string })[];
  readonly errors: Schemas["FailedUserImport"][];
  /** The lists served up to their last page. */
  readonly read: Set<List>;
  /** The verdict keys of the job's records, forgotten with it (`retention: "recent"` only). */
  readonly verdictKeys: string[];
}

/** An operation's answer, as the idempotency store keeps it. */
interface Answer {
  readonly status: number;
  readonly body: object;
  readonly headers?: Record<string, string>;
}

const KEY_KEPT_MS = parameterRules.IdempotencyKey["x-replay-window-hours"] * 60 * 60 * 1000;

const fail = (status: number, code: string, message: string): Answer => ({
  status,
  body: { message, code },
});
const invalid = (message: string) => fail(400, "invalid_argument", message);
/** The simulator's 400 for properties FullStory does not store (the status is UNCONFIRMED). */
const refusalOf = (properties: Properties | undefined): Answer | undefined => {
  const problem = propertyProblem(properties);
  return problem === undefined ? undefined : invalid(problem);
};
/** The answer the spec shows for `status` of `operation` (its example `name`, else its first). */
const documented = (operation: string, status: number, name?: string): Answer => ({
  status,
  body: documentedExample(document, operation, status, name) as object,
});
const reply = (answer: Answer): Response => json(answer.body, answer.status, answer.headers);
/** Stands for a body or batch in the stores: equal texts, equal digests, a fixed size whatever the text. */
const digest = (text: string) => createHash("sha256").update(text).digest("base64");

/**
 * A FullStory server API v2 simulator (users and batch user import) answering as specs/fullstory.yaml says:
 * a batch job is processed when created and answers `PROCESSING` until it ends (see the options), and an
 * `Idempotency-Key` sent again with the same body gets the first answer. `stats()` adds FullStory's own
 * counts to the common ones; `users()` and `jobs()` return copies of what it holds, in creation order.
 * @throws RangeError naming an option out of range; TypeError for a `faults.script` or `faults.reject`
 *   that is not a function.
 */
export function createFullStorySimulator(options: FullStorySimulatorOptions = {}) {
  // Refused by name at once, as the library's own options are: NaN polls would never end a job.
  const processingPolls = whole("processingPolls", options.processingPolls, 2, {
    min: 0,
    orInfinity: true,
  });
  const processingMs = durationOption("processingMs", options.processingMs, undefined, { min: 0 });
  const clock = jobClock(options);
  const { now, iso } = clock;
  const recent =
    choiceOption("retention", options.retention, ["all", "recent"], "all") === "recent";
  const recentJobs = whole("recentJobs", options.recentJobs, 8, { min: 0 });
  const pageSize = whole("pageSize", options.pageSize, 1000);
  const batch = rules.CreateBatchImportRequest;
  const maxInProgressJobs = whole(
    "maxInProgressJobs",
    options.maxInProgressJobs,
    batch["x-429-at-in-progress-jobs"],
  );
  const maxOperations = whole(
    "maxOperationsInFlight",
    options.maxOperationsInFlight,
    batch["x-429-at-operations-in-flight"],
  );
  const kit = createSimulatorKit({
    vendor: "fullstory",
    document,
    options,
    notFound: () => reply(documented("getUser", 404, "resourceNotFound")),
    authenticate: (request, _, apiKey) =>
      request.headers.get("authorization") === `Basic ${apiKey}`,
  });
  const users = new Map<string, SimulatedFullStoryUser>();
  const byUid = new Map<string, SimulatedFullStoryUser>();
  const jobs = new Map<string, Job>();
  const store = new Map<string, { op: string; bodyDigest: string; answer: Answer; atMs: number }>();
  /** Batch jobs created per batch content (the digest of its `requests`): more than one is a duplicate. */
  const jobsByContent = new Map<string, number>();
  /** Jobs whose lists were all read, oldest first (`retention: "recent"`). */
  const readJobs: Job[] = [];
  const counts = {
    ...{ createUsers: 0, refused: 0, replays: 0, usersCreated: 0 },
    ...{ forgottenJobs: 0, forgottenUsers: 0 },
    /** The rewrites of the users forgotten: `rewrites` counts writes done, not only the users kept. */
    forgottenRewrites: 0,
  };

  /** Whether the job has ended, ending it if its time has come. */
  function ended(job: Job): boolean {
    const end = clock.endMs(job, processingMs);
    // A job that ends by polls takes no time on the clock.
    if (end !== undefined ? now() >= end : job.polls > processingPolls)
      job.finishedMs ??= end ?? job.createdMs;
    return job.finishedMs !== undefined;
  }

  function metadata(job: Job): Schemas["JobMetadata"] {
    const done = ended(job);
    const status = !done ? "PROCESSING" : job.failed === 0 ? "COMPLETED" : "FAILED";
    const meta = { id: job.id, status, created: iso(job.createdMs) } as const;
    return done ? { ...meta, finished: iso(job.finishedMs ?? 0) } : meta;
  }

  /** The body, with the 400 FullStory answers when it is not JSON valid for the schema named. */
  async function read(request: Request, schema: string) {
    const body = await kit.readJson(request, schema);
    const { problems } = body;
    if (problems === undefined)
      return { ...body, problem: invalid("request body is not valid JSON") };
    const missing = problems.every((p) => p.includes("must have required property"));
    const message = `invalid request body: ${listProblems(problems)}`;
    const code = missing ? "required_field" : "invalid_argument";
    return { ...body, problem: problems.length === 0 ? undefined : fail(400, code, message) };
  }

  /** Runs an operation under its `Idempotency-Key`: the first stored result is replayed for the same body. */
  async function idempotent(
    request: Request,
    op: string,
    run: (value: unknown, key: string) => Answer,
  ) {
    const body = await read(request, op);
    const key = request.headers.get("idempotency-key") ?? "";
    const known = key === "" ? undefined : store.get(key);
    const bodyDigest = key === "" ? "" : digest(body.text);
    if (known !== undefined && now() - known.atMs < KEY_KEPT_MS) {
      if (known.op === op && known.bodyDigest === bodyDigest) {
        counts.replays += 1;
        return reply(known.answer);
      }
      const message = `Idempotency-Key ${key} was already used with a different request`;
      const hint = "send the same body to retry, or use a new key";
      return reply(fail(400, "idempotency_key_reused", `${message}; ${hint}`));
    }
    const answer = body.problem ?? run(body.value, key);
    if (key !== "" && answer.status !== 429 && answer.status < 500)
      store.set(key, { op, bodyDigest, answer, atMs: now() });
    return reply(answer);
  }

  function createBatchImport(value: unknown, key: string): Answer {
    const inProgress = [...jobs.values()].filter((job) => !ended(job));
    const operations = inProgress.reduce((n, job) => n + job.rows, 0);
    if (inProgress.length >= maxInProgressJobs || operations >= maxOperations) {
      const what = `${inProgress.length} batch import jobs of ${operations} operations are in progress`;
      const message = `${what}; wait for some to finish`;
      const headers = { "Retry-After": String(kit.faults.retryAfterSeconds) };
      return { ...fail(429, "too_many_requests", message), headers };
    }
    const { requests } = value as Schemas["CreateBatchImportRequest"];
    const id = `sim-batch-${String(jobs.size + 1).padStart(6, "0")}`;
    const createdMs = now();
    const content = digest(JSON.stringify(requests));
    jobsByContent.set(content, (jobsByContent.get(content) ?? 0) + 1);
    const results: Results = { imports: [], errors: [], read: new Set(), verdictKeys: [] };
    for (const user of requests) {
      const verdictKey = recordKey(user);
      if (recent) results.verdictKeys.push(verdictKey);
      const rejected = kit.faults.verdict(verdictKey).refused;
      const result = rejected
        ? fail(400, "simulated_rejection", "the simulator rejected this user (rejectRate)")
        : (refusalOf(user.properties) ?? upsert(user, id));
      if ("status" in result) {
        if (!rejected) counts.refused += 1;
        results.errors.push({ ...(result.body as Schemas["ErrorResponse"]), user });
      } else results.imports.push(asListed(result));
    }
    const job: Job = {
      ...{ id, createdMs, rows: requests.length, polls: 0, results },
      ...{ imported: results.imports.length, failed: results.errors.length },
      ...(key !== "" && { idempotencyKey: key }),
    };
    jobs.set(id, job);
    return { status: 200, body: { job: metadata(job) } };
  }

  /** The job a call names, or FullStory's 404 for it. */
  function jobOf({ params }: Call): Job | Response {
    const id = params["job_id"] ?? "";
    return jobs.get(id) ?? reply(fail(404, "resource_not_found", `Job ${id} does not exist`));
  }

  function listing(call: Call, list: List): Response {
    const job = jobOf(call);
    if (job instanceof Response) return job;
    if (!ended(job)) return new Response(null, { status: 202 });
    const { results } = job;
    if (results === undefined) {
      const message = `Results of job ${job.id} are no longer kept (simulator retention "recent")`;
      return reply(fail(404, "resource_not_found", message));
    }
    const token = call.url.searchParams.get("page_token") ?? "";
    const offset = Number(/^page-(\d+)$/.exec(token)?.[1] ?? 0);
    const all: readonly object[] = results[list];
    const page = all.slice(offset, offset + pageSize);
    const end = offset + page.length;
    const schemas = list === "imports" && call.url.searchParams.get("include_schema") === "true";
    const response = json({
      results: schemas ? page.map((user) => withSchema(user)) : page,
      total_records: String(all.length),
      ...(end < all.length && { next_page_token: `page-${end}` }),
    });
    if (recent && end >= all.length) markRead(job, results, list);
    return response;
  }

  /** Records that a list was served to its end; a job whose lists all were joins the read jobs. */
  function markRead(job: Job, results: Results, list: List) {
    results.read.add(list);
    const done = (name: List) => results.read.has(name) || results[name].length === 0;
    if (!done("imports") || !done("errors") || readJobs.includes(job)) return;
    readJobs.push(job);
    while (readJobs.length > recentJobs) {
      const oldest = readJobs.shift();
      if (oldest !== undefined) forget(oldest);
    }
  }

  /** Drops a job's lists, the users it wrote last and its records' verdicts. */
  function forget(job: Job) {
    const { results } = job;
    if (results === undefined) return;
    delete job.results;
    counts.forgottenJobs += 1;
    for (const listed of results.imports) {
      const user = users.get(listed.id);
      if (user === undefined || user.writers.at(-1) !== job.id) continue;
      users.delete(user.id);
      counts.forgottenRewrites += kit.rewritesOf([user.writers]);
      if (user.uid !== undefined && byUid.get(user.uid) === user) byUid.delete(user.uid);
      counts.forgottenUsers += 1;
    }
    for (const key of results.verdictKeys) kit.faults.forgetVerdict(key);
  }

  /** The user stored under `uid`, else a new one. */
  function userFor(uid: string | undefined): SimulatedFullStoryUser {
    const known = uid === undefined ? undefined : byUid.get(uid);
    if (known !== undefined) return known;
    const id = String(4_200_000_001 + counts.usersCreated++);
    const user: SimulatedFullStoryUser = { id, properties: {}, declaredTypes: {}, writers: [] };
    users.set(id, user);
    return user;
  }

  /** Sets a user's fields; a 400 (status UNCONFIRMED) when it would change an identified user's uid. */
  function apply(user: SimulatedFullStoryUser, fields: Omit<BatchItem, "id">, writer?: string) {
    const { uid, display_name, email, properties, schema } = fields;
    if (uid !== undefined && user.uid !== undefined && uid !== user.uid)
      return invalid(
        `uid is immutable: user ${user.id} already has uid ${JSON.stringify(user.uid)}`,
      );
    if (uid !== undefined) byUid.set((user.uid = uid), user);
    if (display_name !== undefined) user.display_name = display_name;
    if (email !== undefined) user.email = email;
    if (properties !== undefined) user.properties = mergeProperties(user.properties, properties);
    if (schema?.properties) user.declaredTypes = { ...user.declaredTypes, ...schema.properties };
    if (writer !== undefined) kit.addWriter(user.writers, writer);
    return undefined;
  }

  /**
   * Upserts one batch item: by `uid`, else by `id` (which must exist), else (no `uid` given) by `email`,
   * else a new user.
   */
  function upsert({ id, ...fields }: BatchItem, writer: string): SimulatedFullStoryUser | Answer {
    const { uid, email } = fields;
    let user = uid === undefined ? undefined : byUid.get(uid);
    if (user === undefined && id !== undefined) user = users.get(id);
    if (user === undefined && id !== undefined)
      return fail(404, "user_not_found", `User with id ${id} does not exist`);
    if (user === undefined && uid === undefined && email !== undefined)
      user = [...users.values()].find((stored) => stored.email === email);
    const target = user ?? userFor(uid);
    return apply(target, fields, writer) ?? target;
  }

  const userOf = ({ params }: Call) => users.get(params["id"] ?? "");
  const noUser = documented("getUser", 404, "userNotFound");
  const ok = (id: string): Answer => ({ status: 200, body: { id } });

  return {
    ...kit.serve({
      createBatchImport: (call) =>
        idempotent(call.request, "CreateBatchImportRequest", createBatchImport),
      getBatchImportStatus: (call) => {
        const job = jobOf(call);
        if (job instanceof Response) return job;
        if (job.finishedMs === undefined) job.polls += 1;
        const [imports, errors] = ended(job) ? [job.imported, job.failed] : [0, 0];
        return json({ imports, errors, job: metadata(job) });
      },
      getBatchImports: (call) => listing(call, "imports"),
      getBatchImportErrors: (call) => listing(call, "errors"),
      createUser: (call) =>
        idempotent(call.request, "CreateUserRequest", (value) => {
          const body = value as Schemas["CreateUserRequest"];
          const problem = refusalOf(body.properties);
          if (problem !== undefined) return problem;
          const user = userFor(body.uid);
          return apply(user, body, `createUser#${++counts.createUsers}`) ?? ok(user.id);
        }),
      getUser: (call) => {
        const user = userOf(call);
        if (user === undefined) return reply(noUser);
        const listed = asListed(user);
        const schemas = call.url.searchParams.get("include_schema") === "true";
        return json({ ...(schemas ? withSchema(listed) : listed), is_being_deleted: false });
      },
      updateUser: async (call) => {
        const body = await read(call.request, "UpdateUserRequest");
        const user = userOf(call);
        if (body.problem !== undefined || user === undefined) return reply(body.problem ?? noUser);
        const fields = body.value as Schemas["UpdateUserRequest"];
        return reply(refusalOf(fields.properties) ?? apply(user, fields) ?? ok(user.id));
      },
    }),
    /**
     * The common counts, with `jobs` created (replays create none), `replays` answered from the
     * idempotency store, records `refused` by FullStory's own rules (property limits, unknown `id`, a
     * changed `uid`) rather than by faults, and with `retention: "recent"`, `forgottenJobs` and
     * `forgottenUsers` (`users` counts those kept).
     */
    stats() {
      const duplicates = [...jobsByContent.values()].reduce((n, count) => n + count - 1, 0);
      const kept = kit.rewritesOf([...users.values()].map((user) => user.writers));
      const rewrites = kept + counts.forgottenRewrites;
      const common = kit.stats({ users: users.size, duplicates, rewrites });
      const { replays, refused, forgottenJobs, forgottenUsers } = counts;
      return { ...common, jobs: jobs.size, replays, refused, forgottenJobs, forgottenUsers };
    },
    /**
     * Rotates the account's API key (one revoked after a leak): from now on only `next` is accepted, and the
     * old key gets a 401. What the account holds stays the account's and is seen under the new key (its
     * users, its jobs and their lists, and the answers it stored per Idempotency-Key): whether FullStory does
     * so is UNCONFIRMED (nothing published speaks of a rotated key); this is the simulator's choice.
     */
    rotateKey(next: string) {
      kit.rotateKey(next);
    },
    /** In creation order. */
    users: () => structuredClone([...users.values()]),
    /** In creation order; reading them is not a status poll. */
    jobs: () =>
      [...jobs.values()].map((job) => ({
        ...metadata(job),
        ...{ polls: job.polls, records: job.rows },
        ...{ imports: job.imported, errors: job.failed, resultsKept: job.results !== undefined },
        ...(job.idempotencyKey !== undefined && { idempotencyKey: job.idempotencyKey }),
      })),
  };
}

/**
 * A user as FullStory lists it at this moment, its schema left to {@link withSchema}. No deep copy: a stored
 * user's properties and declared types are replaced on every write, never changed in place.
 */
function asListed(user: SimulatedFullStoryUser) {
  const { properties, declaredTypes, writers: _, ...identity } = user;
  return { ...identity, properties, schema: null, type_conflicts: null, [DECLARED]: declaredTypes };
}

/** A listed user's declared property types when it was listed (a symbol: JSON leaves it out). */
const DECLARED = Symbol("declared types");

/** A listed user with the declared or inferred type of each of its properties (`include_schema=true`). */
function withSchema<T extends { properties?: Properties | null }>(listed: T) {
  const declared = (listed as { [DECLARED]?: Record<string, FullStorySchemaType> })[DECLARED] ?? {};
  return { ...listed, schema: { properties: typesOf(listed.properties ?? {}, declared) } };
}

/** The key the vendor's verdict on a record is kept under: the user it upserts. */
function recordKey(item: BatchItem): string {
  if (item.uid !== undefined) return `uid:${item.uid}`;
  if (item.id !== undefined) return `id:${item.id}`;
  return item.email !== undefined ? `email:${item.email}` : `item:${JSON.stringify(item)}`;
}
