import { isUtf8 } from "node:buffer";

const NONE: readonly number[] = Object.freeze([]);

/**
 * Finds invalid UTF-8 in a file read chunk by chunk. A character cut by a chunk boundary is carried over to
 * the next chunk, so only bytes that are really invalid are reported, as offsets from the file's start.
 */
export class Utf8Check {
  private carry: Buffer | undefined;
  /** Bytes of the file before the current chunk, carried bytes included. */
  private consumed = 0;

  /** Offsets (from the file's start) where an invalid sequence begins in this chunk; usually none. */
  check(chunk: Buffer): readonly number[] {
    const data = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    const base = this.consumed - (this.carry?.length ?? 0);
    this.consumed += chunk.length;
    const tail = incompleteTail(data);
    const body = tail === 0 ? data : data.subarray(0, data.length - tail);
    this.carry = tail === 0 ? undefined : Buffer.from(data.subarray(data.length - tail));
    if (isUtf8(body)) return NONE;
    return invalidOffsets(body).map((offset) => base + offset);
  }

  /** The offset of a character the file ends in the middle of, if it does. */
  end(): number | undefined {
    return this.carry === undefined ? undefined : this.consumed - this.carry.length;
  }
}

/**
 * Offsets where an invalid UTF-8 sequence begins in `bytes` (RFC 3629: no overlongs, surrogates or code
 * points above U+10FFFF).
 */
export function invalidOffsets(bytes: Uint8Array): number[] {
  const found: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      found.push(i);
      i += 1;
    } else i += length;
  }
  return found;
}

/** Length of the valid sequence at `i`, or 0 when it is invalid or cut off. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) length = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    length = 3;
    if (b === 0xe0) low = 0xa0;
    if (b === 0xed) high = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    length = 4;
    if (b === 0xf0) low = 0x90;
    if (b === 0xf4) high = 0x8f;
  } else return 0;
  if (i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const c = bytes[i + k]!;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return length;
}

/** Bytes at the end that start a multi-byte character but do not finish it (0–3). */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      if (b < 0xc2 || b > 0xf4) return 0; // starts no character: reported now, not carried
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return back < length ? back : 0;
    }
  }
  return 0;
}
