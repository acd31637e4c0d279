import { ConfigError } from "./vendors.js";

export type Flags = Readonly<Record<string, string | boolean | undefined>>;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration flag in ms: a number with a unit, `ms`, `s`, `m` or `h` (`500ms`, `2s`, `1.5m`, `6h`). The unit
 * is required, so `--job-timeout 30` cannot be read as 30 ms by one operator and 30 s by another.
 */
export function durationFlag(flags: Flags, flag: string): number | undefined {
  const value = flags[flag];
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(value).trim());
  const ms = match === null ? Number.NaN : Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  if (!(ms >= 1))
    throw new ConfigError(
      `--${flag} takes a duration with a unit, e.g. 500ms, 2s, 10m or 1h, not ${String(value)}`,
    );
  return ms;
}

/** A whole-number flag of at least `min`. */
export function wholeFlag(flags: Flags, flag: string, min = 1): number | undefined {
  const value = flags[flag];
  if (value === undefined) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`--${flag} takes a whole number ≥ ${min}, not ${String(value)}`);
  return n;
}
