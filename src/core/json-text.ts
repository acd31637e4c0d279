// JSON text and decimal text read from an input: whether an integer read is the one written (a CSV cell's text
// is at hand when it is read, so a rounded id can be refused there, where a record's number cannot be told
// from the one rounded), and what a syntax error may say of the text (none of it: it may be personal data).
import { textStart } from "./cut-text.js";

/** What V8 12 (Node 22 on) adds to a JSON.parse message after `at position N`. */
const V8_LINE_COLUMN = / \(line \d+ column \d+\)$/;

/**
 * What a JSON.parse error says, without the excerpt of the text V8 quotes in some of its messages
 * (`Unexpected token 'a', ..."mail": alice@exa"... is not valid JSON`): a message a report keeps must not
 * repeat the input's values. Messages that quote nothing (`Unexpected end of JSON input`) are kept, without
 * the `(line 1 column 8)` Node 22 and later add after the position: a line of the text parsed (a record's,
 * a cell's), which a message naming the file's line would contradict, and which Node 20 does not say.
 */
export function jsonSyntaxProblem(error: unknown): string {
  const message = (error instanceof Error ? error.message : "").replace(V8_LINE_COLUMN, "");
  if (message !== "" && !message.includes('"')) return message;
  const token = /^Unexpected token '[^']{1,2}'/.exec(message)?.[0];
  return token === undefined ? "not valid JSON" : `${token}: not valid JSON`;
}

/** A JSON number token, read where one starts. */
const JSON_NUMBER = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/**
 * Text that may hold a number {@link changedInteger} finds: one with an exponent, or 16 digits (a point among
 * them). A number without either has at most 15 significant digits, which a double holds exactly, below 2^53.
 */
const MAY_CHANGE = /[\d.]{16}|\d[eE][-+]?\d/;

/**
 * The first number of valid JSON text that reads as an integer other than the one written, or past what a
 * number holds (JSON.parse makes 1e999 Infinity, which a request body carries as null), if any. With
 * `finite`, the latter are not sought: a validator refuses the Infinity naming its field, which text cannot.
 */
export function changedInteger(json: string, { finite = false } = {}): string | undefined {
  if (!MAY_CHANGE.test(json)) return undefined;
  for (const token of numberTokens(json)) {
    const n = Number(token);
    if (!Number.isFinite(n)) {
      if (finite) continue;
      return token;
    }
    if (Number.isInteger(n) && !(Number.isSafeInteger(n) && denotes(token, n))) return token;
  }
  return undefined;
}

/**
 * Each number token of valid JSON text, left to right. Strings are stepped over unit by unit, not matched by
 * a pattern repeated per character (`"(?:[^"\\]|\\.)*"`): V8 keeps a backtracking step per repetition, and a
 * string of some 16 million characters (an .ndjson line may hold 64 MiB) threw a RangeError (Maximum call
 * stack size exceeded) that ended the reading of the file, the records after it unread.
 */
function* numberTokens(json: string): Generator<string> {
  for (let at = 0; at < json.length;) {
    const c = json.charCodeAt(at);
    if (c === 0x22) {
      // Past the closing quote; the text is valid JSON, so a backslash escapes the unit after it.
      for (at += 1; at < json.length && json.charCodeAt(at) !== 0x22; at++)
        if (json.charCodeAt(at) === 0x5c) at += 1;
      at += 1;
      continue;
    }
    // Outside strings, valid JSON holds a digit or a minus only in a number, which starts with one.
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      JSON_NUMBER.lastIndex = at;
      const token = JSON_NUMBER.exec(json)?.[0];
      if (token !== undefined) {
        yield token;
        at += token.length;
        continue;
      }
    }
    at += 1;
  }
}

/**
 * Whether decimal text (a sign, digits with a point, an exponent) is exactly the safe integer `n`:
 * `1.00000000000000001` and `1e-400` read as numbers that are integers, but not as the value written.
 */
export function denotes(text: string, n: number): boolean {
  // The fraction's digits only after a point: `(\d*)\.?(\d*)` split a run of digits every way before a
  // stray character refused it, quadratic (32 Ki digits and an `x` took 1.5 s). Its callers hand it JSON
  // number tokens and checked decimal cells, which it matched at once; text from any other caller may not be.
  const [, sign = "", whole = "", fraction = "", exponent = "0"] =
    /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text) ?? [];
  const all = whole + fraction;
  let first = 0;
  while (all[first] === "0") first += 1;
  // A loop, not /0+$/: that regex is quadratic on a long run of zeros followed by another digit.
  let end = all.length;
  while (end > first && all[end - 1] === "0") end -= 1;
  const digits = all.slice(first, end);
  // The value is digits × 10^power; a safe integer has at most 16 digits, so a larger power cannot be it.
  const power = Number(exponent) - fraction.length + (all.length - end);
  if (digits === "") return n === 0;
  if (power < 0 || digits.length + power > 16) return false;
  const value = BigInt(digits + "0".repeat(power));
  return (sign === "-" ? -value : value) === BigInt(n);
}

