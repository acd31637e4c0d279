import type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
  ReplaySemantics,
} from "./adapter.js";
import {
  afterLostSend,
  EARLIER_TRY_NOTE,
  mayHold,
  mayHoldOnce,
  RESENT_NOTE,
  saysVendorMayHold,
  UNFOLLOWED_NOTE,
  withNote,
} from "./chunk-outcomes.js";
import { unprocessedBy } from "../errors/unprocessed.js";
import { tooLongToBuild } from "./chunk-body.js";
import type { EngineFailureCode } from "./failure-codes.js";
import { lossWords, type JournalLoss } from "./journal.js";
import { oneEach } from "./outcomes.js";
import type { WaitingOn } from "./progress-pulse.js";
import { withRequestWaits, type RequestWaits } from "../http/request-waits.js";

/** How often, and how patiently, a chunk is sent again within a run after a transient failure. */
export interface ReplayOptions {
  /**
   * Sends of one chunk within a run, the first included; 1 leaves every transient failure to a re-run.
   * @default 5
   */
  chunkAttempts?: number | undefined;
  /**
   * Wait before the first replay of a chunk, in ms; it doubles per replay, with full jitter.
   * @default 1000
   */
  replayDelayMs?: number | undefined;
  /**
   * Ceiling of one wait between replays of a chunk, in ms.
   * @default 30000
   */
  maxReplayDelayMs?: number | undefined;
}

/** {@link ReplayOptions} as a run uses them: each one given, or its default. */
export type ReplaySettings = { readonly [K in keyof ReplayOptions]-?: number };

export const DEFAULT_REPLAY: ReplaySettings = {
  chunkAttempts: 5,
  replayDelayMs: 1_000,
  maxReplayDelayMs: 30_000,
};

const BY_CALLER = "aborted by the caller";
/** The words for the client's "aborted by the caller" when the run stopped itself, by why it stopped. */
const STOPPED_BY_RUN = {
  fatal:
    "stopped by the import, not the caller (at a vendor's fatal answer or a journal that could not be written or read: the report's fatal says which)",
  error:
    "stopped by the import, not the caller (at the error the import rejects with: a callback or the input that threw, or a journal that does not fit the input)",
} as const;

/** Why the run stopped itself: a fatal answer or a failed journal, or an error the run rejects with. */
export type RunStop = keyof typeof STOPPED_BY_RUN;

/** What following one chunk needs from the run. */
export interface Following {
  readonly signal: AbortSignal;
  /** The chunk's state from the journal of an earlier run. */
  readonly resumed: Readonly<Record<string, string>> | undefined;
  /**
   * The journal says that state was saved under a credential rotated since (see `JournaledChunk`): what the
   * vendor keeps of that send may not be the new credential's.
   */
  readonly rotatedSince?: boolean;
  readonly replay: ReplaySettings;
  /** Saves adapter state to the journal. */
  checkpoint(state: Record<string, string>): void;
  sleep(ms: number): Promise<void>;
  /**
   * The chunk waits on `on` from now (a progress event says so, unless `announce` is false: the chunk goes
   * back to a wait already said), or no more (undefined).
   */
  waiting(on: WaitingOn | undefined, announce?: boolean): void;
  count(event: string, n?: number): void;
  /** Whether the run keeps a journal a re-run resumes from. */
  readonly journaled: boolean;
  /** How the journal's file stopped being the one this run recorded in, if it did (see `Journal.lost`). */
  journalLost(): JournalLoss | undefined;
  savedByAnyChunk(prefix: string): readonly string[];
  vendorDone(): void;
  releaseItems(): void;
  /**
   * Counts one more attempt of the chunk after its first that went out or followed up on an earlier send
   * (the report's `chunks.replayed`).
   */
  replayed(): void;
  /** Why the run stopped when it stopped itself before the caller aborted it; undefined otherwise. */
  stoppedBy(): RunStop | undefined;
}

