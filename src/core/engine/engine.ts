import type { Chunk, ImportAdapter, ItemOutcome, Rejection } from "./adapter.js";
import { DEFAULT_REPLAY, followChunk, type ReplayOptions } from "./follow-chunk.js";
import { Journal } from "./journal.js";
import { KeyIndex } from "./key-index.js";
import type { ImportProgress, ImportReport, RecordOutcome } from "./report.js";
import { ReportBuilder, type KeepOutcomes } from "./report-builder.js";
import { abortableSleep } from "../time.js";

export interface ImportOptions<Input = unknown> extends ReplayOptions {
  /** Records per chunk, at most the vendor's limit (more throws a RangeError). Default: the adapter's default. */
  chunkRecords?: number;
  /** Chunks in flight at once, at most the vendor's limit (more throws a RangeError). Default: the adapter's. */
  concurrency?: number;
  /**
   * Stops reading the input and sending; records already read end as failed (`aborted`), never lost. (A
   * fatal vendor answer, by contrast, reads the input to its end and fails every record not yet sent.)
   */
  signal?: AbortSignal;
  /**
   * A file to record progress in. After a crash or abort, a run with the same journal, input and settings
   * reuses the outcomes of finished chunks and resumes the others (same idempotency keys, same jobs).
   */
  journal?: string;
  /** Called as counts change (at most every `progressEvery` records, and at every chunk). */
  onProgress?: (progress: ImportProgress) => void;
  /** Called with each record's outcome as it is known, in completion order. */
  onOutcome?: (outcome: RecordOutcome) => void;
  /** Which per-record outcomes the report keeps: `all` (default), `problems` (failed and rejected), `none`. */
  keepOutcomes?: KeepOutcomes;
  /** Records between progress events while validating. Default 1,000. */
  progressEvery?: number;
  /**
   * Checked before the vendor's rules: a record it refuses is rejected with that rule (e.g. an input reader's
   * `input.parse` for a line that was not JSON).
   */
  precheck?: (record: Input) => Rejection | undefined;
  /** Waits (abortably) for adapters' polling; replaceable in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface PendingChunk<Wire> {
  items: Wire[];
  serialized: string[];
  keys: string[];
  indexes: number[];
  bytes: number;
  /** Position in the chunk → index of an earlier record of the input with the same key. */
  duplicateOf?: Map<number, number>;
  /** Position in the chunk → what validation warned about the record (sent anyway). */
  warnings?: Map<number, string>;
}

/**
 * records → validate → chunk → send (bounded concurrency) → follow through → report. Input is read lazily:
 * at most `concurrency` chunks are in flight and one is filling, so memory does not grow with the input.
 */
