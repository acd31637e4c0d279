import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { TokenParser } from "@streamparser/json";
import { CsvError, parse as parseCsv, type InfoRecord } from "csv-parse";
import {
  changedInteger,
  denotes,
  duplicateKey,
  duplicateKeyProblem,
  jsonSyntaxProblem,
} from "../core/json-text.js";
import { FORBIDDEN_KEY_MESSAGE, isForbiddenKey } from "../core/unsafe-input.js";
import { RepeatedKeys } from "./json-array-keys.js";
import { NumberCheckingTokenizer } from "./json-array-numbers.js";
import { LOOKS_UTF16, LineEnds, UTF16_START, jsonChunks, looksUtf16 } from "./file-start.js";
import { FILE_WORDS, STDIN_WORDS, type InputWords } from "./input-words.js";
import { endsInsideValue } from "./cut-off-json.js";
import { LineBreaks } from "./line-breaks.js";
import { Utf8Check, incompleteTail, invalidOffsets } from "./utf8-check.js";
import { CellError } from "../vendor-module.js";

/**
 * An input record that could not be read; the import rejects it with `rule` (`input.parse` for text that is
 * not a record, `input.encoding` for bytes that are not UTF-8), naming where it was.
 */
export class UnreadableRecord {
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly rule:
      | "input.parse"
      | "input.encoding"
      | "input.type"
      | "input.unnamed_column"
      | "input.unknown_column"
      | "input.spreadsheet_value"
      | "input.duplicate_key" = "input.parse",
  ) {}
}

/** A formula's failure as spreadsheets save it: Excel's, Google Sheets' and LibreOffice's error values. */
const SPREADSHEET_ERROR =
  /^(?:#(?:NULL!|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|N\/A|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA|ERROR!)|Err:\d{3})$/;
/** A number as a spreadsheet shows it when it has too many digits for its column (`1.23457E+15`). */
const ROUNDED_DISPLAY = /^-?\d(?:\.\d{1,5})?E[+-]\d{2,3}$/;

/**
 * Why a CSV cell holds what a spreadsheet wrote in place of the value (`input.spreadsheet_value`), or
 * undefined. A long id or phone number saved as Excel shows it has lost its last digits: imported, it would
 * be another user's id, and two such ids one user. The cell is not quoted: it may be personal data.
 */
export function spreadsheetValue(header: string, cell: string): string | undefined {
  // A column typed `:string` is taken as written: the operator says its text is meant (a product code
  // `1E+05`).
  if (header.endsWith(":string")) return undefined;
  const value = cell.trim();
  if (SPREADSHEET_ERROR.test(value))
    return `column ${header}: a spreadsheet's error value (a formula that failed), not data; fix the formula or empty the cell`;
  if (ROUNDED_DISPLAY.test(value))
    return `column ${header}: a number as a spreadsheet shows it rounded (d.dddddE+nn), its other digits lost; format the column as Text in the spreadsheet and save the file again (or, if the text is meant, type the column :string)`;
  return undefined;
}

/** Why a row with a filled cell under a column without a name is rejected (`input.unnamed_column`). */
export const UNNAMED_COLUMN =
  "a cell under a column without a name in the CSV header: name the column, or leave its cells empty";

/**
 * How far a file has been read, in bytes: those of the records handed out so far, or of whole blocks once
 * their records are. Not the bytes read from disk, which run ahead of the records (a parser's buffers): an
 * estimate of the records in all from them starts far too low.
 */
export interface ReadCounter {
  bytes: number;
  /**
   * The line of the record handed out last, from 1, as the reader's errors name it: an `.ndjson` record's
   * line, the line a CSV row ends on. Not set for a `.json` array, whose record N is its element at index N
   * (the reader's errors count elements from 1).
   */
  line?: number;
}

/** One data row of a CSV file: its cells by header, and the line it ends on. */
export class CsvRow {
  constructor(
    readonly line: number,
    readonly cells: Readonly<Record<string, string>>,
  ) {}
}

export type InputFormat = "ndjson" | "json" | "csv";

/** The formats `--format` names, `jsonl` as the extension `.jsonl` is taken. */
export const FORMAT_NAMES: Readonly<Record<string, InputFormat>> = {
  ndjson: "ndjson",
  jsonl: "ndjson",
  json: "json",
  csv: "csv",
};

export function formatOf(file: string): InputFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".json") return "json";
  if (ext === ".csv") return "csv";
  return undefined;
}

/**
 * Reads a file's records one at a time, so memory stays flat whatever the file's size. A record that cannot
 * be read is yielded as an {@link UnreadableRecord} in its place; CSV rows are yielded as {@link CsvRow}s.
 * `stdin` gives the bytes when they are stdin's (`import <vendor> -`): `file` is then only the name errors
 * give it, and they speak of stdin where a file's speak of the file. `dottedHeaders` is false when a
 * vendor reads a CSV row's cells by their columns' own names (SlashID), not {@link recordFromCsvRow}'s
 * field paths: a header's dots then nest nothing and its colon types nothing, so {@link emptyFieldName},
 * {@link misspeltType} and {@link clashingHeader}'s fields have nothing to refuse; such a vendor rejects a
 * person with a filled cell under a column it does not have.
 */
export function readRecords(
  file: string,
  format: InputFormat,
  read: ReadCounter = { bytes: 0 },
  stdin?: () => Readable,
  dottedHeaders = true,
): AsyncIterable<unknown> {
  const input: Input =
    stdin === undefined
      ? { file, open: () => createReadStream(file), words: FILE_WORDS }
      : { file, open: stdin, words: STDIN_WORDS };
  if (format === "ndjson") return readNdjson(input, read);
  if (format === "json") return readJsonArray(input, read);
  return readCsv(input, read, dottedHeaders);
}

