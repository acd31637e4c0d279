import type { ImportAdapter, Rejection } from "./adapter.js";
import { assembleChunks, type Assembled } from "./assemble-chunks.js";
import { isThenable } from "./halting-read.js";
import { ChunkDispatcher } from "./chunk-dispatcher.js";
import { DEFAULT_REPLAY, type ReplayOptions, type ReplaySettings } from "./follow-chunk.js";
import { Journal } from "./journal.js";
import { JournalError } from "./journal-error.js";
import type { ReportedFailureCode } from "./failure-codes.js";
import type { ImportProgress, ImportReport, RecordOutcome } from "./report.js";
import { keepOutcomesOption, ReportBuilder, type KeepOutcomes } from "./report-builder.js";
import { ProgressPulse } from "./progress-pulse.js";
import { abortableBy, abortableSleep } from "../time.js";
import { durationOption, functionOption, signalOption, wholeNumberOption } from "../options.js";
import { kindOf } from "../validate/describe.js";
import { outsideRequestWaits } from "../http/request-waits.js";

/**
 * How one import runs ({@link runImport}, and each vendor's `importUsers` with its own options added): chunk
 * size and concurrency, the resume journal, callbacks, and how a chunk is replayed within the run. `Code`
 * types a failed record's `code` in the outcome `onOutcome` gets, as in the report: the vendor's union of
 * failure codes in a vendor's options (`FullStoryImportOptions`, …); any string by default.
 */
export interface ImportOptions<
  Input = unknown,
  Code extends string = string,
