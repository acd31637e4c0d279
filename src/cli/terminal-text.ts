/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts an escape sequence, CR and LF
 * move the cursor, so a record's key could rewrite or forge a line), DEL, C1 controls (U+009B is a one-byte
 * CSI), and the line and paragraph separators; and those Unicode says to show as nothing (its
 * Default_Ignorable_Code_Point): the bidi marks, embeddings, overrides and isolates that reorder what follows
 * them, zero-width spaces, a soft hyphen, byte order marks, tag characters, so that `column "\ufeffuid" names
 * no field` does not read as `"uid"`; and every space but the plain one (no-break, ideographic, thin…), so
 * that two keys that differ only there (`a\u00a0b` and `a b`, which a vendor may take for two users) print
 * apart. Kept: the joiners and variation selectors that emoji and scripts are written with (U+200C, U+200D,
 * Mongolian's, U+FE00 to U+FE0F, U+E0100 to U+E01EF), and the tags of a subdivision flag (England's: a black
 * flag, tag letters, a cancel tag). A lone UTF-16 surrogate, which a terminal gets as U+FFFD, is shown as its
 * escape too: keys that differ only there would print alike. A backslash is kept (paths on Windows), so a key
 * holding the text `\x1b` looks like an escaped ESC: harmless. A flag's tags are at most 32 (a subdivision's
 * id has at most 7): V8 keeps a backtracking step per tag of an unbounded run, and a key of a flag and 8
 * million tags threw a RangeError (Maximum call stack size exceeded) that ended a dry run's reading, the
 * records after it unchecked. Past 32, each tag is shown as its escape.
 */
const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u{1f3f4}[\u{e0020}-\u{e007e}]{1,32}\u{e007f}|[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]|(?!\u200c|\u200d|[\u180b-\u180d\u180f]|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}])\p{Default_Ignorable_Code_Point}|(?! )\p{Zs}/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text from input or from a vendor (keys, reasons, warnings, error messages), made safe to print on a
 * terminal: every control, bidi and invisible character, and every space but the plain one, is shown as an
 * escape (`\x1b`, `\n`, `\u202e`, `\xa0`), so the text cannot move the cursor, forge a line, reorder what is
 * shown or hide a difference. Everything else is kept as it is; the report file keeps the exact text, as it
 * is JSON.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSHOWABLE, (char) =>
    // A subdivision flag (UNSHOWABLE's first branch) is shown as the flag; any other match is one code point.
    char.length > 2 ? char : (NAMED[char] ?? escapeOf(char.codePointAt(0) ?? 0)),
  );
}

function escapeOf(code: number): string {
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, "0")}`;
  return code <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\u{${hex}}`;
}