/** What a reader reads: the name its errors give, its bytes, and how its errors speak of it. */
interface Input {
  readonly file: string;
  readonly open: () => Readable;
  readonly words: InputWords;
}

const NEWLINE = 0x0a;

/**
 * The most bytes one record's text may take (an .ndjson line, a CSV row): above the largest request body a
 * vendor documents (Userpilot's 50 MB), below the longest string V8 makes (about 512 MiB). Past that, an
 * .ndjson line ended the reading with an error naming neither the file nor the line, the records after it
 * unreported, and a CSV row (a stray quote that runs to the end of a large file) crashed the process.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Lines are split on the raw bytes, so each line's encoding is judged on its own: a line that is not UTF-8 is
 * rejected (`input.encoding`) instead of being imported with U+FFFD in place of its broken bytes. The fast
 * path checks and decodes a whole block of lines at once. A line over {@link MAX_RECORD_BYTES} is rejected
 * without being held: its bytes are dropped as they come, and reading goes on after it. Lines end where the
 * file's first line break says ({@link LineEnds}).
 */
async function* readNdjson(
  { file, open, words }: Input,
  read: ReadCounter,
): AsyncGenerator<unknown> {
  let line = 0;
  const partial = new PartialLine();
  const ends = new LineEnds();
  let first = true;
  // Bytes of the chunks before this one: a chunk's bytes are counted out over its lines as they are handed
  // out.
  let before = 0;
  /** The records of the lines that end in `chunk` (`size` bytes read); the rest is kept for the next one. */
  function* recordsIn(chunk: Buffer, size: number): Generator<unknown> {
    const eol = ends.byte;
    const last = eol === undefined ? -1 : chunk.lastIndexOf(eol);
    if (eol === undefined || last === -1) {
      partial.add(chunk);
      return;
    }
    let head = chunk.subarray(0, last);
    const end = chunk.indexOf(eol);
    if (partial.wouldOverflow(end)) {
      // The line the earlier chunks began ends in this one: it is rejected, and the block starts after it.
      line += 1;
      read.line = line;
      yield tooLong(line);
      partial.clear();
      if (end === last) {
        partial.add(chunk.subarray(last + 1));
        return;
      }
      head = chunk.subarray(end + 1, last);
    }
    const block = partial.take(head);
    partial.add(chunk.subarray(last + 1));
    const texts = linesOf(block, eol);
    for (let i = 0; i < texts.length; i++) {
      line += 1;
      read.bytes = before - size + Math.round((size * (i + 1)) / texts.length);
      const record = recordOfLine(texts[i]!, line, words);
      read.line = line;
      if (record !== BLANK) yield record;
    }
  }
  for await (const data of jsonChunks(file, open, words)) {
    let chunk = data;
    read.bytes = before;
    before += data.length;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    // The bytes split stand for this chunk's and those held back before it, less those held back now.
    const held = ends.held;
    const split = ends.next(chunk);
    yield* recordsIn(split, data.length + held - ends.held);
  }
  const held = ends.held;
  yield* recordsIn(ends.end(), held);
  read.bytes = before;
  if (partial.overflowed) {
    read.line = line + 1;
    yield tooLong(line + 1);
  } else if (!partial.empty) {
    const rest = partial.take(Buffer.alloc(0));
    const eol = ends.byte ?? NEWLINE;
    const texts = linesOf(rest, eol);
    for (const [i, text] of texts.entries()) {
      line += 1;
      // Only the file's last line can have been cut: every other one has its line end.
      const last = i === texts.length - 1 ? rest.subarray(rest.lastIndexOf(eol) + 1) : undefined;
      if (last !== undefined && last.at(-1) === 0) throw endsInNuls(file, line, words);
      if (last !== undefined && cutOff(last))
        throw new Error(
          `${file}: ${words.it} ends inside a record: line ${line} has no line end, and its JSON stops ` +
            `part-way (${words.cut}); the records before it were read`,
        );
      const record = recordOfLine(text, line, words);
      read.line = line;
      if (record !== BLANK) yield record;
    }
  }
}

/**
 * Whether a last line without a line end stops inside its JSON, as a file cut off part-way does: a broken
 * input, as a cut-off `.json` array is, not a record to reject. A line ended, or one whose JSON breaks
 * before its end, is a bad record like any other. The cut may split a character's bytes.
 */
function cutOff(bytes: Buffer): boolean {
  const tail = incompleteTail(bytes);
  const whole = bytes.subarray(0, bytes.length - tail);
  if (!isUtf8(whole)) return false;
  const text = whole.toString("utf8");
  if (JSON_BLANK.test(text)) return false;
  // A character cut part-way stood in a string, the one place JSON takes it: é stands in for it there.
  return endsInsideValue(tail === 0 ? text : `${text}é`);
}

/**
 * The error of a file whose last line, without its line end, ends in NUL bytes: a crash can leave a file's
 * last blocks unwritten but its size grown, so its tail reads as NULs, in place of the end of a record or of
 * the lines after it. A broken input, as a cut-off one is, not a record to read (NULs in its last cell).
 */
function endsInNuls(file: string, line: number, words: InputWords): Error {
  return new Error(
    `${file}: ${words.it} ends in NUL bytes, on line ${line}, which has no line end (a file cut off by a ` +
      "crash as it was written is padded so); the records before it were read",
  );
}

/** The start of a line not yet ended, kept until it is {@link MAX_RECORD_BYTES} long, then only counted. */
class PartialLine {
  private parts: Buffer[] = [];
  private bytes = 0;
  overflowed = false;

