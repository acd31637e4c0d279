import type { Outcome } from "./failure-codes.js";

/**
 * The positions of a list (ascending) not yet given an outcome, from the first on: positions only ever go
 * from free to taken, so a cursor per list skips the taken ones for good (a handle many persons share is not
 * walked again for every row of `failed_csv`). Outcomes are given through it, so that it keeps count of the
 * free positions of each handle's list: a row many persons share a handle with is weighed without walking
 * them.
 */
export class FreePositions {
  readonly #cursors = new Map<readonly number[], number>();
  readonly #counts = new Map<readonly number[], number>();
  /** The counted lists holding each position. */
  readonly #listsOf: (readonly number[])[][];

  /** `counted`: the lists whose free positions {@link freeIn} counts; no position has an outcome yet. */
  constructor(
    private readonly outcomes: (Outcome | undefined)[],
    counted: Iterable<readonly number[]>,
  ) {
    this.#listsOf = Array.from({ length: outcomes.length }, () => []);
    for (const list of counted) {
      this.#counts.set(list, list.length);
      for (const at of list) this.#listsOf[at]!.push(list);
    }
  }

  isFree(at: number): boolean {
    return this.outcomes[at] === undefined;
  }

  /** Gives the position its outcome. */
  settle(at: number, outcome: Outcome): void {
    if (this.isFree(at))
      for (const list of this.#listsOf[at]!) this.#counts.set(list, this.#counts.get(list)! - 1);
    this.outcomes[at] = outcome;
  }

  /** Counts the free positions of `list` from now on, as of the lists counted from the start. */
  count(list: readonly number[]): void {
    if (this.#counts.has(list)) return;
    let count = 0;
    for (const at of list) {
      this.#listsOf[at]!.push(list);
      if (this.isFree(at)) count += 1;
    }
    this.#counts.set(list, count);
  }

  /** The counted lists holding the position. */
  listsHolding(at: number): readonly (readonly number[])[] {
    return this.#listsOf[at]!;
  }

  /** How many positions of a counted list are free. */
  freeIn(list: readonly number[]): number {
    return this.#counts.get(list) ?? 0;
  }

  /** The first free position of `list`. */
  first(list: readonly number[]): number | undefined {
    let at = this.#cursors.get(list) ?? 0;
    while (at < list.length && !this.isFree(list[at]!)) at += 1;
    this.#cursors.set(list, at);
    return list[at];
  }

  /** The free positions of `list`, in order, from the first. */
  *all(list: readonly number[]): Generator<number> {
    if (this.first(list) === undefined) return;
    for (let at = this.#cursors.get(list)!; at < list.length; at++) {
      if (this.isFree(list[at]!)) yield list[at]!;
    }
  }
}

/** Whether the ascending `list` holds `at`. */
export function holds(list: readonly number[], at: number): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = list[middle]!;
    if (value === at) return true;
    if (value < at) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