/**
 * What hears of the waits the client's transport does within one attempt of a chunk (a `Retry-After`, the
 * backoff between tries, the rate limit after a 429): the chunk waits to retry a request while one lasts,
 * which a progress call says as each begins. Closed once the attempt returned: a call it left running says
 * nothing of a chunk that settled (the last progress call must find nothing waiting).
 */
function attemptWaits(
  following: Following,
): RequestWaits & { onVendor(): void; close(): void; readonly wrote: boolean } {
  let open = true;
  let wrote = false;
  // Waits under way: an adapter may make calls of a chunk at once, each waiting on its own.
  let under = 0;
  // The adapter's own waits: once it waited on the vendor's work, the chunk counts as waiting on it until the
  // attempt returns, whatever a call it makes meanwhile (another list read at once) met.
  let own: WaitingOn | undefined;
  return {
    get wrote() {
      return wrote;
    },
    writing: () => {
      if (open) wrote = true;
    },
    onVendor: () => {
      own = "vendor";
      following.waiting("vendor");
    },
    began: () => {
      if (!open) return;
      under += 1;
      following.waiting("request");
    },
    ended: () => {
      if (!open || under === 0) return;
      under -= 1;
      // The call tries again now: the chunk goes back to what the adapter waits on (nothing, or the vendor's
      // work still under way, which a call said as it began).
      if (under === 0) following.waiting(own, false);
    },
    close: () => {
      open = false;
    },
  };
}

/** A chunk's outcomes, and whether they are final (a re-run may reuse them) or some may yet change. */
export type Followed<Code extends string = string> =
  | {
      readonly kind: "done";
      readonly outcomes: readonly ItemOutcome<Code>[];
      readonly final: boolean;
      /** Attempts of this run whose request may have reached the vendor (not those that only followed up). */
      readonly sends: number;
      /** Whether any attempt may have reached the vendor: sent, or followed up on an earlier send. */
      readonly reached: boolean;
      /**
       * Whether a request that got no settling answer may still be acted on by the vendor after the chunk
       * settled (a slow vendor finishing a request the client gave up on, a job not seen to end), writing its
       * records' values then: one was sent in this run, or an earlier run's was followed up on (its job
       * polled), and no replay under its idempotency key settled it (the vendor acts on a key once).
       */
      readonly mayLandLate: boolean;
      /** Whether an earlier run's send of the chunk stays on record (see {@link sentInEarlierRun}). */
      readonly earlierSend: boolean;
    }
  | (Extract<ChunkResult<Code>, { kind: "fatal" }> & {
      readonly reached: boolean;
      readonly earlierSend: boolean;
    });

/**
 * Sends a chunk and, while some of its records failed in a way that may pass (a lost answer, a timeout, a
 * 5xx), sends it again, through the adapter's replay semantics, until none is left or the attempts run out.
 * Every attempt sees the state the earlier ones saved (the idempotency key, when a request went out, a job
 * id), so a replay within the run takes the same path as a resume after a crash. A record keeps the best
 * outcome any attempt gave it: imported beats failed, and a vendor's refusal beats a failure that may pass.
 */
