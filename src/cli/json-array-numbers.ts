import { Tokenizer } from "@streamparser/json";
import { changedInteger } from "../core/json-text.js";

/**
 * A tokenizer that notes the first number it reads as another integer than the one written (an id beyond
 * 2^53, `1e-400` as 0), as an `.ndjson` line's text is checked: the parsed value cannot tell. It keeps a
 * U+FEFF inside a string or key, as JSON.parse does.
 */
export class NumberCheckingTokenizer extends Tokenizer {
  /** That number's text, since the reader last cleared it. */
  changed: string | undefined;

  constructor() {
    super();
    keepByteOrderMarks(this);
  }

  protected override parseNumber(text: string): number {
    this.changed ??= changedInteger(text, { finite: true });
    return super.parseNumber(text);
  }
}

/**
 * @streamparser/json (0.0.26, pinned) decodes each run of a string's bytes with a TextDecoder that drops a
 * U+FEFF at the run's start, written or escaped: `"\ufeffu1"` was read as `u1`, another user, and a key
 * `\ufeffuid` as `uid`. Its decoder is private, so it is replaced here with one that keeps the mark (the
 * file's own byte order mark is dropped by the tokenizer's start state, not by this decoder).
 */
function keepByteOrderMarks(tokenizer: Tokenizer): void {
  const strings = (tokenizer as unknown as { bufferedString?: { decoder?: unknown } })
    .bufferedString;
  if (strings === undefined || !(strings.decoder instanceof TextDecoder))
    throw new Error("@streamparser/json changed: its string decoder is not where it was");
  strings.decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
}
