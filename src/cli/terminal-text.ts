/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts an escape sequence, CR and LF
 * move the cursor, so a record's key could rewrite or forge a line), DEL, C1 controls (U+009B is a one-byte
 * CSI), and the bidi marks, embeddings, overrides and isolates that reorder what follows them. A backslash
 * is kept (paths on Windows), so a key holding the text `\x1b` looks like an escaped ESC: harmless.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text from input or from a vendor (keys, reasons, warnings, error messages), made safe to print on a
 * terminal: every control and bidi character is shown as an escape (`\x1b`, `\n`, `\u202e`), so the text
 * cannot move the cursor, forge a line or reorder what is shown. Everything else is kept as it is; the
 * report file keeps the exact text, as it is JSON.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSHOWABLE, (char) => NAMED[char] ?? escapeOf(char.charCodeAt(0)));
}

function escapeOf(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