export async function followChunk<Input, Wire, Code extends string>(
  adapter: ImportAdapter<Input, Wire, Code>,
  chunk: Chunk<Wire>,
  following: Following,
): Promise<Followed<Code | EngineFailureCode>> {
  let state = following.resumed === undefined ? undefined : { ...following.resumed };
  // The state as an attempt that could not build the chunk's body left it: what it set to `""` of an earlier
  // run's, that run's send wrote nothing either (every send of the chunk carried the same body). An adapter's
  // `""` for any other reason speaks for its own try only: the earlier run's send stays on record.
  let unbuilt: Readonly<Record<string, string>> | undefined;
  const earlierSend = () => sentInEarlierRun(following.resumed, unbuilt);
  let outcomes: ItemOutcome<Code | EngineFailureCode>[] | undefined;
  let attempts = 0;
  // Attempts whose request may have reached the vendor (not those that certainly never went out).
  let sends = 0;
  // Attempts that sent nothing and only followed up on an earlier send (a job polled, the vendor searched).
  let followUps = 0;
  // Whether a write an attempt made or followed up on got no settling answer (see `mayLandLate`).
  let lost = false;
  const replays = adapter.replay.by === "none" ? 1 : following.replay.chunkAttempts;
  // Whether the last attempt stopped at a journal save that failed before it sent anything.
  let unsentAtSave = false;
  for (;;) {
    let followedUpOnly = false;
    // The error of a journal save of this attempt that failed before the attempt sent anything.
    let unsaved: { readonly error: unknown } | undefined;
    // What the adapter said it knows of items before the attempt went on (see `ChunkContext.settled`).
    const settled: (ItemOutcome<Code> | undefined)[] = [];
    const transportWaits = attemptWaits(following);
    const context: ChunkContext = {
      signal: following.signal,
      attempt: attempts,
      // Live: an adapter sees what it saved earlier in this attempt too.
      get resumed() {
        return state;
      },
      checkpoint: (next) => {
        state = { ...state, ...next };
        try {
          following.checkpoint(next);
        } catch (error) {
          // With no request of the attempt that may write out yet, the attempt sent nothing of the records,
          // and its throw must not be taken for a send cut short; unless the attempt only followed up (a job
          // it found for an earlier send), which it may say as the throw passes: that send is left open.
          // Only the package's transport tells of a request going out: an adapter's own fetch goes unseen.
          if (adapter.writesSeen === true && !transportWaits.wrote) unsaved = { error };
          throw error;
        }
      },
      // An adapter waits only on the vendor's work (a job it polls, results not ready, another job ahead).
      sleep: (ms) => {
        transportWaits.onVendor();
        return following.sleep(ms);
      },
      count: (event, n) => following.count(event, n),
      // Read when a reason is worded: the journal may be removed while the chunk is out.
      get journaled() {
        return following.journaled && following.journalLost() === undefined;
      },
      journalLost: () => following.journalLost(),
      savedByAnyChunk: (prefix) => following.savedByAnyChunk(prefix),
      vendorDone: () => following.vendorDone(),
      releaseItems: () => following.releaseItems(),
      followedUpOnly: () => {
        followedUpOnly = true;
      },
      settled: (outcomes) => {
        outcomes.forEach((outcome, i) => {
          if (outcome !== undefined) settled[i] = outcome as ItemOutcome<Code>;
        });
      },
    };
    attempts += 1;
    let result: ChunkResult<Code | EngineFailureCode>;
    try {
      result = await withRequestWaits(transportWaits, () => adapter.send(chunk, context));
      transportWaits.close();
      following.waiting(undefined);
    } catch (error) {
      transportWaits.close();
      following.waiting(undefined);
      // An adapter that throws is cut short (an abort) or broken: nothing tells what the vendor did, so the
      // chunk stays unfinished for a re-run, and is not sent again blindly now.
      // Unless the run was stopped (its own words follow below), the reason says what the throw leaves open;
      // a body too long to build was never sent, so only a send before it leaves the chunk possibly held.
      const tooLong = tooLongHint(error);
      if (tooLong !== "") unbuilt = state;
      const reason = `${error instanceof Error ? error.message : String(error)}${tooLong}`;
      const failAll = (failed: ItemOutcome<EngineFailureCode>) =>
        chunk.keys.map((_, i) => settled[i] ?? failed);
      if (unsaved !== undefined && error === unsaved.error && !followedUpOnly) {
        // Failed `fatal`, as the records the stopped run does not send; what a re-run does, and an earlier
        // send that may have reached the vendor, are said below.
        const notSent: ItemOutcome<EngineFailureCode> = {
          ...{ ok: false, code: "fatal", transient: true, later: true, unprocessed: "not_sent" },
          // "again" only after an attempt of this run whose request may have reached the vendor.
          reason: `${sends > 0 ? "not sent again" : "not sent"}: saving this chunk's state in the journal failed before any request of this attempt carrying its records went out, and the import stopped there (${reason})`,
        };
        result = { kind: "done", outcomes: failAll(notSent) };
        unsentAtSave = true;
      } else {
        const unsent = tooLong !== "" && sends + followUps === 0 && !earlierSend();
        const open = !following.signal.aborted && !unsent;
        const code = following.signal.aborted ? "aborted" : "chunk_failed";
        const thrown: ItemOutcome<EngineFailureCode> = {
          ...{ ok: false, code, reason, transient: true, later: true },
          ...(unsent && { unprocessed: "not_sent" }),
        };
        const failed = open ? mayHold(thrown, UNFOLLOWED_NOTE) : thrown;
        result = { kind: "done", outcomes: failAll(failed) };
      }
    }
    if (result.kind === "fatal") {
      // What earlier attempts learned stands: a user the vendor confirmed stays imported. An earlier send
      // whose answer was lost may have written the chunk (the merged outcomes keep that: see `better`).
      // A send the fatal answer ended whose try may have written (the retry of one that got no answer)
      // carried the chunk again: an earlier refusal says so, as it does after such a send that ends in a
      // failure.
      const thisMayHaveWritten = result.written === true || result.error.afterArrivedTry === true;
      const mayHaveResent = !followedUpOnly && thisMayHaveWritten;
      const known =
        outcomes === undefined
          ? result.known
          : mayHaveResent
            ? best(outcomes, resentWithout(outcomes, result.known), true)
            : best(outcomes, result.known ?? []);
      const earlier = earlierSend();
      const written = thisMayHaveWritten || (outcomes?.some(mayHaveWritten) ?? false) || earlier;
      // This attempt's request went out, unless the answer says none did (no access token to send it with);
      // earlier attempts count by their own sends, an earlier run's not at all (as in the path below).
      const thisReached = result.written === true || unprocessedBy(result.error) !== "not_sent";
      if (attempts > 1 && thisReached) following.replayed();
      return {
        kind: "fatal",
        error: result.error,
        ...(known !== undefined && { known }),
        ...(written && { written }),
        reached: thisReached || sends + followUps > 0,
        earlierSend: earlier,
      };
    }
    // An attempt stopped at a save before it sent anything is no send, whatever it knew of some items.
    const sent = !followedUpOnly && !unsentAtSave && !neverSent(result.outcomes);
    if (followedUpOnly) followUps += 1;
    else if (sent) sends += 1;
    // A replay is counted once it went out (or followed up): not one cut short before, or never let through.
    if (attempts > 1 && (sent || followedUpOnly)) following.replayed();
    const answered = oneEach(result.outcomes, chunk.keys.length);
    // A follow-up sends nothing, but the earlier run's send it follows (a job still running) is as unsettled
    // as one of this run: a resumed run must doubt a later repeat of its users as a fresh run does.
    if ((sent || followedUpOnly) && answered.some(mayHaveWritten)) lost = true;
    outcomes = outcomes === undefined ? answered : best(outcomes, answered, sent);
    const replayable = outcomes.some((o) => !o.ok && o.transient === true && !leftToReRun(o));
    if (!replayable || following.signal.aborted || attempts >= replays) break;
    const ceiling = Math.min(
      following.replay.maxReplayDelayMs,
      following.replay.replayDelayMs * 2 ** (attempts - 1),
    );
    following.waiting("retry");
    try {
      await following.sleep(Math.round(Math.random() * ceiling));
    } catch {
      break;
    } finally {
      following.waiting(undefined);
    }
  }
  const final = !outcomes.some((o) => !o.ok && (o.transient === true || following.signal.aborted));
  // One attempt (`chunkAttempts: 1`) replayed nothing: naming how it would have is no news of this chunk.
  const replayedBy = attempts > 1 ? ` (replayed by ${adapter.replay.by})` : "";
  const tried =
    adapter.replay.by === "none"
      ? `not sent again in this run (${adapter.replay.why})`
      : sends === attempts
        ? `sent ${times(attempts)} in this run${replayedBy}`
        : sends === 0 && followUps > 0
          ? `tried ${times(attempts)} in this run, following up on an earlier send${replayedBy}`
          : sends === 0
            ? `tried ${times(attempts)} in this run, and the chunk's request never reached ${adapter.vendor}`
            : `tried ${times(attempts)} in this run, ${sends} of them sent${replayedBy}`;
  // Without a journal a re-run knows nothing of this run's sends: it sends the chunk anew. Nor with one
  // removed or replaced meanwhile: read now, as the stop may have come from that.
  // Looked up (a stat of the file) only for a chunk whose failures the texts below are added to.
  const unsettled = outcomes.some((o) => !o.ok && o.transient === true);
  const journalLost = following.journaled && unsettled ? following.journalLost() : undefined;
  const reRun =
    following.journaled && journalLost === undefined
      ? "a re-run with the same journal"
      : "a re-run";
  const settles =
    journalLost !== undefined
      ? reRunWithoutJournal(journalLost, adapter.replay, true)
      : following.journaled
        ? "a re-run with the same journal settles it"
        : "a re-run (this run keeps no journal) sends it again";
  const note =
    journalLost === undefined
      ? `; ${tried}: ${reRun} tries again`
      : `; ${tried}: ${reRunWithoutJournal(journalLost, adapter.replay, sends + followUps > 0 || earlierSend())}`;
  // Stopped while the chunk was out (an abort, or another chunk's fatal answer): its request may have
  // reached the vendor, whatever the record's own failure says.
  const stopped = `; the import stopped while this chunk was out: if its request reached ${adapter.vendor}, ${adapter.vendor} may hold this record, and ${settles}`;
  // Said once: a reason that already says the vendor may hold the record needs only what settles it.
  const stoppedAfterMayHold = `; the import stopped while this chunk was out: ${settles}`;
  // The caller aborted the client's own calls, not the import: every later call of that client fails so,
  // whether or not its request went out.
  const callerAborted = `; the caller aborted the client's calls: if this chunk's request was already out, ${adapter.vendor} may hold this record, and ${settles}`;
  const callerAbortedBefore = `; the caller aborted the client's calls before this chunk's request went out: ${reRun} sends it`;
  // Its request went out, and was turned away unprocessed (a 429 whose Retry-After the abort cut short).
  const callerAbortedTurnedAway = `; the caller aborted the client's calls after ${adapter.vendor} turned this chunk's request away unprocessed: ${reRun} sends it`;
  // What a re-run does with a chunk no send of which may have reached the vendor.
  const sendsIt =
    journalLost === undefined
      ? `${reRun} sends it`
      : reRunWithoutJournal(journalLost, adapter.replay, false);
  // An earlier run's send on record may have written the chunk, whatever this run's tries met.
  const earlier = earlierSend();
  // The client says "aborted by the caller" of any abort of its signal; the run's own stop is not the
  // caller's.
  const stoppedBy = following.signal.aborted ? following.stoppedBy() : undefined;
  outcomes = outcomes.map((failure) => {
    if (failure.ok || failure.transient !== true) return failure;
    let o = earlier ? withoutUnprocessed(failure) : failure;
    // Not sent at its last attempt: only an earlier send that may have reached the vendor may have written
    // the record (one of this run's says so already, through `better`; an earlier run's is said here). Of an
    // earlier run's, the engine knows only that the journal holds state saved for it (what became of it is
    // the adapter's to read, as it does when it sends again): as where the run stops before a send, it
    // may have written the record.
    if (unsentAtSave && !mayHaveWritten(o)) return { ...o, reason: `${o.reason}; ${sendsIt}` };
    if (unsentAtSave)
      return mayHold(
        o,
        `${saysVendorMayHold(o.reason) ? "" : `; ${adapter.vendor} may hold this record: an earlier run with this journal may have sent its chunk (the journal holds state saved for a send)`}; ${settles}`,
      );
    if (stoppedBy !== undefined && o.code === "aborted")
      o = { ...o, reason: o.reason.replace(BY_CALLER, STOPPED_BY_RUN[stoppedBy]) };
    if (following.signal.aborted)
      return mayHaveWritten(o)
        ? mayHold(o, saysVendorMayHold(o.reason) ? stoppedAfterMayHold : stopped)
        : o;
    if (o.code === "aborted")
      return mayHaveWritten(o)
        ? mayHold(o, callerAborted)
        : {
            ...o,
            reason:
              o.reason +
              (o.unprocessed === "turned_away" ? callerAbortedTurnedAway : callerAbortedBefore),
          };
    return o.later === true ? o : { ...o, reason: o.reason + note };
  });
  if (
    following.rotatedSince === true &&
    earlier &&
    sends > 0 &&
    KEPT_PER_SEND.has(adapter.replay.by)
  )
    outcomes = outcomes.map((o) => afterRotation(o, adapter.vendor));
  const mayLandLate =
    lost && (adapter.replay.by !== "idempotency-key" || outcomes.some(mayHaveWritten));
  return {
    kind: "done",
    outcomes,
    final,
    sends,
    reached: sends + followUps > 0,
    mayLandLate,
    earlierSend: earlier,
  };
}

