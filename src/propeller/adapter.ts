import { textStart } from "../core/cut-text.js";
import type { components } from "../../generated/propeller.js";
import { rules } from "../../generated/propeller.rules.js";
import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
} from "../core/engine/adapter.js";
import { joinedJsonBody } from "../core/engine/chunk-body.js";
import {
  afterLostSend,
  afterUnansweredSend,
  failedBy,
  isFatal,
  refusedBy,
  withNote,
  wroteNothing,
} from "../core/engine/chunk-outcomes.js";
import { vendorCode } from "../core/engine/failure-codes.js";
import { sameOutcomes } from "../core/engine/outcomes.js";
import { perRun } from "../core/engine/per-run.js";
import { httpStatusOf, type ApiError } from "../core/errors/api-error.js";
import { wholeNumberOption } from "../core/options.js";
import { validatedBy } from "../core/validate/validated-by.js";
import type { PropellerClient } from "./client.js";
import type { PropellerFailureCode } from "./failure-codes.js";
import { IdsOfRun } from "./ids-of-run.js";
import { validatePropellerUser, type PropellerUser } from "./validate.js";

type BulkUserResult = components["schemas"]["BulkUserResult"];
type BulkUsersResponse = components["schemas"]["BulkUsersResponse"];
type ErrorBody = components["schemas"]["ErrorResponse"]["error"];
type Outcome = ItemOutcome<PropellerFailureCode>;
type BulkError = Extract<
  Awaited<ReturnType<PropellerClient["bulkUsersBySourceId"]>>,
  { ok: false }
>["error"];

// `maxItems` is optional here: the spec states none today, and one Propeller documents must bound the chunks.
const USERS: { readonly maxItems?: number; readonly "x-default-max-items": number } =
  rules.BulkUsersBySourceIdRequest.properties.users;

/** The actions of a user's result the spec names: each says the user was written (created or updated). */
const ACTIONS: readonly BulkUserResult["action"][] = rules.BulkUserResult.properties.action.enum;

/**
 * The largest `chunkRecords` accepted by default: Propeller's per-request maximum once specs/propeller.yaml
 * states one (`maxItems`). Until then (none is documented) it is OUR guard against accidental huge requests,
 * 10,000: raise `chunkRecords` above 2,000 only once you know your Propeller tenant accepts it.
 */
export const PROPELLER_MAX_CHUNK_RECORDS = USERS.maxItems ?? 10_000;

/**
 * Users per request by default. Propeller does not document this endpoint's maximum (UNCONFIRMED); its
 * sibling `POST /v2/users/bulk/id` allows 2,000, so that is the default chunk size (or the documented
 * maximum, when that is lower).
 */
export const PROPELLER_DEFAULT_CHUNK_RECORDS = Math.min(
  USERS["x-default-max-items"],
  PROPELLER_MAX_CHUNK_RECORDS,
);

/** Options of the Propeller adapter: our guard on how many users one request may carry. */
export interface PropellerAdapterOptions {
  /**
   * Our guard on `chunkRecords` (a larger `chunkRecords` is refused with a RangeError). Propeller's own
   * per-request maximum is undocumented (the default follows the spec's `maxItems` once it states one, and
   * this may not pass it then); the default chunk size (the adapter's `defaults`) stays the same whatever
   * this is, unless this is lower.
   * @default {@link PROPELLER_MAX_CHUNK_RECORDS} (10000 while the spec states no maximum)
   */
  maxRecords?: number | undefined;
}

/**
 * The import adapter for Propeller's `POST /v2/users/bulk/sourceId` (create or update, matched on source +
 * sourceId). Chunks default to 2,000 users (`maxRecords` caps `chunkRecords`) and 4 in flight. Each chunk is
 * one request; the answer's `data[]` is mapped back to the chunk by position (and by `key` when positions and
 * keys disagree). A 400 (or a 422) that names items (`#/users/<n>: …`) fails those items and
 * re-sends the rest of the chunk once. A 404 fails the chunk with the vendor's text; 401/403 stop the import.
 *
 * The upsert is taken to be idempotent for a user's fields (our reading of the bulk page's "the user found
 * will be updated"), so a chunk whose answer was lost (a timeout, a connection lost after sending, a 5xx or a
 * gateway's HTML page) is simply sent again, within the run by the engine and by a resumed run (users already
 * written are updated to the same values and answer `update`; one with addresses or attributes says
 * Propeller may hold those twice, as whether it replaces them is not documented). Its one
 * checkpoint, `sent`, is for the report: a re-run that is refused (a revoked key, or users refused) says
 * Propeller may hold what an earlier run sent.
 */
