import { types } from "node:util";
import type { ImportAdapter, Rejection, Validation } from "./adapter.js";
import type { ChunkDispatcher } from "./chunk-dispatcher.js";
import { KeyIndex } from "./key-index.js";
import { repeatOf } from "./repeated-records.js";
import { emptyChunk } from "./pending-chunk.js";
import type { ReportedFailureCode } from "./failure-codes.js";
import type { ReportBuilder } from "./report-builder.js";
import { shortened } from "../cut-text.js";
import { closeUnawaited, haltable, HALTED, isThenable } from "./halting-read.js";
import { kindOf } from "../validate/describe.js";
import { isObjectOfKeys, sendsOtherThanItself } from "../validate/sent-as-validated.js";

/** What the reader needs from the run. */
export interface AssembleSettings<Input, Code extends string = string> {
  readonly report: ReportBuilder<Code>;
  /** Emits a progress event. */
  readonly emit: () => void;
  readonly chunkRecords: number;
  /** Chunks are also cut by the bytes of their body when set. */
  readonly maxBytes: number | undefined;
  /** What a body adds to its items' texts (see `ImportAdapter.limits.framing`). */
  readonly framing: { readonly envelope: number; readonly separator: number };
  readonly progressEvery: number;
  readonly precheck: ((record: Input) => Rejection | undefined) | undefined;
}

/** How the reading ended, besides reaching the end of the input. */
export interface Assembled {
  /** Reading stopped before the input's end (an abort, a journal that does not fit). */
  readonly stoppedEarly: boolean;
  /** The message of the error the input threw, which ended the reading. */
  readonly inputError: string | undefined;
  /** The records read. */
  readonly read: number;
}

/**
 * Reads the records lazily, validates each, reports the rejected ones and assembles the rest into chunks
 * within the record and byte limits, handing each full chunk to `dispatcher` as soon as it has a free slot.
 * Memory holds the chunks in flight and the one filling. Reading stops when `dispatcher.halted` aborts, even
 * while an async input waits for its next record; every record taken from the input gets an outcome.
 */