/**
 * The replays that rest on what the vendor keeps of a send (an idempotency key's answer, a job it lists),
 * which it may keep per credential; not those that match records on their keys (`upsert`, `resend`).
 */
const KEPT_PER_SEND: ReadonlySet<ReplaySemantics["by"]> = new Set(["idempotency-key", "reconcile"]);

/**
 * An outcome of a chunk an earlier run sent under a credential rotated since, and this run sent again under
 * the new one: whether the vendor answered the new credential with what it kept of the old one's send (its
 * idempotency key, its job) is not documented, so the earlier send may have written the record, and an
 * import may have been written twice. Said once.
 */
function afterRotation<Code extends string>(
  outcome: ItemOutcome<Code>,
  vendor: string,
): ItemOutcome<Code> {
  const why = `an earlier run may have sent this chunk under a credential since rotated, and this run sent it again under the new one (whether ${vendor} keeps what it did for the old credential's send, an idempotency key or a job, for the new one is not documented)`;
  if (outcome.ok)
    return (outcome.note ?? "").includes(why)
      ? outcome
      : withNote(outcome, `${why}: ${vendor} may have written this record twice`);
  if (outcome.reason.includes(why)) return outcome;
  return mayHold(outcome, `; ${why}: ${vendor} may hold this record from the earlier send`);
}

