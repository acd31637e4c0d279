/**
 * Remembers, for every record key of an import, the index of the first record that had it, so a later record
 * with the same key can be named in the report (the vendor keeps one user for both).
 *
 * A Map of millions of strings would make memory grow by some 80 bytes a record; this keeps a 64-bit hash of
 * each key and the first index in typed arrays (12 bytes a slot, at most three quarters full: linear probing
 * stays short there, and at half full ten million keys took 402 MB, plus the old table while it doubled), so
 * a million keys cost about 24 MB and ten million about 201 MB. Two different keys share a 64-bit hash with a chance of about n²/2⁶⁵ (10⁻⁶ at ten million keys):
 * then a record is named a duplicate it is not, which is why the report calls it a warning.
 */
export class KeyIndex {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  /** First record index + 1 (0 marks an empty slot). */
  #first = new Uint32Array(1024);
  #size = 0;

  /** The index of an earlier record with `key`, or undefined (and `index` is remembered as its first). */
  seen(key: string, index: number): number | undefined {
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
    const mask = this.#first.length - 1;
    for (let slot = (high ^ low) & mask; ; slot = (slot + 1) & mask) {
      const first = this.#first[slot]!;
      if (first === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        this.#first[slot] = index + 1;
        if (++this.#size * 4 > this.#first.length * 3) this.#grow();
        return undefined;
      }
      if (this.#high[slot] === high && this.#low[slot] === low) return first - 1;
    }
  }

  /** Bytes the index holds. */
  get bytes(): number {
    return this.#first.length * 12;
  }

  #grow(): void {
    const [high, low, first] = [this.#high, this.#low, this.#first];
    const length = first.length * 2;
    this.#high = new Uint32Array(length);
    this.#low = new Uint32Array(length);
    this.#first = new Uint32Array(length);
    const mask = length - 1;
    for (let from = 0; from < first.length; from++) {
      if (first[from] === 0) continue;
      let slot = (high[from]! ^ low[from]!) & mask;
      while (this.#first[slot] !== 0) slot = (slot + 1) & mask;
      this.#high[slot] = high[from]!;
      this.#low[slot] = low[from]!;
      this.#first[slot] = first[from]!;
    }
  }
}
