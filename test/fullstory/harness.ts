// The FullStory simulator as the adapter tests use it: mounted in a test file's msw server, asked which id it
// gave a user, and made to misreport a job's results by rewriting its real answers (as a buggy or hostile
// FullStory would send them).
import type { components } from "../../generated/fullstory.js";
import {
  json,
  type FaultCall,
  type FaultOptions,
  type ScriptAction,
} from "../../src/testing/faults.js";
import {
  createFullStorySimulator,
  type FullStorySimulator,
  type FullStorySimulatorOptions,
} from "../../src/testing/fullstory.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import type { ChunkContext } from "../../src/core/engine/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import {
  createFullStoryAdapter,
  fullStoryKeyOf,
  type FullStoryAdapterOptions,
} from "../../src/fullstory/adapter.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { chunkContext } from "../support/chunk-context.js";
import { HOSTS, type useMswServer } from "../support/msw.js";

type Schemas = components["schemas"];
type Item = Schemas["BatchUserImportRequest"];
type Script = NonNullable<FaultOptions["script"]>;

// Random-looking, as a real key is: the engine scrubs any run of 6 of its characters from what it reports.
export const API_KEY = "na1.Vq7Rk2Lw9Xc4Tz";

/** A fresh simulator for FullStory's host in `server`; its jobs end at their first status poll unless told. */
export function mountFullStory(
  server: ReturnType<typeof useMswServer>,
  options: FullStorySimulatorOptions = {},
): FullStorySimulator {
  const sim = createFullStorySimulator({ apiKey: API_KEY, processingPolls: 0, ...options });
  server.use(...simulatorHandlers(sim, HOSTS.fullstory));
  return sim;
}

/** FullStory's error body with `status`, as a script answers it. */
export const fullStoryError = (status: number, code: string): Response =>
  json({ message: `${code} (scripted)`, code }, status);

/** A script's answer in place of FullStory's: its error with `status` (nothing is processed). */
export const vendorError = (status: number, code: string): ScriptAction => ({
  answer: () => fullStoryError(status, code),
});

/**
 * A faults script for FullStory's create (`createBatchImport`): its first call gets `first` (a lost answer, a
 * gateway's page), every later one `then` (a refusal); every other call is the simulator's.
 */
export const createThen =
  (first: ScriptAction, then: ScriptAction): Script =>
  ({ operation, attempt }) =>
    operation !== "createBatchImport" ? undefined : attempt === 1 ? first : then;

/** The id the simulator gave the user a record names: by uid, else by id, else by email (without a uid). */
/** A faults script that gives every job status as `status`, the rest of the job as the simulator has it. */
export const jobStatusAs =
  (status: string): Script =>
  (call) =>
    call.operation === "getBatchImportStatus"
      ? {
          after: async (answer) => {
            const body = (await answer.json()) as { job: object };
            return json({ ...body, job: { ...body.job, status } });
          },
        }
      : undefined;

export function idOf(sim: FullStorySimulator, record: Item): string | undefined {
  const stored = sim.users().find((user) => {
    if (record.uid !== undefined) return user.uid === record.uid;
    if (record.id !== undefined) return user.id === record.id;
    return user.uid === undefined && user.email === record.email;
  });
  return stored?.id;
}

/** Ways a FullStory could misreport a finished job, applied to the simulator's own answers. */
export interface Lies {
  /** Users (by uid) the lists leave out, as if they were neither imported nor failed. */
  omit?: (uid: string | undefined) => boolean;
  /** Entries listed before the job's own on the first page: users never sent, or the wrong user. */
  ghosts?: { imports?: Schemas["ImportedUser"][]; errors?: Schemas["FailedUserImport"][] };
  /** The status says FAILED once the job ended, even when no user failed. */
  failed?: boolean;
  /** The status names this job instead of the one polled. */
  jobId?: string;
  /**
   * The counts the status answers instead of the job's own, and its lists' `total_records`: text too, as a
   * FullStory that misreports might send it (`errors: null`: null in the status, "null" in the errors list).
   */
  counts?: { imports: number | string; errors?: number | string | null };
  /** The `total_records` every list page answers. */
  totalRecords?: string;
  /** The last page carries `next_page_token: ""` instead of none. */
  emptyLastToken?: boolean;
  /** From the second page on, the `next_page_token` sent comes back (a stuck cursor). */
  repeatToken?: boolean;
  /** Every page, past the end too, answers a new `next_page_token` (up to 1,000 pages). */
  endlessPages?: boolean;
}