  get empty(): boolean {
    return this.bytes === 0;
  }

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.bytes += bytes.length;
    if (this.overflowed) return;
    if (this.bytes > MAX_RECORD_BYTES) {
      this.overflowed = true;
      this.parts = [];
    } else {
      this.parts.push(bytes);
    }
  }

  /** Whether the line is too long once `more` bytes end it. */
  wouldOverflow(more: number): boolean {
    return this.overflowed || this.bytes + more > MAX_RECORD_BYTES;
  }

  /** The kept bytes followed by `rest`; the line starts afresh. */
  take(rest: Buffer): Buffer {
    const all = this.parts.length === 0 ? rest : Buffer.concat([...this.parts, rest]);
    this.clear();
    return all;
  }

  clear(): void {
    this.parts = [];
    this.bytes = 0;
    this.overflowed = false;
  }
}

function tooLong(line: number): UnreadableRecord {
  return new UnreadableRecord(
    `line ${line}`,
    `longer than ${MAX_RECORD_BYTES} bytes, more than a record may hold; it was not read`,
  );
}

const BLANK = Symbol("blank line");

/** A line's text, or the offset in it of the first byte that is not UTF-8. */
type Line = string | { readonly badByte: number };

function recordOfLine(text: Line, line: number, words: InputWords): unknown {
  if (typeof text !== "string") {
    return new UnreadableRecord(
      `line ${line}`,
      `not valid UTF-8 (byte ${text.badByte + 1} of the line); ${words.again("as UTF-8")}`,
      "input.encoding",
    );
  }
  if (JSON_BLANK.test(text)) return BLANK;
  // trim() would take these for blanks too, and skip the line unreported: to JSON they are no whitespace.
  const other = /^\s+$/.test(text) ? /[^ \t\r\n]/.exec(text)?.[0] : undefined;
  if (other !== undefined) return new UnreadableRecord(`line ${line}`, notJsonBlank(other));
  let record: unknown;
  try {
    record = JSON.parse(text) as unknown;
  } catch (error) {
    return new UnreadableRecord(`line ${line}`, jsonSyntaxProblem(error));
  }
  const twice = duplicateKey(text, record);
  if (twice !== undefined)
    return new UnreadableRecord(`line ${line}`, duplicateKeyProblem(twice), "input.duplicate_key");
  if (changedInteger(text, { finite: true }) !== undefined)
    return new UnreadableRecord(`line ${line}`, CHANGED_NUMBER, "input.type");
  return record;
}

/** A line of only what JSON takes as whitespace (space, tab, CR, LF): none of it, or a line end's CR. */
const JSON_BLANK = /^[ \t\r\n]*$/;

/** Why a line that looks blank but holds a blank JSON does not take (a no-break space) is rejected. */
function notJsonBlank(char: string): string {
  return (
    `looks blank, but holds ${shownChar(char)}, which JSON does not take as whitespace: not a record; ` +
    "empty the line or remove it"
  );
}

/** Why a record with a number JSON.parse reads as another integer is rejected, as a CSV cell's would be. */
const CHANGED_NUMBER =
  "a number in it would not keep its value (an integer beyond ±9007199254740991, or written with more digits than a number holds); write it as a string";

/** The lines of a block of whole lines ending in the byte `eol` (without its last one). */
function linesOf(block: Buffer, eol: number): Line[] {
  if (isUtf8(block)) return block.toString("utf8").split(String.fromCharCode(eol));
  const lines: Line[] = [];
  for (let from = 0; ;) {
    const newline = block.indexOf(eol, from);
    const bytes = block.subarray(from, newline === -1 ? block.length : newline);
    lines.push(isUtf8(bytes) ? bytes.toString("utf8") : { badByte: invalidOffsets(bytes)[0] ?? 0 });
    if (newline === -1) return lines;
    from = newline + 1;
  }
}

