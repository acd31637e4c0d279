import { textStart } from "../cut-text.js";
import { MAX_ANSWER_DEPTH } from "../json-text.js";

const REDACTED = "[REDACTED]";
/** The shortest piece of a secret that is redacted where a text was cut through it. */
const MIN_FRAGMENT = 4;
/** Secrets shorter than this are redacted only where they stand alone, so they do not eat ordinary words. */
const WHOLE_WORD_BELOW = 6;
/** The shortest base64 stretch of a secret's bytes that is redacted. */
const MIN_ENCODED = 8;
/** The shortest run of a secret's characters redacted anywhere in a text that someone else already cut. */
const MIN_RUN = 6;
/**
 * A stretch of a chosen secret's runs (a password) made of letters only, or digits only, and shorter than this
 * is kept: it may be an ordinary word or number of the text, as such a secret often holds one.
 */
const WORD_BELOW = 16;
const ONE_KIND = /^(?:\p{L}+|\p{Nd}+)$/u;
const LETTERS = /^\p{L}+$/u;
/**
 * Secrets longer than this are scrubbed whole, not by their runs: every run of a secret is held in a set, and
 * a token endpoint issuing a token of megabytes would take seconds and hundreds of MiB to index.
 */
const RUNS_OF_SECRETS_UP_TO = 65_536;
/** What `scrubDeep` keeps of an array or object nested deeper than any vendor's answer. */
const TOO_DEEP = "[nested too deep to keep]";
/** How many characters of one value `scrubDeep` scrubs of secrets' runs: a vendor's messages, not documents. */
const RUNS_PER_VALUE = 256 * 1024;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `text` case-folded, so secrets of 6 or more characters are matched in any case, as a vendor or proxy may
 * echo a header upper-cased, or lower-case a whole message. Lower-cased alone, an upper-cased echo would not
 * fold as its secret: `ABCΣ1` is `abcς1` (a `Σ` is `ς` or `σ` by what stands next to it) where the secret
 * `abcσ1` stays, and `STRASSE` is no `straße`. So lower-, upper- then lower-cased, every sigma `σ`: each code
 * point then folds as its upper and its lower case do, and none folds shorter (`ß` folds longer). A Turkish
 * locale upper-cases `i` as `İ` (and lower-cases `I` as `ı`, which the round trip folds as `i`): every `İ` is
 * `i` first, which lower-cased it is not (`i` and a dot above, U+0307: see {@link echoedForms}).
 */
function fold(text: string): string {
  // ASCII text, most of what is scrubbed, folds as it lower-cases: one pass over a body of megabytes.
  if (!NOT_ASCII.test(text)) return text.toLowerCase();
  return text.replaceAll("İ", "i").toLowerCase().toUpperCase().toLowerCase().replaceAll("ς", "σ");
}

const NOT_ASCII = /[^\0-\x7f]/;

/** A text as it is searched, and where in the text it was made from each of its units comes from. */
interface View {
  readonly text: string;
  /** Where in the text it was made from the character of unit `unit` starts. */
  start(unit: number): number;
  /** Where in the text it was made from the character of unit `unit` ends. */
  end(unit: number): number;
}

/** `text` as it is, each unit where it stands. */
function asIs(text: string): View {
  return { text, start: (unit) => unit, end: (unit) => unit + 1 };
}

/**
 * `text` folded (see {@link fold}), with where in `text` each unit of the folded text comes from: `ß` folds
 * to two units, `ΐ` to three, so a text holding one before a secret would have every index
 * past it shifted, and the wrong span cut while the secret stays.
 */
class Folded implements View {
  readonly text: string;
  /** Per folded unit, the start and the end of the character it comes from, in what was folded. */
  readonly #starts: Uint32Array | undefined;
  readonly #ends: Uint32Array | undefined;
  readonly #read: View | undefined;

  /** With `read`, of what `original` reads as with its JSON `\u` escapes read (see {@link unescaped}). */
  constructor(original: string, read?: View) {
    this.#read = read;
    const source = read?.text ?? original;
    const whole = fold(source);
    this.text = whole;
    // No code point folds shorter, so the same length means every character folded to its own length.
    if (whole.length === source.length) return;
    const starts = new Uint32Array(whole.length);
    const ends = new Uint32Array(whole.length);
    // The text folds as its code points do one by one (a sigma's context aside, and every sigma is `σ`):
    // only a code point beyond ASCII may fold longer.
    let unit = 0;
    for (let at = 0; at < source.length;) {
      const code = source.codePointAt(at) ?? 0;
      const width = code > 0xffff ? 2 : 1;
      const length = code < 0x80 ? 1 : fold(String.fromCodePoint(code)).length;
      starts.fill(at, unit, unit + length);
      ends.fill(at + width, unit, unit + length);
      unit += length;
      at += width;
    }
    this.#starts = starts;
    this.#ends = ends;
  }

  start(unit: number): number {
    const at = this.#starts === undefined ? unit : (this.#starts[unit] ?? 0);
    return this.#read === undefined ? at : this.#read.start(at);
  }

  end(unit: number): number {
    const at = this.#ends === undefined ? unit + 1 : (this.#ends[unit] ?? 0);
    return this.#read === undefined ? at : this.#read.end(at - 1);
  }
}

/** How many characters a `\u` escape takes. */
const UNIT_ESCAPE = 6;

/** What the hex digit of char code `code` stands for, or -1 when it is none. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** What each escape of a JSON string other than `\u` stands for, by the char code after its backslash. */
const SHORT_ESCAPES = new Map(
  [...'"\\/bfnrt'].map((c) => [c.charCodeAt(0), JSON.parse(`"\\${c}"`) as string] as const),
);