const ENDLESS_PAGES = 1_000;

/** A script that rewrites status and list answers by `lies`; `first` may decide a call before them. */
export function lying(lies: Lies, first?: Script): Script {
  return async (call) => {
    const decided = await first?.(call);
    if (decided !== undefined) return decided;
    if (call.operation === "getBatchImportStatus") return rewrite((body) => statusLie(body, lies));
    if (call.operation === "getBatchImports" || call.operation === "getBatchImportErrors")
      return rewrite((body) => listLie(body as ListPage, lies, call));
    return undefined;
  };
}

type Status = Schemas["BatchImportStatusResponse"];
type ListPage = {
  results: (Schemas["ImportedUser"] | Schemas["FailedUserImport"])[];
  total_records: string;
  next_page_token?: string;
};

/** Rewrites a 200 JSON answer; a 202 or an error passes unchanged. */
const rewrite = (edit: (body: Status | ListPage) => unknown): ScriptAction => ({
  after: async (answer) =>
    answer.status === 200 ? json(edit((await answer.json()) as Status), 200) : answer,
});

/** The status FullStory answered, with the counts `lies` tells (which need not be numbers). */
function statusLie(body: Status | ListPage, lies: Lies): object {
  const status = body as Status;
  const ended = status.job.status !== "PROCESSING";
  return {
    ...status,
    ...lies.counts,
    job: {
      ...status.job,
      ...(ended && lies.failed === true && { status: "FAILED" }),
      ...(lies.jobId !== undefined && { id: lies.jobId }),
    },
  };
}

function listLie(page: ListPage, lies: Lies, call: FaultCall): ListPage {
  const token = new URL(call.request.url).searchParams.get("page_token") ?? "";
  const imports = call.operation === "getBatchImports";
  const ghosts = token !== "" ? [] : ((imports ? lies.ghosts?.imports : lies.ghosts?.errors) ?? []);
  const uidOf = (entry: ListPage["results"][number]) =>
    "user" in entry ? entry.user.uid : entry.uid;
  const results = [
    ...ghosts,
    ...page.results.filter((entry) => lies.omit?.(uidOf(entry)) !== true),
  ];
  const counted = imports ? lies.counts?.imports : lies.counts?.errors;
  const offset = Number(token.replace("page-", "") || "0");
  let next = page.next_page_token;
  if (lies.repeatToken === true && token !== "") next = token;
  else if (next === undefined && lies.endlessPages === true && offset < ENDLESS_PAGES)
    next = `page-${offset + Math.max(page.results.length, 1)}`;
  else if (next === undefined && lies.emptyLastToken === true) next = "";
  return {
    results,
    total_records:
      lies.totalRecords ?? (counted === undefined ? page.total_records : String(counted)),
    ...(next !== undefined && { next_page_token: next }),
  };
}

/**
 * Sends one chunk through the adapter as a first attempt, on a client that does not retry; `events` holds what
 * the adapter counted. `overrides` replace parts of the chunk's context (a `checkpoint` that keeps the state).
 */
export async function sendChunk(
  items: FullStoryUser[],
  options: FullStoryAdapterOptions = {},
  overrides: Partial<ChunkContext> = {},
) {
  const { context, events } = chunkContext(overrides);
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const adapter = createFullStoryAdapter(client, { pollIntervalMs: 1, ...options });
  const result = await adapter.send(
    { seq: 0, items, serialized: [], keys: items.map(fullStoryKeyOf) },
    context,
  );
  if (result.kind !== "done") throw new Error(`chunk ended ${result.kind}`);
  return { outcomes: result.outcomes, events };
}