async function* readJsonArray(
  { file, open, words }: Input,
  counter: ReadCounter,
): AsyncGenerator<unknown> {
  // JSONParser's two halves, wired as it wires them, with a tokenizer that sees each number's text.
  const parser = new NumberCheckingTokenizer();
  const values = new TokenParser({ paths: ["$.*"], keepStack: false });
  const ready: unknown[] = [];
  const keys = new RepeatedKeys();
  let failure: Error | undefined;
  // Where the token being parsed starts: the parser's words for a token it did not expect name no place.
  let tokenAt = 0;
  let failedTokenAt: number | undefined;
  // The tokenizer counts its tokens' offsets from after the file's byte order mark, which the file's bytes
  // (and its own offsets of a character it did not expect) count: a break was named 3 bytes early.
  let bomBytes = 0;
  parser.onToken = (token) => {
    tokenAt = bomBytes + token.offset;
    keys.see(token);
    values.write(token);
  };
  values.onError = (error) => {
    if (failure === undefined) failedTokenAt = tokenAt;
    parser.error(error);
  };
  parser.onEnd = () => {
    if (!values.isEnded) values.end();
  };
  values.onEnd = () => {
    if (!parser.isEnded) parser.end();
  };
  let elements = 0;
  values.onValue = ({ value }) => {
    elements += 1;
    const twice = keys.repeated;
    const changed = parser.changed;
    keys.repeated = parser.changed = undefined;
    const where = `element ${elements}`;
    ready.push(
      twice !== undefined
        ? new UnreadableRecord(where, duplicateKeyProblem(twice), "input.duplicate_key")
        : changed !== undefined
          ? new UnreadableRecord(where, CHANGED_NUMBER, "input.type")
          : value,
    );
  };
  parser.onError = (error) => {
    // The first error is where the array breaks: the parser goes on to fail at every later token.
    failure ??= error;
  };
  let checkedRoot = false;
  // Decoded alone, a read that ends inside the first character after blanks named it `�`, which is not there.
  const rootText = new StringDecoder("utf8");
  const utf8 = new Utf8Check();
  let read = 0;
  for await (const chunk of jsonChunks(file, open, words)) {
    const badByte = utf8.check(chunk)[0];
    const start = read;
    read += chunk.length;
    if (!checkedRoot) {
      // `$.*` would also stream an object's members: only an array of records is accepted.
      // Only JSON's own blanks: trimStart() passed a file of no-break spaces as empty, and a chunk of them
      // before the array unread.
      if (start === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) bomBytes = 3;
      // Only the file's first read starts with its byte order mark: a U+FEFF after blanks, which JSON.parse
      // refuses, passed for one (the tokenizer, still at its start, skips it), a break named 3 bytes early.
      const text = rootText.write(chunk);
      const afterMark = start === 0 ? text.replace(/^\uFEFF/, "") : text;
      // A code point, not a UTF-16 unit: an emoji was named by half of it.
      const first = /^[ \t\r\n]*([^ \t\r\n])/u.exec(afterMark)?.[1];
      if (first !== undefined && first !== "[")
        throw new Error(
          `${file}: not a JSON array of records (it starts with ${shownChar(first)})`,
        );
      // A chunk of blanks before the array is parsed too: the parser names a break by its offset in what it
      // was given, which without them fell short of the byte in the file by their count.
      checkedRoot = first !== undefined;
    }
    if (badByte !== undefined) {
      // The streaming parser gives no record positions, so the record holding the byte cannot be named:
      // the records before it are read, and reading ends there.
      if (failure === undefined) {
        const before = chunk.subarray(0, Math.max(0, badByte - start));
        parser.write(before);
        if (failure !== undefined) failure = withCharacterNamed(failure, before, start);
      }
      yield* ready.splice(0);
      // A break before the byte is where the array breaks, as without it: the records between the two were
      // not read, which "the records before it were read" said they were.
      if (failure !== undefined)
        throw new Error(
          `${file}: not a JSON array of records: ${streamSyntaxProblem(failure, failedTokenAt)}`,
        );
      throw notUtf8(file, badByte, words, parser.isEnded);
    }
    if (failure === undefined) {
      parser.write(chunk);
      if (failure !== undefined) failure = withCharacterNamed(failure, chunk, start);
    }
    yield* ready.splice(0);
    counter.bytes = read;
    // The parser fails at a character a read cut in two before the array: the next read names the character.
    if (failure !== undefined && checkedRoot) break;
  }
  // Only a file read to its end can end inside a character: one whose reading stopped at a break has the rest
  // of the character it was cut in unread.
  const cut = failure === undefined || !checkedRoot ? utf8.end() : undefined;
  if (cut !== undefined) {
    // A copy cut off part-way stops at any byte, which may be inside a character (a name's é): such a file is
    // UTF-8, and "save the file as UTF-8" would hide that it was cut (an .ndjson file's error says so too).
    // Past the array's end, the broken character is all there is to name.
    if (checkedRoot && !parser.isEnded)
      throw new Error(`${file}: not a JSON array of records: ${cutOffArray(words)}`);
    throw notUtf8(file, cut, words);
  }
  // An empty file holds no array, as much as one holding an object does; it is not an array of no records.
  if (!checkedRoot) throw new Error(`${file}: not a JSON array of records (${words.it} is empty)`);
  // Without end(), a file cut off part-way reads as the records it had, silently.
  let cutOff = false;
  if (failure === undefined && !(parser.isEnded && values.isEnded)) {
    parser.end();
    // Only a file that stops before its array closes fails at its end: the parser's words for it ("Parser
    // ended in mid-parsing (state: VALUE)") do not tell a person their file was cut off.
    cutOff = failure !== undefined;
  }
  yield* ready.splice(0);
  // A broken file stops reading where it breaks: what came before is imported, the rest is named in the
  // error.
  if (failure !== undefined)
    throw new Error(
      `${file}: not a JSON array of records: ${cutOff ? cutOffArray(words) : streamSyntaxProblem(failure, failedTokenAt)}`,
    );
}

const cutOffArray = (words: InputWords) =>
  `${words.it} ends before its array does (${words.cut}); the records before the cut were read`;

/** The tokenizer's complaint of a character it did not expect, which names the byte at the file's offset. */
const UNEXPECTED_BYTE = /^Unexpected "." at chunk position "\d+" \(absolute position "(\d+)"\)/s;

/**
 * The parser's `error` with the character it broke at named as the file holds it, at its byte in the file.
 * The tokenizer reads bytes, and names the first byte of a character outside ASCII as a character of its
 * own (`"Â"` for a no-break space, `"ï"` for a byte order mark), which the file does not hold; `chunk` is
 * the part of the file written to it, from byte `start`.
 */
function withCharacterNamed(error: Error, chunk: Buffer, start: number): Error {
  const match = UNEXPECTED_BYTE.exec(error.message);
  const offset = Number(match?.[1]);
  const at = offset - start;
  const lead = chunk[at];
  if (match === null || lead === undefined) return error;
  // The bytes of a UTF-8 character, as its first says (the file was checked to be UTF-8 up to here).
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  const char = chunk.subarray(at, at + size).toString("utf8");
  // A character cut at the chunk's end is named by its first byte.
  const shown =
    at + size > chunk.length
      ? `byte 0x${lead.toString(16).toUpperCase()}`
      : /\s/.test(char)
        ? shownChar(char)
        : JSON.stringify(char);
  return new Error(error.message.replace(UNEXPECTED_BYTE, `Unexpected ${shown} at byte ${offset}`));
}