/**
 * A failure that may pass, but not by sending again in this run: one the adapter leaves to a re-run, or the
 * caller's abort (a replay through the same aborted client would fail so again, without a request).
 */
function leftToReRun(outcome: ItemOutcome): boolean {
  return !outcome.ok && (outcome.later === true || outcome.code === "aborted");
}

/**
 * Whether the failure leaves the record possibly written: one that may pass, unless its request certainly
 * wrote nothing (`unprocessed`: never sent, or turned away with 429 or 503 on its only try that arrived).
 */
function mayHaveWritten(outcome: ItemOutcome): boolean {
  return !outcome.ok && outcome.transient === true && outcome.unprocessed === undefined;
}

/** Whether every record of an attempt failed without its request reaching the vendor. */
function neverSent(outcomes: readonly ItemOutcome[]): boolean {
  return outcomes.length > 0 && outcomes.every((o) => !o.ok && o.unprocessed === "not_sent");
}

/**
 * What a re-run does with a chunk once the file at the journal's path is no longer the one this run recorded
 * in (`lost`, see `Journal.lost`): removed, it starts anew, knowing nothing of the chunk's sends, this run's
 * or an earlier one's, and sends the chunk as a first send (`again` where a send may have reached the
 * vendor); replaced, it reads the file now there, which may or may not hold them. Of the replays' `why`s,
 * only an upsert's speaks of such a send; the others tell of a replay through what the journal kept (a key,
 * a job, a send's time), which a re-run without them lacks, or (`none`) are said already by the reason's
 * account of this run's tries. `reRun` names the re-run, where it needs more than the journal's path.
 */