export function createPropellerAdapter(
  client: PropellerClient,
  options: PropellerAdapterOptions = {},
): ImportAdapter<PropellerUser, PropellerUser, PropellerFailureCode> {
  // Our guard may be raised past our own default, never past a maximum Propeller documents.
  const maxRecords = wholeNumberOption(
    "maxRecords",
    options.maxRecords,
    PROPELLER_MAX_CHUNK_RECORDS,
    USERS.maxItems === undefined ? {} : { max: USERS.maxItems },
  );
  // Two runs at once do not take each other's ids for their own.
  const idsOf = perRun(() => new IdsOfRun());
  return {
    vendor: "propeller",
    destination: client.destination,
    whenCredentialAccepted: (listener) => client.whenCredentialAccepted(listener),
    scrub: (text) => client.scrub(text),
    // Every request goes through the client.
    writesSeen: true,
    replay: {
      by: "upsert",
      why: "Propeller matches users on source + sourceId (+ language) and updates the one it has, so a chunk sent again writes the same values; a user the lost request created answers `update`",
    },
    limits: { maxRecords },
    defaults: {
      chunkRecords: Math.min(PROPELLER_DEFAULT_CHUNK_RECORDS, maxRecords),
      concurrency: 4,
    },
    keyOf: propellerKeyOf,
    validate: validatedBy<PropellerUser>(validatePropellerUser),
    serialize: (item) => JSON.stringify(item),
    send: (chunk, context) => sendChunk(client, chunk, context, idsOf(context)),
  };
}

/**
 * The text Propeller's answer gives for a request it refused as a whole; `who` refused, when the answer names
 * no message (see `refusedBy`: an answer a caller's middleware put in place of Propeller's is not its).
 */
function vendorText(error: ErrorBody | undefined, status: number, who: string): string {
  const messages = messagesOf(error);
  const type = typeof error?.type === "string" && error.type !== "" ? `${error.type}: ` : "";
  return messages.length > 0
    ? `${type}${messages.join("; ")}`
    : `${type}${who} refused the request (HTTP ${status})`;
}

function messagesOf(error: ErrorBody | undefined): string[] {
  const messages: unknown = error?.messages;
  return Array.isArray(messages) ? messages.filter((m): m is string => typeof m === "string") : [];
}

/** Propeller's own code for a refused request, else the HTTP status. */
function codeOf(error: ErrorBody | undefined, status: number): PropellerFailureCode {
  const code: unknown = error?.code;
  return typeof code === "number" || (typeof code === "string" && code !== "")
    ? vendorCode(String(code))
    : `${status}`;
}

/**
 * A user Propeller's 200 gives no result for. Propeller took the request, so it may hold the user: the
 * failure may pass, and a replay (an upsert, so safe) asks again.
 */
const MAY_HOLD = "Propeller may hold this user, as it took the request";
const noOutcome = (whose: string): Outcome => ({
  ok: false,
  code: "no_outcome",
  reason: `Propeller's answer holds no result for ${whose}: ${MAY_HOLD}`,
  transient: true,
  vendorMayHold: true,
});
const NO_OUTCOME: Outcome = noOutcome("this user");
/**
 * A user of the request that shares its sourceId with other users of it, whose results (`given`) cannot be
 * told apart: they do not line up with the users sent.
 */
const untold = (given: string): Outcome => ({
  ok: false,
  code: "no_outcome",
  reason: `${given}, shared by users of this request, and its results do not line up with the users sent, so which is this user's is unknown: ${MAY_HOLD}`,
  transient: true,
  vendorMayHold: true,
});

