// Checks that what a validator passes reaches the vendor unchanged: JSON.stringify sends what a `toJSON`
// method returns instead of the object, a lone UTF-16 surrogate arrives as U+FFFD (UTF-8 has no form for
// it; a JSON `\ud800` escape is replaced or refused by most parsers), a number that is not finite arrives as
// `null` (which an upsert stores over the value held), and an integer beyond 2^53 may already be another
// integer (JSON.parse rounds it) and is not the same number to a vendor that reads 64-bit ints.
// Every vendor's validator uses these, under a rule id of its own.

import { types } from "node:util";
import { MAX_NESTING_DEPTH } from "../unsafe-input.js";

/** What a message says about a record with a `toJSON` method, after the path naming it. */
export const RECORD_TO_JSON_MESSAGE =
  "the record has a toJSON method: JSON.stringify would send what it returns, not the record that was validated";

/** What a message says about a nested object with a `toJSON` method, after the path naming it. */
export const VALUE_TO_JSON_MESSAGE =
  "an object with a toJSON method (other than a Date's own, with its built-in methods): JSON.stringify would send what it returns, not the value that was validated";

/** What a message says about a string with a lone surrogate, after the path naming it. */
export const MALFORMED_TEXT_MESSAGE =
  "not well-formed text (it holds a lone UTF-16 surrogate, which would reach the vendor as U+FFFD or be refused)";

/** What a message says about a bigint, after the path naming it. */
export const NOT_JSON_MESSAGE = "a bigint is not a JSON value (JSON.stringify throws on it)";

/**
 * What a message says about NaN or ±Infinity (`1e400` in a JSON file reads as Infinity), or an invalid Date,
 * after the path.
 */
export const NOT_FINITE_MESSAGE =
  "a number that is not finite (NaN or ±Infinity; 1e400 in a file reads as Infinity) or an invalid Date has no JSON form: JSON.stringify would send null in its place";

/** What a message says about an integer that is not safe, after the path naming it. */
export const UNSAFE_INTEGER_MESSAGE =
  "an integer beyond ±Number.MAX_SAFE_INTEGER (2^53 − 1) is not exact in JavaScript and would change on the way (it may already have been rounded when read); send it as a string";

/** What a message says about a function or a symbol, or `undefined` in an array, after the path naming it. */
export const DROPPED_MESSAGE =
  "a function, symbol or undefined (a hole in an array too) is not a JSON value (JSON.stringify leaves it out of an object, or writes null for it in an array)";

/**
 * What a message says about a Map, Set, RegExp, Error, promise, binary data, WeakRef or boxed value, after
 * the path naming it.
 */
export const NOT_PLAIN_MESSAGE =
  "a Map, Set, RegExp, Error, promise, binary data (ArrayBuffer, typed array, DataView), WeakRef or boxed value (new Number, new String, new Boolean) is not sent as the value checked (JSON.stringify writes {} for a Map or an ArrayBuffer, and for a boxed value whatever its valueOf answers as it is sent); give a plain object, or the primitive itself";

/**
 * True for an object whose content JSON.stringify does not write as its own fields: a Map or Set (sent as
 * `{}`), a RegExp, an Error (its message is not enumerable), a promise, binary data (an ArrayBuffer or
 * DataView is sent as `{}`, a typed array as an object of its indexes), a WeakRef, or a boxed value
 * (`new Number(5)`, `Object("a")`), which it writes as what the value's `valueOf` answers at the time, unseen
 * by any check: every vendor refuses one, so what is sent is what was validated.
 */
export function dropsContent(value: object): boolean {
  return (
    types.isMap(value) ||
    types.isSet(value) ||
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isRegExp(value) ||
    types.isNativeError(value) ||
    types.isPromise(value) ||
    types.isAnyArrayBuffer(value) ||
    ArrayBuffer.isView(value) ||
    value instanceof WeakRef ||
    types.isBoxedPrimitive(value)
  );
}

/** A boxed value (`new Number(5)`, `Object("a")`), which every vendor refuses (see {@link dropsContent}). */
export function isBoxed(value: unknown): boolean {
  return typeof value === "object" && value !== null && types.isBoxedPrimitive(value);
}

/**
 * An object of keys, which JSON.stringify writes as its own fields: not an array, a Date, or one whose
 * content it would not write ({@link dropsContent}: a Map would be sent as `{}`, a boxed number as a number).
 */
export function isObjectOfKeys(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !dropsContent(value)
  );
}

