import type { ReadCounter } from "./read-records.js";

/**
 * The input line of each record read whose outcome is not known yet, by the record's index, so the report
 * can name the line an outcome's record came from: an index counts records, and blank lines, a CSV's header
 * and blank rows, and rows spanning lines put lines and records apart. Memory holds the records in flight.
 */
export class RecordLines {
  readonly #lines = new Map<number, number>();
  #next = 0;

  constructor(private readonly read: ReadCounter) {}

  /**
   * The records of `records`, each noted with the line the reader says it came from. Give the import this
   * iterable itself, so that the n-th record taken from it is the import's record n.
   */
  async *numbered<T>(records: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const record of records) {
      // The reader sets it before it hands a record out, and reads on only when asked for the next one.
      const { line } = this.read;
      if (line !== undefined) this.#lines.set(this.#next, line);
      this.#next += 1;
      yield record;
    }
  }

  /** The line of record `index`, forgotten once taken: each record has one outcome. */
  take(index: number): number | undefined {
    const line = this.#lines.get(index);
    this.#lines.delete(index);
    return line;
  }
}
