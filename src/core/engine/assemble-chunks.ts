import type { ImportAdapter, Rejection, Validation } from "./adapter.js";
import { stopReason, type ChunkDispatcher } from "./chunk-dispatcher.js";
import { KeyIndex } from "./key-index.js";
import { emptyChunk } from "./pending-chunk.js";
import type { ReportBuilder } from "./report-builder.js";

/** What the reader needs from the run. */
export interface AssembleSettings<Input> {
  readonly report: ReportBuilder;
  /** Emits a progress event. */
  readonly emit: () => void;
  readonly chunkRecords: number;
  /** Chunks are also cut by serialised bytes when set. */
  readonly maxBytes: number | undefined;
  readonly progressEvery: number;
  readonly precheck: ((record: Input) => Rejection | undefined) | undefined;
  /** The caller's signal: reading stops when it aborts. */
  readonly signal: AbortSignal | undefined;
}

/** How the reading ended, besides reaching the end of the input. */
export interface Assembled {
  /** Reading stopped before the input's end (an abort, a journal that does not fit). */
  readonly stoppedEarly: boolean;
  /** The message of the error the input threw, which ended the reading. */
  readonly inputError: string | undefined;
}

/**
 * Reads the records lazily, validates each, reports the rejected ones and assembles the rest into chunks
 * within the record and byte limits, handing each full chunk to `dispatcher` as soon as it has a free slot.
 * Memory holds the chunks in flight and the one filling.
 */
export async function assembleChunks<Input, Wire>(
  adapter: ImportAdapter<Input, Wire>,
  records: Iterable<Input> | AsyncIterable<Input>,
  settings: AssembleSettings<Input>,
  dispatcher: ChunkDispatcher<Input, Wire>,
): Promise<Assembled> {
  const { report, emit, chunkRecords, maxBytes, progressEvery, precheck, signal } = settings;
  const seenKeys = new KeyIndex();
  let pending = emptyChunk<Wire>();
  let index = 0;
  let stoppedEarly = false;
  let inputError: string | undefined;
  const iterator = iterate(records);
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
    if (signal?.aborted || dispatcher.mismatch !== undefined) {
      stoppedEarly = true;
      await iterator.return?.();
      break;
    }
    const recordIndex = index++;
    report.validated();
    const keyed = keyOf(adapter, record, recordIndex);
    const key = keyed.key;
    if (dispatcher.fatal !== undefined) {
      // The vendor refuses everything now: read on, so every record is in the report, but send nothing.
      report.record({
        index: recordIndex,
        key,
        outcome: "failed",
        code: "fatal",
        reason: stopReason(dispatcher.fatal),
      });
      continue;
    }
    let checked =
      keyed.error === undefined
        ? validate(adapter, record, precheck)
        : unreadable(adapter.vendor, keyed.error);
    let text: string | undefined;
    if (checked.ok) {
      try {
        text = adapter.serialize?.(checked.item);
      } catch (error) {
        // JSON.stringify throws on a value no validator looked at (a bigint in a field sent unchecked).
        checked = unreadable(adapter.vendor, error);
      }
    }
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
          await dispatcher.slotFree();
          dispatcher.submit(pending);
          pending = emptyChunk();
        }
        // The key an adapter makes up for a record without one (`#<index>`) never repeats; a real key
        // that merely starts with `#` is checked like any other.
        const earlier = key === `#${recordIndex}` ? undefined : seenKeys.seen(key, recordIndex);
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
    if (recordIndex % YIELD_EVERY === YIELD_EVERY - 1 && dispatcher.busy) await nextTurn();
  }
  if (pending.items.length > 0) {
    await dispatcher.slotFree();
    dispatcher.submit(pending);
  }
  return { stoppedEarly, inputError };
}

/** Records read between two turns of the event loop while chunks are in flight. */
const YIELD_EVERY = 1000;

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The record's key, or `#<index>` and what was thrown when reading the record for its key threw. */
function keyOf<Input>(
  adapter: ImportAdapter<Input, unknown>,
  record: Input,
  index: number,
): { readonly key: string; readonly error?: unknown } {
  try {
    return { key: adapter.keyOf(record, index) };
  } catch (error) {
    return { key: `#${index}`, error };
  }
}

/**
 * The adapter's verdict on the record; a record that throws when read (a getter, a proxy) is rejected, so
 * it costs only its own outcome, never the report of the others.
 */
function validate<Input, Wire>(
  adapter: ImportAdapter<Input, Wire>,
  record: Input,
  precheck: ((record: Input) => Rejection | undefined) | undefined,
): Validation<Wire> {
  try {
    const refused = precheck?.(record);
    return refused === undefined ? adapter.validate(record) : { ok: false, problems: [refused] };
  } catch (error) {
    return unreadable(adapter.vendor, error);
  }
}

/** Most characters of a thrown message a rejection quotes. */
const MAX_THROWN_MESSAGE = 200;

function unreadable(vendor: string, error: unknown): Validation<never> {
  let thrown: string;
  try {
    thrown = error instanceof Error ? String(error.message) : String(error);
  } catch {
    thrown = "a value that cannot be printed";
  }
  const message =
    thrown.length <= MAX_THROWN_MESSAGE ? thrown : `${thrown.slice(0, MAX_THROWN_MESSAGE - 1)}…`;
  return {
    ok: false,
    problems: [{ rule: `${vendor}.unreadable_record`, message: `reading it threw: ${message}` }],
  };
}

function iterate<T>(records: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in records
    ? records[Symbol.asyncIterator]()
    : records[Symbol.iterator]();
}
