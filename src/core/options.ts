// Checks of numeric options, shared by every adapter and client so a bad value is refused the same way
// everywhere: a RangeError that names the option, the range it must be in, and the value given (an option
// value is configuration, never a secret).

/** The longest wait a timer can take (2^31 − 1 ms, about 24.8 days); Node fires a longer one at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface Bounds {
  /** Smallest allowed value. @default 1 */
  readonly min?: number;
  /** Largest allowed value; none when left out. */
  readonly max?: number;
}

/**
 * `value` when it is a whole number within the bounds, `fallback` when it is undefined.
 * @throws RangeError `<name>: expected a whole number ≥ <min> (or from <min> to <max>), got <value>`.
 */
export function wholeNumberOption<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
  bounds: Bounds = {},
): number | Fallback {
  return checked(name, value, fallback, bounds, "a whole number", Number.isSafeInteger);
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
 * Checks that a callback option, when given, is a function.
 * @throws TypeError `<name>: expected a function, got <value>`.
 */
export function functionOption(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function")
    throw new TypeError(`${name}: expected a function, got ${show(value)}`);
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
function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
}