/**
 * A 400, or a 422 that names users of the request, with its error envelope and the users it names. Propeller
 * documents no 422 (UNCONFIRMED, see the spec): one that names users is read as its 400 is; one that names
 * none is any other refusal. A 422 is read by its HTTP status, so a spec that comes to document it (making it
 * its own variant) changes nothing here.
 */
function refusalOf(
  error: BulkError,
  size: number,
): { status: number; body: ErrorBody | undefined; named: Map<number, string[]> } | undefined {
  if (error.status === 400) {
    const body = error.body.error as ErrorBody | undefined;
    return { status: 400, body, named: namedItems(messagesOf(body), size) };
  }
  if (httpStatusOf(error) !== 422 || !("body" in error)) return undefined;
  const answer: unknown = error.body;
  const envelope: unknown =
    typeof answer === "object" && answer !== null && "error" in answer ? answer.error : undefined;
  // The body is not checked against a schema: only an object is read as the envelope, field by field.
  const body =
    typeof envelope === "object" && envelope !== null ? (envelope as ErrorBody) : undefined;
  const named = namedItems(messagesOf(body), size);
  return named.size === 0 ? undefined : { status: 422, body, named };
}

/** `#/users/<n>` at the start of a message: the n-th user of the request. */
const ITEM_POINTER = /^\s*#\/users\/(\d+)(?!\d)/;

/** The messages of a 400 that name an item of a request of `size` users, by position in that request. */
function namedItems(messages: readonly string[], size: number): Map<number, string[]> {
  const named = new Map<number, string[]>();
  for (const message of messages) {
    const match = ITEM_POINTER.exec(message);
    if (match === null) continue;
    const position = Number(match[1]);
    if (position >= size) continue;
    const list = named.get(position);
    if (list === undefined) named.set(position, [message]);
    else list.push(message);
  }
  return named;
}