export async function runImport<Input, Wire>(
  adapter: ImportAdapter<Input, Wire>,
  records: Iterable<Input> | AsyncIterable<Input>,
  options: ImportOptions<Input> = {},
): Promise<ImportReport> {
  const chunkRecords = withinLimit(
    "chunkRecords",
    options.chunkRecords ?? adapter.defaults.chunkRecords,
    adapter.limits.maxRecords,
    `${adapter.vendor}'s limit of records per request`,
  );
  const concurrency = withinLimit(
    "concurrency",
    options.concurrency ?? adapter.defaults.concurrency,
    adapter.limits.maxConcurrency ?? Number.MAX_SAFE_INTEGER,
    `${adapter.vendor}'s limit of requests in flight`,
  );
  const maxBytes = adapter.serialize === undefined ? undefined : adapter.limits.maxBytes;
  const report = new ReportBuilder(options.keepOutcomes ?? "all", options.onOutcome);
  const progressEvery = options.progressEvery ?? 1000;
  const emit = () => options.onProgress?.(report.progress());
  const journal =
    options.journal === undefined
      ? undefined
      : Journal.open(options.journal, {
          vendor: adapter.vendor,
          chunkRecords,
          maxBytes: maxBytes ?? null,
          ...(adapter.destination === undefined ? {} : { destination: adapter.destination }),
        });
  const replay = { ...DEFAULT_REPLAY, ...definedOnly(options) };
  if (!Number.isInteger(replay.chunkAttempts) || replay.chunkAttempts < 1) {
    throw new RangeError(`chunkAttempts: expected a whole number ≥ 1, got ${replay.chunkAttempts}`);
  }
  const seenKeys = new KeyIndex();

  // One controller for the run: the caller's signal and a fatal vendor answer both stop it.
  const run = new AbortController();
  const onCallerAbort = () => run.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  if (options.signal?.aborted) run.abort(options.signal.reason);
  let fatal: string | undefined;
  /** A journal that does not fit this input: the run stops, and rejects once what is in flight settled. */
  let mismatch: Error | undefined;
  let seq = 0;
  let resumedChunks = 0;
  let replayedChunks = 0;
  const inFlight = new Set<Promise<void>>();
  // The chunks in flight the vendor still works on; the others only read their results (see vendorDone).
  const working = new Set<object>();
  let wake: (() => void) | undefined;
  /** Waits until another chunk may go: a vendor slot free, and at most twice `concurrency` in flight. */
  const slotFree = async () => {
    while (working.size >= concurrency || inFlight.size >= 2 * concurrency) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        void Promise.race(inFlight).then(resolve);
      });
    }
  };
  const sleep = options.sleep ?? abortableSleep;

  const settle = (chunk: PendingChunk<Wire>, outcomes: readonly ItemOutcome[]) => {
    // A plain loop that builds each outcome in one literal: this runs once per record of the import.
    const { indexes, keys, duplicateOf, warnings } = chunk;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i]!;
      const key = keys[i] ?? "";
      const outcome = outcomes[i] ?? NO_OUTCOME;
      if (!outcome.ok) {
        report.record({
          index,
          key,
          outcome: "failed",
          code: outcome.code,
          reason: outcome.reason,
        });
        continue;
      }
      const earlier = duplicateOf?.get(i);
      const warned = warnings?.get(i);
      const warning =
        earlier === undefined && warned === undefined
          ? outcome.note
          : [
              earlier === undefined
                ? undefined
                : `record ${earlier} of the input has the same key (${key}): where both are written, ${adapter.vendor} keeps one user, with the values written last`,
              warned,
              outcome.note,
            ]
              .filter((part) => part !== undefined)
              .join("; ");
      report.record(
        outcome.id === undefined
          ? warning === undefined
            ? { index, key, outcome: "imported" }
            : { index, key, outcome: "imported", warning }
          : warning === undefined
            ? { index, key, outcome: "imported", id: outcome.id }
            : { index, key, outcome: "imported", id: outcome.id, warning },
      );
    }
    emit();
  };
  const failAll = (chunk: PendingChunk<Wire>, code: string, reason: string) =>
    settle(
      chunk,
      chunk.items.map(() => ({ ok: false, code, reason })),
    );

  const dispatch = (pending: PendingChunk<Wire>) => {
    const chunkSeq = seq++;
    const chunk: Chunk<Wire> = {
      seq: chunkSeq,
      items: pending.items,
      serialized: pending.serialized,
      keys: pending.keys,
    };
    const fingerprint =
      journal === undefined
        ? ""
        : Journal.fingerprint(
            pending.serialized.length > 0
              ? pending.serialized
              : pending.items.map((i) => JSON.stringify(i)),
          );
    const known = journal?.lookup(chunkSeq);
    if (known !== undefined && known.fingerprint !== fingerprint) {
      // Stop reading and sending; the chunks in flight settle before the run rejects, so none is orphaned.
      mismatch ??= new Error(
        `journal ${options.journal}: chunk ${chunkSeq} holds different records than in the run that wrote it; ` +
          "resume with the same input, or start a new journal",
      );
      run.abort(mismatch);
      failAll(pending, "aborted", mismatch.message);
      return;
    }
    if (known?.outcomes !== undefined) {
      resumedChunks += 1;
      settle(pending, known.outcomes);
      return;
    }
    report.sent(pending.items.length);
    emit();
    const slot = {};
    working.add(slot);
    const task = followChunk(adapter, chunk, {
      signal: run.signal,
      resumed: known?.state,
      replay,
      checkpoint: (state) => journal?.checkpoint(chunkSeq, fingerprint, state),
      sleep: (ms) => sleep(ms, run.signal),
      count: (event, n) => report.count(event, n),
      savedByAnyChunk: (prefix) => journal?.values(prefix) ?? [],
      vendorDone: () => {
        if (working.delete(slot)) wake?.();
      },
      replayed: () => (replayedChunks += 1),
    })
      .then((result) => {
        if (result.kind === "fatal") {
          fatal ??= result.error.message;
          run.abort(new Error(result.error.message));
          failAll(pending, "fatal", result.error.message);
          return;
        }
        // A chunk cut short (abort) or failed in a way that may pass stays unfinished in the journal, so a
        // re-run resumes it (with its saved idempotency key or job) instead of keeping the failure.
        if (result.final) journal?.done(chunkSeq, fingerprint, result.outcomes);
        settle(pending, result.outcomes);
      })
      .finally(() => {
        working.delete(slot);
        inFlight.delete(task);
      });
    inFlight.add(task);
  };

  let pending = emptyChunk<Wire>();
  let index = 0;
  let stoppedEarly = false;
  let inputError: string | undefined;
  const iterator = iterate(records);
  try {
    for (;;) {
      let step: IteratorResult<Input>;
      try {
        // An array or generator answers at once: awaiting its result would cost a turn of the microtask
        // queue per record (the pipeline benchmark measures it), so only promises are awaited.
        const next = iterator.next();
        step = isThenable(next) ? await next : next;
      } catch (error) {
        // Broken input (a file cut short, a malformed row) ends the reading, not the import: what was read
        // is still sent and reported, and the report says where the input broke.
        inputError = error instanceof Error ? error.message : String(error);
        break;
      }
      if (step.done === true) break;
      const record = step.value;
      if (options.signal?.aborted || mismatch !== undefined) {
        stoppedEarly = true;
        await iterator.return?.();
        break;
      }
      const recordIndex = index++;
      report.validated();
      const key = safeKey(adapter, record, recordIndex);
      if (fatal !== undefined) {
        // The vendor refuses everything now: read on, so every record is in the report, but send nothing.
        report.record({
          index: recordIndex,
          key,
          outcome: "failed",
          code: "fatal",
          reason: stopReason(fatal),
        });
        continue;
      }
      const refused = options.precheck?.(record);
      const checked =
        refused === undefined
          ? adapter.validate(record)
          : { ok: false as const, problems: [refused] };
      if (!checked.ok) {
        const [first] = checked.problems;
        report.record({
          index: recordIndex,
          key,
          outcome: "rejected",
          rule: first?.rule ?? `${adapter.vendor}.invalid`,
          reason: `record ${recordIndex} (${key}): ${checked.problems.map((p) => p.message).join("; ")}`,
        });
      } else {
        const text = adapter.serialize?.(checked.item);
        // Bytes are only counted when chunks are cut by them.
        const size = text === undefined || maxBytes === undefined ? 0 : Buffer.byteLength(text);
        if (maxBytes !== undefined && size > maxBytes) {
          report.record({
            index: recordIndex,
            key,
            outcome: "rejected",
            rule: `${adapter.vendor}.payload_size`,
            reason: `record ${recordIndex} (${key}): ${size} bytes is more than a whole request may hold (${maxBytes})`,
          });
        } else {
          const full =
            pending.items.length >= chunkRecords ||
            (maxBytes !== undefined && pending.bytes + size > maxBytes);
          if (full) {
            // The full chunk waits, ready, for a free slot and goes the moment one frees: a vendor that runs
            // one job at a time gets the next job as soon as the current one ends, not after a chunk's worth
            // of reading and validating. Memory holds the chunks in flight and this one, as before.
            await slotFree();
            if (run.signal.aborted)
              failAll(pending, fatal === undefined ? "aborted" : "fatal", stopReason(fatal));
            else dispatch(pending);
            pending = emptyChunk();
          }
          // Keys an adapter makes up for records without one (`#<index>`) never repeat.
          const earlier = key.startsWith("#") ? undefined : seenKeys.seen(key, recordIndex);
          if (earlier !== undefined) {
            report.count("duplicate_keys");
            (pending.duplicateOf ??= new Map()).set(pending.items.length, earlier);
          }
          if (checked.warnings !== undefined && checked.warnings.length > 0) {
            (pending.warnings ??= new Map()).set(pending.items.length, checked.warnings.join("; "));
          }
          pending.items.push(checked.item);
          if (text !== undefined) pending.serialized.push(text);
          pending.keys.push(key);
          pending.indexes.push(recordIndex);
          pending.bytes += size;
        }
      }
      if (recordIndex % progressEvery === 0) emit();
      // Filling a chunk is synchronous work (reading, validating, serialising): every so often, let the event
      // loop handle the answers of the chunks in flight, so their follow-through is not held up meanwhile.
      if (recordIndex % YIELD_EVERY === YIELD_EVERY - 1 && inFlight.size > 0) await nextTurn();
    }
    if (pending.items.length > 0) {
      await slotFree();
      if (run.signal.aborted)
        failAll(pending, fatal === undefined ? "aborted" : "fatal", stopReason(fatal));
      else dispatch(pending);
    }
    await Promise.all(inFlight);
  } finally {
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
  if (mismatch !== undefined) throw mismatch;
  emit();
  return report.build(adapter.vendor, {
    aborted: fatal === undefined && (stoppedEarly || options.signal?.aborted === true),
    ...(fatal === undefined ? {} : { fatal }),
    ...(inputError === undefined ? {} : { inputError }),
    chunks: { sent: seq - resumedChunks, resumed: resumedChunks, replayed: replayedChunks },
  });
}

