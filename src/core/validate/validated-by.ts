import type { Rejection, Validation } from "../engine/adapter.js";

/**
 * An adapter's `validate` for a vendor whose wire form is the record itself: the record when `rules` finds
 * nothing, else every rejection `rules` gives. The engine names the record (its index and key) in front of
 * the rejections' messages and reports the first one's rule.
 */
export function validatedBy<Input>(
  rules: (record: Input) => readonly Rejection[],
): (record: Input) => Validation<Input> {
  return (record) => {
    const problems = rules(record);
    return problems.length === 0 ? { ok: true, item: record } : { ok: false, problems };
  };
}
