// What each vendor's spec guard (test/<vendor>/spec-guard.ts) is made of, for
// test/spec-keywords-read.test.ts: the `Guard` it is, and the probes' helpers. A leaf: the guards import it,
// and the test reads them from the vendors' test profiles, so nothing here may import the test or a profile.
import type { Validation } from "../../src/core/engine/adapter.js";

/** A schema node as the spec gives it, or a record as a probe builds it. */
export type Json = Record<string, unknown>;
/** What a validator does with a record: 0 sends it, 1 sends it with a warning, 2 refuses it. */
export type Verdict = 0 | 1 | 2;
/** A record at the spec's limit (`past` 0) or one past it (1), judged; `name` is the path's last name. */
export type Probe = (schema: Json, past: 0 | 1, name: string) => Verdict;

/** What a vendor's validator reads of its record schemas, and a probe at each limit. */
export interface Guard {
  /** The record schemas the validator covers, by component name; the `$ref`s they name are walked too. */
  readonly roots: readonly string[];
  /**
   * Path (`*`: any one name) → the keywords the validator reads there (`type` with its value, as validators
   * branch on it; `type:*` for any type list it reads whole). `?` marks one read when present, absent today
   * (a field the spec may add): it is not called stale. The exact path's entry wins over a `*` one.
   */
  readonly reads: Readonly<Record<string, string>>;
  /** `path keyword` → why the validator deliberately leaves it to the vendor (none needs to, today). */
  readonly unchecked?: Readonly<Record<string, string>>;
  /** `path keyword` (`*` as in `reads`) → its probe; every `maxLength` and `enum` of the spec needs one. */
  readonly probes: Readonly<Record<string, Probe>>;
}

/** The verdict on a validator's `Validation`: refused if not ok, warned if it has warnings. */
export const judged = (v: Validation<unknown>): Verdict => (!v.ok ? 2 : v.warnings?.length ? 1 : 0);
/** The verdict on a validator's list of problems: refused if any. */
export const refused = (problems: readonly unknown[]): Verdict => (problems.length > 0 ? 2 : 0);
/** The schema's number `key` (a limit). */
export const num = (schema: Json, key: string) => schema[key] as number;
/** The schema's first `enum` value. */
export const first = (schema: Json) => (schema["enum"] as string[])[0];
/** A text of `n` letters. */
export const a = (n: number) => "a".repeat(n);
/** An object of `n` keys, each holding `value`. */
export const keys = (n: number, value: unknown = 1) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value]));

/** A validator's verdict on a record. */
export type Check = (record: Json) => Verdict;
/** A probe of a text one longer than the field's `maxLength`. */
export function longer(check: Check): Probe {
  return (s, d, n) => check({ [n]: a(num(s, "maxLength") + d) });
}
/** A probe of a text one shorter than the field's `minLength`. */
export function shorter(check: Check): Probe {
  return (s, d, n) => check({ [n]: a(num(s, "minLength") - d) });
}
/** A probe of a value outside the field's `enum`. */
export function outside(check: Check): Probe {
  return (s, d, n) => check({ [n]: d ? "zz" : first(s) });
}
/** A probe of a key the schema does not define. */
export function extra(check: Check): Probe {
  return (_, d) => check(d ? { "~unknown": 1 } : {});
}