export async function assembleChunks<Input, Wire, Code extends string>(
  adapter: ImportAdapter<Input, Wire, Code>,
  records: Iterable<Input> | AsyncIterable<Input>,
  settings: AssembleSettings<Input, ReportedFailureCode<Code>>,
  dispatcher: ChunkDispatcher<Input, Wire, Code>,
): Promise<Assembled> {
  const { report, emit, chunkRecords, maxBytes, progressEvery, precheck } = settings;
  const { envelope, separator } = settings.framing;
  const seenKeys = new KeyIndex();
  let pending = emptyChunk<Wire>();
  let index = 0;
  let stoppedEarly = false;
  let inputError: string | undefined;
  const iterator = iterate(records);
  const { halted } = dispatcher;
  const nextOrHalt = haltable(halted);
  for (;;) {
    // Filling a chunk is synchronous work (reading, validating, serialising), and an input that answers at
    // once (an array, a generator, even an async one) never lets the event loop run: every so often, let it
    // handle the answers of the chunks in flight, and the caller's abort (a timer's, an event's). An input
    // that sends nothing (every record rejected, or failed after a fatal answer) could not be stopped
    // otherwise, and an endless one held the process for ever.
    if (index > 0 && index % YIELD_EVERY === 0) await nextTurn();
    // Checked before taking a record, never after: a record taken is reported, whatever happens next.
    if (halted.aborted) {
      stoppedEarly = true;
      // Asked to close, not waited for, as when it halted mid-wait below: an input's closing (a cursor's, a
      // generator's `finally`) may never finish, and the run must still settle. Every record taken is
      // reported by now, so its closing can change nothing in the report; a bound on the wait would only
      // pick a time that delays every stop or cuts a slow close short anyway, and make the report (whether
      // a failed close were named) depend on timing. A sync iterator, or an async generator not mid-step,
      // still runs its closing code at once, up to its first await.
      closeUnawaited(iterator);
      break;
    }
    let record: Input;
    try {
      // An array or generator answers at once: awaiting its result would cost a turn of the microtask
      // queue per record (the pipeline benchmark measures it), so only promises are awaited.
      const next = iterator.next();
      const answer = isThenable(next) ? await nextOrHalt(next) : next;
      if (answer === HALTED) {
        stoppedEarly = true;
        // Its pending `next()` may never settle, nor may this then: asked to close, not waited for.
        closeUnawaited(iterator);
        break;
      }
      // As `for…of` reads a result: a truthy `done` ends the input, and a result that is not an object
      // breaks it (a hand-written `next` that fell off its end), like any other broken input.
      if (typeof answer !== "object" || answer === null)
        throw new TypeError(
          `the input's iterator gave what is not an iterator result: ${String(answer)}`,
        );
      if (answer.done) break;
      record = answer.value;
    } catch (error) {
      // A reader watching the caller's signal rejects with its reason as the caller aborts (or an AbortError
      // of its own, as a stream given the signal does): that is the abort, not a broken input. Anything
      // else it throws, even once the run halted, is the input's own failure, which a re-run meets again:
      // the report says so rather than pass it for the stop.
      if (halted.aborted) {
        stoppedEarly = true;
        if (isTheStop(error, halted.reason)) break;
      }
      // Broken input (a file cut short, a malformed row) ends the reading, not the import: what was read
      // is still sent and reported, and the report says where the input broke.
      inputError = inputErrorOf(adapter, error);
      break;
    }
    const recordIndex = index++;
    report.validated();
    const read = readOnce(record);
    const keyed = keyOf(adapter, read.record, recordIndex);
    const key = keyed.key;
    if (dispatcher.fatal !== undefined && !dispatcher.journalAhead) {
      // The vendor refuses everything now: read on, so every record is in the report, but send nothing.
      report.record({
        index: recordIndex,
        key,
        outcome: "failed",
        code: "fatal",
        reason: dispatcher.unsentReason,
      });
      // Reading on may take long (a large file): progress goes on meanwhile.
      if (recordIndex % progressEvery === 0) emit();
      continue;
    }
    let checked =
      read.error !== undefined
        ? unreadable(adapter, read.error.thrown)
        : keyed.error === undefined
          ? validate(adapter, record, read.record, precheck)
          : unreadable(adapter, keyed.error);
    let text: string | undefined;
    let copy: Wire | undefined;
    if (checked.ok) {
      try {
        text = adapter.serialize?.(checked.item);
        // The wire form is the caller's own object, which the caller may change once it is handed over (an
        // input that yields one object, refilled for each record): the chunk keeps a copy of its fields as
        // read now, which is sent (unless its text was made now) and matches the vendor's answer. A shallow
        // copy (about 0.5 µs a record, where JSON.parse of the text would cost about 10): objects inside a
        // record must stay as they are until its chunk is settled, as README says. A spread, as an own
        // `__proto__` key would set the prototype of a copy made by Object.assign.
        if (Object.is(checked.item, record) && typeof record === "object" && record !== null)
          copy = { ...checked.item };
      } catch (error) {
        // JSON.stringify throws on a value no validator looked at (a bigint in a field sent unchecked).
        checked = unreadable(adapter, error);
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
      const size = text === undefined || maxBytes === undefined ? 0 : Buffer.byteLength(text);
      if (maxBytes !== undefined && envelope + size > maxBytes) {
        report.record({
          index: recordIndex,
          key,
          outcome: "rejected",
          rule: `${adapter.vendor}.payload_size`,
          reason: `record ${recordIndex} (${key}): request body: ${envelope + size} bytes with this record alone, more than the ${maxBytes} a request may hold`,
        });
      } else {
        // `pending.bytes` is the body so far: the envelope, the items and the separators between them.
        const full =
          pending.items.length >= chunkRecords ||
          (maxBytes !== undefined &&
            pending.items.length > 0 &&
            pending.bytes + separator + size > maxBytes);
        if (full) {
          // The full chunk waits, ready, for a free slot and goes the moment one frees: a vendor that runs
          // one job at a time gets the next job as soon as the current one ends, not after a chunk's worth
          // of reading and validating. Memory holds the chunks in flight and this one, as before.
          await dispatcher.slotFree();
          dispatcher.submit(pending);
          pending = emptyChunk();
        }
        const item = copy ?? checked.item;
        const repeat = repeatOf(seenKeys, adapter, key, item, recordIndex);
        if (repeat !== undefined) {
          // A look-alike is only warned of: whether the vendor takes the two for one user is unknown.
          report.count(repeat.alike === true ? "alike_keys" : "duplicate_keys");
          const earlier =
            repeat.alike === true
              ? (pending.alikeOf ??= new Map())
              : (pending.duplicateOf ??= new Map());
          earlier.set(pending.items.length, repeat.earlier);
          if (repeat.sharesIdentity)
            (pending.sharesIdentity ??= new Set()).add(pending.items.length);
        }
        if (checked.warnings !== undefined && checked.warnings.length > 0) {
          (pending.warnings ??= new Map()).set(pending.items.length, checked.warnings.join("; "));
        }
        pending.items.push(item);
        if (text !== undefined) pending.serialized.push(text);
        pending.keys.push(key);
        pending.indexes.push(recordIndex);
        pending.bytes += (pending.items.length === 1 ? envelope : separator) + size;
      }
    }
    if (recordIndex % progressEvery === 0) emit();
  }
  if (pending.items.length > 0) {
    await dispatcher.slotFree();
    // With the count of records read: those rejected after the chunk's last are at its place too.
    if (inputError === undefined || pending.items.length >= chunkRecords)
      dispatcher.submit(pending, index);
    else dispatcher.submitCutShort(pending, inputError);
  }
  return { stoppedEarly, inputError, read: index };
}

/**
 * Whether what an input threw once the run halted is the halt itself: its reason, an error caused by it, an
 * AbortError (a stream or fetch given the caller's signal), or a stream's premature close (a stream the
 * caller destroys as it aborts, which its reading rejects with, no cause or name telling the abort).
 */
function isTheStop(error: unknown, reason: unknown): boolean {
  if (error === reason) return true;
  try {
    if (typeof error !== "object" || error === null) return false;
    const { name, cause, code } = error as { name?: unknown; cause?: unknown; code?: unknown };
    if (code === "ABORT_ERR" || code === "ERR_STREAM_PREMATURE_CLOSE") return true;
    return name === "AbortError" || (cause !== undefined && cause === reason);
  } catch {
    // A getter that throws: nothing tells it for the stop, and its message is read as safely as any.
    return false;
  }
}

/**
 * The message of the error an input broke off with, scrubbed as every text of a report is: it becomes the
 * report's `inputError` and the reason of each record its last chunk withheld, and an input may quote the
 * credential it shares with the import (one read from the same vendor, a URL with the key in its query).
 */
function inputErrorOf(adapter: { scrub(text: string): string }, error: unknown): string {
  // Whatever was thrown (an Error whose `message` is not a string, an object without a prototype), the
  // reading ends with a text: a throw here would reject the run, and the records read would get no outcome.
  try {
    const message: unknown = error instanceof Error ? error.message : error;
    return adapter.scrub(typeof message === "string" ? message : String(message));
  } catch {
    return "the input broke off with an error that cannot be shown";
  }
}

/** Records read between two turns of the event loop, whether or not chunks are in flight. */
const YIELD_EVERY = 1000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A plain object's fields read once, into a copy that is then keyed, validated and sent: a getter of the
 * caller's read again for sending could answer what no validation saw (and the vendor hold a value the report
 * calls valid). Another value (a class instance, whose inherited members the validation looks at, or a proxy)
 * is itself; `error` holds what reading the fields threw.
 */