/**
 * `text` with each JSON `\u` escape read as the unit it stands for (and the piece of one that a cut left
 * at its end left out), with where in `text` each unit comes from; undefined when it holds neither, and
 * reads as it is. A serializer writes a secret's characters so in a body's raw text, which an excerpt
 * quotes: .NET's `+` as `\u002B`, Go's `&` `<` `>`, Python's every one beyond ASCII; those between escapes
 * are runs too short to be found. Kept per escape, not per unit (a body of megabytes may hold one), and
 * looked up by a binary search, as {@link unwrapped} keeps its breaks. With `all`, every escape is read
 * (`\\` as `\`, `\"` as `"`), as a JSON string's content is: see {@link readings}.
 */
function unescaped(text: string, all = false): View | undefined {
  const parts: string[] = [];
  // The units of escapes in a row, made one string: one string a unit, a body escaped whole took seconds.
  let run: number[] = [];
  /**
   * Per escape read, where in the text read its unit stands, and where in `text` the escape starts: typed,
   * half the bytes of an array of numbers, as a body escaped whole holds millions of escapes at each level.
   */
  let units = new Uint32Array(64);
  let starts = new Uint32Array(64);
  let count = 0;
  let from = 0;
  let length = 0;
  // Every backslash starts an escape, so the second of `\\` starts none: `\\u0041` is a backslash then
  // `u0041` (as the JSON form of a secret holding `\u0041` writes it), no `\A`. Scanned, not matched by a
  // pattern: a body escaped whole holds millions of escapes.
  for (let at = text.indexOf("\\"); at !== -1;) {
    const isUnit = text.charCodeAt(at + 1) === 0x75;
    const short = all && !isUnit ? SHORT_ESCAPES.get(text.charCodeAt(at + 1)) : undefined;
    let unit = short?.charCodeAt(0) ?? 0;
    let digits = 0;
    for (; isUnit && digits < 4; digits++) {
      const digit = hexDigit(text.charCodeAt(at + 2 + digits));
      if (digit === -1) break;
      unit = unit * 16 + digit;
    }
    const end = at + 2 + digits;
    const read = digits === 4 || short !== undefined;
    // The piece of an escape that a cut left at the end (a `\`, or `\u` and fewer than 4 digits), left out.
    const piece = !read && (at + 1 === text.length || (isUnit && end === text.length));
    if (!read && !piece) {
      at = text.indexOf("\\", at + 2);
      continue;
    }
    // Some thousands at a time: each unit is an argument of the call.
    if (run.length > 0 && (at > from || run.length === 8192)) {
      parts.push(String.fromCharCode(...run));
      run = [];
    }
    if (at > from) parts.push(text.slice(from, at));
    length += at - from;
    from = read ? end : text.length;
    if (!read) break;
    run.push(unit);
    if (count === units.length) [units, starts] = [grown(units), grown(starts)];
    units[count] = length++;
    starts[count++] = at;
    at = text.indexOf("\\", end);
  }
  if (from === 0) return undefined;
  if (run.length > 0) parts.push(String.fromCharCode(...run));
  parts.push(text.slice(from));
  /** The last escape read at or before unit `unit`, or -1. */
  const escapeAt = (unit: number) => {
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((units[middle] ?? 0) <= unit) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  };
  // A `\u` escape read has its 4 digits; any other is a backslash and one character.
  const width = (at: number) => (text.charCodeAt(at + 1) === 0x75 ? UNIT_ESCAPE : 2);
  const start = (unit: number) => {
    const escape = escapeAt(unit);
    if (escape === -1) return unit;
    const [escaped, at] = [units[escape] ?? 0, starts[escape] ?? 0];
    return unit === escaped ? at : at + width(at) + unit - escaped - 1;
  };
  return {
    text: parts.join(""),
    start,
    end(unit) {
      const escape = escapeAt(unit);
      const at = starts[escape] ?? 0;
      return escape !== -1 && units[escape] === unit ? at + width(at) : start(unit) + 1;
    },
  };
}

/** `array`, twice as long. */
function grown(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const longer = new Uint32Array(array.length * 2);
  longer.set(array);
  return longer;
}

/** `inner`, a view of the text `outer` reads as, mapped on to the text `outer` was made from. */
function composed(outer: View, inner: View): View {
  return {
    text: inner.text,
    start: (unit) => outer.start(inner.start(unit)),
    end: (unit) => outer.end(inner.end(unit) - 1),
  };
}

/** How many times over a text's escapes are read: a JSON text quoting one that quotes a third, at most. */
const NESTED_LEVELS = 3;

/**
 * {@link DEEPER}, with an escaped backslash before any of `escapes` too: one source for both patterns, which
 * differ only in these, so a change to one cannot miss the other.
 */
function deeperBefore(escapes: string): RegExp {
  return new RegExp(
    String.raw`\\\\(?:[\\"/${escapes}]|u[0-9a-fA-F]{4}|(?:u[0-9a-fA-F]{0,3})?$)|\\u005[cC]`,
  );
}

/**
 * An escape that a deeper level reads otherwise than the level before does, as a JSON string quoting a JSON
 * text's escapes writes them: an escaped backslash before another escape's `\`, `"`, `/` or `u` and 4 digits
 * (the piece of one a cut left at the end too), or `\u005c`. Not before any other character: a Windows path
 * quoted in JSON (`C:\\Users\\bob`) holds millions, and each read the whole text at every level again
 * (16 MiB: 0.25 -> 2.3 s) to find what one level finds already, a secret's `\` written `\\`.
 */
const DEEPER = deeperBefore("");
/**
 * As {@link DEEPER}, with `\b` `\f` `\n` `\r` `\t` escaped: for secrets holding such a character (a PEM
 * key's line breaks), which a JSON string quoting its JSON form writes `\\n`, found only a level deeper.
 */
const DEEPER_OR_CONTROL = deeperBefore("bfnrt");
/** A character JSON escapes as `\b` `\f` `\n` `\r` or `\t`. */
const CONTROL = /[\b\f\n\r\t]/;