export function reRunWithoutJournal(
  lost: JournalLoss,
  replay: ReplaySemantics,
  again: boolean,
  reRun = "a re-run",
): string {
  const was = `${lossWords(lost)} while this run used it`;
  // Never sent, the record is sent as it would be with the journal: only a file that took its place may
  // hold what another run did with its chunk.
  if (!again)
    return lost === "removed"
      ? `${reRun} sends it`
      : `${reRun} sends it, unless the file now at the journal's path (it was ${was}) holds its chunk's outcomes`;
  const sends = replay.by === "upsert" ? `it again (${replay.why})` : "it again";
  return lost === "removed"
    ? `${reRun} sends ${sends}: the journal was ${was}, so a re-run with its path starts a new journal, which knows nothing of the chunk's sends`
    : `${reRun} may send ${sends}: the journal was ${was}, so a re-run with its path reads that file, which may hold nothing of the chunk's sends`;
}

/**
 * Whether an earlier run saved state for the chunk that says a request went out (`""` says nothing), and
 * `unbuilt` (the state as an attempt of this run whose body was too long to build left it, if one was) has
 * not set it to `""`: the same body, which no run could build, went out under it in none.
 */
export function sentInEarlierRun(
  resumed: Readonly<Record<string, string>> | undefined,
  unbuilt: Readonly<Record<string, string>> | undefined = resumed,
): boolean {
  return Object.entries(resumed ?? {}).some(
    ([key, value]) => value !== "" && unbuilt?.[key] !== "",
  );
}

