// Checks of options, shared by every adapter and client so a bad value is refused the same way everywhere:
// a number out of range or a text none of the choices is a RangeError, a value of the wrong kind a
// TypeError, each naming the option and what it must be, and quoting the value given (an option value is
// configuration, never a secret), but for a credential or a signal (see credentialOption, signalOption).
import { asSentInHeader } from "./client/destination.js";
import { textStart } from "./cut-text.js";
import { kindOf } from "./validate/describe.js";
import { isWellFormedText } from "./validate/sent-as-validated.js";

/** The longest wait a timer can take (2^31 − 1 ms, about 24.8 days); Node fires a longer one at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface Bounds {
  /** Smallest allowed value. @default 1 */
  readonly min?: number;
  /** Largest allowed value; none when left out. */
  readonly max?: number;
}

/** {@link Bounds} of a count that may also be `Infinity` (a simulated job that never ends). */
interface CountBounds extends Bounds {
  /** @default false */
  readonly orInfinity?: boolean;
}

/**
 * `value` when it is a whole number within the bounds, `fallback` when it is undefined.
 * @throws RangeError `<name>: expected a whole number ≥ <min> (or from <min> to <max>), got <value>`.
 */
export function wholeNumberOption<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
  bounds: CountBounds = {},
): number | Fallback {
  if (bounds.orInfinity === true && value === Number.POSITIVE_INFINITY) return value;
  const what = bounds.orInfinity === true ? "a whole number (or Infinity)" : "a whole number";
  return checked(name, value, fallback, bounds, what, Number.isSafeInteger);
}

/**
 * `value` when it is a duration in ms within the bounds (by default 1 to {@link MAX_TIMER_MS}; fractions
 * allowed), `fallback` when it is undefined.
 * @throws RangeError `<name>: expected a duration in ms from <min> to <max>, got <value>`.
 */
export function durationOption<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
  bounds: Bounds = {},
): number | Fallback {
  return checked(
    name,
    value,
    fallback,
    { min: bounds.min ?? 1, max: bounds.max ?? MAX_TIMER_MS },
    "a duration in ms",
    Number.isFinite,
  );
}

/**
 * `value` when it is a boolean, `fallback` when it is undefined: a string `"false"` from a config file would
 * otherwise count as true.
 * @throws TypeError `<name>: expected true or false, got <value>`.
 */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new TypeError(`${name}: expected true or false, got ${show(value)}`);
  return value;
}

/**
 * `value` when it is one of `choices`, `fallback` when it is undefined: another text (a typo, a JavaScript
 * caller's guess) would otherwise be taken for one of them.
 * @throws RangeError `<name>: expected one of "<choice>", …, got <value>`.
 */
export function choiceOption<Choice extends string>(
  name: string,
  value: unknown,
  choices: readonly Choice[],
  fallback: Choice,
): Choice {
  if (value === undefined) return fallback;
  if ((choices as readonly unknown[]).includes(value)) return value as Choice;
  const expected = choices.map((choice) => `"${choice}"`).join(", ");
  throw new RangeError(`${name}: expected one of ${expected}, got ${show(value)}`);
}

/**
 * Checks that a callback option, when given, is a function.
 * @throws TypeError `<name>: expected a function, got <value>`.
 */
export function functionOption(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function")
    throw new TypeError(`${name}: expected a function, got ${show(value)}`);
}

/**
 * `value` when it is a share from 0 to 1, `fallback` when it is undefined.
 * @throws RangeError `<name>: expected a share from 0 to 1, got <value>`.
 */
export function shareOption(name: string, value: number | undefined, fallback: number): number {
  return checked(name, value, fallback, { min: 0, max: 1 }, "a share", Number.isFinite);
}

/**
 * `value` when it is a rate above 0 (fractions allowed), `fallback` when it is undefined: 0 would never end,
 * and NaN or Infinity would be no rate at all.
 * @throws RangeError `<name>: expected a rate above 0, got <value>`.
 */
export function rateOption<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
): number | Fallback {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  throw new RangeError(`${name}: expected a rate above 0, got ${show(value)}`);
}

/**
 * Checks that a signal option, when given, is an AbortSignal (by its shape: one from another realm is one too).
 * @throws TypeError `<name>: expected an AbortSignal, got <kind>` (`an AbortController`, `a string`).
 */
export function signalOption(name: string, value: unknown): void {
  const signal = value as Partial<AbortSignal> | null | undefined;
  if (
    value !== undefined &&
    (typeof signal?.addEventListener !== "function" || typeof signal.aborted !== "boolean")
  )
    // Its kind, not its text: a call's signal is no configuration (a string there may be a key, uncut and
    // unscrubbed), and an object's text may be anything, or throw (one without a prototype).
    throw new TypeError(`${name}: expected an AbortSignal, got ${kindOf(value)}`);
}

/**
 * Checks that a credential option is a string with more than whitespace in it, and no lone surrogate. The
 * message says only what was given instead, never the value: it may be a secret all the same.
 * @throws TypeError `<name>: expected a non-empty string, got <what>`, or `<name>: expected well-formed
 *   text …`.
 */
export function credentialOption(name: string, value: unknown): void {
  // A lone surrogate: a form body sends U+FFFD in its place (another secret than the one given), and the
  // scrubbing of its encoded forms threw URIError ("URI malformed"), naming no option.
  if (typeof value === "string" && !isWellFormedText(value))
    throw new TypeError(`${name}: expected well-formed text, got a lone surrogate in it`);
  if (typeof value === "string" && value.trim() !== "") return;
  const kind = value === null ? "null" : typeof value;
  const given = value === "" ? "an empty string" : kind === "string" ? "only whitespace" : kind;
  throw new TypeError(`${name}: expected a non-empty string, got ${given}`);
}

/**
 * Whether Node's fetch can send `text` in a header: tab and Latin-1 text. It throws at each call on any other
 * control character (a line break, NUL, ESC, DEL) or one beyond Latin-1.
 */
export function isHeaderText(text: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(text);
}

/** What a setting refused by {@link isHeaderText} is expected to be, in one wording for every such option. */
export const HEADER_TEXT =
  "text a header can carry (no control character but tab, none beyond Latin-1)";

/**
 * A {@link credentialOption} sent in a header, checked as fetch sends it: `sentAs` gives the header's value
 * (`Token <key>`), of which fetch strips only the blanks at its edges, so a key that no header can carry (two
 * lines of a secrets file) is refused here rather than failing every call with a TypeError. The message never
 * quotes the value.
 * @throws TypeError `<name>: expected …`.
 */
export function headerCredentialOption(
  name: string,
  value: unknown,
  sentAs: (credential: string) => string = (credential) => credential,
): void {
  credentialOption(name, value);
  if (!isHeaderText(asSentInHeader(sentAs(String(value)))))
    throw new TypeError(`${name}: expected ${HEADER_TEXT}`);
}

function checked<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
  bounds: Bounds,
  what: string,
  isKind: (value: number) => boolean,
): number | Fallback {
  if (value === undefined) return fallback;
  const min = bounds.min ?? 1;
  const max = bounds.max;
  if (
    typeof value === "number" &&
    isKind(value) &&
    value >= min &&
    (max === undefined || value <= max)
  ) {
    return value;
  }
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
  throw new RangeError(`${name}: expected ${what} ${range}, got ${show(value)}`);
}

/** The value as a message shows it: options come from code or flags, so a string is quoted. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(textStart(value, 40)) : String(value);
}
