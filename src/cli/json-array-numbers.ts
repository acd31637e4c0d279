import { Tokenizer } from "@streamparser/json";
import { changedInteger } from "../core/json-text.js";

/**
 * A tokenizer that notes the first number it reads as another integer than the one written (an id beyond
 * 2^53, `1e-400` as 0), as an `.ndjson` line's text is checked: the parsed value cannot tell.
 */
export class NumberCheckingTokenizer extends Tokenizer {
  /** That number's text, since the reader last cleared it. */
  changed: string | undefined;

  protected override parseNumber(text: string): number {
    this.changed ??= changedInteger(text, { finite: true });
    return super.parseNumber(text);
  }
}