/**
 * `text` with its JSON escapes read (see {@link unescaped}), at each level of JSON strings it may be nested
 * in, undefined where nothing is read. A vendor's error quoting the JSON body it got (.NET's, Java's) escapes
 * its backslashes again, a key's `+` as `\\u002B` and a quote in it as `\\\"`, which one level reads as a
 * backslash then `u002B` (as the JSON form of a secret holding `\u002B` writes it): so, only where the level
 * before holds an escape read otherwise a level deeper (`deeper`: see {@link DEEPER}), its every escape is
 * read as a JSON string's content is, then its `\u` escapes again. A body of megabytes holding none costs a
 * search for one. Three levels at most: of a secret escaped four times over, only a run between its escapes
 * is found, where runs are (see {@link SecretSet.scrubRuns}).
 */
function readings(text: string, deeper: RegExp): (View | undefined)[] {
  const views = [unescaped(text)];
  let quoted = asIs(text);
  while (views.length < NESTED_LEVELS && deeper.test(quoted.text)) {
    const content = unescaped(quoted.text, true);
    if (content === undefined) break;
    quoted = composed(quoted, content);
    const read = unescaped(quoted.text);
    views.push(read === undefined ? quoted : composed(quoted, read));
  }
  return views;
}

/**
 * Secrets at least this long are searched for as plain text, outside the pattern: V8 refuses a pattern holding
 * a literal of some 32,000 characters (a broken token endpoint's token), and its SyntaxError quotes the whole
 * pattern, every secret in it.
 */
const PLAIN_FROM = 8192;

/**
 * Where a short secret may start: at the start of the text, after a character that is no letter or digit, or
 * after a percent-escape (`Token%20<key>`), whose hex digits would otherwise count as part of a word.
 */
const STANDS_ALONE_AFTER = "(?<=^|[^A-Za-z0-9]|%[0-9A-Fa-f]{2})";

/** A surrogate not paired with another: with the `u` flag, a pair is one code point, which this is not. */
const LONE_SURROGATE = /\p{Cs}/gu;

/** `value` as an `application/x-www-form-urlencoded` body carries it (space as `+`, `~!'()` escaped). */
const formEncoded = (value: string) => new URLSearchParams({ s: value }).toString().slice(2);

/**
 * A secret as given and as it may come back, each form distinct and non-empty:
 * - trimmed: fetch strips leading and trailing whitespace from a header value, so a key read with a stray CR,
 *   LF, space or tab (a CRLF secrets file, a `.env` line) is sent, and echoed, without it;
 * - percent-encoded (`encodeURIComponent`), as a URL quotes it (a redirect's `Location`), a lone surrogate
 *   as U+FFFD, as a URL writes it (encodeURIComponent throws URIError on one: an access token holding one
 *   failed every call as 'URI malformed' where it is refused as no header value);
 * - `application/x-www-form-urlencoded` (space as `+`, `~!'()` escaped), as a token request's body carries it;
 * - JSON-escaped (`"`, `\` and control characters escaped, and that with `/` as `\/` as PHP writes it), as
 *   a JSON body quoting it reads in raw text;
 * - of a secret holding `İ`, each of these with it lower-cased (`i` and a dot above), which does not fold as
 *   `İ` does (see `fold`).
 */
export function echoedForms(value: string): Set<string> {
  const forms = new Set<string>();
  const bases = [value, value.trim()];
  if (value.includes("İ")) bases.push(...bases.map((base) => base.replaceAll("İ", "i\u0307")));
  for (const base of bases) {
    if (base === "") continue;
    const json = JSON.stringify(base).slice(1, -1);
    forms
      .add(base)
      .add(encodeURIComponent(base.replace(LONE_SURROGATE, "\ufffd")))
      .add(formEncoded(base))
      .add(json)
      .add(json.replaceAll("/", "\\/"));
  }
  return forms;
}

/**
 * The base64 and base64url text that `value`'s UTF-8 bytes make inside any longer base64 text, one stretch per
 * place it may start at (base64 writes 3 bytes as 4 characters, so what bytes before it leave over changes
 * every character): the characters made of its bytes alone, without those shared with a neighbour's. A value
 * of at least 8 characters leaves at least 8 at each place.
 */
