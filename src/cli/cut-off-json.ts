import { TokenParser, Tokenizer } from "@streamparser/json";

/**
 * Whether `text`, which JSON.parse refused, is the start of a JSON value cut off before its end (`{"uid":"a`,
 * `{"n":1.`, `[true, fa`), rather than text that breaks JSON before it ends (`{"uid": a}`, `{"a":1} x`).
 * JSON.parse's messages cannot tell: "Unexpected end of JSON input" for `{"a":tr`, another for `{"a":1.`.
 * The value must not have ended either: a parser more lenient than JSON.parse would pass a whole value.
 *
 * A string, `true`, `false` or `null` the text ends inside is judged by what it has so far, not by where it
 * stands (`{"a" "b` counts as cut off): only its end would show it misplaced.
 */
export function endsInsideValue(text: string): boolean {
  const tokens = new Tokenizer();
  const values = new TokenParser();
  let broken = false;
  values.onValue = () => {};
  values.onError = () => {
    broken = true;
  };
  tokens.onToken = (token) => values.write(token);
  tokens.onError = () => {
    broken = true;
  };
  tokens.write(text);
  if (broken) return false;
  // A number the text ends in is a token only once the text ends: judged where it stands, like the others.
  // Ending inside any other token is what a cut does, not a break.
  tokens.onError = () => {};
  tokens.end();
  return !broken && !values.isEnded;
}