async function sendChunk(
  client: PropellerClient,
  chunk: Chunk<PropellerUser>,
  context: ChunkContext,
  ids: IdsOfRun,
): Promise<ChunkResult<PropellerFailureCode>> {
  const size = chunk.items.length;
  const outcomes = sameOutcomes(size, NO_OUTCOME);
  const fail = (positions: readonly number[], outcome: Outcome) => {
    for (const position of positions) outcomes[position] = outcome;
  };
  // Chunk positions of the users in the request being sent.
  let positions: number[] = Array.from({ length: size }, (_, i) => i);
  let users: PropellerUser[] = chunk.items.slice();
  const sentBefore = context.resumed?.["sent"] === "1";
  if (!sentBefore) context.checkpoint({ sent: "1" });
  // Chunk positions a refused request carried after a try of it Propeller may have acted on (its answer
  // lost, or replaced by a caller's middleware): the refusal speaks for its own try only.
  const carriedByArrived = new Set<number>();
  const mayHaveWritten = (position: number) => sentBefore || carriedByArrived.has(position);

  for (let resent = false; ; resent = true) {
    const result = await client.bulkUsersBySourceId({
      body: { users },
      ...joinedJsonBody("users", chunk, positions),
      signal: context.signal,
    });
    if (result.ok) {
      mapResults(result.data, chunk.items, positions, outcomes, ids, (text) => client.scrub(text));
      break;
    }
    const error: ApiError = result.error;
    if (error.afterArrivedTry === true)
      for (const position of positions) carriedByArrived.add(position);
    // The first request wrote nothing (refused, turned away, never sent): a re-run need not say otherwise.
    if (!resent && !sentBefore && wroteNothing(error)) context.checkpoint({ sent: "" });
    // The users an earlier 400 of this chunk named keep Propeller's refusal (the rest were never written); a
    // refusal speaks for its own request only, so after an earlier send on record it says Propeller may hold
    // the user, as the chunk's other outcomes do.
    if (isFatal(error))
      return resent
        ? {
            kind: "fatal",
            error,
            known: outcomes.map((o, position) => (mayHaveWritten(position) ? afterLostSend(o) : o)),
          }
        : { kind: "fatal", error };
    const who = refusedBy("Propeller", error);
    const refusal = refusalOf(result.error, positions.length);
    if (refusal !== undefined) {
      const { status, body, named } = refusal;
      const code = codeOf(body, status);
      if (named.size === 0) {
        fail(positions, { ok: false, code, reason: vendorText(body, status, who) });
        break;
      }
      const rest: number[] = [];
      const restUsers: PropellerUser[] = [];
      positions.forEach((position, n) => {
        const messages = named.get(n);
        if (messages !== undefined) {
          outcomes[position] = { ok: false, code, reason: messages.join("; ") };
        } else {
          rest.push(position);
          restUsers.push(users[n] as PropellerUser);
        }
      });
      if (rest.length === 0) break;
      if (resent) {
        // Re-sent once already: do not whittle the chunk down request by request. That a 400 writes nothing
        // is UNCONFIRMED (the spec's BadRequest), so the reason says so as presumed.
        fail(rest, {
          ok: false,
          code,
          reason: `${who} refused the request again after the users it named were removed (${vendorText(body, status, who)}), presumably writing nothing of it`,
        });
        break;
      }
      positions = rest;
      users = restUsers;
      continue;
    }
    if (result.error.status === 404) {
      const body = result.error.body.error as ErrorBody | undefined;
      fail(positions, { ok: false, code: codeOf(body, 404), reason: vendorText(body, 404, who) });
      break;
    }
    fail(positions, failedBy(error, "write"));
    break;
  }
  // A refusal speaks for its own request only, as does a 429 that turned it away: the earlier send on record,
  // or the try before it, may have written the user.
  if (!sentBefore && carriedByArrived.size === 0) return { kind: "done", outcomes };
  return {
    kind: "done",
    outcomes: outcomes.map((outcome, position) => {
      if (!mayHaveWritten(position)) return outcome;
      const note = listsNote(chunk.items[position]);
      // True of the user however an earlier answer confirmed it, unlike the rest of this answer's words; on a
      // failure, the engine adds it to such an import should this send have written the user.
      if (outcome.ok)
        return note === undefined ? outcome : { ...withNote(outcome, note), resentNote: note };
      const failed = afterUnansweredSend(outcome);
      return note === undefined ? failed : { ...failed, resentNote: note };
    }),
  };
}

/**
 * For a user with addresses or attributes, sent again after an earlier send on record: whether Propeller
 * replaces a user's lists or adds to them is UNCONFIRMED (see the spec's BulkUser), so it may hold them
 * twice.
 */
function listsNote(user: PropellerUser | undefined): string | undefined {
  const lists = (["addresses", "attributes"] as const).filter(
    (name) => (user?.[name]?.length ?? 0) > 0,
  );
  if (lists.length === 0) return undefined;
  const named = lists.join(" and ");
  return `sent again with its chunk after an earlier send of it: whether Propeller replaces a user's ${named} or adds to them is not documented; if it adds, it may hold this user's ${named} twice`;
}

/**
 * Maps a 200's `data[]` to the users sent: by position when the result's `key` echoes the user's sourceId,
 * else by `key` among the results no position claimed; a user with no result fails `no_outcome`. Users that
 * share a sourceId but are different Propeller users (another source or language) fail `no_outcome` unless
 * the results line up with the users up to the last of them: a result names a user by its sourceId only, so
 * which of them a result is for cannot be told otherwise (a replay asks again). Users imported under one id,
 * in this request or (`ids`) another of the run, are warned that Propeller holds one user for them.
 */
function mapResults(
  response: BulkUsersResponse,
  items: readonly PropellerUser[],
  positions: readonly number[],
  outcomes: Outcome[],
  ids: IdsOfRun,
  scrub: (text: string) => string,
): void {
  const data: unknown = response.data;
  const results: readonly unknown[] = Array.isArray(data) ? data : [];
  placeResults(results, items, positions, outcomes, scrub);
  unsettleContradicted(results, items, positions, outcomes);
  noteSharedIds(items, positions, outcomes);
  ids.note(positions, outcomes, (position) =>
    propellerKeyOf(items[position] as PropellerUser, position),
  );
}

