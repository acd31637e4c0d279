/** Segments, picked by the top bits of the hash's high word. */
const SEGMENT_BITS = 8;
const SEGMENTS = 1 << SEGMENT_BITS;
/** Slots of a segment before it first grows. */
const INITIAL_SLOTS = 64;
/** A slot is three words: high hash, low hash, first record index + 1 (0 marks an empty slot). */
const SLOT_WORDS = 3;
/** How much a full segment grows: from three quarters full, it is half full after. */
const GROWTH = 1.5;

/**
 * Remembers, for every record key of an import, the index of the first record that had it, so a later record
 * with the same key can be named in the report (the vendor keeps one user for both).
 *
 * A Map of millions of strings would make memory grow by some 80 bytes a record; this keeps a 64-bit hash of
 * each key and the first index in typed arrays, 12 bytes a slot, at most three quarters full (linear probing
 * stays short there). The slots are split into 256 segments that each grow on their own, so a growth copies
 * one segment and only that segment's old copy is alive beside the table (a single table of 2²⁴ slots,
 * 201 MB, kept the 100 MB one it doubled from alive while it copied: a peak of ~300 MB). A segment grows by
 * half (a slot's place is the low hash word scaled to the segment's slots, so any count of slots will do):
 * once grown, it is between half and three quarters full, 16 to 24 bytes a key, where segments that doubled
 * (slots masked by a power of two) were as little as three eighths full, up to 32 bytes a key, and at a
 * million keys 24 MiB where 16 would do. Measured with keys `user-<n>@example.com`: empty, 192 KiB; a million
 * keys, 16.2 MiB (17.0 MB), plus at most 43 KiB while a segment grows; ten million keys, 185 MiB (194 MB),
 * plus at most 493 KiB. The segments grow at different counts, so memory rises in small steps.
 *
 * Two different keys share a 64-bit hash with a chance of about n²/2⁶⁵ (10⁻⁶ at ten million keys): then a
 * record is named a duplicate it is not, which is why the report calls it a warning.
 */
export class KeyIndex {
  /**
   * Per segment, its slots' three words side by side: a probe reads one cache line (at times two), not three.
   */
  readonly #tables: Uint32Array[] = [];
  readonly #sizes = new Uint32Array(SEGMENTS);
  readonly #slots = new Uint32Array(SEGMENTS).fill(INITIAL_SLOTS);
  /** A second index of texts of another kind (look-alikes), made when the first is remembered. */
  #other: KeyIndex | undefined;

  constructor() {
    for (let segment = 0; segment < SEGMENTS; segment++) {
      this.#tables.push(new Uint32Array(INITIAL_SLOTS * SLOT_WORDS));
    }
  }

  /** The index of an earlier record with `key`, or undefined (and `index` is remembered as its first). */
  seen(key: string, index: number): number | undefined {
    return this.#probe(key, index);
  }

  /** The index of the first record with `key`, or undefined; remembers nothing. */
  find(key: string): number | undefined {
    return this.#probe(key, undefined);
  }

  #probe(key: string, index: number | undefined): number | undefined {
    let high = 0x811c9dc5;
    let low = 0x9747b28c;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      high = Math.imul(high ^ c, 0x01000193);
      low = Math.imul(low ^ c, 0x5bd1e995);
      low ^= low >>> 13;
    }
    high >>>= 0;
    low >>>= 0;
    const segment = high >>> (32 - SEGMENT_BITS);
    const table = this.#tables[segment]!;
    const slots = this.#slots[segment]!;
    for (let slot = home(low, slots); ; slot = slot + 1 === slots ? 0 : slot + 1) {
      const at = slot * SLOT_WORDS;
      const first = table[at + 2]!;
      if (first === 0) {
        if (index === undefined) return undefined;
        table[at] = high;
        table[at + 1] = low;
        table[at + 2] = index + 1;
        const size = this.#sizes[segment]! + 1;
        this.#sizes[segment] = size;
        // Three quarters of the slots is a quarter of the words.
        if (size * 4 > table.length) this.#grow(segment);
        return undefined;
      }
      if (table[at] === high && table[at + 1] === low) return first - 1;
    }
  }

  /**
   * The second index, for texts kept apart from these keys; with `make` false, undefined until one is made
   * (an input none of whose texts goes there pays neither its memory nor its lookups).
   */
  other(make: true): KeyIndex;
  other(make: false): KeyIndex | undefined;
  other(make: boolean): KeyIndex | undefined {
    if (make) this.#other ??= new KeyIndex();
    return this.#other;
  }

  /** Bytes the index holds, its second index's included. */
  get bytes(): number {
    let words = 0;
    for (const table of this.#tables) words += table.length;
    return words * Uint32Array.BYTES_PER_ELEMENT + (this.#other?.bytes ?? 0);
  }

  #grow(segment: number): void {
    const old = this.#tables[segment]!;
    const slots = Math.ceil((old.length / SLOT_WORDS) * GROWTH);
    const table = new Uint32Array(slots * SLOT_WORDS);
    for (let from = 0; from < old.length; from += SLOT_WORDS) {
      const first = old[from + 2]!;
      if (first === 0) continue;
      const high = old[from]!;
      const low = old[from + 1]!;
      let slot = home(low, slots);
      while (table[slot * SLOT_WORDS + 2] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
      const at = slot * SLOT_WORDS;
      table[at] = high;
      table[at + 1] = low;
      table[at + 2] = first;
    }
    this.#tables[segment] = table;
    this.#slots[segment] = slots;
  }
}

/**
 * A key's first slot in a segment of `slots` slots: its low hash word scaled to them. Exact while a segment
 * has fewer than 2²¹ slots (over 250 million keys in all); past that, rounded, but the same for a key every
 * time and still below `slots`.
 */
function home(low: number, slots: number): number {
  return Math.floor((low * slots) / 4294967296);
}
