import type { Chunk, ImportAdapter, ItemOutcome } from "./adapter.js";
import { mayHold } from "./chunk-outcomes.js";
import {
  followChunk,
  reRunWithoutJournal,
  sentInEarlierRun,
  type Followed,
  type ReplaySettings,
  type RunStop,
} from "./follow-chunk.js";
import type { EngineFailureCode, ReportedFailureCode, VendorCode } from "./failure-codes.js";
import { Journal, JournalError, type JournaledChunk, type JournalLoss } from "./journal.js";
import type { PendingChunk } from "./pending-chunk.js";
import type { WaitingOn } from "./progress-pulse.js";
import { RepeatOrder, type OutChunk } from "./repeat-order.js";
import type { ReportBuilder } from "./report-builder.js";
import { scrubOutcomes, withinTextLimit } from "./scrub-outcomes.js";
import { settleChunk } from "./settle-chunk.js";
import { whenAborted } from "../when-aborted.js";
import { httpStatusOf, oauthErrorOf, type OAuthErrorCode } from "../errors/api-error.js";

/** How a record's reason names the chunk an earlier run sent at its place, of other records. */
const IN_PLACE = "a chunk in its place";

/**
 * How the journal was lost (`Journal.lost`, read by a reason that words its re-run by it, so the note after
 * it reads the same), and the re-run that note names.
 */
interface LostJournal {
  readonly lost: JournalLoss | undefined;
  readonly reRun: string;
}

/** What the dispatcher needs from the run. */
export interface DispatchSettings<Code extends string = string> {
  /** The run's report: its failed records' codes are the adapter's `Code` and those the engine gives. */
  readonly report: ReportBuilder<ReportedFailureCode<Code>>;
  /** Emits a progress event. */
  readonly emit: () => void;
  /**
   * `chunk` waits on `on` from now (a progress event, unless `announce` is false: a wait already said), or
   * no more (undefined).
   */
  readonly waiting: (chunk: object, on: WaitingOn | undefined, announce?: boolean) => void;
  readonly journal: Journal | undefined;
  /** The journal's path, for the message of a journal that does not fit the input. */
  readonly journalPath: string | undefined;
  readonly replay: ReplaySettings;
  readonly concurrency: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
}

/**
 * Sends the chunks the reader assembles, with bounded concurrency, follows each through and settles its
 * records in the report. Owns the run's stop state: the caller's abort, a fatal vendor answer, a journal that
 * does not fit the input.
 */
export class ChunkDispatcher<Input, Wire, Code extends string = string> {
  #fatal: string | undefined;
  #fatalStatus: number | "auth" | undefined;
  #fatalOAuthError: OAuthErrorCode | undefined;
  #unsentReason: string | undefined;
  #mismatch: Error | undefined;
  // The journal does not fit the input: unlike a callback's throw (which stops the run too), nothing more is
  // sent, and what the journal holds is trusted only for a chunk of the very same records.
  #unfit: JournalError | undefined;
  // The first chunk found to hold other records than the journal's: from there on, records the input added or
  // removed may have moved the others into other chunks than an earlier run sent them in.
  #differsFrom: number | undefined;
  // Whether an earlier run sent a chunk from there on that the vendor may hold records of (read once).
  #heldFromDiffering: boolean | undefined;
  // One controller for the run: the caller's signal, a fatal vendor answer, a callback's throw and a journal
  // that failed or does not fit the input all stop it.
  readonly #run = new AbortController();
  // Stops the reading too; a fatal answer does not (the input is read to its end, each record failed).
  readonly #halt = new AbortController();
  // Lets go of the caller's signal. Through whenAborted: imports run at once under one signal (a server's
  // shutdown signal) hang one listener on it between them, where one each passed Node's limit of 10 at the
  // eleventh import and printed a MaxListenersExceededWarning.
  readonly #releaseCaller: () => void;
  #seq = 0;
  // The index of the first record after the chunks handed over so far: records from here to a chunk's last
  // that it does not hold were left out of every chunk (rejected) at its place.
  #spanFrom = 0;
  // The records read in all, once the input's last chunk is handed over: its span reaches the input's end.
  #inputEnd: number | undefined;
  #sentChunks = 0;
  #resumedChunks = 0;
  #replayedChunks = 0;
  readonly #inFlight = new Set<Promise<void>>();
  // The chunks in flight the vendor still works on, or will beyond the next chunk's upload, and the chunks
  // waiting for an earlier chunk holding one of their users; the others only read their results (see
  // vendorDone).
  readonly #working = new Set<object>();
  readonly #order: RepeatOrder<Wire>;
  #wake: (() => void) | undefined;