> extends ReplayOptions {
  /**
   * Records per chunk, at most the vendor's limit (more throws a RangeError).
   * @default the adapter's `defaults.chunkRecords`
   */
  chunkRecords?: number | undefined;
  /**
   * Chunks the vendor works on at once, at most the vendor's limit (more throws a RangeError). A chunk stops
   * counting once its job ended, or is about to: an adapter that predicts a job's end (FullStory) sends the
   * next chunk an upload's time before it, so that one reaches the vendor as the job ends. So for a moment
   * around each job's end one more job per lane may be at the vendor: never more than twice `concurrency`
   * chunks are in flight (the extra ones uploading, or reading their results).
   * @default the adapter's `defaults.concurrency`
   */
  concurrency?: number | undefined;
  /**
   * Stops reading the input (even one waiting for its next record) and sending; records already read end as
   * failed (`aborted`), never lost. (A fatal vendor answer, by contrast, reads the input to its end and fails
   * every record not yet sent.)
   * @default none
   */
  signal?: AbortSignal | undefined;
  /**
   * A file to record progress in. After a crash or abort, a run with the same journal, input and settings
   * reuses the outcomes of finished chunks and resumes the others (same idempotency keys, same jobs). A file
   * that is not a journal, or one another vendor, other settings or other input wrote, makes the import
   * reject with a `JournalError`, before anything is sent for the chunk it concerns (when chunks before it
   * were sent, its `report` says what became of every record read); so does a journal another run is using
   * (a run holds `<journal>.lock` until it ends) or one that cannot be opened. A journal holding chunks past
   * the input's last that an earlier run sent and the vendor may hold records of (records removed from the
   * input's end, or rejected there now) makes it reject once every record is settled, its `report` whole
   * (`aborted` false). When the input breaks off, the records of its last chunk, if not full, are not sent
   * (`aborted`): a re-run with the journal and the repaired input sends them in the chunk the whole input
   * makes.
   * @default none (nothing is recorded)
   */
  journal?: string | undefined;
  /**
   * With `journal`, where its runs used another credential for the same account (rotated since, or one the
   * vendor refused, such as a key typed wrong in a first run): the account that journal names (as its refusal
   * shows it, e.g. `key:1a2b3c4d5e6f`), stated to be the account of this run's credential too. A journal
   * names its destination as the base URL and the account (an org or client id, or a one-way fingerprint of
   * an API key), so another key (or client id) makes it another destination, and the journal is refused
   * ("start a new journal", which sends every record again). With this statement only the account may
   * differ, and only from the one the journal names: the journal then names this run's account, and later
   * runs need no statement (the old credential is refused from then on). It does so once the vendor
   * accepted this run's credential (its first 2xx answer, through the adapter's `whenCredentialAccepted`; for
   * an adapter without it, the first chunk settled with a record imported): a mistyped credential given
   * with the statement, which the vendor refuses (401), is never recorded, and a run that ends before (one
   * killed too) leaves the journal naming the old account, which the same statement resumes again. A chunk an
   * earlier run sent under the old credential and this run sends again says that the vendor may have written
   * it twice: whether a vendor keeps an idempotency key or a job for the new credential is not documented. A
   * statement that is wrong, names an org id (the account itself, never a credential's), is given for another
   * base URL (or one holding a blank), or with a journal that does not exist yet makes the import reject with
   * a `JournalError`; the stated text is never shown or written (it may be a credential by mistake). A blank
   * or non-string value, or one without `journal`, throws a TypeError.
   * @default none (the journal's destination must be this run's)
   */
  journalAccountWas?: string | undefined;
  /**
   * Called as counts change: every `progressEvery` records read, as each chunk is sent and as it settles;
   * while the import waits, with the counts unchanged: as each wait on a vendor's work begins (after each
   * poll of a job still running: `waitingOnVendor`), as each wait before a chunk is sent again begins
   * (`waitingToRetry`), as each wait the client does itself before it tries a chunk's request again begins
   * (a `Retry-After`, a backoff: `waitingToRetryRequest`), and once `progressHeartbeatMs` went by without a
   * call (`unchangedForMs` says how long the counts stood still); and, unless what the import rejects with
   * stopped it, once more when every record has its outcome, before the import settles (also before the
   * `JournalError` of a journal holding chunks past the input's last: it comes once every record is
   * settled); never after it settled. Each call gets
   * its own counts, which only grow but for `sent` (see there). If it throws (or, being async, rejects), it
   * is not called again, nothing more is read or sent, and the import rejects with that error once the
   * chunks in flight settled. The import settles only once the promises it returned settled. A call it makes
   * through a client is no chunk's: its waits are not counted in `waitingToRetryRequest`.
   */
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /**
   * Called with each record's outcome as it is known, in completion order: the caller's own copy, so changing
   * it changes nothing in the report. A failed record's `code` is typed as in the report (`Code`: a vendor's
   * `importUsers` gives its union of failure codes, `runImport` the adapter's with the engine's and a
   * `VendorCode`, its {@link ReportedFailureCode}), so one streamed with `keepOutcomes: "none"` narrows in a
   * `switch` as the report's would. If it throws (or, being async, rejects), it is not called again, nothing
   * more is read or sent, and the import rejects with that error once the chunks in flight settled. The
   * import settles only once the promises it returned settled.
   */
  onOutcome?: ((outcome: RecordOutcome<Code>) => void) | undefined;
  /**
   * Which per-record outcomes the report keeps: `all`, `problems` (failed and rejected), `none`; another
   * value throws a RangeError.
   * @default "all"
   */
  keepOutcomes?: KeepOutcomes | undefined;
  /**
   * Records between progress events while validating: a whole number ≥ 1 (another value throws a RangeError).
   * @default 1000
   */
  progressEvery?: number | undefined;
  /**
   * Ms without an `onProgress` call after which it is called again, with the counts unchanged, while the
   * import runs: a vendor's job of minutes, a long `Retry-After` or a slow input then still tells a waiting
   * import from a hung one. One timer (unref'd, so it keeps no process alive), put off by every call and
   * ended before the last one; 0 turns it off. A duration in ms (another value throws a RangeError).
   * @default 10000
   */
  progressHeartbeatMs?: number | undefined;
  /**
   * Checked before the vendor's rules: a record it refuses is rejected with that rule (e.g. an input reader's
   * `input.parse` for a line that was not JSON). It answers `undefined` to pass a record; any answer but a
   * `Rejection` of two strings, or a throw, rejects the record as `<vendor>.unreadable_record`.
   * @default none
   */
  precheck?: ((record: Input) => Rejection | undefined) | undefined;
  /**
   * Waits (abortably) for adapters' polling; replaceable in tests. An abort ends the wait even when this
   * ignores its signal.
   * @default a timer
   */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
}