/** How many other records an imported user's warning names when Propeller gave their id to it too. */
const SHARED_ID_NAMES = 3;

/**
 * Users of the request Propeller answered with the same id: whatever their keys say (which language field
 * Propeller matches on is UNCONFIRMED), it holds one user for them, and each is warned of the others whose
 * key differs from its own. Records of one key are one user by the key, which the engine warns of already.
 */
function noteSharedIds(
  items: readonly PropellerUser[],
  positions: readonly number[],
  outcomes: Outcome[],
): void {
  const byId = new Map<string, number[]>();
  for (const position of positions) {
    const outcome = outcomes[position];
    if (outcome?.ok !== true || outcome.id === undefined) continue;
    const shared = byId.get(outcome.id);
    if (shared === undefined) byId.set(outcome.id, [position]);
    else shared.push(position);
  }
  for (const [id, shared] of byId) {
    if (shared.length < 2) continue;
    const keyOf = (position: number) => propellerKeyOf(items[position] as PropellerUser, position);
    const keys = [...new Set(shared.map(keyOf))];
    if (keys.length < 2) continue;
    for (const position of shared) {
      const outcome = outcomes[position];
      if (outcome?.ok !== true) continue;
      const own = keyOf(position);
      // The first few others by name, the rest by count: an answer giving every user one id costs no more.
      const others = keys
        .slice(0, SHARED_ID_NAMES + 1)
        .filter((other) => other !== own)
        .slice(0, SHARED_ID_NAMES);
      const more = keys.length - 1 - others.length;
      const named = more === 0 ? others.join(", ") : `${others.join(", ")} and ${more} more`;
      outcomes[position] = withNote(
        outcome,
        `Propeller gave the same id (${id}) to ${named} of this request too: it holds one user for them, with the values it wrote last`,
      );
    }
  }
}

/**
 * Users whose sourceId has more results than users sent under it, some saying Propeller wrote it and some
 * that it did not: Propeller said both of the same user, so the report may say neither (a replay asks again).
 * When all say it wrote the user, under more than one id, the user is imported without an id.
 */