/** String methods of ES2024, in every Node this package runs on (20.3 and later), which ES2023's types lack. */
type WellFormedText = string & { isWellFormed(): boolean; toWellFormed(): string };

/** False when `text` holds a lone surrogate. */
export function isWellFormedText(text: string): boolean {
  return (text as WellFormedText).isWellFormed();
}

/**
 * True when JSON.stringify would send something other than `value` itself: it has a function-valued
 * `toJSON`, own or inherited, other than a real Date's built-in one reading the built-in methods it calls
 * (whose result, the ISO text or null for an invalid Date, is known).
 */
export function sendsOtherThanItself(value: object): boolean {
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== "function") return false;
  // A Date's toJSON reads its time through ToPrimitive (valueOf) and sends what toISOString returns: either
  // may be replaced. An object that only inherits from Date.prototype holds no time at all.
  if (!types.isDate(value) || toJSON !== Date.prototype.toJSON) return true;
  const date = value as Date & { [Symbol.toPrimitive]: unknown };
  return (
    date.toISOString !== Date.prototype.toISOString ||
    date.valueOf !== Date.prototype.valueOf ||
    date[Symbol.toPrimitive] !== Date.prototype[Symbol.toPrimitive]
  );
}

/** A value JSON.stringify would change on the way, and where (`.a.b`, `[3]`, "" for the value itself). */
export interface SendHazard {
  /**
   * `not_json`: a bigint, on which JSON.stringify throws (for the whole body it is part of); `not_finite`:
   * NaN, ±Infinity or an invalid Date, which JSON.stringify writes as `null`; `not_plain`: see
   * {@link dropsContent}; `dropped`: a function or symbol, or `undefined` (or a hole) in an array.
   */
  readonly kind: "to_json" | "malformed_text" | "not_json" | "not_finite" | "not_plain" | "dropped";
  readonly path: string;
}

/**
 * The first {@link SendHazard} in a value that a validator sends without walking it itself (an attribute
 * value, a field of an open schema): an object with a `toJSON` method (Dates aside), a string or key with a
 * lone surrogate, a bigint, a number that is not finite or an invalid Date, a value of
 * {@link dropsContent}, a function or symbol, or `undefined` in an array.
 * Own enumerable keys only, as JSON.stringify reads them; `depth` is how deep the value already is, and the
 * walk stops at {@link MAX_NESTING_DEPTH}: callers check depth and cycles with `findUnsafeShape` first. Each
 * object is walked once, so a value that shares or cycles back to its parts costs one visit of each.
 */
export function findSendHazard(
  value: unknown,
  depth = 1,
  walked = new Set<object>(),
): SendHazard | undefined {
  if (typeof value === "string")
    return isWellFormedText(value) ? undefined : { kind: "malformed_text", path: "" };
  if (typeof value === "bigint") return { kind: "not_json", path: "" };
  if (typeof value === "function" || typeof value === "symbol")
    return { kind: "dropped", path: "" };
  if (typeof value === "number")
    return Number.isFinite(value) ? undefined : { kind: "not_finite", path: "" };
  if (value === null || typeof value !== "object" || depth > MAX_NESTING_DEPTH) return undefined;
  if (walked.has(value)) return undefined;
  walked.add(value);
  if (sendsOtherThanItself(value)) return { kind: "to_json", path: "" };
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? { kind: "not_finite", path: "" } : undefined;
  if (dropsContent(value)) return { kind: "not_plain", path: "" };
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    for (let i = 0; i < items.length; i++) {
      // Absent in an object, but an array keeps its place: sent as null, which was not validated.
      if (items[i] === undefined) return { kind: "dropped", path: `[${i}]` };
      const found = findSendHazard(items[i], depth + 1, walked);
      if (found !== undefined) return { kind: found.kind, path: `[${i}]${found.path}` };
    }
    return undefined;
  }
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const item = fields[key];
    if (item === undefined) continue;
    if (!isWellFormedText(key)) return { kind: "malformed_text", path: `.${wellFormed(key)}` };
    const found = findSendHazard(item, depth + 1, walked);
    if (found !== undefined) return { kind: found.kind, path: `.${key}${found.path}` };
  }
  return undefined;
}

/** `text` with each lone surrogate replaced by U+FFFD, so a path naming such a key is well-formed itself. */
export function wellFormed(text: string): string {
  return (text as WellFormedText).toWellFormed();
}
