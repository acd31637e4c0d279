// What every vendor's validator calls blank: one definition, so a value refused as blank (or as having blanks
// around it) by one vendor is refused by the others for the same characters.

/** What a key refused as blank is told, after its field's name (a vendor may put its rule's word first). */
export const BLANK_MESSAGE = "must not be blank";

/**
 * Whether `text` is empty or blanks only. A blank is what `String.prototype.trim` removes: ECMAScript's
 * whitespace and line terminators, that is a tab, LF, VT, FF, CR, a space, a no-break space (U+00A0), any
 * other Unicode space separator (U+1680, U+2000 to U+200A, U+202F, U+205F, an ideographic space U+3000), a
 * line or paragraph separator (U+2028, U+2029) and a byte order mark (U+FEFF). The CSV readers trim a cell
 * with `trim()` too, so what they leave in a value is never refused here as a blank around it.
 *
 * Not blanks: a next line (U+0085), a Mongolian vowel separator (U+180E) and a zero-width space (U+200B).
 * `trim()`, JSON and the readers keep them; Unicode classes U+180E and U+200B as format characters, not
 * spaces (since 6.3 and 4.0.1), and U+0085 as a C1 control. Counting them here would refuse, as a blank
 * around a value, what a CSV cell was read with, under a message saying cells are trimmed when read.
 * A value of them alone is sent (a match key no one sees); two keys differing only in them are the engine's
 * look-alike warning (invisible characters).
 */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}

/** Whether `text` starts or ends with a blank (as {@link isBlank} counts them), or is blanks only. */
export function hasBlanksAround(text: string): boolean {
  return text.trim() !== text;
}
