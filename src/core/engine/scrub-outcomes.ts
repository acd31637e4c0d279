import type { ItemOutcome } from "./adapter.js";

/**
 * The outcomes with every text they carry (a failure's `reason`, an import's `note`) passed through `scrub`;
 * the same array when nothing changed. Runs once per record of the import, so an outcome without text costs a
 * property read, a text repeated across the chunk is scrubbed once, and a run of one shared outcome object (a
 * chunk failed whole) stays one object.
 */
export function scrubOutcomes(
  outcomes: readonly ItemOutcome[],
  scrub: (text: string) => string,
): readonly ItemOutcome[] {
  const scrubbed = new Map<string, string>();
  const clean = (text: string): string => {
    let safe = scrubbed.get(text);
    if (safe === undefined) {
      safe = scrub(text);
      scrubbed.set(text, safe);
    }
    return safe;
  };
  let out: ItemOutcome[] | undefined;
  let last: ItemOutcome | undefined;
  let lastSafe: ItemOutcome | undefined;
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    if (outcome === undefined) continue;
    if (outcome !== last) {
      last = outcome;
      lastSafe = scrubOne(outcome, clean);
    }
    if (lastSafe !== outcome) {
      out ??= outcomes.slice();
      out[i] = lastSafe!;
    }
  }
  return out ?? outcomes;
}

function scrubOne(outcome: ItemOutcome, clean: (text: string) => string): ItemOutcome {
  if (!outcome.ok) {
    const reason = clean(outcome.reason);
    return reason === outcome.reason ? outcome : { ...outcome, reason };
  }
  if (outcome.note === undefined) return outcome;
  const note = clean(outcome.note);
  return note === outcome.note ? outcome : { ...outcome, note };
}