type Failed<Code extends string> = Extract<ItemOutcome<Code>, { ok: false }>;

function times(n: number): string {
  return `${n} ${n === 1 ? "time" : "times"}`;
}

/** `later`, an attempt's outcomes, merged into `earlier`; `resent` when that attempt sent the records. */
function best<Code extends string>(
  earlier: readonly ItemOutcome<Code>[],
  later: readonly (ItemOutcome<Code> | undefined)[],
  resent = false,
): ItemOutcome<Code>[] {
  const length = Math.max(earlier.length, later.length);
  const merged = new Array<ItemOutcome<Code>>(length);
  for (let i = 0; i < length; i++) merged[i] = better(earlier[i], later[i], resent)!;
  return merged;
}

/**
 * Imported beats failed; an import kept over a later outcome whose attempt sent the record again (`resent`),
 * an import or a failure that may have written, takes its `resentNote` (what the second write may have left),
 * not the rest of its words, which speak of that answer only. A later answer beats an earlier one, but for an
 * earlier refusal: that stands, unless the later answer is a failure that may not pass whose vendor answer
 * shows the vendor may hold the record (a job accepted, a list naming it, or no longer naming it) where the
 * earlier did not, which the refusal then says with the vendor's code and words kept; or a later send of the
 * record went unsettled (`resent`), which the refusal then says too.
 * A later failure does not say the record is unwritten when an earlier send may have written it: one that
 * wrote nothing keeps its words, without `unprocessed`; a refusal (which speaks for its own send only) says
 * the vendor may hold the record.
 */