export function base64Forms(value: string): Set<string> {
  const forms = new Set<string>();
  const bytes = Buffer.from(value, "utf8");
  for (let before = 0; before < 3; before++) {
    const padded = Buffer.concat([Buffer.alloc(before), bytes]);
    const first = before === 0 ? 0 : 1;
    const whole = Math.floor(padded.length / 3);
    if (whole <= first) continue;
    const own = padded.toString("base64").slice(first * 4, whole * 4);
    forms.add(own).add(own.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

/**
 * The secrets one client holds (API keys, client secrets, access tokens). Every error is scrubbed against
 * them before it is built, so a vendor or proxy that echoes a header back cannot leak it into logs.
 * The package exports it as a type only, for the signature of `ApiError.of`: the class stays internal.
 */
export class SecretSet {
  readonly #values = new Set<string>();
  readonly #chosen: boolean;
  /**
   * The secrets as given, whose base64 and base64url stretches (see `base64Forms`) are matched whole only:
   * runs of 6 of so many random stretches would redact ordinary words. Encoded at the first scrub, not as
   * they are added: a chunk's thousand passwords took four times as long to add, and most chunks are never
   * scrubbed. Each with how many times it was given and not taken back (see {@link delete}).
   */
  readonly #given = new Map<string, number>();
  #runs: { readonly anyCase: Set<string>; readonly exact: Set<string> } | undefined;
  #pattern: { readonly anyCase?: RegExp; readonly exact?: RegExp } | undefined;
  #byLength: string[] | undefined;
  #encodedIndex: EncodedIndex | undefined;
  #folded: { readonly text: string; readonly anyCase: boolean }[] | undefined;
  #deeper: RegExp | undefined;

  /**
   * With `chosen`, for secrets people choose (passwords): one that is a word (letters only, under 16) is
   * matched, whole, as a run or as a piece at a cut, in the case given only. "password", "welcome" and
   * "dragon" are common passwords: matched in any case, a chunk holding one had every "Password" and
   * "Welcome" of SlashID's reasons redacted, and the report lost them.
   */
  constructor(options: { readonly chosen?: boolean } = {}) {
    this.#chosen = options.chosen === true;
  }

  /**
   * Whether `secret` is matched in any case (see the constructor's `chosen`). A word with a blank around it,
   * as a cell may hold it ("welcome "), is that word still: matched in any case, it ate SlashID's "Welcome ".
   */
  #anyCase(secret: string): boolean {
    const word = secret.trim();
    return !this.#chosen || word.length >= WORD_BELOW || !LETTERS.test(word);
  }

  /**
   * Holds each secret in every form it may come back in (see `echoedForms`), and base64-encoded as sent
   * (as given, trimmed, form-urlencoded), as a gateway quoting a Basic header or a JWT copying a token
   * request's form carries it, anywhere in a longer base64 text (see `base64Forms`); sends nothing.
   */
  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value === undefined) continue;
      for (const form of echoedForms(value)) this.#values.add(form);
      this.#given.set(value, (this.#given.get(value) ?? 0) + 1);
    }
    this.#changed();
  }

  /**
   * Takes back one {@link add} of `value`, and forgets it once every add of it is taken back: text is no
   * longer scrubbed of it, nor of a form of it no other secret held shares. Counted, so an owner letting go
   * of its secret does not take it from another that gave the same text (a short client secret the token
   * endpoint issued as the token). For a secret that lapsed (an access token no call sends any more): a
   * long-lived client holding every token it was ever issued would scrub each text of all of them, slower at
   * each renewal.
   */
  delete(value: string): void {
    const count = this.#given.get(value);
    if (count === undefined) return;
    if (count > 1) {
      this.#given.set(value, count - 1);
      return;
    }
    this.#given.delete(value);
    this.#values.clear();
    for (const given of this.#given.keys())
      for (const form of echoedForms(given)) this.#values.add(form);
    this.#changed();
  }

  #changed(): void {
    this.#pattern = undefined;
    this.#runs = undefined;
    this.#byLength = undefined;
    this.#encodedIndex = undefined;
    this.#folded = undefined;
    this.#deeper = undefined;
  }

  /** `text` read at each level (see `readings`), as deep as the secrets held may need. */
  #readings(text: string): (View | undefined)[] {
    this.#deeper ??= [...this.#given.keys()].some((value) => CONTROL.test(value.trim()))
      ? DEEPER_OR_CONTROL
      : DEEPER;
    return readings(text, this.#deeper);
  }

  /**
   * `text` with every secret held, in each form it may come back in and in any case, replaced by
   * `[REDACTED]`; a word a person chose (see the constructor) in the case given only; a secret of fewer than
   * 6 characters only as given and where it stands alone, so it does not eat ordinary words. Escaped as a
   * JSON string quoting a JSON text writes it, up to three times in all (see `readings`): one escaped four
   * times over reads as no form of it, and stays.
   */
  scrub(text: string): string {
    let out = text;
    // Longest first, as in the pattern; a long secret is no part of a short one.
    const long: string[] = [];
    for (const secret of this.#sorted()) {
      if (secret.length < PLAIN_FROM) break;
      long.push(fold(secret));
    }
    let folded: string | undefined;
    for (const wanted of long) {
      // Folded again only once something was cut: a body of megabytes is folded once, not once a form.
      if (!(folded ??= fold(out)).includes(wanted)) continue;
      out = redactMatches(out, (text) => indicesOf(text, wanted));
      folded = undefined;
    }
    const { anyCase, exact } = this.#compiled();
    const encoded = this.#encodedStretches();
    // One pass for both, so a stretch and a secret that overlap are cut as one span, whichever is longer.
    const find = (folded: string) =>
      [...(anyCase === undefined ? [] : startsOf(folded, anyCase)), ...encoded.find(folded)].sort(
        (a, b) => a.index - b.index,
      );
    if (anyCase !== undefined || encoded.stretches.size > 0) out = redactMatches(out, find);
    const searched = long.length > 0 || anyCase !== undefined || encoded.stretches.size > 0;
    // No secret held: no text read, which for a body of megabytes escaped whole takes a while.
    if (!searched && exact === undefined) return out;
    // Again with JSON's escapes read, at each level (see `readings`): a secret with some characters so
    // escaped is in no form held. The long ones in the same pass, so one that overlaps a shorter is cut as
    // one span.
    let reads = this.#readings(out);
    if (searched)
      for (let level = 0; level < reads.length; level++) {
        const read = reads[level];
        if (read === undefined) continue;
        const cut = redactMatches(
          out,
          (folded) =>
            [...long.flatMap((wanted) => [...indicesOf(folded, wanted)]), ...find(folded)].sort(
              (a, b) => a.index - b.index,
            ),
          new Folded(out, read),
        );
        // Read again only once something was cut: a body of megabytes escaped whole is read once.
        if (cut !== out) reads = this.#readings((out = cut));
      }
    if (exact === undefined) return out;
    // After the longer secrets, so a short one inside a longer one cannot leave the rest of it behind.
    const replaced = out.replace(exact, REDACTED);
    if (replaced !== out) reads = this.#readings((out = replaced));
    for (let level = 0; level < reads.length; level++) {
      const read = reads[level];
      if (read === undefined) continue;
      const cut = redactMatches(out, (text) => text.matchAll(exact), read);
      if (cut === out) continue;
      out = cut;
      // Read again only where a level is left to search: each read copies the whole text.
      if (level + 1 < reads.length) reads = this.#readings(out);
    }
    return out;
  }

  /**
   * At most `max` characters of `text` (plus the redaction marker), scrubbed before the cut so a secret
   * straddling it cannot survive as a fragment; a piece of a secret left at either edge is redacted too, and
   * so is any run of 6 or more of a secret's characters in what is kept (a secret the vendor echoed cut
   * short, line-wrapped, or escaped in a way no form foresees), looked for in the kept text only, so a body
   * of megabytes costs no more than its first `max` characters.
   */
  clip(text: string, max: number): string {
    const scrubbed = this.scrub(text);
    const kept = scrubbed.length <= max ? scrubbed : textStart(scrubbed, max);
    let edged = this.#redactEdges(this.#withoutRuns(kept));
    for (let level = 0; level < NESTED_LEVELS; level++)
      if (this.#readings(edged)[level] !== undefined) edged = this.#redactEdges(edged, level);
    return edged;
  }

  /**
   * Scrubs a text the library did not write (a runtime's error message), which may quote a secret already cut
   * short (V8 quotes 10 characters of invalid JSON): every run of 6 or more of a secret's characters goes too.
   */
  scrubRuns(text: string): string {
    return this.#withoutRuns(this.scrub(text));
  }

  /**
   * As {@link scrubRuns}, for secrets people choose (passwords), which hold ordinary words: a stretch of runs
   * that is letters only or digits only, shorter than 16 characters, stays ("password" of "password1" in
   * "invalid password", digits of another person's phone number). A piece of a hash mixes them.
   */
  scrubChosenRuns(text: string): string {
    return this.#withoutRuns(this.scrub(text), true);
  }

  #withoutRuns(scrubbed: string, keepWords = false): string {
    const { anyCase, exact } = this.#runSet();
    if (anyCase.size === 0 && exact.size === 0) return scrubbed;
    // With JSON's escapes read too: a run whose characters a serializer escaped is no run as written.
    const reads = this.#readings(scrubbed).filter((read) => read !== undefined);
    const views = [new Folded(scrubbed), ...reads.map((read) => new Folded(scrubbed, read))];
    let hidden: boolean[] | undefined;
    // One pass of windows over the text: a vendor's reasons and ids are short, the secrets' runs many.
    for (const folded of views)
      for (let at = 0; at + MIN_RUN <= folded.text.length; at++) {
        const [start, end] = runAt(folded.text, at);
        if (!anyCase.has(folded.text.slice(start, end))) continue;
        hidden ??= new Array<boolean>(scrubbed.length).fill(false);
        hidden.fill(true, folded.start(start), folded.end(end - 1));
      }
    const asGiven = exact.size === 0 ? [] : [asIs(scrubbed), ...reads];
    for (const given of asGiven)
      for (let at = 0; at + MIN_RUN <= given.text.length; at++) {
        const [start, end] = runAt(given.text, at);
        if (!exact.has(given.text.slice(start, end))) continue;
        hidden ??= new Array<boolean>(scrubbed.length).fill(false);
        hidden.fill(true, given.start(start), given.end(end - 1));
      }
    if (hidden === undefined) return scrubbed;
    if (keepWords) {
      for (let start = 0; start < scrubbed.length;) {
        if (!hidden[start]) {
          start++;
          continue;
        }
        let end = start;
        while (end < scrubbed.length && hidden[end]) end++;
        // A blank at its edge is no part of the word: runs of "welcome " take the blank after "Welcome". A
        // word with escapes is the word it reads as, however deep.
        const written = scrubbed.slice(start, end);
        const stretch = (
          this.#readings(written).findLast((read) => read !== undefined)?.text ?? written
        ).trim();
        if (stretch.length < WORD_BELOW && ONE_KIND.test(stretch)) hidden.fill(false, start, end);
        start = end;
      }
    }
    let out = "";
    for (let i = 0; i < scrubbed.length; i++) {
      if (!hidden[i]) out += scrubbed[i];
      else if (i === 0 || !hidden[i - 1]) out += REDACTED;
    }
    return out;
  }

  /**
   * Every run of {@link MIN_RUN} characters of every secret (see {@link runAt}), folded, made once per set of
   * secrets; of a word a person chose, as given (see the constructor).
   */
  #runSet(): { readonly anyCase: ReadonlySet<string>; readonly exact: ReadonlySet<string> } {
    if (this.#runs !== undefined) return this.#runs;
    const anyCase = new Set<string>();
    const exact = new Set<string>();
    for (const secret of this.#values) {
      if (secret.length > RUNS_OF_SECRETS_UP_TO) continue;
      const [runs, text] = this.#anyCase(secret) ? [anyCase, fold(secret)] : [exact, secret];
      for (let at = 0; at + MIN_RUN <= text.length; at++) runs.add(text.slice(...runAt(text, at)));
    }
    return (this.#runs = { anyCase, exact });
  }

  /**
   * A copy of `value` with every string, and every key, scrubbed. Objects come back as plain objects whose
   * keys are all own data properties: a vendor's `"__proto__"` key stays a key, never the copy's prototype.
   * Strings and keys are scrubbed of runs of 6 or more of a secret's characters too, as `scrubRuns` does,
   * up to 256 KiB of characters in all: past them, of whole secrets only (a body of megabytes took seconds of
   * run scrubbing, while every chunk in flight waited). With `keepWordsInKeys`, for secrets people choose, a
   * key keeps a word as {@link scrubChosenRuns} does: a password holding "status" or "errors" would otherwise
   * take the name of a field the reader looks for (an error's `status`, a body's `errors`) out of the copy.
   */
  scrubDeep<T>(value: T, options: { readonly keepWordsInKeys?: boolean } = {}): T {
    const walk = { left: RUNS_PER_VALUE, keepWordsInKeys: options.keepWordsInKeys === true };
    return this.#scrubDeep(value, walk, 0);
  }

  #scrubDeep<T>(
    value: T,
    budget: { left: number; readonly keepWordsInKeys: boolean },
    depth: number,
  ): T {
    // JSON.parse reads nesting far deeper than the stack lets this walk go (a raw call's error body is not
    // checked for it): what lies deeper than any vendor's answer is left out, not walked.
    if (depth > MAX_ANSWER_DEPTH && value !== null && typeof value === "object")
      return TOO_DEEP as T;
    if (typeof value === "string") {
      const scrubbed = this.scrub(value);
      if (scrubbed.length > budget.left) return scrubbed as T;
      budget.left -= scrubbed.length;
      return this.#withoutRuns(scrubbed) as T;
    }
    if (Array.isArray(value))
      return value.map((item: unknown) => this.#scrubDeep(item, budget, depth + 1)) as T;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        // Assignment would run the `__proto__` setter inherited from Object.prototype. A key is scrubbed as a
        // string value is, of runs too: a vendor may name a credential cut short as a key.
        Object.defineProperty(out, this.#scrubKey(key, budget), {
          value: this.#scrubDeep(item, budget, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out as T;
    }
    return value;
  }

  #scrubKey(key: string, budget: { left: number; readonly keepWordsInKeys: boolean }): string {
    const scrubbed = this.scrub(key);
    if (scrubbed.length > budget.left) return scrubbed;
    budget.left -= scrubbed.length;
    return this.#withoutRuns(scrubbed, budget.keepWordsInKeys);
  }

  /**
   * Two patterns, each one pass, longest secret first, of the secrets under {@link PLAIN_FROM} (`scrub` finds
   * longer ones as plain text): those of 6 or more characters matched in any case, folded, for the folded
   * text; then, as given, a word a person chose of 6 or more (see the constructor) anywhere, and the shorter
   * ones each where it stands alone (one matched in any case would eat more words: `Admin`, `TEST`). The
   * longer go first, so a short secret inside a longer one cannot leave the rest of it behind; no short one
   * matches in a marker (only `REDACTED` stands alone there).
   */
  #compiled(): { readonly anyCase?: RegExp; readonly exact?: RegExp } {
    if (this.#pattern !== undefined) return this.#pattern;
    const patterned = this.#sorted().filter((secret) => secret.length < PLAIN_FROM);
    const long = [
      ...new Set(
        patterned
          .filter((secret) => secret.length >= WHOLE_WORD_BELOW && this.#anyCase(secret))
          .map((secret) => fold(secret)),
      ),
    ];
    // A word a person chose, as given but anywhere, as every secret of 6 or more characters once was.
    const given = patterned.filter(
      (secret) => secret.length >= WHOLE_WORD_BELOW && !this.#anyCase(secret),
    );
    const short = patterned.filter((secret) => secret.length < WHOLE_WORD_BELOW);
    // The short ones behind one lookbehind, not one each: V8 then tried every short secret's lookbehind at
    // every place of the text, and a chunk's 1,000 passwords of 5 characters took 9 s to scrub a body of
    // 64 KiB (3 minutes for 1 MiB), where this takes a millisecond. Tried in the same order, with the same
    // lookahead after each, it matches what the alternatives did.
    const alone = `${STANDS_ALONE_AFTER}(?:${short.map(escape).join("|")})(?![A-Za-z0-9])`;
    const exact = [...given.map(escape), ...(short.length > 0 ? [alone] : [])];
    return (this.#pattern = {
      // Found where each starts, not one after the end of the last: two secrets whose ends overlap in the
      // text (one password's end another's start) are both cut, as one span (see `redactMatches`).
      ...(long.length > 0 && { anyCase: new RegExp(`(?=(${long.map(escape).join("|")}))`, "g") }),
      ...(exact.length > 0 && { exact: new RegExp(exact.join("|"), "g") }),
    });
  }

  /** The secrets' forms, folded (see {@link fold}); a word a person chose as given (see the constructor). */
  #foldedValues(): readonly { readonly text: string; readonly anyCase: boolean }[] {
    return (this.#folded ??= [...this.#values].map((secret) =>
      this.#anyCase(secret)
        ? { text: fold(secret), anyCase: true }
        : { text: secret, anyCase: false },
    ));
  }

  /**
   * The secrets' base64 stretches, folded, looked up in a set rather than put in the pattern: each secret
   * has up to 12 of them, and a chunk's thousand passwords made a pattern of some 17,000 alternatives that
   * took several times as long to build and to run over each text as the secrets themselves.
   */
  #encodedStretches(): EncodedIndex {
    if (this.#encodedIndex !== undefined) return this.#encodedIndex;
    const encoded = new Set<string>();
    for (const value of this.#given.keys())
      // Not every escaped form too: each adds six stretches, and a chunk's passwords are thousands of
      // secrets. A token of megabytes is scrubbed as given only.
      for (const base of new Set([value, value.trim()])) {
        if (base === "" || base.length >= PLAIN_FROM) continue;
        for (const sent of new Set([base, formEncoded(base)]))
          for (const stretch of base64Forms(sent))
            // Shorter stretches (of a secret under 8 characters) could be any text's.
            if (stretch.length >= MIN_ENCODED) encoded.add(stretch);
      }
    return (this.#encodedIndex = new EncodedIndex(encoded));
  }

  /** The secrets' forms, longest first. */
  #sorted(): readonly string[] {
    return (this.#byLength ??= [...this.#values].sort((a, b) => b.length - a.length));
  }

  /** With `level`, of the text with JSON's escapes read at that level (see `readings`). */
  #redactEdges(text: string, level?: number): string {
    const read = (text: string) => (level === undefined ? undefined : this.#readings(text)[level]);
    const folded = (text: string) => new Folded(text, read(text));
    const given = (text: string) => read(text) ?? asIs(text);
    let out = text;
    // Made again only once a piece was cut: a chunk's passwords are a thousand secrets.
    let views = { folded: folded(out), given: given(out) };
    // In any case, as the secrets' runs are (a cut through an upper-cased echo leaves a piece of it); a word
    // a person chose as given (see the constructor).
    for (const { text: secret, anyCase } of this.#foldedValues()) {
      const cut = anyCase
        ? redactPieces(out, secret, views.folded, folded)
        : redactPieces(out, secret, views.given, given);
      if (cut !== out) views = { folded: folded((out = cut)), given: given(out) };
    }
    return out;
  }
}

/**
 * Where the run of {@link MIN_RUN} units at `at` starts and ends, widened to whole characters. A run cut
 * through a character beyond U+FFFF matched half of another that shares the half (`a😀` of a secret, `a💡`
 * of a text): it hid five characters of the secret and half of that one, leaving a lone surrogate.
 */
function runAt(text: string, at: number): [number, number] {
  const end = at + MIN_RUN;
  return [
    at > 0 && isPair(text, at - 1) ? at - 1 : at,
    end < text.length && isPair(text, end - 1) ? end + 1 : end,
  ];
}

/** Whether the units at `at` and after it are the two halves of one character beyond U+FFFF. */
function isPair(text: string, at: number): boolean {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/**
 * `text` with a piece of `secret` at either edge of what it reads as redacted: `first`, then once a piece was
 * cut, `view` of what is left.
 */
function redactPieces(
  text: string,
  secret: string,
  first: View,
  view: (text: string) => View,
): string {
  let out = text;
  let read = first;
  for (let n = Math.min(secret.length, read.text.length); n >= MIN_FRAGMENT; n--) {
    if (read.text.endsWith(secret.slice(0, n))) {
      out = out.slice(0, read.start(read.text.length - n)) + REDACTED;
      read = view(out);
      break;
    }
  }
  for (let n = Math.min(secret.length, read.text.length); n >= MIN_FRAGMENT; n--)
    if (read.text.startsWith(secret.slice(secret.length - n)))
      return REDACTED + out.slice(read.end(n - 1));
  return out;
}

/**
 * `text` with every match that `find` makes in `folded` (the text folded, see {@link Folded}) replaced by the
 * marker, cut from `text` where the characters it was made from stand (the whole of one it starts or ends
 * inside).
 */
function redactMatches(
  text: string,
  find: (folded: string) => Iterable<{ readonly index: number; readonly 0: string }>,
  folded: View = new Folded(text),
): string {
  let out = "";
  let from = 0;
  let found = false;
  for (const match of find(folded.text)) {
    if (match[0] === "") continue;
    const start = folded.start(match.index);
    const end = folded.end(match.index + match[0].length - 1);
    // A match overlapping the last one (a base64 stretch over a secret, or both inside the one character
    // `İ` folds to) extends its marker: the text between is gone already.
    if (found && start < from) {
      from = Math.max(from, end);
      continue;
    }
    found = true;
    out += text.slice(from, start) + REDACTED;
    from = end;
  }
  return found ? out + text.slice(from) : text;
}

/**
 * Each match of `pattern` (a global one), a lookahead that captures, as the text it found where it found it.
 */
function startsOf(text: string, pattern: RegExp): { index: number; 0: string }[] {
  const found: { index: number; 0: string }[] = [];
  // By exec on the pattern itself, not matchAll, which copies the pattern at each call: a quarter of what
  // scrubbing a short text (an imported user's id, scrubbed as the report gets it) cost.
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    found.push({ index: match.index, 0: match[1] ?? "" });
    // As matchAll steps past a match of nothing (the pattern has no `u` flag: one unit).
    if (match[0] === "") pattern.lastIndex += 1;
  }
  return found;
}

/** Each place `wanted` (not empty) stands in `text`, left to right, not overlapping, as `matchAll` gives. */
function* indicesOf(text: string, wanted: string): Generator<{ index: number; 0: string }> {
  for (let at = text.indexOf(wanted); at !== -1; at = text.indexOf(wanted, at + wanted.length))
    yield { index: at, 0: wanted };
}

/**
 * Whether a unit belongs to a run of what a folded base64 stretch is made of (lower-case letters, digits,
 * base64's `+` `/`, base64url's `-` `_`). A run, with the lines that follow it where it is wrapped, is one
 * {@link encodedRuns} gives when at least 8 long: MIME wraps base64 at 76 columns, PEM at 64, a text wrapped
 * whole may break a few characters into it, and a JSON text quoting it escapes the breaks (`\n`, `\r\n`), a
 * JSON string quoting that text escapes them twice (`\\n`, joined here: a level is read deeper for it only
 * for a set holding a control character: see {@link DEEPER_OR_CONTROL}), and PHP's json_encode writes its
 * `/` as `\/` (see {@link runEnd}).
 */
const ENCODED = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyz0123456789+/_-") ENCODED[c.charCodeAt(0)] = 1;
const [LF, CR, BACKSLASH, SLASH, N, R] = [0x0a, 0x0d, 0x5c, 0x2f, 0x6e, 0x72];

/**
 * Where the run of {@link ENCODED} units at `at` ends (`at` itself when there is none), a `\/` read as its
 * `/` (PHP's json_encode writes base64's `/` so).
 */
function runEnd(text: string, at: number): number {
  let end = at;
  for (;;) {
    while (end < text.length && ENCODED[text.charCodeAt(end)] === 1) end++;
    if (!slashAt(text, end)) return end;
    end += 2;
  }
}

/** Whether a `\/` stands at `at`: one test for the run reading it as its `/` and the split dropping it. */
function slashAt(text: string, at: number): boolean {
  return text.charCodeAt(at) === BACKSLASH && text.charCodeAt(at + 1) === SLASH;
}

/** How long the line break at `at` is (`\n`, `\r\n`, or either escaped once or twice as JSON does), or 0. */
function breakAt(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === LF) return 1;
  if (code === CR) return text.charCodeAt(at + 1) === LF ? 2 : 0;
  // By char codes, not by trying each form: a run ends at each `\` of a text of Windows paths, millions.
  let escape = 0;
  while (escape < 2 && text.charCodeAt(at + escape) === BACKSLASH) escape++;
  if (escape === 0) return 0;
  const letter = text.charCodeAt(at + escape);
  if (letter === N) return escape + 1;
  if (letter !== R) return 0;
  for (let i = 1; i <= escape; i++) if (text.charCodeAt(at + escape + i) !== BACKSLASH) return 0;
  return text.charCodeAt(at + 2 * escape + 1) === N ? 2 * escape + 2 : 0;
}