/**
 * records → validate → chunk → send (bounded concurrency) → follow through → report. Input is read lazily:
 * at most twice `concurrency` chunks are in flight and one is filling, so memory does not grow with the
 * input. Reading and assembling is `assembleChunks`; sending and settling, `ChunkDispatcher`.
 */
export async function runImport<Input, Wire, Code extends string = string>(
  adapter: ImportAdapter<Input, Wire, Code>,
  records: Iterable<Input> | AsyncIterable<Input>,
  options: ImportOptions<Input, ReportedFailureCode<Code>> = {},
): Promise<ImportReport<ReportedFailureCode<Code>>> {
  // An adapter written before `scrub` was required (or in JavaScript) would otherwise fail at its first
  // outcome.
  if (typeof (adapter as Partial<typeof adapter>).scrub !== "function") {
    throw new TypeError(
      `${adapter.vendor} adapter has no scrub(text) method: give it the client's (client.scrub)`,
    );
  }
  recordsOption(records);
  // `undefined` is the default, as in every option; null is refused by name, as for the other numbers.
  const chunkRecords = withinLimit(
    "chunkRecords",
    options.chunkRecords === undefined ? adapter.defaults.chunkRecords : options.chunkRecords,
    adapter.limits.maxRecords,
    `the ${adapter.vendor} adapter's limit of records per request`,
  );
  const concurrency = withinLimit(
    "concurrency",
    options.concurrency === undefined ? adapter.defaults.concurrency : options.concurrency,
    adapter.limits.maxConcurrency ?? Number.MAX_SAFE_INTEGER,
    `the ${adapter.vendor} adapter's limit of requests in flight`,
  );
  const maxBytes = adapter.serialize === undefined ? undefined : adapter.limits.maxBytes;
  const progressEvery = wholeNumberOption("progressEvery", options.progressEvery, 1000);
  const heartbeatMs = durationOption("progressHeartbeatMs", options.progressHeartbeatMs, 10_000, {
    min: 0,
  });
  for (const name of ["onOutcome", "onProgress", "precheck", "sleep"] as const)
    functionOption(name, options[name]);
  signalOption("signal", options.signal);
  const accountWas = accountWasOption(options.journalAccountWas, options.journal);
  // Callbacks are only called once reading began, so the dispatcher below exists by then.
  const stop = (error: Error) => dispatcher.stop(error);
  // What async callbacks returned and is not settled yet: the run settles only after them.
  const callbacksPending = new Set<Promise<void>>();
  const report = new ReportBuilder<ReportedFailureCode<Code>>(
    keepOutcomesOption(options.keepOutcomes),
    stopsOnThrow("onOutcome", options.onOutcome, stop, callbacksPending),
  );
  const onProgress = stopsOnThrow("onProgress", options.onProgress, stop, callbacksPending);
  const pulse = new ProgressPulse(report, onProgress, heartbeatMs);
  const emit = () => pulse.emit();
  const sleep = options.sleep === undefined ? abortableSleep : abortableBy(options.sleep);
  const replay = { ...DEFAULT_REPLAY, ...definedOnly(options) };
  wholeNumberOption("chunkAttempts", replay.chunkAttempts, undefined);
  durationOption("replayDelayMs", replay.replayDelayMs, undefined, { min: 0 });
  durationOption("maxReplayDelayMs", replay.maxReplayDelayMs, undefined, { min: 0 });
  // Opened last: from here the journal's lock is held, and the `finally` below gives it up.
  const journal =
    options.journal === undefined
      ? undefined
      : Journal.open(
          options.journal,
          {
            vendor: adapter.vendor,
            chunkRecords,
            maxBytes: maxBytes ?? null,
            ...(adapter.destination === undefined ? {} : { destination: adapter.destination }),
          },
          {
            scrub: (text) => adapter.scrub(text),
            ...(accountWas !== undefined && { accountWas }),
          },
        );

  const dispatcher = withJournalClosedOnThrow(
    journal,
    () =>
      new ChunkDispatcher(adapter, {
        report,
        emit,
        waiting: (chunk, on, announce) => pulse.waiting(chunk, on, announce),
        journal,
        journalPath: options.journal,
        replay,
        concurrency,
        // Called inside a chunk's send, for its wait on the vendor: a call the caller's `sleep` makes through
        // a client (which may wait out a `Retry-After`) is the caller's, not a wait of the chunk's request.
        sleep: (ms, signal) => outsideRequestWaits(() => sleep(ms, signal)),
        signal: options.signal,
      }),
  );
  let read: Assembled = { stoppedEarly: true, inputError: undefined, read: 0 };
  let journalLost: Journal["lost"];
  const unwatch = recordAccountOnAcceptance(adapter, journal, (error) =>
    dispatcher.journalFailed(error),
  );
  pulse.arm();
  try {
    read = await assembleChunks(
      adapter,
      records,
      {
        report,
        emit,
        chunkRecords,
        maxBytes,
        framing: adapter.limits.framing ?? { envelope: 0, separator: 0 },
        progressEvery,
        precheck: options.precheck,
      },
      dispatcher,
    );
  } catch (error) {
    // Whatever broke the reading, the import settles only once the chunks it sent settled: nothing of this
    // run may happen after its promise settled.
    stop(thrownError("reading the input", error));
  } finally {
    try {
      await dispatcher.drain();
    } finally {
      // Before the last call: no heartbeat comes after it, or after the import settled.
      pulse.stop();
    }
    unwatch();
    dispatcher.release();
    // Looked at while the run holds the journal's lock: after it, another run may write to the file.
    journalLost = journal?.lost;
    journal?.close();
  }
  if (dispatcher.mismatch === undefined) emit();
  // An async callback's rejection stops the run as a throw does: none is left unhandled, or after the run.
  while (callbacksPending.size > 0) await Promise.all(callbacksPending);
  // Read after the last progress event, which may have thrown.
  const { fatal, fatalStatus, fatalOAuthError, mismatch } = dispatcher;
  // A journal lost meanwhile is said in these reports too: a caller's closing words read it there as well.
  const lost = journalLost === undefined ? {} : { journalLost };
  if (mismatch instanceof JournalError && dispatcher.chunks.sent > 0)
    mismatch.report = report.build(adapter.vendor, {
      aborted: true,
      ...lost,
      chunks: dispatcher.chunks,
    });
  if (mismatch !== undefined) throw mismatch;
  // A fatal answer reads the input on to fail each record; the caller's signal may still stop that reading,
  // and then `total` is not the input's size.
  const aborted = read.stoppedEarly || options.signal?.aborted === true;
  const whole = !aborted && read.inputError === undefined;
  const pastInput = whole ? dispatcher.journalPastInput(read.read) : undefined;
  if (pastInput !== undefined) {
    // Found once every record was settled: the report is whole, and says what this run did.
    pastInput.report = report.build(adapter.vendor, {
      aborted: false,
      ...lost,
      chunks: dispatcher.chunks,
    });
    throw pastInput;
  }
  return report.build(adapter.vendor, {
    aborted,
    ...(fatal === undefined ? {} : { fatal }),
    ...(fatalStatus === undefined ? {} : { fatalStatus }),
    ...(fatalOAuthError === undefined ? {} : { fatalOAuthError }),
    ...(read.inputError === undefined ? {} : { inputError: read.inputError }),
    ...lost,
    chunks: dispatcher.chunks,
  });
}