/** A character as an error names it: a blank by its code point, as it shows as nothing to tell it by. */
function shownChar(char: string): string {
  if (!/\s/.test(char)) return char;
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The streaming parser's message without the value of the token it did not expect (`Unexpected STRING
 * ("alice@example.com") in state COLON`): a report keeps the message, and the value may be personal data.
 * With the byte the token starts at, as a character the tokenizer did not expect is named: without it, a
 * stray comma in a file of gigabytes could not be found.
 */
function streamSyntaxProblem(error: Error, byte: number | undefined): string {
  const at = byte === undefined ? "" : ` at byte ${byte}`;
  return error.message.replace(
    /^(Unexpected (?:partial )?[A-Z_]+) \(.*\)( in state \w+)$/s,
    `$1${at}$2`,
  );
}

/**
 * The error of a byte that is not UTF-8 at `offset`; `afterArray` when the array had closed before it, so that
 * no record holds it and every record was read.
 */
function notUtf8(file: string, offset: number, words: InputWords, afterArray = false): Error {
  const read = afterArray
    ? "after the array's end: every record of the array was read"
    : `the records before it were read, the record holding it and the rest of ${words.it} were not`;
  return new Error(
    `${file}: not valid UTF-8 at byte ${offset} [input.encoding]; ${read} (${words.again("as UTF-8")})`,
  );
}

/**
 * A header that would make {@link recordFromCsvRow} write through a prototype (`__proto__.x`,
 * `constructor.prototype.x`): the first such header, or undefined.
 */
export function forbiddenHeader(headers: readonly string[]): string | undefined {
  return headers.find((header) => headerOf(header).path.some(isForbiddenKey));
}

/**
 * Why a CSV header would lose cells, or undefined: a field named by two columns (`email,email`, or `email`
 * and `email:string`) keeps only the last column's cell, and a field that is both a value and the parent of
 * another (`properties` and `properties.plan`) keeps only one of them. Columns without a name are left out:
 * spreadsheets add them after the last column. Without `dottedHeaders` (SlashID reads each cell by its
 * column's own name), only a name given twice clashes: `notes` and `notes.x`, or `email` and `email:string`,
 * are two columns.
 */
export function clashingHeader(
  headers: readonly string[],
  dottedHeaders = true,
): string | undefined {
  const columnOf = new Map<string, string>();
  for (const header of headers) {
    if (header === "") continue;
    const field = dottedHeaders ? headerOf(header).path.join(".") : header;
    const other = columnOf.get(field);
    if (other !== undefined)
      return other === header
        ? `the CSV header names the column ${header} twice; each column needs a name of its own`
        : `the CSV columns ${other} and ${header} both name the field ${field}; keep one of them`;
    columnOf.set(field, header);
  }
  if (!dottedHeaders) return undefined;
  for (const [field, header] of columnOf) {
    for (let dot = field.indexOf("."); dot !== -1; dot = field.indexOf(".", dot + 1)) {
      const parent = columnOf.get(field.slice(0, dot));
      if (parent !== undefined)
        return `the CSV column ${parent} is a value, and ${header} puts a field inside it; keep one of them`;
    }
  }
  return undefined;
}

/** Separators other tools save in place of commas, as the operator would name them. */
const OTHER_SEPARATORS = [
  [";", '";"'],
  ["\t", "tabs"],
  ["|", '"|"'],
] as const;

/**
 * Why a CSV header looks like a file that is not comma-separated, or undefined: a header of one column
 * holding `;` (Excel where a comma is the decimal mark), a tab (a TSV) or `|` (a database tool's export).
 * Read with commas, each row would be one cell under a column that names no field, every row rejected for a
 * field it lacks, the separator never named.
 */
export function otherSeparator(
  headers: readonly string[],
  words: InputWords = FILE_WORDS,
): string | undefined {
  const [only, ...more] = headers;
  if (only === undefined || more.length > 0) return undefined;
  const found = OTHER_SEPARATORS.find(([separator]) => only.includes(separator));
  if (found === undefined) return undefined;
  return `the CSV header is one column holding ${found[1]}: ${words.it} looks separated by ${found[1]}, and CSV cells are read separated by commas; save it as CSV UTF-8 (comma-separated)`;
}

/**
 * Whether a header's cells are split at the commas of UTF-16 text: each comma's other byte, a NUL, starts
 * every cell after the first (little-endian) or ends every cell before the last (big-endian). It tells a
 * UTF-16 file without its byte order mark whose first characters are not Latin (`имя,uid`), which its
 * start does not.
 */
function commasOfUtf16(header: readonly string[]): boolean {
  if (header.length < 2) return false;
  return (
    header.slice(1).every((cell) => cell.startsWith("\0")) ||
    header.slice(0, -1).every((cell) => cell.endsWith("\0"))
  );
}

const utf16Csv = (words: InputWords) =>
  `${words.it} ${LOOKS_UTF16} (what Excel saves as Unicode Text); save it as CSV UTF-8 (comma-separated)`;

/** The types a CSV header may give its column, after a colon: `properties.seats:number`. */
export const CSV_CELL_TYPES = ["string", "number", "boolean", "json"] as const;
export type CsvCellType = (typeof CSV_CELL_TYPES)[number];

/**
 * Why a CSV header names a type it does not give, or undefined: a type after the last colon in another case
 * or with blanks (`seats:Number`, `seats:number ` before a comma, `seats: number`) is no annotation, so the
 * column would be a field named `seats:Number` holding text, which a vendor with open fields (Userpilot's
 * metadata) takes as it is.
 */
export function misspeltType(headers: readonly string[]): string | undefined {
  for (const header of headers) {
    const colon = header.lastIndexOf(":");
    if (colon === -1) continue;
    const suffix = header.slice(colon + 1);
    const type = suffix.trim().toLowerCase();
    if (suffix !== type && isCellType(type))
      return `the CSV column ${JSON.stringify(header)} ends in a type written otherwise than :${type}; write :${type}, or add :string after it to keep the name as it is`;
  }
  return undefined;
}

/**
 * Why a CSV header leaves a field's name empty, or undefined: a dot at a column's start or end, or two
 * together (`metadata.`, `metadata..plan`), leaves an empty name between dots, which separate nested fields;
 * blanks alone between them (`metadata. `) name a field by blanks, and a type with nothing before it
 * (`:json`) names none. A vendor with open fields (Userpilot's metadata) took each row's cell as a property
 * named "" or " ", unseen. A blank name without a dot (` `) is left to each row: no vendor has such a field,
 * so a filled cell under it rejects its row. Columns without any name are left out: spreadsheets add them
 * after the last.
 */
export function emptyFieldName(headers: readonly string[]): string | undefined {
  for (const header of headers) {
    if (header === "") continue;
    const { path, type } = headerOf(header);
    const shown = JSON.stringify(header);
    if (path.length === 1) {
      if (path[0] === "")
        return `the CSV column ${shown} names no field before its :${type}; write the field's name before it, as in metadata.plan:${type}`;
      continue;
    }
    // trim()'s blanks, as misspeltType's and shownChar's: a no-break space alone is as unseen as a space.
    const blank = path.find((name) => name.trim() === "");
    if (blank === "")
      return `the CSV column ${shown} leaves a field's name empty (a dot at its start or end, or two together; dots separate nested fields, as in metadata.plan); name the field, or remove the dot`;
    if (blank !== undefined)
      return `the CSV column ${shown} names a field with blanks alone (${[...blank].map(shownChar).join(" ")}; dots separate nested fields, as in metadata.plan); name the field, or remove the dot and the blanks`;
  }
  return undefined;
}

