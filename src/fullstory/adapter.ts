// FullStory's batch user import as an import-engine adapter: one chunk = one batch job.
//   create the job (under an idempotency key saved first) → save the job id → poll its status with backoff
//   → page through the imported users and the failures → one outcome per record, in order.
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/fullstory.js";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { chunkFailed } from "../core/engine/chunk-outcomes.js";
import { pollUntil } from "../core/engine/poll.js";
import type { ApiError } from "../core/errors/api-error.js";
import type { FullStoryClient } from "./client.js";
import { validateFullStoryUser, type FullStoryUser } from "./validate.js";

/** Most users FullStory accepts in one batch request. */
export const FULLSTORY_MAX_BATCH = 50_000;

/** How the FullStory adapter follows a batch job through. */
export interface FullStoryAdapterOptions {
  /** First wait between status polls (and between asks while a result list answers 202), in ms. Default 2,000. */
  pollIntervalMs?: number;
  /** Ceiling of one wait between polls, in ms; waits grow 1.5× from `pollIntervalMs`. Default 15,000. */
  maxPollIntervalMs?: number;
  /**
   * How long one job may take, from the first status poll until its results are read, in ms. When it runs out
   * the chunk's records fail with code `job_timeout` (the reason names the job, which FullStory may still
   * finish). Default 3,600,000 (one hour).
   */
  jobTimeoutMs?: number;
}

type Terminal = "COMPLETED" | "FAILED";
type FailedUserImport = components["schemas"]["FailedUserImport"];
type Matchable = { readonly uid?: unknown; readonly id?: unknown; readonly email?: unknown };

/**
 * The import-engine adapter for FullStory's batch user import. Chunks default to 10,000 users (FullStory takes
 * up to 50,000; smaller chunks give earlier outcomes and cheaper retries) and 2 jobs in flight (FullStory runs
 * 100 jobs per organisation at once and answers 429 at 200; the limit here is 100).
 *
 * Each chunk: an `Idempotency-Key` (a UUID v4) is saved to the journal, then `createBatchImport` is sent under
 * it (the client retries 429, 5xx and network failures with the same key); the job id is saved; the status is
 * polled until `COMPLETED` or `FAILED`; then both `getBatchImports` and `getBatchImportErrors` are paged
 * through (a `FAILED` job may have imported some users). Imported users and failures are matched to the chunk's
 * records by uid, else id, else email (the first record not yet matched, for duplicates). Records neither list
 * names are imported (without an id) when the job `COMPLETED`, and failed with `no_outcome` otherwise. A
 * re-run with the journal reuses the saved key (FullStory replays the job it made for it, for 24 hours) or,
 * once saved, polls the saved job instead of creating another.
 */