/** Records read between two turns of the event loop while chunks are in flight. */
const YIELD_EVERY = 1000;

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const NO_OUTCOME: ItemOutcome = {
  ok: false,
  code: "no_outcome",
  reason: "the vendor reported no outcome",
};

function stopReason(fatal: string | undefined): string {
  return fatal === undefined
    ? "the import was aborted before this chunk was sent"
    : `not sent: ${fatal}`;
}

function emptyChunk<Wire>(): PendingChunk<Wire> {
  return { items: [], serialized: [], keys: [], indexes: [], bytes: 0 };
}

/** A setting above the vendor's limit is refused rather than cut down, so a caller never gets less than asked. */
function withinLimit(name: string, value: number, max: number, limit: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name}: expected a whole number ≥ 1, got ${value}`);
  if (value > max) throw new RangeError(`${name}: ${value} is above ${limit}, ${max}`);
  return value;
}

function safeKey<Input>(
  adapter: ImportAdapter<Input, unknown>,
  record: Input,
  index: number,
): string {
  try {
    return adapter.keyOf(record, index);
  } catch {
    return `#${index}`;
  }
}

function iterate<T>(records: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in records
    ? records[Symbol.asyncIterator]()
    : (records as Iterable<T>)[Symbol.iterator]();
}

function definedOnly(options: ReplayOptions): ReplayOptions {
  const out: ReplayOptions = {};
  if (options.chunkAttempts !== undefined) out.chunkAttempts = options.chunkAttempts;
  if (options.replayDelayMs !== undefined) out.replayDelayMs = options.replayDelayMs;
  if (options.maxReplayDelayMs !== undefined) out.maxReplayDelayMs = options.maxReplayDelayMs;
  return out;
}