const isCellType = (text: string): text is CsvCellType =>
  (CSV_CELL_TYPES as readonly string[]).includes(text);

interface CsvHeader {
  readonly path: readonly string[];
  readonly type: CsvCellType;
}

const headers = new Map<string, CsvHeader>();

/**
 * A header's field path and cell type. Only a known type after the last colon is an annotation, so a
 * header such as `a:b` stays a field named `a:b`.
 */
function headerOf(header: string): CsvHeader {
  let parsed = headers.get(header);
  if (parsed === undefined) {
    const colon = header.lastIndexOf(":");
    const type = header.slice(colon + 1);
    const typed = colon !== -1 && isCellType(type);
    parsed = {
      path: (typed ? header.slice(0, colon) : header).split("."),
      type: typed ? type : "string",
    };
    // Headers come from the files read, a few per file: the cache stays small unless headers are hostile.
    if (headers.size < 10_000) headers.set(header, parsed);
  }
  return parsed;
}

/**
 * Decimal text. Digits and a fraction after a point only (`\d+(?:\.\d*)?`), not `\d+\.?\d*`, whose two runs
 * of digits split a run every way before a stray character refused it: quadratic, a :number cell of 100,000
 * digits and a letter took 7 s, one of a million some 10 minutes.
 */
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A cell as the type its header names. @throws CellError naming the column when it does not parse. */
function cellValue(header: string, type: CsvCellType, cell: string): unknown {
  // The cell is not quoted: a report keeps this message, and the cell may be personal data.
  const refuse = (what: string) => new CellError(`column ${header}: not ${what}`);
  switch (type) {
    case "string":
      return cell;
    case "number": {
      const n = Number(cell.trim());
      if (!DECIMAL.test(cell.trim()) || !Number.isFinite(n)) throw refuse("a number");
      if (Number.isInteger(n) && !Number.isSafeInteger(n))
        throw refuse(
          `a number that keeps its value (integers beyond ±${Number.MAX_SAFE_INTEGER} change; use :string)`,
        );
      if (Number.isInteger(n) && !denotes(cell.trim(), n))
        throw refuse(
          "a number that keeps its value (it would be read as another number; use :string)",
        );
      return n;
    }
    case "boolean": {
      const word = cell.trim().toLowerCase();
      if (word !== "true" && word !== "false") throw refuse("a boolean (true or false)");
      return word === "true";
    }
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(cell) as unknown;
      } catch {
        throw refuse("JSON");
      }
      // As a :number cell: an integer that JSON.parse rounds (an id beyond 2^53) must not change unseen.
      if (changedInteger(cell) !== undefined)
        throw refuse(
          "JSON whose numbers keep their value (a number in it would change; write it as a string)",
        );
      const twice = duplicateKey(cell, value);
      if (twice !== undefined)
        throw new CellError(
          `column ${header}: ${duplicateKeyProblem(twice)}`,
          "input.duplicate_key",
        );
      return value;
    }
  }
}

/** The header row of a CSV file, or undefined when it cannot be read (the reader then says why). */
export async function readCsvHeader(file: string): Promise<string[] | undefined> {
  const source = createReadStream(file);
  const rows = source.pipe(
    // The first record, not the first line: the reader skips blank lines before its header too.
    parseCsv({ bom: true, skip_empty_lines: true, to: 1, max_record_size: MAX_RECORD_BYTES }),
  );
  // pipe() does not pass a read error on: without this the rows would wait forever, the error uncaught.
  source.on("error", (error) => rows.destroy(error));
  try {
    for await (const row of rows) return row as string[];
    return undefined;
  } catch {
    return undefined;
  } finally {
    source.destroy();
    rows.destroy();
  }
}

/**
 * CSV rows with their line numbers. A row with more or fewer cells than the header, or with a line break in
 * a cell outside quotes, is yielded as an UnreadableRecord and reading goes on; a row holding bytes that are
 * not UTF-8, or starting with a byte order mark, likewise (`input.encoding`).
 * Any other break (a stray quote) ends reading with an error naming its line, after every row before it:
 * past it, where records start is a guess.
 */