export function createFullStoryAdapter(
  client: FullStoryClient,
  options: FullStoryAdapterOptions = {},
): ImportAdapter<FullStoryUser, FullStoryUser> {
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const maxPollIntervalMs = Math.max(pollIntervalMs, options.maxPollIntervalMs ?? 15_000);
  const jobTimeoutMs = options.jobTimeoutMs ?? 3_600_000;

  /** Waits with backoff until `check` gives a value, within what is left of the job's time. */
  const waitFor = <T>(
    check: () => Promise<T | undefined>,
    deadline: number,
    context: ChunkContext,
  ) =>
    pollUntil(
      check,
      {
        initialMs: pollIntervalMs,
        maxMs: maxPollIntervalMs,
        timeoutMs: Math.max(0, deadline - Date.now()),
      },
      (ms) => context.sleep(ms),
    );

  async function send(chunk: Chunk<FullStoryUser>, context: ChunkContext): Promise<ChunkResult> {
    const size = chunk.items.length;
    const { signal } = context;
    let jobId = context.resumed?.["jobId"];
    if (jobId === undefined) {
      let idempotencyKey = context.resumed?.["idempotencyKey"];
      if (idempotencyKey === undefined) {
        idempotencyKey = randomUUID();
        context.checkpoint({ idempotencyKey });
      }
      const created = await client.createBatchImport({
        // The chunk is read-only; the client only serialises it, once, in one JSON.stringify of the batch.
        body: { requests: chunk.items as FullStoryUser[] },
        params: { header: { "Idempotency-Key": idempotencyKey } },
        signal,
      });
      if (!created.ok) return chunkFailed(created.error, size);
      jobId = created.data.job.id;
      context.checkpoint({ jobId });
    }
    const job = jobId;
    const deadline = Date.now() + jobTimeoutMs;
    const timedOut = (): ChunkResult => {
      const outcome: ItemOutcome = {
        ok: false,
        code: "job_timeout",
        reason: `FullStory batch import job ${job} did not finish within ${jobTimeoutMs} ms (FullStory may still finish it)`,
        transient: true,
      };
      return { kind: "done", outcomes: Array.from({ length: size }, () => outcome) };
    };

    // 1. Poll the job until it ends.
    const polled = await waitFor<{ status: Terminal } | { error: ApiError }>(
      async () => {
        const result = await client.getBatchImportStatus({
          params: { path: { job_id: job } },
          signal,
        });
        if (!result.ok) return { error: result.error };
        const status = result.data.job.status;
        // Anything but an end state (PROCESSING, or a state the spec does not name) is polled again.
        return status === "COMPLETED" || status === "FAILED" ? { status } : undefined;
      },
      deadline,
      context,
    );
    if (polled.timedOut) return timedOut();
    if ("error" in polled.value) return chunkFailed(polled.value.error, size);
    const status = polled.value.status;

    // 2. Read both result lists at once (each list's pages are sequential, but the two are independent, and
    // a request less in a row is a wait less behind the vendor's queue), matching each entry to a record of
    // the chunk. Failures are matched after every import, as if the lists were read one after the other, so
    // records sharing a key get the same outcomes whichever list answers first.
    const outcomes: (ItemOutcome | undefined)[] = new Array<ItemOutcome | undefined>(size);
    const matcher = new Matcher(chunk.items, outcomes);
    const failures: FailedUserImport[] = [];
    const page = (token: string | undefined) => ({
      params: {
        path: { job_id: job },
        ...(token === undefined ? {} : { query: { page_token: token } }),
      },
      signal,
    });
    const [imports, errors] = await Promise.all([
      readPages(
        (token) => client.getBatchImports(page(token)),
        (user) =>
          matcher.assign(user, user.id === undefined ? { ok: true } : { ok: true, id: user.id }),
        (next) => waitFor(next, deadline, context),
      ),
      readPages(
        (token) => client.getBatchImportErrors(page(token)),
        (failure) => failures.push(failure),
        (next) => waitFor(next, deadline, context),
      ),
    ]);
    if (imports === "timeout" || errors === "timeout") return timedOut();
    if (imports !== undefined) return chunkFailed(imports, size);
    if (errors !== undefined) return chunkFailed(errors, size);
    for (const failure of failures) {
      matcher.assign(failure.user, { ok: false, code: failure.code, reason: failure.message });
    }

    // 3. Records neither list named.
    const unlisted: ItemOutcome =
      status === "COMPLETED"
        ? { ok: true }
        : {
            ok: false,
            code: "no_outcome",
            reason: `FullStory batch import job ${job} ended FAILED without listing this user among its imports or errors`,
          };
    const done: ItemOutcome[] = new Array<ItemOutcome>(size);
    for (let i = 0; i < size; i++) done[i] = outcomes[i] ?? unlisted;
    return { kind: "done", outcomes: done };
  }

  return {
    vendor: "fullstory",
    limits: { maxRecords: FULLSTORY_MAX_BATCH, maxConcurrency: 100 },
    defaults: { chunkRecords: 10_000, concurrency: 2 },
    keyOf: fullStoryKeyOf,
    validate(record) {
      const problems = validateFullStoryUser(record);
      return problems.length === 0 ? { ok: true, item: record } : { ok: false, problems };
    },
    // No `serialize`: FullStory caps a batch by its number of users only, so the engine need not measure each
    // user's JSON, and one JSON.stringify of the whole batch (by the client) is faster than stringifying the
    // users one by one and joining the texts (measured by scripts/bench: the pipeline benchmark).
    send,
  };
}