/**
 * Each run in `folded` with its wrapped lines, and where it starts. Scanned unit by unit, not by a pattern
 * repeated over the run: the engine's steps per repetition overflowed on a run of some 12 million characters
 * (a RangeError out of the call a vendor's huge error body answers), in a process whose engine had run a
 * while, never in a fresh one.
 */
function* encodedRuns(folded: string): Generator<{ index: number; 0: string }> {
  for (let at = 0; at < folded.length;) {
    const start = at;
    let end = runEnd(folded, start);
    if (end === start) {
      at = start + 1;
      continue;
    }
    for (let lineBreak = breakAt(folded, end); lineBreak > 0; lineBreak = breakAt(folded, end)) {
      const lineEnd = runEnd(folded, end + lineBreak);
      if (lineEnd === end + lineBreak) break;
      end = lineEnd;
    }
    at = end;
    // With its lines: a text wrapped a few characters into a secret's base64 has the rest on the next line.
    if (end - start < MIN_ENCODED) continue;
    yield { index: start, 0: folded.slice(start, end) };
  }
}

/**
 * `lines` (a run {@link encodedRuns} gives) without its line breaks and the `\` of each `\/`, and where in
 * `lines` each of its characters stands. Split at the breaks, not at what is no base64: the `n` of an escaped
 * `\n` is a base64 character.
 * Kept per break, not per character (a wrapped body of megabytes has one every 76), and looked up per stretch
 * found, which is rare.
 */