function better<Code extends string>(
  before: ItemOutcome<Code> | undefined,
  now: ItemOutcome<Code> | undefined,
  resent: boolean,
): ItemOutcome<Code> | undefined {
  if (before === undefined || now === undefined) return before ?? now;
  if (before.ok) {
    // The record went out again with its chunk: what the vendor may hold from that write (a list written
    // twice) holds whatever the earlier answer said, and whatever became of that write if it may have
    // happened. Said once, however many replays repeat it.
    const note = resent && (now.ok || mayHaveWritten(now)) ? now.resentNote : undefined;
    if (note === undefined || (before.note ?? "").includes(note)) return before;
    return withNote(before, note);
  }
  if (now.ok) return now;
  // The refusal spoke for the try that carried the record then; a later send of it that nothing settled (an
  // adapter that sends refused records again with the rest) may have written it. Not a follow-up on the same
  // request (a job's results read again), which wrote nothing more.
  if (before.transient !== true && resent && mayHaveWritten(now))
    return mayHoldOnce(before, RESENT_NOTE);
  // A later answer that shows the vendor may hold the record after all (a list read whole this time) says
  // more than an earlier refusal that did not. Not the note that an earlier try may have reached the vendor:
  // the earlier refusal answered for that try.
  if (before.transient !== true) {
    // Told apart by its marks, never by words (a vendor's message may quote ours): the job's doubt, and a
    // refusal that says nothing of it yet.
    if (
      now.transient === true ||
      now.vendorMayHold !== true ||
      now.jobMayHold !== true ||
      before.vendorMayHold === true
    )
      return before;
    // A refusal repeated with the doubt added; else (the record no longer listed) the vendor's own code and
    // words still stand, and the later answer only adds that it may hold the record.
    return now.reason.startsWith(before.reason)
      ? now
      : mayHold(before, `; on a later try: ${now.reason}`);
  }
  if (!mayHaveWritten(before)) return now;
  return now.transient === true ? afterEarlierSend(now) : afterLostSend(now);
}

/**
 * The fatal attempt's own outcomes, and for each record it says nothing of, a failure that may have written,
 * so that {@link better} marks an earlier refusal as resent; a record without a known outcome stays unknown.
 */
function resentWithout<Code extends string>(
  earlier: readonly ItemOutcome<Code>[],
  known: readonly (ItemOutcome<Code> | undefined)[] | undefined,
): (ItemOutcome<Code | EngineFailureCode> | undefined)[] {
  const mayHave: ItemOutcome<EngineFailureCode> = {
    ok: false,
    code: "fatal",
    reason: "",
    transient: true,
  };
  return earlier.map((before, i) => known?.[i] ?? (before.ok ? undefined : mayHave));
}

/**
 * A failure that may pass, after an earlier send of this run that may have written the record: it speaks for
 * its own send only (a 429 that turned it away wrote nothing), so it says the vendor may hold the record,
 * unless it says so already. An abort's words are said where the run's stop is known.
 */
function afterEarlierSend<Code extends string>(failure: Failed<Code>): Failed<Code> {
  const written = withoutUnprocessed(failure);
  if (written.vendorMayHold === true || written.code === "aborted") return written;
  return mayHoldOnce(written, EARLIER_TRY_NOTE);
}

/** The failure without its `unprocessed` mark: a write before it may have taken the record. */
function withoutUnprocessed<Code extends string>(outcome: Failed<Code>): Failed<Code> {
  if (outcome.unprocessed === undefined) return outcome;
  const { unprocessed: _unprocessed, ...written } = outcome;
  return written;
}

/**
 * What to do about a chunk whose body is longer than one string can hold (about 512 MiB in Node): nothing
 * else says, and the same chunk fails so on every re-run with its journal.
 */
function tooLongHint(error: unknown): string {
  return tooLongToBuild(error)
    ? " (the chunk's body is longer than one string can hold: import with a smaller chunk size, under a new journal, as a journal keeps its chunk size)"
    : "";
}
