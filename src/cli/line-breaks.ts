const LF = 0x0a;
const CR = 0x0d;

/**
 * The line numbers of a file's byte offsets, as an editor shows them: a line ends at LF, CRLF or a lone CR.
 * csv-parse's own count (`info.lines`) takes a CRLF inside a quoted cell for two line ends, so every row
 * after such a cell would be named a line too far.
 *
 * Feed the bytes in order with {@link add}; ask {@link lineAt} for offsets that never decrease. Only the
 * line ends between the last offset asked and the bytes fed are kept.
 */
export class LineBreaks {
  /** Offsets of the bytes that end a line (the LF of a CRLF), ascending, from `#head` on. */
  #breaks: number[] = [];
  #head = 0;
  /** Line ends before the last offset asked. */
  #passed = 0;
  #fed = 0;
  /** A CR that ended the last chunk: whether it ends a line depends on the next byte. */
  #trailingCr = false;

  add(chunk: Buffer): void {
    const start = this.#fed;
    if (this.#trailingCr && chunk[0] !== LF) this.#breaks.push(start - 1);
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1))
      this.#breaks.push(start + at);
    // Lone CRs are rare (files from classic Mac OS): only then are the breaks put back in order.
    let lone = false;
    for (
      let at = chunk.indexOf(CR);
      at !== -1 && at < chunk.length - 1;
      at = chunk.indexOf(CR, at + 1)
    ) {
      if (chunk[at + 1] !== LF) {
        this.#breaks.push(start + at);
        lone = true;
      }
    }
    if (lone) this.#sortPending();
    this.#trailingCr = chunk.length > 0 && chunk[chunk.length - 1] === CR;
    this.#fed += chunk.length;
  }

  /** The input ended: a CR at its very end ends a line. */
  end(): void {
    if (this.#trailingCr) this.#breaks.push(this.#fed - 1);
    this.#trailingCr = false;
  }

  /** The line holding the byte at `offset` (a line's own end belongs to it): 1 + the line ends before it. */
  lineAt(offset: number): number {
    while (this.#head < this.#breaks.length && this.#breaks[this.#head]! < offset) {
      this.#head += 1;
      this.#passed += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#breaks.length) {
      this.#breaks = this.#breaks.slice(this.#head);
      this.#head = 0;
    }
    return this.#passed + 1;
  }

  #sortPending(): void {
    const pending = this.#breaks.slice(this.#head).sort((a, b) => a - b);
    this.#breaks = pending;
    this.#head = 0;
  }
}