function unwrapped(lines: string): { readonly text: string; at(index: number): number } {
  /** Per break, where in the text without breaks it stood, and how many characters it and those before took. */
  const before: number[] = [];
  const taken: number[] = [];
  const parts: string[] = [];
  let start = 0;
  // By breakAt, as encodedRuns took them: one list of the breaks, not two to keep alike.
  for (let at = 0; at < lines.length; at++) {
    const length = slashAt(lines, at) ? 1 : breakAt(lines, at);
    if (length === 0) continue;
    parts.push(lines.slice(start, at));
    before.push(at - (taken.at(-1) ?? 0));
    taken.push((taken.at(-1) ?? 0) + length);
    start = at + length;
    at = start - 1;
  }
  parts.push(lines.slice(start));
  return {
    text: parts.join(""),
    at(index) {
      // The last break that stood at or before `index`.
      let low = 0;
      let high = before.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((before[middle] ?? 0) <= index) low = middle + 1;
        else high = middle;
      }
      return index + (low === 0 ? 0 : (taken[low - 1] ?? 0));
    },
  };
}

/**
 * The secrets' base64 stretches (see `base64Forms`), folded, and how to find them in a folded text: only
 * inside a run of base64 characters (its lines joined), and there only where one of their first 8 characters
 * stand, so a text costs a set lookup per base64 character however many secrets are held.
 */