/** A record's key for reports: its uid, else its FullStory id, else its email, else `#<index>`. */
export function fullStoryKeyOf(record: FullStoryUser, index: number): string {
  const fields = record as Matchable | null | undefined;
  const key = text(fields?.uid) ?? text(fields?.id) ?? text(fields?.email);
  return key ?? `#${index}`;
}

type PageAnswer<T> =
  | {
      readonly ok: true;
      readonly status: 200;
      readonly data: { readonly results?: readonly T[]; readonly next_page_token?: string };
    }
  | { readonly ok: true; readonly status: 202 }
  | { readonly ok: false; readonly error: ApiError };

/**
 * Pages through one result list: follows `next_page_token` until it is absent, empty, or one already used
 * (FullStory's documented stop rule; a token seen before also ends a cycle). A 202 (still processing) is asked
 * again after a wait. Returns undefined when every page was read, else the error or `timeout`.
 */
async function readPages<T>(
  fetchPage: (token: string | undefined) => Promise<PageAnswer<T>>,
  visit: (item: T) => void,
  wait: (
    check: () => Promise<PageAnswer<T> | undefined>,
  ) => Promise<{ timedOut: false; value: PageAnswer<T> } | { timedOut: true }>,
): Promise<ApiError | "timeout" | undefined> {
  const used = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const pageToken = token;
    const answer = await wait(async () => {
      const page = await fetchPage(pageToken);
      return page.ok && page.status === 202 ? undefined : page;
    });
    if (answer.timedOut) return "timeout";
    const page = answer.value;
    if (!page.ok) return page.error;
    if (page.status !== 200) continue; // not reached: 202 is waited out above
    for (const item of page.data.results ?? []) visit(item);
    const next = page.data.next_page_token;
    if (next === undefined || next === "" || used.has(next)) return undefined;
    if (pageToken !== undefined) used.add(pageToken);
    used.add(next);
    token = next;
  }
}

/**
 * Matches the users FullStory lists back to positions of the chunk: by uid, else id, else email; among
 * records sharing a key, the first one not matched yet. Entries that match nothing are ignored. The id and
 * email indexes are only built when an entry is not matched by uid, which is rare: a chunk of 10,000 users
 * is otherwise indexed once, by one map.
 */
class Matcher {
  readonly #indexes = new Map<keyof Matchable, Map<string, Positions>>();
  readonly #cursor = new Map<number[], number>();

  constructor(
    private readonly items: readonly FullStoryUser[],
    private readonly outcomes: (ItemOutcome | undefined)[],
  ) {}

  assign(user: Matchable | null | undefined, outcome: ItemOutcome): void {
    const position =
      this.#free("uid", text(user?.uid)) ??
      this.#free("id", text(user?.id)) ??
      this.#free("email", text(user?.email));
    if (position !== undefined) this.outcomes[position] = outcome;
  }

  #free(field: keyof Matchable, key: string | undefined): number | undefined {
    if (key === undefined) return undefined;
    const positions = this.#index(field).get(key);
    if (positions === undefined) return undefined;
    if (typeof positions === "number")
      return this.outcomes[positions] === undefined ? positions : undefined;
    // Positions only ever go from free to taken, so a cursor per list skips the taken ones for good.
    let at = this.#cursor.get(positions) ?? 0;
    while (at < positions.length && this.outcomes[positions[at]!] !== undefined) at += 1;
    this.#cursor.set(positions, at);
    return positions[at];
  }

  #index(field: keyof Matchable): Map<string, Positions> {
    let index = this.#indexes.get(field);
    if (index === undefined) {
      index = new Map();
      for (let position = 0; position < this.items.length; position++) {
        const key = text((this.items[position] as Matchable)[field]);
        if (key === undefined) continue;
        const positions = index.get(key);
        if (positions === undefined) index.set(key, position);
        else if (typeof positions === "number") index.set(key, [positions, position]);
        else positions.push(position);
      }
      this.#indexes.set(field, index);
    }
    return index;
  }
}

/** The chunk positions holding one key: a number for the usual single record, a list for duplicates. */
type Positions = number | number[];

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
