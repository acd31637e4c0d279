/** A path parameter, as openapi-fetch's path serializers find one. */
const PATH_PARAM = /\{[^{}]+\}/g;

/**
 * Whether `path`, the path of a request for `template` under `baseUrl` (joined as openapi-fetch joins them,
 * then parsed as a URL), has the template's shape: its segments the template's as URL parsing spells them,
 * a parameter standing for text of one segment, not empty. Compared segment by segment, with no pattern
 * built from the URL: a base URL's own `%7B` is no parameter, and a segment of several parameters
 * (`{a}{b}`) costs one pass over the text rather than a backtracking search over its every split.
 */
export function hasTemplateShape(path: string, baseUrl: string, template: string): boolean {
  const joined = `${baseUrl}${template}`;
  const { mark, escaped } = freshMark(joined);
  const expected = new URL(joined.replace(PATH_PARAM, mark)).pathname.split("/");
  const sent = path.split("/");
  return (
    expected.length === sent.length &&
    expected.every((part, i) => fitsSegment(sent[i] ?? "", part.split(escaped)))
  );
}

/**
 * A character standing for a parameter, and its escape in a parsed URL's path, neither found in `text`: URL
 * parsing leaves it nowhere else. Private-use characters, which no URL needs; a text holding them all would
 * be over 200,000 characters long.
 */
function freshMark(text: string): { mark: string; escaped: string } {
  const folded = text.toUpperCase();
  for (let code = 0xf0000; code <= 0x10fffd; code++) {
    const mark = String.fromCodePoint(code);
    const escaped = encodeURIComponent(mark);
    if (!text.includes(mark) && !folded.includes(escaped)) return { mark, escaped };
  }
  throw new TypeError("a request path too long to check; nothing was sent");
}

/**
 * Whether `segment` is `pieces` with text of at least one character between each two. Each piece is placed
 * as early as it fits, which leaves the most room for the ones after it.
 */
function fitsSegment(segment: string, pieces: readonly string[]): boolean {
  const first = pieces[0] ?? "";
  if (pieces.length === 1) return segment === first;
  if (!segment.startsWith(first)) return false;
  let end = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const at = segment.indexOf(piece, end + 1);
    if (at < 0) return false;
    end = at + piece.length;
  }
  const last = pieces[pieces.length - 1] ?? "";
  return segment.length - last.length > end && segment.endsWith(last);
}