  constructor(
    private readonly adapter: ImportAdapter<Input, Wire, Code>,
    private readonly settings: DispatchSettings<Code>,
  ) {
    this.#order = new RepeatOrder(adapter.identitiesOf?.bind(adapter));
    const caller = settings.signal;
    // Run at once if the caller's signal has aborted already.
    this.#releaseCaller =
      caller === undefined ? () => {} : whenAborted(caller, () => this.#abort(caller.reason));
  }

  /**
   * Aborts when reading should stop: the caller's abort, a callback that threw, a journal that does not fit
   * the input. Records read until then still get their outcome (failed `aborted`) through {@link submit}.
   */
  get halted(): AbortSignal {
    return this.#halt.signal;
  }

  /**
   * The vendor's refusal of everything (bad credentials, no permission), or why the run stopped itself (its
   * journal could not be written or read): nothing more is sent.
   */
  get fatal(): string | undefined {
    return this.#fatal;
  }

  /**
   * The reason of a record read once {@link fatal} was set, which the run does not send: worded once, as a
   * large input has many such records and whether the journal is lost is read from the file system.
   */
  get unsentReason(): string {
    return (this.#unsentReason ??= stopReason(this.fatal) + this.#journalLostNote(false));
  }

  /** The status of the vendor's answer that {@link fatal} quotes (see `ImportReport.fatalStatus`). */
  get fatalStatus(): number | "auth" | undefined {
    return this.#fatalStatus;
  }

  /** The OAuth2 error code of the token answer {@link fatal} quotes (see `ImportReport.fatalOAuthError`). */
  get fatalOAuthError(): OAuthErrorCode | undefined {
    return this.#fatalOAuthError;
  }

  /**
   * Stops the run with `error` (a caller's callback threw): nothing more is read or sent, and the run rejects
   * with it once what is in flight settled.
   */
  stop(error: Error): void {
    this.#mismatch ??= error;
    this.#abort(error);
  }

  /**
   * Stops the run because its journal could not record a line outside a chunk's (its account's): as at a
   * chunk's record that failed, nothing more is sent, the report's `fatal` says why, and every record still
   * gets its outcome, those of a chunk the vendor answered included.
   */
  journalFailed(error: unknown): void {
    this.#stopRun(error);
  }

  /**
   * A journal that does not fit this input, or the error a run was stopped with: the run rejects with it once
   * what is in flight settled.
   */
  get mismatch(): Error | undefined {
    return this.#mismatch;
  }

  /**
   * Whether the journal holds what an earlier run did with the chunk being filled, or a later one, or the
   * input moved records an earlier run may have sent (see {@link #mayHoldMoved}): after a fatal answer, those
   * chunks are still assembled, so that what that run settled or sent is reported.
   */
  get journalAhead(): boolean {
    return (
      this.#unfit === undefined &&
      ((this.settings.journal?.lastSeq ?? -1) >= this.#seq || this.#mayHoldMoved())
    );
  }

  /** Chunks sent in this run, taken from the journal, and sent again after a transient failure. */
  get chunks(): { sent: number; resumed: number; replayed: number } {
    return {
      sent: this.#sentChunks,
      resumed: this.#resumedChunks,
      replayed: this.#replayedChunks,
    };
  }

  /** Waits until another chunk may go: a vendor slot free, and at most twice `concurrency` in flight. */
  async slotFree(): Promise<void> {
    const { concurrency } = this.settings;
    while (this.#working.size >= concurrency || this.#inFlight.size >= 2 * concurrency) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        // A chunk's task records its failures rather than reject; were one to reject anyway, the reader
        // wakes, and no rejection goes unhandled.
        void Promise.race(this.#inFlight).then(resolve, resolve);
      });
    }
  }

  /**
   * Sends a full chunk (call once {@link slotFree} resolved); once the run stopped, fails its records.
   * `read`, for the input's last chunk: the records read in all, those after the chunk being at its place.
   */
  submit(pending: PendingChunk<Wire>, read?: number): void {
    if (read !== undefined) this.#inputEnd = read;
    this.#submit(pending, undefined);
  }

  /**
   * {@link submit}, given what the journal holds for the chunk when it was looked up already (a lookup hands
   * a chunk's outcomes out once: looked up again, a settled chunk would be sent again).
   */
  #submit(pending: PendingChunk<Wire>, lookedUp: JournaledChunk | undefined): void {
    const seq = this.#seq++;
    const from = this.#spanOf(pending);
    const entry = lookedUp ?? this.#lookup(seq, pending);
    if (entry === UNREADABLE) return;
    if (!this.#run.signal.aborted) {
      this.#dispatch(pending, seq, entry, from);
      return;
    }
    // Not sent in this run; an earlier run with the journal may have settled the chunk, or sent it, or (past
    // a chunk that differs from the journal's) sent one in its place, which may have held these records.
    const fingerprint = entry === undefined ? "" : fingerprintOf(pending);
    const known = entry !== undefined && fits(entry, pending, fingerprint) ? entry : undefined;
    if (entry !== undefined && entry.fingerprint !== fingerprint) this.#differsFrom ??= seq;
    if (known?.outcomes !== undefined) {
      this.#resume(pending, known.outcomes);
      return;
    }
    const what = known === undefined ? IN_PLACE : "its chunk";
    this.#failUnsent(pending, this.#stopCode(), this.#stopReason(), entry, what);
  }

  /**
   * The last chunk of an input that broke off (`inputError`) before the chunk was full. With a journal it is
   * not sent: the whole input makes a larger chunk in its place, which a re-run could not match with this
   * one, so the records wait for that re-run.
   */
  submitCutShort(pending: PendingChunk<Wire>, inputError: string): void {
    const { journal } = this.settings;
    if (journal === undefined || this.#unfit !== undefined) {
      this.submit(pending);
      return;
    }
    // Looked up once: the lookup hands a settled chunk's outcomes out once, and `#submit` uses them.
    const known = this.#lookup(this.#seq, pending);
    if (known === UNREADABLE) return;
    if (known !== undefined && fits(known, pending)) {
      this.#submit(pending, known);
      return;
    }
    if (this.#run.signal.aborted) {
      this.#seq += 1;
      this.#spanOf(pending);
      this.#failUnsent(pending, this.#stopCode(), this.#stopReason(), known, IN_PLACE);
      return;
    }
    // Read once, for this reason and the note after it: with the journal lost, the note alone names a re-run.
    const lost = journal.lost;
    const cutShort = `not sent: reading the input stopped (${inputError}) before this record's chunk was full`;
    this.#failUnsent(
      pending,
      "aborted",
      lost === undefined
        ? `${cutShort}; a re-run with this journal and the whole input sends it`
        : cutShort,
      known,
      IN_PLACE,
      { lost, reRun: "a re-run with the whole input" },
    );
  }