function readOnce<Input>(record: Input): { record: Input; error?: { thrown: unknown } } {
  // A proxy answers reads its keys may not list (a `get` trap alone lists its target's): a copy could hold
  // none of its fields, so it is read where it stands.
  if (typeof record !== "object" || record === null || types.isProxy(record)) return { record };
  try {
    const proto: unknown = Object.getPrototypeOf(record);
    // Spreads, as an own `__proto__` key would set the prototype of a copy made by Object.assign. A record
    // without a prototype (every CSV row the CLI reads) stays without one: a validator reading a field the
    // record lacks must not find one that a polluted Object.prototype holds, and send it.
    if (proto === null) return { record: { __proto__: null, ...record } };
    if (isObjectPrototype(proto)) return { record: { ...record } };
    // A class instance (or an object made by Object.create) is sent as JSON.stringify writes it: its own
    // enumerable fields only. Read where it stands, a validator or keyOf reading `record.uid` would find one
    // its prototype holds (a getter, a default) or a non-enumerable one, which the vendor never gets. What
    // JSON.stringify writes otherwise (a toJSON's answer, a Date, an array, a Map) stays, to be refused.
    return isObjectOfKeys(record) && !sendsOtherThanItself(record)
      ? { record: { ...record } }
      : { record };
  } catch (thrown) {
    return { record, error: { thrown } };
  }
}