/** Refuses what no reading can take records from, naming its kind (never its text: it may be a user's). */
function recordsOption(records: unknown): void {
  const iterable =
    typeof records === "object" &&
    records !== null &&
    (Symbol.asyncIterator in records || Symbol.iterator in records);
  if (!iterable) {
    const promise = records instanceof Promise ? " (await it first)" : "";
    throw new TypeError(
      `records: ${kindOf(records)} is not an iterable or async iterable of records (an array, a generator, a stream)${promise}`,
    );
  }
}

/**
 * A setting above the adapter's limit (the vendor's, or our guard where the vendor documents none) is refused
 * rather than cut down, so a caller never gets less than asked.
 */
function withinLimit(name: string, value: number, max: number, limit: string): number {
  wholeNumberOption(name, value, undefined);
  if (value > max) throw new RangeError(`${name}: ${value} is above ${limit}, ${max}`);
  return value;
}

/**
 * `callback`, made to stop the run when it throws (with the caller's own error, once the chunks in flight
 * settled) and never to be called again; a throw never cuts a chunk's recording short.
 */
function stopsOnThrow<T>(
  name: string,
  callback: ((value: T) => void) | undefined,
  stop: (error: Error) => void,
  pending: Set<Promise<void>>,
): ((value: T) => void) | undefined {
  if (callback === undefined) return undefined;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    stop(thrownError(name, error));
  };
  return (value) => {
    if (failed) return;
    try {
      // Typed as returning nothing, but an async function is one too: its rejection is a throw.
      const returned: unknown = callback(value);
      if (isThenable(returned)) {
        const settled = Promise.resolve(returned).then(() => undefined, fail);
        pending.add(settled);
        void settled.then(() => pending.delete(settled));
      }
    } catch (error) {
      fail(error);
    }
  };
}

