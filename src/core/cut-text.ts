/**
 * Cutting text for a report or an error. A cut by UTF-16 code units alone may fall between the two halves
 * of a character beyond U+FFFF (an emoji, a CJK extension character), leaving a lone surrogate: a report
 * file would hold U+FFFD or an escape in its place, and a consumer that refuses malformed text would refuse
 * the whole report. These cut one unit shorter instead.
 */

/** At most `max` UTF-16 code units from the start of `text`, never ending on half a character. */
export function textStart(text: string, max: number): string {
  if (text.length <= max) return text;
  const end =
    max > 0 && isHigh(text.charCodeAt(max - 1)) && isLow(text.charCodeAt(max)) ? max - 1 : max;
  return text.slice(0, Math.max(end, 0));
}

/** At most `max` UTF-16 code units from the end of `text`, never starting on half a character. */
export function textEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const start = text.length - max;
  const from =
    isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1)) ? start + 1 : start;
  return text.slice(from);
}

/** `text`, or, when longer than `max` code units, its start and `…` within `max`, cut between characters. */
export function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${textStart(text, max - 1)}…`;
}

/**
 * The characters (code points) of `text` from code unit `from` to `to`: a character beyond U+FFFF is two
 * units. A loop over the units, not `[...text]`: the text may be a vendor's message of megabytes.
 */
export function characterCount(text: string, from = 0, to = text.length): number {
  let count = to - from;
  for (let i = from; i + 1 < to; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