/**
 * Whether `proto` is an Object.prototype: this realm's, or another's (a record made in a `vm` context or
 * handed over by a test runner's), whose objects are as plain and read as lazily.
 */
function isObjectPrototype(proto: unknown): boolean {
  if (proto === Object.prototype) return true;
  if (typeof proto !== "object" || proto === null || Object.getPrototypeOf(proto) !== null)
    return false;
  // Its own descriptor, never a read: a getter named `constructor` would run the caller's code.
  const made: unknown = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof made === "function" && made.name === "Object" && made.prototype === proto;
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
 * The adapter's verdict on `read` (the record's fields as read once), after the precheck's on `record`; a
 * record that throws when read (a getter, a proxy) is rejected, so it costs only its own outcome, never the
 * report of the others.
 */
function validate<Input, Wire>(
  adapter: ImportAdapter<Input, Wire>,
  record: Input,
  read: Input,
  precheck: ((record: Input) => Rejection | undefined) | undefined,
): Validation<Wire> {
  let refused: unknown;
  try {
    // The caller's precheck gets the caller's own record; the adapter, the fields as read once.
    refused = precheck?.(record);
  } catch (error) {
    // The caller's code threw, not the record as it was read: said so, or the caller looks at the record.
    return unreadable(adapter, error, "the precheck threw");
  }
  try {
    if (refused === undefined) return adapter.validate(read);
    // An async precheck answers a promise, which rejects the record below; its own rejection (the throw of
    // an `async` function) is the record's, so it must not go unhandled too, which ends a Node process.
    if (isThenable(refused)) Promise.resolve(refused).catch(() => undefined);
    // A JavaScript caller's precheck may answer anything: only a rejection rejects, with a copy of its words.
    const { rule, message } = (refused ?? {}) as { rule?: unknown; message?: unknown };
    if (typeof rule === "string" && typeof message === "string")
      return { ok: false, problems: [{ rule, message }] };
    return {
      ok: false,
      problems: [
        {
          rule: `${adapter.vendor}.unreadable_record`,
          message: `the precheck answered ${kindOf(refused)}: it answers undefined to pass a record, or { rule, message } (two strings) to reject it`,
        },
      ],
    };
  } catch (error) {
    return unreadable(adapter, error);
  }
}

/** Most characters of a thrown message a rejection quotes. */
const MAX_THROWN_MESSAGE = 200;

/**
 * The rejection of a record that threw when read, quoting what it threw, scrubbed before it is cut (so no
 * piece of a secret is left at the cut): a record read lazily (a getter, a proxy over another API) may throw
 * with the credential it shares with the import in its message, as an input that breaks off may.
 */
function unreadable(
  adapter: { readonly vendor: string; scrub(text: string): string },
  error: unknown,
  what = "reading it threw",
): Validation<never> {
  const vendor = adapter.vendor;
  let thrown: string;
  try {
    thrown = adapter.scrub(error instanceof Error ? String(error.message) : String(error));
  } catch {
    thrown = "a value that cannot be printed";
  }
  const message = shortened(thrown, MAX_THROWN_MESSAGE);
  return {
    ok: false,
    problems: [{ rule: `${vendor}.unreadable_record`, message: `${what}: ${message}` }],
  };
}

function iterate<T>(records: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in records
    ? records[Symbol.asyncIterator]()
    : records[Symbol.iterator]();
}