/**
 * A key that an object in valid JSON text `json` holds twice, if any; `value` is what JSON.parse made of
 * the text. JSON.parse keeps the last silently: `{"uid":"ann","email":"ann@example.com","uid":"bob"}`
 * would import bob with ann's email. `written`, the keys the text writes ({@link keysWithin}), where a walk
 * of the text already counted them.
 */
export function duplicateKey(
  json: string,
  value: unknown,
  written = quotedColons(json),
): string | undefined {
  // Each key written ends with a quote and a colon; a string holds that pair only after an escaped quote
  // (`"a\":b"`), which counts one too many and sends the text the slow way. Equal counts: no key was dropped.
  let kept = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== "object" || next === null) continue;
    // Values, not keys: as many (own enumerable string keys), and a page of results was counted in about
    // half the time, as it was stacking objects only.
    const items = Array.isArray(next) ? (next as unknown[]) : Object.values(next);
    if (items !== next) kept += items.length;
    for (const item of items) if (typeof item === "object" && item !== null) pending.push(item);
  }
  return written === kept ? undefined : firstKeyTwice(json);
}

/** How many colons of `json` follow a quote, JSON's blanks between them aside. */
function quotedColons(json: string): number {
  let times = 0;
  for (let at = json.indexOf(":"); at !== -1; at = json.indexOf(":", at + 1)) {
    let before = at - 1;
    while (isBlank(json.charCodeAt(before))) before -= 1;
    if (json.charCodeAt(before) === QUOTE) times += 1;
  }
  return times;
}

/** The first key of valid JSON text that its object holds twice, by a walk of the text's tokens. */
function firstKeyTwice(json: string): string | undefined {
  const open: (Set<string> | undefined)[] = [];
  for (let at = 0; at < json.length; at++) {
    const c = json[at];
    if (c === "{") open.push(new Set());
    else if (c === "[") open.push(undefined);
    else if (c === "}" || c === "]") open.pop();
    else if (c === '"') {
      const start = at;
      for (at += 1; at < json.length && json[at] !== '"'; at++) if (json[at] === "\\") at += 1;
      let next = at + 1;
      while (/\s/.test(json[next] ?? "")) next += 1;
      const keys = open.at(-1);
      if (json[next] !== ":" || keys === undefined) continue;
      const name = JSON.parse(json.slice(start, at + 1)) as string;
      if (keys.has(name)) return name;
      keys.add(name);
    }
  }
  return undefined;
}

/** Why text whose object holds `key` twice is refused (a key, not a value: no personal data is quoted). */
export function duplicateKeyProblem(key: string): string {
  const shown = key.length > 64 ? `${JSON.stringify(textStart(key, 64))}…` : JSON.stringify(key);
  return `the key ${shown} appears twice in one object: JSON keeps the last silently, so the record would not be the one written; write each key once`;
}

/**
 * The deepest nesting of arrays and objects a vendor's answer may have: far more than any documented answer
 * (or a record echoed in one) holds, and far less than a recursive walk of it may go before the stack runs out.
 */
export const MAX_ANSWER_DEPTH = 256;

/**
 * Whether valid JSON text nests arrays and objects more than `limit` levels deep, told from its brackets
 * outside strings, without walking the value: JSON.parse reads nesting far deeper than the stack lets any
 * recursive walk (JSON.stringify, structuredClone, a scrub of secrets) go.
 */
export function nestsDeeperThan(json: string, limit: number): boolean {
  return json.length > limit && keysWithin(json, limit) === undefined;
}

/**
 * How many keys the objects of valid JSON text write, for {@link duplicateKey}; undefined where the text
 * nests arrays and objects more than `limit` levels deep (see {@link nestsDeeperThan}). One walk of an
 * answer tells both: a pass for each was most of what reading a page of results cost beyond JSON.parse.
 */
export function keysWithin(json: string, limit: number): number | undefined {
  let depth = 0;
  let keys = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      // A string is skipped by indexOf, to a quote after an even run of backslashes: most of a vendor's
      // answer is in strings, and a unit-by-unit walk of them took twice as long (each page a chunk's job
      // lists).
      for (;;) {
        i = json.indexOf('"', i + 1);
        if (i === -1) return keys;
        let before = i - 1;
        while (json.charCodeAt(before) === BACKSLASH) before -= 1;
        if ((i - 1 - before) % 2 === 0) break;
      }
      // A string a colon follows, JSON's blanks between them aside, is a key.
      let after = i + 1;
      while (isBlank(json.charCodeAt(after))) after += 1;
      if (json.charCodeAt(after) === COLON) keys += 1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth += 1;
      if (depth > limit) return undefined;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth -= 1;
  }
  return keys;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

const [QUOTE, BACKSLASH, COLON, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [
  ...'"\\:[]{}',
].map((c) => c.charCodeAt(0));