async function* readCsv(
  { file, open, words }: Input,
  read: ReadCounter,
  dottedHeaders: boolean,
): AsyncGenerator<CsvRow | UnreadableRecord> {
  const source = open();
  // Bytes read from disk; `read` counts those of the rows handed out (csv-parse's `info.bytes`).
  let scanned = 0;
  const utf8 = new Utf8Check();
  /** Offsets of bytes that are not UTF-8, ascending; found before the parser sees those bytes. */
  const invalid: number[] = [];
  const lines = new LineBreaks();
  // The file's first bytes, until they tell UTF-16 (its byte order mark, or ASCII text with NULs between).
  let start: Buffer = Buffer.alloc(0);
  let utf16 = false;
  let lastByte = -1;
  let emptyBefore = 0;
  // Whether a header named a column, and a row was read under it.
  let headed = false;
  let rowsRead = false;
  const scan = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (start.length < UTF16_START) {
        start = Buffer.concat([start, chunk.subarray(0, UTF16_START)]);
        utf16 = looksUtf16(start);
      }
      scanned += chunk.length;
      if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
      for (const offset of utf8.check(chunk)) invalid.push(offset);
      lines.add(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      const cut = utf8.end();
      if (cut !== undefined) invalid.push(cut);
      lines.end();
      done();
    },
  });
  // Kept after an error, so the rows parsed before a break are still read rather than dropped with the
  // buffer.
  const keepRowsOnError = { autoDestroy: false };
  const parser = parseCsv({
    bom: true,
    skip_empty_lines: true,
    // Past it, csv-parse's error ends the reading naming the line, where a string too long for V8 would be
    // thrown from inside the stream, uncaught.
    max_record_size: MAX_RECORD_BYTES,
    // Not csv-parse's skip_records_with_empty_values: it trims, so a row of spaces or `" "` would vanish.
    raw: true,
    info: true,
    relax_column_count: true,
    // Columns without a name (the only name clashingHeader lets repeat) keep every cell, not the last one's:
    // a filled cell under the first of them must still reject its row (see unnamedCell).
    group_columns_by_name: true,
    columns: (header: string[]) => {
      if ((invalid[0] ?? Infinity) < parser.info.bytes)
        throw new Error(
          `${file}: the CSV header is not valid UTF-8 [input.encoding]; ` +
            (utf16 || commasOfUtf16(header) ? utf16Csv(words) : words.again("as UTF-8")),
        );
      // UTF-16 of ASCII text is UTF-8 too, with NULs: its header read so is cells of text and NULs. Judged
      // by the file's start, or by the NUL each comma's other byte leaves at a cell's edge, not by any NUL
      // in the header, which a UTF-8 file may hold (its column then names no field, or one the usual rules
      // judge).
      if (utf16 || commasOfUtf16(header)) throw new Error(`${file}: ${utf16Csv(words)}`);
      emptyBefore = parser.info.empty_lines;
      // Commas alone are a spreadsheet's blank row (an empty sheet's), skipped where a row is: no header.
      headed = !isBlankRow(header.join(""));
      const bad = forbiddenHeader(header);
      if (bad !== undefined)
        throw new Error(
          `${file}: CSV header ${bad} [input.forbidden_key]: ${FORBIDDEN_KEY_MESSAGE}`,
        );
      // A name given twice is ambiguous for every vendor (csv-parse groups its cells); misspelt types and
      // empty names between dots are refused only where headers are typed field paths.
      const clash =
        otherSeparator(header, words) ??
        clashingHeader(header, dottedHeaders) ??
        (dottedHeaders ? (misspeltType(header) ?? emptyFieldName(header)) : undefined);
      if (clash !== undefined) throw new Error(`${file}: ${clash}`);
      return header;
    },
    ...keepRowsOnError,
  });
  source.on("error", (error) => parser.destroy(error));
  source.pipe(scan).pipe(parser);
  let next = 0;
  try {
    for await (const entry of parser) {
      const { record, info, raw } = entry as {
        record: Record<string, string | string[]>;
        info: InfoRecord;
        raw: string;
      };
      read.bytes = info.bytes;
      const skipped = info.empty_lines - emptyBefore;
      emptyBefore = info.empty_lines;
      const delimited = info.bytes < scanned || lastByte === 0x0a;
      let encoded = true;
      for (; next < invalid.length && invalid[next]! < info.bytes; next++) encoded = false;
      if (encoded && isBlankRow(raw)) continue;
      rowsRead = true;
      // info.bytes ends after the row's own line end, which is on the row's last line.
      const line = lines.lineAt(info.bytes - 1);
      if (!delimited && lastByte === 0) throw endsInNuls(file, line, words);
      const where = `line ${line}`;
      read.line = line;
      if (!encoded) {
        yield new UnreadableRecord(
          where,
          `not valid UTF-8; ${words.again("as UTF-8")}`,
          "input.encoding",
        );
      } else if (/^[\r\n]*\uFEFF/.test(raw)) {
        yield new UnreadableRecord(where, SECOND_BOM, "input.encoding");
      } else if (breaksOutsideQuotes(raw, parser.options.record_delimiter, skipped, delimited)) {
        yield new UnreadableRecord(where, unquotedBreak(words));
      } else if (info.error !== undefined) {
        yield new UnreadableRecord(where, withLine(info.error.message, info.lines, line));
      } else {
        yield new CsvRow(line, unnamedCell(record));
      }
    }
    // Blank lines after the last row are read too.
    read.bytes = scanned;
  } catch (error) {
    // The break is reported as the input's error: it names the file, as the other readers' errors do.
    const text = error instanceof Error ? error.message : String(error);
    const message =
      error instanceof CsvError
        ? withLine(text, parser.info.lines, lines.lineAt(parser.info.bytes))
        : text;
    // Not csv-parse's error as a cause: it holds the row's cells.
    throw new Error(message.startsWith(`${file}: `) ? message : `${file}: ${message}`, {
      ...(!(error instanceof CsvError) && { cause: error }),
    });
  } finally {
    source.destroy();
    parser.destroy();
  }
  // A header with no rows is a CSV of no records; no header is no CSV, as an empty .json is no array: read as
  // 0 records, a failed export's empty file passed for an import that went well (exit 0). Rows under a blank
  // header are each rejected for their unnamed cells, as before. Blank lines, commas or a byte order mark
  // alone are no empty file: called empty, it would send the operator looking at another file.
  if (!headed && !rowsRead)
    throw new Error(
      `${file}: no CSV header line${scanned === 0 ? ` (${words.it} is empty)` : `: ${words.it} holds no column names`}`,
    );
}