function unsettleContradicted(
  results: readonly unknown[],
  items: readonly PropellerUser[],
  positions: readonly number[],
  outcomes: Outcome[],
): void {
  const said = new Map<
    string,
    { count: number; written: boolean; ids: Set<string>; refused: boolean }
  >();
  for (const result of results) {
    if (!isResult(result)) continue;
    const key = String(result.key);
    const entry = said.get(key) ?? { count: 0, written: false, ids: new Set(), refused: false };
    entry.count += 1;
    if (result.success !== true) entry.refused = true;
    else {
      entry.written = true;
      // A success without an id names none; it does not contradict one that does.
      if (result.id !== undefined && result.id !== null) entry.ids.add(String(result.id));
    }
    said.set(key, entry);
  }
  const sent = new Map<string, number>();
  for (const position of positions) {
    const key = String(items[position]?.sourceId);
    sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  for (const position of positions) {
    const key = String(items[position]?.sourceId);
    const entry = said.get(key);
    const users = sent.get(key) ?? 0;
    if (entry === undefined || entry.count <= users || !entry.written) continue;
    const results = `Propeller's answer holds ${entry.count} results for sourceId ${key}, sent for ${users} user(s)`;
    if (entry.refused)
      outcomes[position] = {
        ok: false,
        code: "no_outcome",
        reason: `${results}, some saying it wrote the user and some that it did not: ${MAY_HOLD}`,
        transient: true,
        vendorMayHold: true,
      };
    else if (entry.ids.size > 1) {
      const outcome = outcomes[position];
      if (outcome?.ok !== true) continue;
      const { id: _, ...withoutId } = outcome;
      outcomes[position] = withNote(
        withoutId,
        `${results}, each saying it wrote the user, under ${entry.ids.size} ids: which is this user's is unknown, so none is given`,
      );
    }
  }
}

function placeResults(
  results: readonly unknown[],
  items: readonly PropellerUser[],
  positions: readonly number[],
  outcomes: Outcome[],
  scrub: (text: string) => string,
): void {
  const claimed = new Uint8Array(results.length);
  let unmatched: number[] | undefined;
  for (let n = 0; n < positions.length; n++) {
    const position = positions[n] as number;
    const result = results[n];
    if (isResult(result) && String(result.key) === String(items[position]?.sourceId)) {
      claimed[n] = 1;
      outcomes[position] = outcomeOf(result, scrub);
    } else {
      (unmatched ??= []).push(position);
    }
  }
  if (unmatched === undefined) return;

  const byKey = new Map<string, number[]>();
  results.forEach((result, n) => {
    if (claimed[n] === 1 || !isResult(result)) return;
    const key = String(result.key);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [n]);
    else list.push(n);
  });
  // A key no safe integer (past 2^53 − 1) may have been read as another number: its user cannot be told.
  const inexact = results.some(
    (result) => typeof (result as { key?: unknown } | null)?.key === "number" && !isResult(result),
  )
    ? " (a result's key is a number that is no safe integer, which cannot be read exactly)"
    : "";
  // Results of a sourceId that other users of the request sharing it took: the answer holds those.
  const ofKey = new Map<string, number>();
  for (const result of results)
    if (isResult(result)) ofKey.set(String(result.key), (ofKey.get(String(result.key)) ?? 0) + 1);
  for (const position of unmatched) {
    const key = String(items[position]?.sourceId);
    const n = byKey.get(key)?.shift();
    const result = n === undefined ? undefined : results[n];
    const taken = ofKey.get(key) ?? 0;
    const others =
      taken === 0 ? "" : ` beyond the ${taken} it gave for other users of this request with it`;
    outcomes[position] = isResult(result)
      ? outcomeOf(result, scrub)
      : noOutcome(`sourceId ${key}${inexact}${others}`);
  }
  // A result names a user by its sourceId alone. Users of the request that share a sourceId but are different
  // users at Propeller (another source or language) cannot be told apart once the results and the users no
  // longer line up before the last of them: a result left out ahead of them shifts the next user's result
  // onto them, and results out of order may swap theirs, however many results their sourceId has. Only
  // results that line up with every user up to the last of them say which is whose.
  const lined = positions.indexOf(unmatched[0] as number); // the first user whose result is not in its place
  const sent = new Map<string, number[]>();
  positions.forEach((position, n) => {
    const key = String(items[position]?.sourceId);
    const list = sent.get(key);
    if (list === undefined) sent.set(key, [n]);
    else list.push(n);
  });
  for (const [key, shared] of sent) {
    if (shared.length < 2 || (shared.at(-1) as number) < lined) continue;
    const users = new Set(
      shared.map((n) => {
        const position = positions[n] as number;
        return propellerKeyOf(items[position] as PropellerUser, position);
      }),
    );
    if (users.size < 2) continue;
    // The answer may hold a result for each of them: it cannot say which is whose.
    const given = ofKey.get(key) ?? 0;
    const outcome =
      given === 0
        ? noOutcome(`sourceId ${key}`)
        : untold(`Propeller's answer holds ${given} result(s) for sourceId ${key}`);
    for (const n of shared) outcomes[positions[n] as number] = outcome;
  }
}

/**
 * A result with a key that can name a user: a string, or an integer JSON.parse read exactly. A key beyond
 * 2^53 was read as a nearby integer, which may be another user's sourceId (a sent one is never beyond it).
 */
function isResult(value: unknown): value is BulkUserResult {
  return (
    typeof value === "object" &&
    value !== null &&
    "key" in value &&
    (typeof value.key === "string" || Number.isSafeInteger(value.key))
  );
}

const INEXACT_ID =
  "Propeller answered with an id for this user that cannot be read exactly (a number that is not an integer up to 2^53 − 1), so it is left out: the id as read may be another user's";

