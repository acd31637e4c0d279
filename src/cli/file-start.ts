import { createReadStream } from "node:fs";

const LF = 0x0a;
const CR = 0x0d;
const LONE_CR = Buffer.from([CR]);

/** What a reader says of a file whose start shows UTF-16, whichever its format. */
export const LOOKS_UTF16 = "the file looks like UTF-16";

/** Whether `bytes` start with a UTF-16 byte order mark (FF FE little-endian, FE FF big-endian). */
export function utf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * The first chunk handed out holds at least this many bytes unless the file is shorter (a pipe may give
 * fewer): enough for a byte order mark, and for the NUL that UTF-16 gives one of a JSON text's first two
 * characters, which are ASCII (a blank, `{`, `[`) in any JSON text.
 */
const START = 4;

/**
 * A JSON or NDJSON file's bytes, chunk by chunk. Read as UTF-8, a UTF-16 file was a rejected record per line
 * (and a phantom one from its last NUL), or an array "starting with �", its encoding never named.
 *
 * @throws Error naming the file, before any chunk, when its start is a UTF-16 byte order mark or holds NUL,
 *   which no JSON text does.
 */
export async function* jsonChunks(file: string): AsyncGenerator<Buffer> {
  let start: Buffer[] | undefined = [];
  let held = 0;
  for await (const data of createReadStream(file)) {
    const chunk = data as Buffer;
    if (start === undefined) {
      yield chunk;
      continue;
    }
    start.push(chunk);
    held += chunk.length;
    if (held < START) continue;
    const first = Buffer.concat(start);
    start = undefined;
    refuseUtf16(file, first);
    yield first;
  }
  if (start !== undefined && held > 0) {
    const first = Buffer.concat(start);
    refuseUtf16(file, first);
    yield first;
  }
}

function refuseUtf16(file: string, first: Buffer): void {
  if (utf16Bom(first) || first.subarray(0, START).includes(0))
    throw new Error(
      `${file}: ${LOOKS_UTF16} (it starts with a UTF-16 byte order mark or a NUL byte) [input.encoding]; save it as UTF-8`,
    );
}

/**
 * The byte an NDJSON file's lines end in, as its first line break shows: LF for LF and CRLF files (a CRLF
 * line's CR is a blank to JSON), CR for a file from classic Mac OS, whose lines have no LF to split on (its
 * records were one line, rejected as one). A CR in such a file is never lost data: in a JSON string it would
 * be invalid. Other files are split as before, a lone CR in them left in its line.
 *
 * Feed the chunks in order through {@link next}; {@link byte} is undefined until the first line break.
 */
export class LineEnds {
  byte: number | undefined;
  /** A first line break that was a CR ending its chunk: it is a CRLF's if the next chunk starts with LF. */
  #heldCr = false;

  /** The chunk to split: a CR held back from the chunk before is put in front, a CR held now left out. */
  next(data: Buffer): Buffer {
    let chunk = data;
    if (this.#heldCr) {
      this.#heldCr = false;
      chunk = Buffer.concat([LONE_CR, chunk]);
    }
    if (this.byte !== undefined) return chunk;
    const lf = chunk.indexOf(LF);
    const cr = chunk.subarray(0, lf === -1 ? chunk.length : lf).indexOf(CR);
    if (cr === -1) {
      if (lf !== -1) this.byte = LF;
      return chunk;
    }
    if (cr + 1 < chunk.length) {
      this.byte = chunk[cr + 1] === LF ? LF : CR;
      return chunk;
    }
    this.#heldCr = true;
    return chunk.subarray(0, cr);
  }

  /** The input ended: a CR held back, its last byte, ended the file's last line (what is left to split). */
  end(): Buffer {
    if (!this.#heldCr) return Buffer.alloc(0);
    this.#heldCr = false;
    this.byte = CR;
    return LONE_CR;
  }
}
