import type { ItemOutcome } from "./adapter.js";
import { vendorCode, type VendorCode } from "./failure-codes.js";
import { characterCount, textEnd, textStart } from "../cut-text.js";

/**
 * The outcomes with every text they carry (a failure's `code` and `reason`, an import's `id` and `note`,
 * either's `resentNote`) passed through `scrub`;
 * the same array when nothing changed. Runs once per record of the import, so an outcome without text costs a
 * property read, a text repeated across the chunk is scrubbed once, and a run of one shared outcome object (a
 * chunk failed whole) stays one object.
 */
export function scrubOutcomes<Code extends string>(
  outcomes: readonly ItemOutcome<Code>[],
  scrub: (text: string) => string,
): readonly ItemOutcome<Code | VendorCode>[] {
  const scrubbed = new Map<string, string>();
  const clean = (text: string): string => {
    let safe = scrubbed.get(text);
    if (safe === undefined) {
      safe = scrub(text);
      scrubbed.set(text, safe);
    }
    return safe;
  };
  let out: ItemOutcome<Code | VendorCode>[] | undefined;
  let last: ItemOutcome<Code> | undefined;
  let lastSafe: ItemOutcome<Code | VendorCode> | undefined;
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

/**
 * The outcome with its vendor-given texts scrubbed: a failure's code and reason, an import's id and notes.
 */
function scrubOne<Code extends string>(
  outcome: ItemOutcome<Code>,
  clean: (text: string) => string,
): ItemOutcome<Code | VendorCode> {
  // Scrubbed too: the engine adds it to an earlier import's note after an adapter's own scrub.
  const resentNote = outcome.resentNote === undefined ? undefined : clean(outcome.resentNote);
  if (!outcome.ok) {
    const code = clean(outcome.code);
    const reason = clean(outcome.reason);
    if (code === outcome.code && reason === outcome.reason && resentNote === outcome.resentNote)
      return outcome;
    // A code scrubbing changed is no longer one of the adapter's: it is passed through as it now reads.
    const scrubbedCode = code === outcome.code ? outcome.code : vendorCode(code);
    return {
      ...outcome,
      code: scrubbedCode,
      reason,
      ...(resentNote !== undefined && { resentNote }),
    };
  }
  const id = outcome.id === undefined ? undefined : clean(outcome.id);
  const note = outcome.note === undefined ? undefined : clean(outcome.note);
  if (id === outcome.id && note === outcome.note && resentNote === outcome.resentNote)
    return outcome;
  return {
    ...outcome,
    ...(id !== undefined && { id }),
    ...(note !== undefined && { note }),
    ...(resentNote !== undefined && { resentNote }),
  };
}

/** How much of one text of an outcome is kept: its start and its end (see {@link withinTextLimit}). */
const KEPT_CHARS = 1_500;

/**
 * `text` with its middle cut out when it is longer than twice {@link KEPT_CHARS}: a vendor's message of a
 * megabyte, repeated on each record of a chunk, made journal lines of a gigabyte (a RangeError that stopped
 * the import) and report files as large. The end is kept as well as the start: the engine's notes (the vendor
 * may hold this record, what a re-run does) come after the vendor's words. Cut after scrubbing, so no piece
 * of a secret is left at the cut.
 */
export function withinTextLimit(text: string): string {
  if (text.length <= 2 * KEPT_CHARS) return text;
  const start = textStart(text, KEPT_CHARS);
  const end = textEnd(text, KEPT_CHARS);
  // Counted in characters, as the marker says: in code units, a cut of emoji would count each twice.
  const cut = characterCount(text, start.length, text.length - end.length);
  return `${start} […${cut} characters cut…] ${end}`;
}