  /** Where the span of `pending` starts (see `#spanFrom`); the next chunk's starts after its last record. */
  #spanOf(pending: PendingChunk<Wire>): number {
    const from = this.#spanFrom;
    const last = pending.indexes[pending.indexes.length - 1];
    if (last !== undefined) this.#spanFrom = last + 1;
    return from;
  }

  /**
   * What the journal holds of chunk `seq`. When what it recorded cannot be read (the file removed or replaced
   * while the run used it), the run stops as at a journal write that failed, and the chunk's records fail
   * saying the vendor may hold them: an earlier run recorded a chunk at their place.
   */
  #lookup(
    seq: number,
    pending: PendingChunk<Wire>,
  ): JournaledChunk | undefined | typeof UNREADABLE {
    try {
      return this.settings.journal?.lookup(seq);
    } catch (error) {
      const message = this.#stopRun(error);
      this.#failAll(
        pending,
        "fatal",
        `${message}; ${this.adapter.vendor} may hold this record: an earlier run with this journal recorded its chunk (or one in its place), and what it recorded could not be read${this.#journalLostNote(true)}`,
        true,
      );
      return UNREADABLE;
    }
  }

  /**
   * Why a record read after the run stopped was not sent: a journal that does not fit the input stops it as
   * surely as a fatal answer does, and the record says so rather than that the import was aborted.
   */
  #stopReason(): string {
    if (this.#unfit !== undefined) return `not sent: ${this.#unfit.message}`;
    if (this.#stoppedBy() !== "error") return stopReason(this.fatal);
    const message = this.#scrubbedOr(this.#mismatch?.message ?? "", "the error cannot be shown");
    return `not sent: the import stopped at the error it rejects with (${message})`;
  }

  /** What stopped the run first: a fatal recorded after the caller's abort, or an error after it, did not. */
  #stoppedBy(): RunStop | undefined {
    const reason: unknown = this.#run.signal.reason;
    if (reason instanceof Error && reason.message === this.#fatal) return "fatal";
    // A callback may throw the caller's own reason back (`signal.throwIfAborted()`, a fetch given that
    // signal): the run then rejects with it, but the caller stopped the run.
    const callers: unknown = this.settings.signal?.reason;
    return reason !== undefined && reason === this.#mismatch && reason !== callers
      ? "error"
      : undefined;
  }

  /**
   * The code of a record the run stopped before sending: `fatal` once {@link fatal} is set (a fatal answer, a
   * journal that failed), else `aborted`.
   */
  #stopCode(): EngineFailureCode {
    return this.fatal === undefined ? "aborted" : "fatal";
  }

  /**
   * Fails a chunk this run does not send; where the journal says an earlier run sent `what` (the chunk, or
   * one in its place) without an answer, the reason says the vendor may hold the records. A journal lost
   * adds what a re-run does instead (see {@link LostJournal}).
   */
  #failUnsent(
    pending: PendingChunk<Wire>,
    code: EngineFailureCode,
    reason: string,
    known: JournaledChunk | undefined,
    what: string,
    lostAs?: LostJournal,
  ): void {
    // A chunk in its place that an earlier run settled held other records, some of which may be these: the
    // vendor may hold them if it imported one of that chunk's, or if the outcome of one left that open; not
    // if it refused them all (though sent).
    const settled = known?.outcomes;
    const earlier =
      known !== undefined &&
      (settled === undefined
        ? sentInEarlierRun(known.state)
        : settled.some((outcome) => outcome.ok || outcome.vendorMayHold === true));
    const unanswered = settled === undefined ? ", and no answer said what became of it" : "";
    // Not of the chunk at their place: the input moved its records, and an earlier chunk may have held them.
    const moved = !earlier && what === IN_PLACE && this.#mayHoldMoved();
    const vendor = this.adapter.vendor;
    this.#failAll(
      pending,
      code,
      (earlier
        ? `${reason}; ${vendor} may hold this record: an earlier run with this journal sent ${what}${unanswered}`
        : moved
          ? `${reason}; ${vendor} may hold this record: an earlier run with this journal sent chunks of other input from chunk ${this.#differsFrom} on, any of which may have held it`
          : reason) + this.#journalLostNote(earlier || moved, lostAs),
      earlier || moved,
    );
  }

  /**
   * What a re-run does with a record this run did not send, once the journal's file is no longer the one this
   * run used (see `Journal.lost`): it knows nothing of an earlier run's send (`sent`) either. Empty while the
   * journal is that file: a re-run with it then resumes as the journal says.
   */
  #journalLostNote(sent: boolean, lostAs?: LostJournal): string {
    const lost = lostAs === undefined ? this.settings.journal?.lost : lostAs.lost;
    return lost === undefined
      ? ""
      : `; ${reRunWithoutJournal(lost, this.adapter.replay, sent, lostAs?.reRun)}`;
  }

  /**
   * Whether a record not in the chunk the journal holds at its place may be at the vendor all the same: the
   * input differs from the journal's from some chunk on, and an earlier run sent a chunk from there on that
   * the vendor may hold records of (records of the chunks before are where the earlier run sent them).
   */
  #mayHoldMoved(): boolean {
    const { journal } = this.settings;
    if (this.#differsFrom === undefined || journal === undefined) return false;
    this.#heldFromDiffering ??= journal.mayHoldFrom(this.#differsFrom, (state) =>
      sentInEarlierRun(state),
    );
    return this.#heldFromDiffering;
  }

  /**
   * Once the whole input was read and sent: a {@link JournalError} when an earlier run with this journal sent
   * a chunk numbered past this run's last that the vendor may hold records of. This input made no such chunk
   * (its records were removed from the input's end, or this version rejects them), so no chunk compared
   * found it, and the report alone would not say that the vendor may hold them.
   * @param read the records read in all
   */
  journalPastInput(read: number): JournalError | undefined {
    const { journal } = this.settings;
    const next = this.#seq;
    if (journal === undefined || this.#mismatch !== undefined || this.#fatal !== undefined) return;
    // Only those the vendor may hold records of are named: one the vendor refused whole, or one a run with
    // concurrency stopped before it went out (its state unsaved, or saying nothing went out), is not.
    const held =
      journal.lastSeq < next ? [] : journal.heldFrom(next, (state) => sentInEarlierRun(state));
    const [first] = held;
    if (first === undefined) return;
    const last = held[held.length - 1] ?? first;
    const chunks =
      held.length === 1
        ? `chunk ${first}`
        : last - first + 1 === held.length
          ? `chunks ${first} to ${last}`
          : `chunks ${listed(held.slice(0, LEFT_OUT_NAMED), held.length)}`;
    const rejected = read - this.#spanFrom;
    const named = namedRecords(
      Array.from({ length: Math.min(rejected, LEFT_OUT_NAMED) }, (_, i) => this.#spanFrom + i),
      rejected,
    );
    const start =
      `journal ${this.settings.journalPath}: an earlier run with this journal sent ${chunks}, past this ` +
      `input's last chunk, and ${this.adapter.vendor} may hold records of ` +
      `${held.length > 1 ? "them" : "it"} ` +
      "that this input does not hold (records removed from its end)";
    // Records rejected after the last chunk may be what that run sent, or records it rejected too, the chunks
    // holding records removed since: the journal cannot tell, so both are said.
    return new JournalError(
      rejected > 0
        ? `${start}, or the ${named} this run rejected after its last chunk, which that run may have sent (a version that validated otherwise); resume with the input and version that wrote the journal, or start a new journal`
        : `${start}; resume with the input that wrote the journal, or start a new journal`,
    );
  }

  /** Waits for every chunk in flight to settle. */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  /** Stops listening to the caller's signal. */
  release(): void {
    this.#releaseCaller();
  }

  #abort(reason: unknown): void {
    this.#run.abort(reason);
    this.#halt.abort(reason);
  }

  /**
   * Stops the run (nothing more is sent) because recording failed: the journal could not be written (a
   * chunk's line, or the account's), or settling threw. Returns the scrubbed message, which `report.fatal`
   * then holds.
   */
  #stopRun(error: unknown): string {
    const thrown = error instanceof Error ? error.message : String(error);
    const message = this.#scrubbedOr(
      `the import stopped: ${thrown}`,
      "the import stopped: recording a chunk's outcomes failed",
    );
    this.#fatal ??= message;
    this.#run.abort(new Error(message));
    return message;
  }

  /** `text` scrubbed of the adapter's secrets, or `fallback` should scrubbing throw: a stop must not. */
  #scrubbedOr(text: string, fallback: string): string {
    try {
      return this.adapter.scrub(text);
    } catch {
      return fallback;
    }
  }

  #settle(
    chunk: PendingChunk<Wire>,
    outcomes: readonly ItemOutcome<ReportedFailureCode<Code>>[],
  ): void {
    settleChunk(this.settings.report, this.adapter.vendor, chunk, outcomes);
    this.settings.emit();
  }

  /** Fails every record of `chunk` alike; `vendorMayHold` where `reason` says the vendor may hold them. */
  #failAll(
    chunk: PendingChunk<Wire>,
    code: EngineFailureCode,
    reason: string,
    vendorMayHold = false,
  ): void {
    const failed: ItemOutcome<EngineFailureCode> = {
      ok: false,
      code,
      reason,
      ...(vendorMayHold && { vendorMayHold }),
    };
    this.#settle(
      chunk,
      chunk.indexes.map(() => failed),
    );
  }

  /** A vendor text as the report, the journal and `onOutcome` get it: scrubbed, and cut if very long. */
  #clean(text: string): string {
    return withinTextLimit(this.adapter.scrub(text));
  }

  #resume(pending: PendingChunk<Wire>, outcomes: readonly ItemOutcome<VendorCode>[]): void {
    this.#resumedChunks += 1;
    this.settings.report.resumed(pending.indexes.length);
    // A journal written before its vendor texts were scrubbed must not bring a secret into this report.
    this.#settle(
      pending,
      scrubOutcomes(outcomes, (text) => this.#clean(text)),
    );
  }

  /** Sends the chunk, or settles it from `known`, what the journal holds of it. */
  #dispatch(
    pending: PendingChunk<Wire>,
    chunkSeq: number,
    known: JournaledChunk | undefined,
    from: number,
  ): void {
    const { journal } = this.settings;
    const run = this.#run;
    const repeated = repeatedFromEarlierChunks(pending);
    const chunk: Chunk<Wire> = {
      seq: chunkSeq,
      // Read through `pending`, so releasing its items releases the chunk's.
      get items() {
        return pending.items;
      },
      serialized: pending.serialized,
      keys: pending.keys,
      ...(repeated !== undefined && { repeated }),
    };
    const fingerprint = journal === undefined ? "" : fingerprintOf(pending);
    if (known !== undefined && !fits(known, pending, fingerprint)) {
      // Stop reading and sending; the chunks in flight settle before the run rejects, so none is orphaned.
      this.#unfit ??= new JournalError(
        known.fingerprint !== fingerprint
          ? differsMessage(
              this.settings.journalPath,
              chunkSeq,
              leftOut(pending, from, this.#inputEnd),
              this.adapter.vendor,
              journal !== undefined && chunkSeq === journal.lastSeq
                ? appendedFrom(known, pending)
                : undefined,
            )
          : `journal ${this.settings.journalPath}: chunk ${chunkSeq} has ${known.outcomes?.length} outcomes recorded for its ${pending.indexes.length} records: ` +
              "the journal was changed since the run that wrote it, so restore it or start a new journal",
      );
      this.#mismatch ??= this.#unfit;
      // Only other records moved any: a done line changed by hand leaves the journal's very records here.
      if (known.fingerprint !== fingerprint) this.#differsFrom ??= chunkSeq;
      this.#abort(this.#mismatch);
      this.#failUnsent(pending, "aborted", this.#unfit.message, known, IN_PLACE);
      return;
    }
    if (known?.outcomes !== undefined) {
      this.#resume(pending, this.#order.overtaken(pending, repeated, known.outcomes));
      return;
    }
    // A record repeating the key of a record whose chunk is still out (sent at once, or being replayed after
    // a lost answer) waits for that chunk to settle: sent now, its values could reach the vendor before the
    // earlier record's (a replay, a retry, two requests racing), and the vendor would keep the earlier
    // record's values where the input's later record is its last word on the user.
    const earlierOut = this.#order.holding(pending, repeated).tasks;
    if (earlierOut.length > 0) {
      const slot = {};
      this.#working.add(slot);
      const out = this.#order.outOf(pending);
      const waiting = Promise.all(earlierOut).then(() => {
        this.#working.delete(slot);
        if (run.signal.aborted) {
          this.#failUnsent(pending, this.#stopCode(), this.#stopReason(), known, "its chunk");
          return undefined;
        }
        // Settles once the chunk does, so that `drain` and a later repeat wait for it. In flight as this wait
        // alone: counted twice, it held the reader back from a chunk the limit (twice `concurrency`) lets go.
        const sent = this.#send(pending, chunk, chunkSeq, fingerprint, known, out);
        this.#inFlight.delete(sent);
        return sent;
      });
      void this.#track(waiting, slot, out);
      return;
    }
    void this.#send(pending, chunk, chunkSeq, fingerprint, known);
  }

  /**
   * Counts `task` in flight, and its chunk as out (`out`: what a later repeat looks it up by), until it
   * settles; the promise settles then.
   */
  #track(task: Promise<void>, slot: object, out: OutChunk): Promise<void> {
    const tracked = task
      // A task that threw (a waiting chunk failing its records after the run stopped): the run stops, as a
      // sent chunk's task does when recording fails.
      .catch((error: unknown) => void this.#stopRun(error))
      .finally(() => {
        this.#working.delete(slot);
        this.#inFlight.delete(tracked);
        this.#order.release(tracked);
      });
    this.#inFlight.add(tracked);
    this.#order.hold(tracked, out);
    return tracked;
  }

  /** Sends the chunk and follows it through; the promise settles once its records are in the report. */
  #send(
    pending: PendingChunk<Wire>,
    chunk: Chunk<Wire>,
    chunkSeq: number,
    fingerprint: string,
    known: JournaledChunk | undefined,
    // Taken before the follow-through may release the chunk's items.
    out: OutChunk = this.#order.outOf(pending),
  ): Promise<void> {
    const { journal, report, replay, sleep } = this.settings;
    const run = this.#run;
    // Read before the follow-through may release the chunk's items.
    const afterUnanswered = this.#order.afterUnanswered(pending, chunk.repeated);
    this.#order.sent(out);
    this.#sentChunks += 1;
    report.sent(pending.indexes.length);
    this.settings.emit();
    const slot = {};
    this.#working.add(slot);
    const followed = followChunk(this.adapter, chunk, {
      signal: run.signal,
      resumed: known?.state,
      rotatedSince: known?.rotatedSince === true,
      replay,
      checkpoint: (state) => {
        try {
          journal?.checkpoint(chunkSeq, fingerprint, state);
        } catch (error) {
          // The journal cannot record this chunk's progress (a full disk): the run stops before another
          // request goes out unrecorded, and, the signal aborted, this chunk's records say that the vendor
          // may hold them when the failed write followed a send (a job id the vendor answered).
          this.#stopRun(error);
          throw error;
        }
      },
      sleep: (ms) => sleep(ms, run.signal),
      waiting: (on, announce) => this.settings.waiting(chunk, on, announce),
      count: (event, n) => report.count(event, n),
      journaled: journal !== undefined,
      journalLost: () => journal?.lost,
      savedByAnyChunk: (prefix) => journal?.values(prefix) ?? [],
      vendorDone: () => {
        if (this.#working.delete(slot)) this.#wake?.();
      },
      replayed: () => (this.#replayedChunks += 1),
      stoppedBy: () => this.#stoppedBy(),
      releaseItems: () => {
        pending.items = [];
      },
    });
    let settled = false;
    // Whether the chunk's request may have reached the vendor, for a stop before its records were recorded:
    // until the follow-through resolves, nothing says it did not.
    let reached = true;
    const settle = (outcomes: readonly ItemOutcome<ReportedFailureCode<Code>>[]) => {
      // Waits no more, whatever the follow-through left (a throw amid a wait): the event below says so.
      this.settings.waiting(chunk, undefined);
      settleChunk(report, this.adapter.vendor, pending, outcomes);
      // Recorded: whatever the progress event below does, the records must not be recorded again.
      settled = true;
      this.settings.emit();
    };
    const task = followed
      .then((result) => {
        reached =
          result.reached ||
          (result.kind === "fatal" && result.written === true) ||
          result.earlierSend;
        // Counted as it was handed to the adapter; one whose request never left (the caller aborted while it
        // waited for a token or its turn, every connection refused, no token to send) was not sent, as its
        // records say. Progress's `sent` takes its records back with it, so that it counts as the report
        // does.
        if (!result.reached) {
          this.#sentChunks -= 1;
          report.unsent(pending.indexes.length);
        }
        // Every vendor text is scrubbed here, before the journal, the report or `onOutcome` sees it: a
        // vendor may echo a credential in a successful answer, which the client's error scrubbing never sees.
        if (result.kind === "fatal") {
          const message = this.#clean(result.error.message);
          // Only the answer `fatal` quotes: a stop recorded first (a journal write) has none.
          if (this.#fatal === undefined) {
            this.#fatal = message;
            this.#fatalStatus =
              httpStatusOf(result.error) ?? (result.error.status === "auth" ? "auth" : undefined);
            // Not scrubbed: it is one of RFC 6749's words, no text of the answer's, and a secret sharing a
            // run of 6 with one (`acme_client_…`, `invalid_client`) would have the scrub take the code away.
            this.#fatalOAuthError = oauthErrorOf(result.error);
          }
          run.abort(new Error(message));
          settle(
            scrubOutcomes(
              fatalOutcomes(pending.indexes.length, message, this.adapter.vendor, result),
              (text) => this.#clean(text),
            ),
          );
          return;
        }
        const scrubbed = scrubOutcomes(result.outcomes, (text) => this.#clean(text));
        // An earlier run's send of this chunk may be what answers it now (its job, under the saved key or
        // found in the vendor's list), unwritten again: an earlier record of one of its users sent in this
        // run then reached the vendor after it, which may keep that record's values.
        const outcomes = RepeatOrder.landsLate(
          mayAdoptEarlierSend(this.adapter.replay.by, result.sends) && result.earlierSend
            ? this.#order.overtaken(pending, chunk.repeated, scrubbed)
            : scrubbed,
          afterUnanswered,
        );
        // Before the chunk settles and a later repeat of its users, waiting for it, goes out.
        if (result.mayLandLate) this.#order.mayLandLate(out);
        try {
          // A chunk cut short (abort) or failed in a way that may pass stays unfinished in the journal, so a
          // re-run resumes it (with its saved idempotency key or job) instead of keeping the failure.
          if (result.final) journal?.done(chunkSeq, fingerprint, outcomes);
        } finally {
          // What the vendor said stands even when the journal could not record it.
          settle(outcomes);
        }
      })
      .catch((error: unknown) => {
        // The journal could not be written (a full disk), or settling threw: the run stops rather than go on
        // without its record of progress, and every record of this chunk still gets an outcome.
        const message = this.#stopRun(error);
        this.settings.waiting(chunk, undefined);
        if (settled) return;
        // The vendor may have answered for these records already (imported them, even): none is recorded.
        if (reached)
          this.#failAll(
            pending,
            "fatal",
            `${message}; ${this.adapter.vendor} may hold this record: its chunk was sent, and what became of it could not be recorded`,
            true,
          );
        else this.#failAll(pending, "fatal", message);
      });
    return this.#track(task, slot, out);
  }
}

/** What the dispatcher's lookup gives when what the journal recorded of a chunk cannot be read. */
const UNREADABLE = Symbol("unreadable");

/**
 * A chunk's outcomes when a fatal answer ended it: what the vendor said of an item stands (imported, or its
 * own refusal); every other item fails `fatal`, saying the vendor may hold it when the chunk was written.
 */
function fatalOutcomes<Code extends string>(
  size: number,
  message: string,
  vendor: string,
  result: Extract<Followed<Code>, { kind: "fatal" }>,
): ItemOutcome<Code | EngineFailureCode>[] {
  const stopped: ItemOutcome<EngineFailureCode> = { ok: false, code: "fatal", reason: message };
  const failed = result.written
    ? mayHold(
        stopped,
        `; ${vendor} may hold this record: the chunk was sent before the import stopped, and no answer said what became of it`,
      )
    : stopped;
  return Array.from({ length: size }, (_, i) => {
    const known = result.known?.[i];
    return known !== undefined && (known.ok || known.transient !== true) ? known : failed;
  });
}

/**
 * Whether a replay may have been answered with what an earlier send did instead of writing the chunk again:
 * the job an idempotency key names (a send under the key cannot tell), or the one a search of the vendor
 * finds, unless this run sent the chunk after all (the search found none). An upsert or a resend writes anew.
 */
function mayAdoptEarlierSend(by: ImportAdapter<unknown>["replay"]["by"], sends: number): boolean {
  return by === "idempotency-key" || (by === "reconcile" && sends === 0);
}

/**
 * Whether what the journal holds for a chunk is of `pending`: the same records, and, once settled, one
 * outcome for each (a done line changed by hand would otherwise fail the records it lost `no_outcome`).
 */
function fits(
  known: JournaledChunk,
  pending: PendingChunk<unknown>,
  fingerprint = fingerprintOf(pending),
): boolean {
  return (
    known.fingerprint === fingerprint &&
    (known.outcomes === undefined || known.outcomes.length === pending.indexes.length)
  );
}

/** The chunk's records as the journal fingerprints them (its first `count`, given one). */
function fingerprintOf(pending: PendingChunk<unknown>, count?: number): string {
  const records =
    pending.serialized.length > 0
      ? pending.serialized
      : pending.items.map((i) => JSON.stringify(i));
  return Journal.fingerprint(count === undefined ? records : records.slice(0, count));
}

/**
 * The input index of the first record `pending` holds after the records of the chunk an earlier run settled
 * at its place, when those are its first records: records added at the input's end after a last chunk that
 * was not full, or the last records that run rejected, valid now. Undefined otherwise (the chunk unsettled,
 * of fewer records, or of others).
 */
function appendedFrom(known: JournaledChunk, pending: PendingChunk<unknown>): number | undefined {
  const settled = known.outcomes?.length;
  if (settled === undefined || settled === 0 || settled >= pending.indexes.length) return undefined;
  return fingerprintOf(pending, settled) === known.fingerprint
    ? pending.indexes[settled]
    : undefined;
}

/** Records named in a refusal before the rest are counted. */
const LEFT_OUT_NAMED = 3;

/**
 * The records from `from` to the chunk's last (the input's, for its last chunk: `inputEnd` records read)
 * that it does not hold (rejected, or too large to send): the first few, and how many in all.
 */
function leftOut(
  pending: PendingChunk<unknown>,
  from: number,
  inputEnd: number | undefined,
): { first: number[]; count: number } {
  const { indexes } = pending;
  const lastHeld = indexes[indexes.length - 1];
  if (lastHeld === undefined) return { first: [], count: 0 };
  const last = inputEnd === undefined ? lastHeld : Math.max(lastHeld, inputEnd - 1);
  const first: number[] = [];
  let at = 0;
  for (let index = from; index <= last && first.length < LEFT_OUT_NAMED; index++) {
    if (indexes[at] === index) at++;
    else first.push(index);
  }
  return { first, count: last - from + 1 - indexes.length };
}

/** What starting over costs: a new journal knows nothing of what the vendor took already. */
const NEW_JOURNAL_SENDS = "which sends every record again";

/**
 * Why a chunk that holds other records than the journal's stops the run. Records this run rejected at its
 * place may be what differs, the input being the same: a run of a version that validated otherwise (one
 * from before a rule was added) may have sent them, so the vendor may hold them, though this run reports
 * them rejected, and the same input alone cannot resume.
 */
function differsMessage(
  path: string | undefined,
  seq: number,
  left: { first: readonly number[]; count: number },
  vendor: string,
  appended?: number,
): string {
  const start = `journal ${path}: chunk ${seq} holds different records than in the run that wrote it; `;
  // "Start a new journal" with this input would send every record again: only the records after them are new.
  // They were added, or are records that run rejected and that pass now (fixed, or a version that validates
  // otherwise): the input cannot tell which.
  if (appended !== undefined && left.count === 0)
    return (
      `${start}it holds the records that run settled in it, then records that run did not send (added at ` +
      "the input's end, which resume only after a full last chunk, or rejected by that run and valid now): " +
      `import those (from record ${appended} on) under a new journal, or resume with the input and version that wrote this one`
    );
  // A replay must send what was sent: the same records with their fields reordered (a CSV saved with its
  // columns moved) make another body, which a vendor may refuse under the first one's idempotency key.
  // Records fixed after the vendor refused them are the usual edit: a new journal given the whole input sends
  // what the vendor holds already too (a vendor that refuses a user it holds fails them), so it is said.
  if (left.count === 0)
    return `${start}resume with the same input (its records, and each record's fields, in the same order), or start a new journal, ${NEW_JOURNAL_SENDS}`;
  return (
    `${start}this run rejected ${namedRecords(left.first, left.count)} at its place, which that run may have sent (a version that ` +
    `validated otherwise: ${vendor} may hold ${left.count === 1 ? "it" : "them"}); resume with the input ` +
    `and version that wrote the journal, or start a new journal, ${NEW_JOURNAL_SENDS}`
  );
}

/** `record 4`, `records 4 and 9`, `records 4, 9, 12 and 3 more`: the first few of `count` records. */
function namedRecords(first: readonly number[], count: number): string {
  return `${count === 1 ? "record" : "records"} ${listed(first, count)}`;
}

/** `4`, `4 and 9`, `4, 9, 12 and 3 more`: the first few of `count` numbers. */
function listed(first: readonly number[], count: number): string {
  const more = count - first.length;
  const shown = first.map(String);
  return count === 1
    ? shown.join("")
    : more > 0
      ? `${shown.join(", ")} and ${more} more`
      : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** Why a record read after the run stopped was not sent. */
function stopReason(fatal: string | undefined): string {
  return fatal === undefined
    ? "the import was aborted before this chunk was sent"
    : `not sent: ${fatal}`;
}

/** The chunk's items whose key a record of an earlier chunk had, by position, with that record's index. */
function repeatedFromEarlierChunks(
  pending: PendingChunk<unknown>,
): Map<number, number> | undefined {
  const first = pending.indexes[0];
  if (pending.duplicateOf === undefined || first === undefined) return undefined;
  let repeated: Map<number, number> | undefined;
  for (const [position, earlier] of pending.duplicateOf) {
    if (earlier < first) (repeated ??= new Map()).set(position, earlier);
  }
  return repeated;
}
