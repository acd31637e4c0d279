import { TAKEN, type Weight } from "./echo-match.js";
import type { FailedRow } from "./failed-rows.js";
import { holds, type FreePositions } from "./free-positions.js";
import type { Tie } from "./tied-rows.js";

/**
 * What {@link sharingMost} answered for each set of handles held by free persons, kept until a person the
 * answer stands on is placed: rows repeating a handle many persons share are not weighed again one by one. A
 * placement changes only the answers over its person (another person's leaves who shares the most with a
 * row, and how many of them there are, as it was), so it does not drop the answers of every other set.
 */
class Weighed {
  readonly #answers = new Map<string, number | Tie | undefined>();
  /** The keys of the answers naming each person: one answered, or one of a tie over those sharing most. */
  readonly #byPerson = new Map<number, Set<string>>();
  /** The keys of the answers that count the free persons of each list (a tie over persons sharing one). */
  readonly #byList = new Map<readonly number[], Set<string>>();

  has(key: string): boolean {
    return this.#answers.has(key);
  }

  get(key: string): number | Tie | undefined {
    return this.#answers.get(key);
  }

  /** Keeps the answer of `key`, which stands on the persons of `on` (see {@link weigh}). */
  set(key: string, answer: number | Tie | undefined, on: Standing): void {
    this.#answers.set(key, answer);
    const add = <K>(index: Map<K, Set<string>>, at: K) => {
      const keys = index.get(at);
      if (keys === undefined) index.set(at, new Set([key]));
      else keys.add(key);
    };
    for (const at of on.persons ?? []) add(this.#byPerson, at);
    for (const list of on.lists ?? []) add(this.#byList, list);
  }

  /** Drops the answers that the placement of the person at `at` changes. */
  forget(at: number, free: FreePositions): void {
    const drop = <K>(index: Map<K, Set<string>>, on: K) => {
      for (const key of index.get(on) ?? []) this.#answers.delete(key);
      index.delete(on);
    };
    drop(this.#byPerson, at);
    for (const list of free.listsHolding(at)) drop(this.#byList, list);
  }
}

/** What an answer of {@link weigh} stands on: the persons it names, or lists whose free persons it counts. */
interface Standing {
  readonly persons?: readonly number[];
  readonly lists?: readonly (readonly number[])[];
}

/**
 * The item not yet given an outcome that shares the most handles with the failed row; a {@link Tie} when
 * several share as many; undefined when none shares any. The handles' lists are walked shortest first, and
 * only while an item not met yet could still share as many handles as the best so far; the longest is never
 * walked: an item only it holds shares one handle, and the items that share one are counted, not walked.
 */
function sharingMost(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  free: FreePositions,
  weighed: Weighed,
): number | Tie | undefined {
  const lists: (readonly number[])[] = [];
  const keys: string[] = [];
  for (const handle of new Set(handles)) {
    const list = byHandle.get(handle);
    if (list === undefined || free.freeIn(list) === 0) continue;
    lists.push(list);
    keys.push(handle);
  }
  const key = JSON.stringify(keys.sort());
  if (weighed.has(key)) return weighed.get(key);
  const [most, on] = weigh(lists, key, free);
  weighed.set(key, most, on);
  return most;
}

/**
 * {@link sharingMost} of the lists of a row's handles that hold free positions (`key`: their handles), and
 * what the answer stands on: the persons sharing the most (whom the others' placements leave the most), or,
 * when each shares one handle, the lists whose free persons it counts.
 */
function weigh(
  lists: (readonly number[])[],
  key: string,
  free: FreePositions,
): [answer: number | Tie | undefined, on: Standing] {
  lists.sort((a, b) => a.length - b.length);
  const met = new Set<number>();
  // The items met that share `most` handles.
  let best: number[] = [];
  let most = 0;
  // An item in none of the lists walked so far shares at most the handles of the lists left; one in the last
  // list alone shares one handle, which the items met already match.
  for (let j = 0; j < lists.length - 1 && most <= lists.length - j; j++) {
    const list = lists[j]!;
    for (const at of free.all(list)) {
      if (met.has(at)) continue;
      met.add(at);
      let count = 1;
      for (let k = j + 1; k < lists.length; k++) if (holds(lists[k]!, at)) count += 1;
      if (count > most) {
        best = [at];
        most = count;
      } else if (count === most) best.push(at);
    }
  }
  if (most > 1)
    return [
      best.length === 1 ? best[0] : { lists: [best], count: best.length, key },
      { persons: best },
    ];
  // No free item holds two of the row's handles: every free item of its lists shares one, each in one list.
  let count = 0;
  for (const list of lists) count += free.freeIn(list);
  if (count === 0) return [undefined, {}];
  if (count === 1)
    return [lists.map((list) => free.first(list)).find((at) => at !== undefined), { lists }];
  return [{ lists, count, key }, { lists }];
}

/**
 * Places the rows that echo no one (see outcomesOf) on the persons sharing the most handles with them: a row
 * that shares them with one person is that person's; one that shares them with several equally is a
 * {@link Tie} and places none of them (see settleTies); one that shares none with a person left is a stray.
 * The rows `echoed` holds, tied over persons they echo alike, are weighed by it instead (then by the handles
 * they share, once they echo no one left), and one that only persons placed echo is dropped, as a row echoing
 * taken persons is. A person a row takes may have been another row's rival, so a tied row is weighed again,
 * in the next round, when a person holding one of its handles has been placed (a person a row is tied over
 * holds its rarest handle): the ties left are weighed on the persons every row leaves. Only those rows are
 * weighed again (in the order of `loose`), not all of them per round: a chain of ties that each resolves the
 * next costs a round per link, not a walk of every row.
 */
export function weighLoose(
  loose: readonly FailedRow[],
  echoed: ReadonlyMap<FailedRow, () => Weight>,
  byHandle: ReadonlyMap<string, readonly number[]>,
  free: FreePositions,
  place: (row: FailedRow, at: number) => void,
): { strays: number; ties: (readonly [FailedRow, Tie])[] } {
  const tieOf = new Map<FailedRow, Tie>();
  // The tied rows by the lists of their handles.
  const tiedOn = new Map<readonly number[], Set<FailedRow>>();
  const listsOf = (row: FailedRow) =>
    row.handles.flatMap((handle) => {
      const list = byHandle.get(handle);
      return list === undefined ? [] : [list];
    });
  const order = new Map(loose.map((row, i) => [row, i]));
  const weighed = new Weighed();
  let strays = 0;
  let round: readonly FailedRow[] = loose;
  while (round.length > 0) {
    const again = new Set<FailedRow>();
    for (const row of round) {
      const most = echoed.get(row)?.() ?? sharingMost(row.handles, byHandle, free, weighed);
      if (typeof most === "object") {
        if (!tieOf.has(row))
          for (const list of listsOf(row)) {
            const rows = tiedOn.get(list);
            if (rows === undefined) tiedOn.set(list, new Set([row]));
            else rows.add(row);
          }
        tieOf.set(row, most);
        continue;
      }
      if (tieOf.delete(row)) for (const list of listsOf(row)) tiedOn.get(list)?.delete(row);
      if (most === TAKEN) continue;
      if (most === undefined) {
        strays += 1;
        continue;
      }
      place(row, most);
      weighed.forget(most, free);
      for (const list of free.listsHolding(most))
        for (const tied of tiedOn.get(list) ?? []) again.add(tied);
    }
    // A row a placement sent to be weighed again, then settled later in the round (placed, a stray, or one
    // only placed persons echo), has left the ties: weighed again, it would place a second person, or count
    // as a stray too.
    round = [...again]
      .filter((row) => tieOf.has(row))
      .sort((a, b) => order.get(a)! - order.get(b)!);
  }
  return {
    strays,
    ties: loose.flatMap((row) => (tieOf.has(row) ? [[row, tieOf.get(row)!] as const] : [])),
  };
}
