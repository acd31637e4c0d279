import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { FILE_WORDS, type InputWords } from "./input-words.js";

const LF = 0x0a;
const CR = 0x0d;
const NOTHING: Buffer = Buffer.alloc(0);

/** What a reader says of an input whose start shows UTF-16, whichever its format, after the input's name. */
export const LOOKS_UTF16 = "looks like UTF-16";

/** Whether `bytes` start with a UTF-16 byte order mark (FF FE little-endian, FE FF big-endian). */
export function utf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * The bytes {@link looksUtf16} judges a file's start by, which the first chunk handed out holds unless the
 * file is shorter (a pipe may give fewer): a byte order mark, or the first two characters of a text.
 */
export const UTF16_START = 4;

/**
 * Whether `bytes`, a file's first {@link UTF16_START}, start as UTF-16 text does: with its byte order mark,
 * or with two characters below U+0100 each written as its byte and a NUL (after it little-endian, before it
 * big-endian), as a JSON text's first two (a blank, `{`, `[`) and a CSV header's are. Not a NUL on its own:
 * that is a byte of a UTF-8 file, whose record or cell the usual rules judge.
 */
export function looksUtf16(bytes: Uint8Array): boolean {
  if (utf16Bom(bytes)) return true;
  if (bytes.length < UTF16_START) return false;
  const [a, b, c, d] = bytes;
  return (b === 0 && d === 0 && a !== 0 && c !== 0) || (a === 0 && c === 0 && b !== 0 && d !== 0);
}

/**
 * A JSON or NDJSON file's bytes, chunk by chunk. Read as UTF-8, a UTF-16 file was a rejected record per line
 * (and a phantom one from its last NUL), or an array "starting with �", its encoding never named.
 *
 * @throws Error naming the file, before any chunk, when its start {@link looksUtf16}; `words` say what it is.
 */
export async function* jsonChunks(
  file: string,
  open: () => Readable = () => createReadStream(file),
  words: InputWords = FILE_WORDS,
): AsyncGenerator<Buffer> {
  let start: Buffer[] | undefined = [];
  let held = 0;
  for await (const data of open()) {
    const chunk = data as Buffer;
    if (start === undefined) {
      yield chunk;
      continue;
    }
    start.push(chunk);
    held += chunk.length;
    if (held < UTF16_START) continue;
    const first = Buffer.concat(start);
    start = undefined;
    refuseUtf16(file, first, words);
    yield first;
  }
  if (start !== undefined && held > 0) {
    const first = Buffer.concat(start);
    refuseUtf16(file, first, words);
    yield first;
  }
}

function refuseUtf16(file: string, first: Buffer, words: InputWords): void {
  if (looksUtf16(first.subarray(0, UTF16_START)))
    throw new Error(
      `${file}: ${words.it} ${LOOKS_UTF16} (it starts with a UTF-16 byte order mark, or with ` +
        `characters each a byte and a NUL) [input.encoding]; ${words.again("as UTF-8")}`,
    );
}

/**
 * How many bytes after a file's first CR an LF is looked for, before its lines are taken to end in lone CRs.
 * A CR is a blank to JSON too (`{"id":1,\r"email":…}`): in an LF file the line holding it ends within this,
 * unless that record is longer, and a CRLF file's first CR has its LF next.
 */
export const CR_WINDOW = 1024 * 1024;

/**
 * The byte an NDJSON file's lines end in: LF for LF and CRLF files (a CRLF line's CR is a blank to JSON), CR
 * for a file from classic Mac OS, whose lines have no LF to split on (its records were one line, rejected as
 * one). It is CR only when no LF comes in the {@link CR_WINDOW} bytes after the file's first CR, or before
 * the file's end: judged by its first line break alone, an LF file whose first line held a CR between two
 * tokens was split at its CRs, its records rejected in pieces. A CR in a CR file is never lost data: in a
 * JSON string it would be invalid. Other files are split as before, a lone CR in them left in its line.
 *
 * Feed the chunks in order through {@link next}, then call {@link end}; {@link byte} is undefined until
 * known. The bytes from the first CR on are held back until then, so that none is split before it is.
 */
export class LineEnds {
  byte: number | undefined;
  #held: Buffer[] = [];
  #heldBytes = 0;

  /** How many bytes are held back. */
  get held(): number {
    return this.#heldBytes;
  }

  /** The bytes to split now: those held back before this chunk, and this chunk's but those held back now. */
  next(data: Buffer): Buffer {
    if (this.byte !== undefined) return data;
    if (data.includes(LF)) {
      this.byte = LF;
      return this.#release(data);
    }
    let before = NOTHING;
    if (this.held === 0) {
      const cr = data.indexOf(CR);
      if (cr === -1) return data;
      before = data.subarray(0, cr);
      this.#hold(data.subarray(cr));
    } else {
      this.#hold(data);
    }
    // The first CR is held too: past the window, the bytes after it had no LF.
    if (this.held <= CR_WINDOW) return before;
    this.byte = CR;
    return Buffer.concat([before, this.#release(NOTHING)]);
  }

  /** The input ended: the bytes held back, if any, a file whose CRs had no LF after them (CR lines). */
  end(): Buffer {
    if (this.byte !== undefined || this.held === 0) return NOTHING;
    this.byte = CR;
    return this.#release(NOTHING);
  }

  #hold(bytes: Buffer): void {
    this.#held.push(bytes);
    this.#heldBytes += bytes.length;
  }

  /** The bytes held back, followed by `rest`; none is held after. */
  #release(rest: Buffer): Buffer {
    if (this.#heldBytes === 0) return rest;
    const all = Buffer.concat([...this.#held, rest]);
    this.#held = [];
    this.#heldBytes = 0;
    return all;
  }
}