class EncodedIndex {
  readonly stretches = new Set<string>();
  readonly #starts = new Set<string>();
  /** Their lengths, longest first: where two start at one place, the longer is cut. */
  readonly #lengths: readonly number[];

  constructor(encoded: Iterable<string>) {
    const lengths = new Set<number>();
    for (const stretch of encoded) {
      const folded = fold(stretch);
      this.stretches.add(folded);
      this.#starts.add(folded.slice(0, MIN_ENCODED));
      lengths.add(folded.length);
    }
    this.#lengths = [...lengths].sort((a, b) => b - a);
  }

  /**
   * Each stretch in `folded`, the longest at each place: overlapping ones too (secrets sharing bytes, one
   * echoed after the other), so the one found first cannot leave the rest of the next behind. Not all left to
   * right (a run read a second way is searched again after it): callers sort them.
   */
  *find(folded: string): Generator<{ index: number; 0: string }> {
    if (this.stretches.size === 0) return;
    for (const run of encodedRuns(folded)) {
      yield* this.#inRun(run[0], run.index);
      // A `\\` joined as a break escaped twice may be an escaped `\` that base64 follows, its `n` the first
      // character (a Windows path's `C:\\keys\\N...`): read so too, split there (redactMatches merges both).
      if (!run[0].includes("\\\\")) continue;
      let start = 0;
      for (const piece of run[0].split("\\\\")) {
        yield* this.#inRun(piece, run.index + start);
        start += piece.length + 2;
      }
    }
  }

  /** Each stretch in `lines` (a run or a piece of one) standing at `index` of the text. */
  *#inRun(lines: string, index: number): Generator<{ index: number; 0: string }> {
    // Only a line break holds a `\n`, only one or `\/` a `\`: most runs hold neither, taken as they are.
    const joined =
      lines.includes("\n") || lines.includes("\\")
        ? unwrapped(lines)
        : { text: lines, at: (i: number) => i };
    const { text } = joined;
    const at = (i: number) => joined.at(i);
    for (let i = 0; i + MIN_ENCODED <= text.length; i++) {
      if (!this.#starts.has(text.slice(i, i + MIN_ENCODED))) continue;
      const length = this.#lengths.find(
        (n) => i + n <= text.length && this.stretches.has(text.slice(i, i + n)),
      );
      if (length !== undefined)
        yield { index: index + at(i), 0: lines.slice(at(i), at(i + length - 1) + 1) };
    }
  }
}
