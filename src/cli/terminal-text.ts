/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts an escape sequence, CR and LF
 * move the cursor, so a record's key could rewrite or forge a line), DEL, C1 controls (U+009B is a one-byte
 * CSI), and the bidi marks, embeddings, overrides and isolates that reorder what follows them; and the
 * characters that show as nothing or as a line break (a zero-width space, a word joiner, a byte order mark, the
 * line and paragraph separators), so that `column "\ufeffuid" names no field` does not read as `"uid"`. The
 * joiners of emoji and scripts (U+200C, U+200D) are kept. A backslash is kept (paths on Windows), so a key
 * holding the text `\x1b` looks like an escaped ESC: harmless.
 */
const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text from input or from a vendor (keys, reasons, warnings, error messages), made safe to print on a
 * terminal: every control, bidi and invisible character is shown as an escape (`\x1b`, `\n`, `\u202e`), so
 * the text cannot move the cursor, forge a line, reorder what is shown or hide a difference. Everything else
 * is kept as it is; the report file keeps the exact text, as it is JSON.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSHOWABLE, (char) => NAMED[char] ?? escapeOf(char.charCodeAt(0)));
}

function escapeOf(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