function thrownError(what: string, thrown: unknown): Error {
  // Never throws itself: a throw here, mid-way through a chunk's settling, recorded its records twice, and
  // an async callback's rejection went unhandled while the run went on.
  try {
    return thrown instanceof Error ? thrown : new Error(`${what} threw ${String(thrown)}`);
  } catch {
    // An object without a prototype, or whose conversion to text throws.
    return new Error(`${what} threw a value that cannot be printed`);
  }
}

function definedOnly(options: ReplayOptions): Partial<ReplaySettings> {
  const out: { -readonly [K in keyof ReplaySettings]?: number } = {};
  if (options.chunkAttempts !== undefined) out.chunkAttempts = options.chunkAttempts;
  if (options.replayDelayMs !== undefined) out.replayDelayMs = options.replayDelayMs;
  if (options.maxReplayDelayMs !== undefined) out.maxReplayDelayMs = options.maxReplayDelayMs;
  return out;
}

/**
 * `journalAccountWas` when it is a statement a journal can check: a non-blank string given with `journal`.
 * Its kind is shown, never its text: it may be a credential given by mistake.
 */
function accountWasOption(value: unknown, journal: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new TypeError(
      `journalAccountWas: expected the account a journal names (e.g. key:1a2b3c4d5e6f), got ${typeof value === "string" ? "a blank string" : kindOf(value)}`,
    );
  if (journal === undefined)
    throw new TypeError(
      "journalAccountWas: given without journal; it states the account of the journal a run resumes",
    );
  return value;
}

/**
 * With a journal that is to name another account once the vendor accepted this run's credential (see
 * `journalAccountWas`), has the adapter say when (its `whenCredentialAccepted`) and writes the account's line
 * then; a line that cannot be written stops the run, as a checkpoint does. Only an adapter without that word
 * (or whose watch threw) has the journal take a chunk settled with a record imported for it: an adapter may
 * settle one from what an earlier run saved, without a request. Returns what stops watching.
 */
function recordAccountOnAcceptance(
  adapter: Pick<ImportAdapter<unknown>, "whenCredentialAccepted">,
  journal: Journal | undefined,
  failed: (error: unknown) => void,
): () => void {
  if (journal === undefined || !journal.accountPending) return () => {};
  let watching = true;
  const accepted = () => {
    // An adapter whose drop failed may still call once the run ended: its journal was closed.
    if (!watching) return;
    try {
      journal.credentialAccepted();
    } catch (error) {
      failed(error);
    }
  };
  try {
    if (typeof adapter.whenCredentialAccepted !== "function") return () => {};
    // Typed as the adapter's, but an adapter of the caller's may return anything.
    const unwatch = adapter.whenCredentialAccepted(accepted) as (() => void) | undefined;
    journal.credentialWatched();
    return () => {
      watching = false;
      try {
        if (typeof unwatch === "function") unwatch();
      } catch {
        // An adapter of the caller's whose drop throws: the run has its report all the same, and gives up
        // its journal's lock (called before it), which a throw here would leave held.
      }
    };
  } catch {
    // An adapter of the caller's whose watch throws: the journal's own sign (a record imported) remains.
    return () => {};
  }
}

/** What `make` returns; when it throws, the journal's lock goes with it: nothing of the run is left held. */
function withJournalClosedOnThrow<T>(journal: Journal | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    journal?.close();
    throw error;
  }
}