/**
 * Why a row with a cell outside quotes that holds a line break is rejected. csv-parse ends every row with the
 * line end of the file's first line, so in a file that mixes them (rows from another tool appended) a CRLF
 * row of an LF file kept the CR in its last cell (`u1\r`, another user at the vendor), and an LF line of a
 * CRLF file became part of the row before it (two users read as one). Where such a row ends is a guess.
 */
const unquotedBreak = (words: InputWords) =>
  `a cell not in quotes holds a line break (a file that mixes CRLF and LF line ends, or a cell's line break left unquoted), so where the row ends is a guess; ${words.again("with one kind of line end")}, and quote a cell that holds a line break`;

/**
 * Why a row that starts with a byte order mark (after the empty lines before it) is rejected. csv-parse drops
 * only the file's first: a second is the start of another export appended (`cat a.csv b.csv`), and its first
 * cell was read with U+FEFF in front (`\ufeffu1`, another user than `u1`) and its header row as a user.
 */
const SECOND_BOM =
  "starts with a byte order mark, as a file does: the start of a second file (two files joined?); remove the mark, and the header row if it is repeated there";

/**
 * Whether a row's raw text holds a CR or LF outside quotes, but for its line end. Read from the text, not
 * from csv-parse's `cast`: given one, csv-parse leaves the cells past the header's count out of the row size
 * that `max_record_size` bounds. csv-parse's raw text holds the first character of the line end that ended
 * the row (not the LF of a CRLF), after that character of each of the `skipped` empty lines before it; a last
 * row that ends in a lone CR (not `delimited`) keeps it as data. A row that parsed has its quotes paired, so
 * each one toggles.
 */
function breaksOutsideQuotes(
  raw: string,
  ends: readonly (string | Buffer)[] | undefined,
  skipped: number,
  delimited: boolean,
): boolean {
  const end = String(ends?.[0] ?? "");
  const endKept = end !== "" && (delimited || end.length === 1) && raw.endsWith(end.charAt(0));
  const text = raw.slice(end === "" ? 0 : skipped, endKept ? -1 : undefined);
  if (!/[\r\n]/.test(text)) return false;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\r" || char === "\n")) return true;
  }
  return false;
}

/**
 * The row with the cells of its unnamed columns (grouped by csv-parse) as one: the first filled one, else
 * "".
 */
function unnamedCell(record: Record<string, string | string[]>): Record<string, string> {
  const cells = record[""];
  if (Array.isArray(cells)) record[""] = cells.find((cell) => cell !== "") ?? "";
  return record as Record<string, string>;
}

/**
 * Whether a row's text is only commas (`,,`): how a spreadsheet saves a blank row, skipped as an empty line
 * is. A cell of spaces or quotes (`" "`, `""`) makes the row a record.
 */
function isBlankRow(raw: string): boolean {
  return /^[,\r\n]*$/.test(raw);
}

/**
 * csv-parse's message with the line it names by its own count, `counted`, replaced by `line`, and without the
 * cell it quotes at the end of some messages (an opening quote's): a report keeps the message, never values.
 */
function withLine(message: string, counted: number, line: number): string {
  return message
    .replace(new RegExp(`\\b(at|on) line ${counted}\\b`), `$1 line ${line}`)
    .replace(CSV_VALUE, "");
}

const CSV_VALUE = /, value is ".*"$/s;

/**
 * A CSV row with field names as headers, as a record: dotted headers (`properties.plan`) build nested
 * objects, and empty cells are left out. Values are strings unless the header names a type after a colon:
 * `properties.seats:number`, `:boolean` (`true` or `false`), `:json` (any JSON value) or `:string`. Objects
 * are made without a prototype, so a header cannot write through one; a header naming `__proto__`,
 * `constructor` or `prototype` is refused.
 *
 * `fields`, when given, are the only top-level fields a filled cell may fill (a vendor whose records take
 * other keys, which it ignores: `Email` for `email`, ` email` after a comma).
 *
 * @throws Error naming the header when one of its segments is forbidden; {@link CellError} naming the
 *   column when a cell does not parse as its type, saying its column has no name, or that it names no field.
 */
export function recordFromCsvRow(
  row: Readonly<Record<string, string>>,
  fields?: ReadonlySet<string>,
): Record<string, unknown> {
  const record = Object.create(null) as Record<string, unknown>;
  for (const header of Object.keys(row)) {
    const cell = row[header];
    if (cell === undefined || cell === "") continue;
    // A spreadsheet's empty columns after the last are harmless; a filled cell under one has no field.
    if (header === "") throw new CellError(UNNAMED_COLUMN, "input.unnamed_column");
    const { path, type } = headerOf(header);
    if (path.some(isForbiddenKey))
      throw new Error(`header ${header} [input.forbidden_key]: ${FORBIDDEN_KEY_MESSAGE}`);
    if (fields !== undefined && !fields.has(path[0]!))
      throw new CellError(
        `column ${JSON.stringify(header)} names no field of a record (${[...fields].join(", ")}), so its cells would reach no field at the vendor; name it as the field (its case and blanks count), or leave its cells empty`,
        "input.unknown_column",
      );
    let target = record;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      const next = target[segment];
      if (next === null || typeof next !== "object") target[segment] = Object.create(null);
      target = target[segment] as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = cellValue(header, type, cell);
  }
  return record;
}
