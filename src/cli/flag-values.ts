import { MAX_TIMER_MS } from "../core/options.js";
import { quotedFlagValue } from "../vendor-module.js";
import { FORMAT_NAMES, type InputFormat } from "./read-records.js";
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
      `--${flag} takes a duration with a unit, e.g. 500ms, 2s, 10m or 1h, not ${quotedFlagValue(value)}`,
    );
  // Past what a timer holds, the library refuses the option: a usage error here (exit 2), not a run that
  // failed.
  if (ms > MAX_TIMER_MS)
    throw new ConfigError(
      `--${flag} takes a duration of at most ${MAX_TIMER_MS}ms (about 24.8 days), not ${quotedFlagValue(value)}`,
    );
  return ms;
}

/**
 * A flag's value as a whole number written in decimal digits, else NaN. Digits only: Number() also reads
 * `0x10` as 16, `1e3` as 1000 and an empty value as 0, which no operator means by them.
 */
export function decimalWhole(value: string | boolean): number {
  return typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** A flag's value as a number written in decimal (`0.25`, `.5`, `1`), else NaN: no `0x1`, `1e-1` or "". */
export function decimalShare(value: string | boolean): number {
  return typeof value === "string" && /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(value)
    ? Number(value)
    : Number.NaN;
}

/**
 * A whole-number flag of at least `min`, counting `unit` if given: named in the error, as the duration flags
 * take a unit in their value (`2s`), which such a flag does not.
 */
export function wholeFlag(flags: Flags, flag: string, min = 1, unit?: string): number | undefined {
  const value = flags[flag];
  if (value === undefined) return undefined;
  const n = decimalWhole(value);
  const number = unit === undefined ? "a whole number" : `a whole number of ${unit}`;
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`--${flag} takes ${number} ≥ ${min}, not ${quotedFlagValue(value)}`);
  // The library refuses an integer past 2^53 (it is not exact): a usage error here (exit 2), not a failed
  // run.
  if (!Number.isSafeInteger(n))
    throw new ConfigError(
      `--${flag} takes ${number} up to ${Number.MAX_SAFE_INTEGER}, not ${quotedFlagValue(value)}`,
    );
  return n;
}

/**
 * The input's format as `--format` states it (`ndjson`, `jsonl`, `json` or `csv`, in any case, as an
 * extension is read), or undefined when it is not given.
 */
export function formatFlag(flags: Flags): InputFormat | undefined {
  const value = flags["format"];
  if (value === undefined) return undefined;
  const name = String(value).trim().toLowerCase();
  // Own names only: `--format constructor` would find Object's.
  const format = Object.hasOwn(FORMAT_NAMES, name) ? FORMAT_NAMES[name] : undefined;
  if (format === undefined)
    throw new ConfigError(
      `--format takes ndjson (or jsonl), json or csv, not ${quotedFlagValue(value)}`,
    );
  return format;
}
