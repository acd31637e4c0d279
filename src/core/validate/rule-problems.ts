import type { Rejection } from "../engine/adapter.js";

/** Problems listed per record; beyond it one line says how many more there are. */
export const MAX_LISTED_PROBLEMS = 20;

const NONE: readonly Rejection[] = Object.freeze([]);

/**
 * Collects the rules one record breaks, as the engine's {@link Rejection}s. Every vendor's validator uses it
 * and follows one policy:
 *
 * 1. **`undefined` is absent.** A key whose value is `undefined` counts as a key that is not there, at every
 *    level (fields, nested properties, metadata, attributes, address fields) and for every rule (required
 *    fields, unknown and forbidden keys): JSON.stringify drops it, so the vendor never sees it. An
 *    `undefined` item of an array (or a hole) is not absent: JSON writes `null` in its place, so it is
 *    refused (rule 5).
 * 2. **No personal data in messages.** A message is `<field path>: <what the rule asks>`: it names the field
 *    (paths are built from keys, which name fields) and the rule, and never repeats the value, not even in
 *    part. It may give the value's kind (`got a number`, see `kindOf`), its length, byte size or count, and
 *    the vendor's limits and allowed values.
 * 3. **Every problem, each with its rule.** A record lists every rule it breaks, in the order found, one
 *    problem per value (the first check it fails: its type before its format); at most
 *    {@link MAX_LISTED_PROBLEMS}, then one more line, under the rule of the first left out, saying how many
 *    more there are.
 * 4. **One shape of rules.** Each vendor exports `<VENDOR>_RULES` (a camel-case name → the rule id
 *    `<vendor>.<rule>`) and its `<Vendor>Rule` union, and adds problems under those ids only.
 * 5. **What passes is what is sent.** A value JSON.stringify or UTF-8 would change on the way is refused
 *    (see `sent-as-validated.ts`): a `toJSON` method other than a Date's (`<vendor>.to_json`), text with a
 *    lone surrogate (`<vendor>.malformed_text`), an integer id beyond 2^53. A record that throws when read
 *    is rejected by the engine (`<vendor>.unreadable_record`), not by a validator.
 */
export class RuleProblems<Rule extends string> {
  #listed: Rejection[] | undefined;
  #omitted = 0;
  #omittedRule: Rule | undefined;

  /** Records that the value at `field` (a path such as `addresses[2].country`) breaks `rule`. */
  add(rule: Rule, field: string, requirement: string): void {
    const listed = (this.#listed ??= []);
    if (listed.length < MAX_LISTED_PROBLEMS) {
      listed.push({ rule, message: `${field}: ${requirement}` });
      return;
    }
    this.#omittedRule ??= rule;
    this.#omitted += 1;
  }

  /** How many problems were added, listed or not. */
  get count(): number {
    return (this.#listed?.length ?? 0) + this.#omitted;
  }

  /** The rejections to report: empty when the record breaks no rule. */
  list(): readonly Rejection[] {
    const listed = this.#listed;
    if (listed === undefined) return NONE;
    if (this.#omittedRule === undefined) return listed;
    const more = this.#omitted;
    return [
      ...listed,
      {
        rule: this.#omittedRule,
        message: `${more} more problem${more === 1 ? "" : "s"} not listed`,
      },
    ];
  }
}