/**
 * A result's outcome. A text of the answer cut short here is scrubbed (`scrub`) before it is cut: a secret it
 * echoed across the cut would leave a piece too short for the engine's scrubbing to know.
 */
function outcomeOf(result: BulkUserResult, scrub: (text: string) => string): Outcome {
  if (result.success === true) {
    const id: unknown = result.id;
    // JSON.parse reads an integer beyond 2^53 as a nearby one, which may be another user's id.
    const exact = typeof id !== "number" || Number.isSafeInteger(id);
    const imported: Outcome & { ok: true } = !exact
      ? { ok: true, note: INEXACT_ID }
      : typeof id === "number" || (typeof id === "string" && id !== "")
        ? { ok: true, id: String(id) }
        : { ok: true };
    // An action the spec does not name (a kind Propeller adds later) may not mean the user was written as
    // sent. The spec's list, not ours: one it comes to name (or renames) is read as it says.
    const action: unknown = result.action;
    return ACTIONS.some((named) => named === action)
      ? imported
      : withNote(
          imported,
          `Propeller answered success with action ${textStart(scrub(JSON.stringify(action) ?? "undefined"), 100)}, which its documentation does not name (${ACTIONS.join(" or ")}): whether it wrote this user as sent is unknown`,
        );
  }
  // A null says no more than a field left out: a message beside it is still Propeller's reason.
  const said = [result.error, result.message].find(
    (text) => text !== undefined && text !== null && text !== "",
  );
  // An error Propeller gives in another form than the documented text (an object) is still its reason.
  const reason =
    typeof said === "string"
      ? said
      : said === undefined
        ? "Propeller did not write the user (success: false) and gave no reason"
        : `Propeller did not write the user (success: false): ${textStart(scrub(JSON.stringify(said)), 300)}`;
  return { ok: false, code: "rejected_by_vendor", reason };
}

/**
 * A record's key for reports, the parts Propeller matches a user on: `<source>:<sourceId>`, then
 * `:<PRIMARYLANGUAGE>` when `primaryLanguage` is given, then `:<LANGUAGE>` when `language` is given (after an
 * empty primary-language part if there is no `primaryLanguage`), e.g. `CRM:1`, `CRM:1:NL`, `CRM:1::NL`.
 * Which field carries the matched language is UNCONFIRMED, so records that differ in either never share a
 * key, and a shared key is what lets the report say Propeller keeps one user for both. Languages are
 * upper-cased and a numeric sourceId is its decimal text, as we presume Propeller matches them (UNCONFIRMED;
 * so `1` and `"1"`, `nl` and `NL` share a key); an empty language is no language. `%` and `:` inside a part
 * are written `%25` and `%3A`, so no two records with different parts share a key. A record whose source or
 * sourceId (or a given language) is not a scalar names no user yet: `#<index>`.
 */
export function propellerKeyOf(record: PropellerUser, index: number): string {
  const fields = record as
    | { source?: unknown; sourceId?: unknown; primaryLanguage?: unknown; language?: unknown }
    | null
    | undefined;
  const source = keyPart(fields?.source);
  const sourceId = keyPart(fields?.sourceId);
  const primaryLanguage = languagePart(fields?.primaryLanguage);
  const language = languagePart(fields?.language);
  if (
    source === undefined ||
    sourceId === undefined ||
    primaryLanguage === undefined ||
    language === undefined
  ) {
    return `#${index}`;
  }
  const parts = [source, sourceId];
  if (primaryLanguage !== "" || language !== "") parts.push(primaryLanguage);
  if (language !== "") parts.push(language);
  return parts.map(escapeKeyPart).join(":");
}

/** A scalar as text; anything else (the record is not valid yet) names no key. */
function keyPart(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** A language as we presume Propeller matches it (case-insensitively, UNCONFIRMED); `""` when none. */
function languagePart(value: unknown): string | undefined {
  return value === undefined ? "" : keyPart(value)?.toUpperCase();
}

/** `%` and `:` escaped, so the `:` between parts is never one inside a part. */
function escapeKeyPart(part: string): string {
  return part.replaceAll("%", "%25").replaceAll(":", "%3A");
}
