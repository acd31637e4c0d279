import { createHash } from "node:crypto";
import { cellKey, exactKey, HANDLE_COLUMNS, type FailedRow } from "./failed-rows.js";
import { holds, type FreePositions } from "./free-positions.js";
import type { SlashIdColumn, SlashIdCsvRow } from "./records.js";
import type { Tie } from "./tied-rows.js";

/**
 * The items grouped by their cells in a set of columns, as `keyOf` compares them (cellKey, or exactKey for
 * the cells as written): the items whose row a failed row echoes are the group of the failed row's own
 * cells. One grouping per set of columns compared (one for a `failed_csv` whose rows all have its header's
 * columns).
 */
export class EchoIndex {
  readonly #groups = new Map<string, Map<string, number[]>>();

  constructor(
    private readonly items: readonly SlashIdCsvRow[],
    private readonly keyOf: (column: string, cell: string) => string,
  ) {}

  /** The positions (ascending) of the items whose cells are `compared` (column → cell, made by `keyOf`). */
  positions(compared: readonly (readonly [column: string, cell: string])[]): readonly number[] {
    const columns = compared.map(([column]) => column);
    const cells = compared.map(([, cell]) => cell);
    const columnsKey = JSON.stringify(columns);
    let groups = this.#groups.get(columnsKey);
    if (groups === undefined) {
      groups = new Map();
      this.items.forEach((item, at) => {
        const key = digest(
          columns.map((column) => this.keyOf(column, item[column as SlashIdColumn] ?? "")),
        );
        const group = groups!.get(key);
        if (group === undefined) groups!.set(key, [at]);
        else group.push(at);
      });
      this.#groups.set(columnsKey, groups);
    }
    return groups.get(digest(cells)) ?? [];
  }
}

/** A digest of a list of cells: the groups are keyed by it, not by a copy of every row's text. */
function digest(cells: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(cells)).digest("base64");
}

/**
 * The earliest item not yet given an outcome whose row the failed row echoes: every `slashid:*` column both
 * have holds the same cell (`cells`: the row's cells as cellKey compares them, or as written, see exactKey).
 * A row without handles echoes no one; {@link TAKEN} when every person the row echoes has its outcome
 * already; a {@link Tie} over the persons it echoes when their handles differ (see {@link Alike}).
 */
export function echoedBy(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  byHandle: ReadonlyMap<string, readonly number[]>,
  alike: Alike,
): Weight {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column));
  const positions = echoes.positions(compared);
  // The echoing item must hold the row's rarest handle. An item equal in every compared cell holds all the
  // row's handles, unless failed_csv names a handle column twice (under the same name, in another case, or
  // with other blanks): the row's handles then come from both, its cells from the last one.
  const rarest = rarestOf(row.handles, byHandle);
  const first = free.first(positions);
  if (first === undefined) return positions.length > 0 ? TAKEN : undefined;
  if (!alike.all(positions)) return alike.among(positions, rarest);
  if (holds(rarest, first)) return first;
  return positions.find((at) => free.isFree(at) && holds(rarest, at));
}

/** The positions holding the handle of `handles` the fewest items hold. */
function rarestOf(
  handles: readonly string[],
  byHandle: ReadonlyMap<string, readonly number[]>,
): readonly number[] {
  let rarest: readonly number[] | undefined;
  for (const handle of handles) {
    const list = byHandle.get(handle) ?? [];
    if (rarest === undefined || list.length < rarest.length) rarest = list;
  }
  return rarest ?? [];
}

/**
 * For a row that echoes no one: the person not yet given an outcome whose handle cells it repeats (`cells`:
 * as cellKey compares them, or as written), of those the one equal to it in the most other cells (ties: the
 * earliest, or a {@link Tie} over them when their handles differ, see {@link Alike}); {@link TAKEN} when
 * every such person has its outcome already, undefined when there is none.
 */
export function echoedByHandles(
  row: FailedRow,
  cells: ReadonlyMap<string, string>,
  sent: ReadonlySet<string>,
  echoes: EchoIndex,
  free: FreePositions,
  items: readonly SlashIdCsvRow[],
  byHandle: ReadonlyMap<string, readonly number[]>,
  alike: Alike,
): Weight {
  if (row.handles.length === 0) return undefined;
  const compared = [...cells].filter(([column]) => sent.has(column) && HANDLE_COLUMNS.has(column));
  const positions = echoes.positions(compared);
  if (positions.length === 0) return undefined;
  if (free.first(positions) === undefined) return TAKEN;
  // As in echoedBy: the person must hold the row's rarest handle (a handle column named twice).
  const rarest = rarestOf(row.handles, byHandle);
  const others = [...row.cells].filter(
    ([column]) => sent.has(column) && !HANDLE_COLUMNS.has(column),
  );
  if (!alike.all(positions))
    return alike.weighed(positions, rarest, JSON.stringify(others), () => {
      // Persons whose handles differ are tied when equal in as many other cells, so all of them are weighed:
      // by the persons equal to the row in each cell, which its cells find (not by walking every one of them
      // per row). A cell all of them hold alike tells no one apart, and is not walked.
      const equal = new Map<number, number>();
      for (const other of others) {
        const holding = echoes.positions([...compared, other]);
        if (holding.length === 0) continue;
        free.count(holding);
        if (free.freeIn(holding) === free.freeIn(positions)) continue;
        for (const at of free.all(holding))
          if (holds(rarest, at)) equal.set(at, (equal.get(at) ?? 0) + 1);
      }
      let most = 0;
      for (const count of equal.values()) most = Math.max(most, count);
      if (most === 0) return alike.among(positions, rarest);
      const best = [...equal].flatMap(([at, count]) => (count === most ? [at] : []));
      return alike.one(best.sort((a, b) => a - b));
    });
  let best: number | undefined;
  let most = -1;
  let weighed = 0;
  for (const at of free.all(positions)) {
    if (!holds(rarest, at)) continue;
    const item = items[at]!;
    let equal = 0;
    for (const [column, cell] of others)
      if (cellKey(column, item[column as SlashIdColumn] ?? "") === cell) equal += 1;
    if (equal > most) {
      best = at;
      most = equal;
    }
    // Persons with the same handles are taken for one person written more than once: the first few weighed
    // tell them apart as well as all would, and a file of thousands of them is not walked per row.
    if (equal === others.length || ++weighed === MAX_WEIGHED) break;
  }
  return best;
}

/** How many persons with a row's handles {@link echoedByHandles} compares it with, at most. */
const MAX_WEIGHED = 64;

/** What {@link echoedBy} and {@link echoedByHandles} answer for a row echoing persons all placed already. */
export const TAKEN = "taken";

/** Who a failed row is weighed to be: a person, a {@link Tie}, {@link TAKEN}, or no one (undefined). */
export type Weight = number | Tie | typeof TAKEN | undefined;

/**
 * Tells apart persons a failed row echoes alike (on the columns SlashID echoed, or compared as cellKey does):
 * by their handles as written (see exactKey) in every handle column. Those with the same handles are taken
 * for one person at SlashID written more than once, and the row is placed on the first, as rows of the same
 * handles are. Those whose handles differ (in a handle column SlashID left out, or as written) may be
 * distinct persons at SlashID, which did not say which of them it refused: the row is a {@link Tie} over
 * them.
 */
export class Alike {
  /** Each item's handles as written, once asked for. */
  readonly #handles: (string | undefined)[];
  readonly #all = new Map<readonly number[], boolean>();
  /** The answers of {@link weighed} for a list by the row's other cells, while its free positions stay. */
  readonly #answers = new Map<
    readonly number[],
    { free: number; rarest: readonly number[]; by: Map<string, number | Tie | undefined> }
  >();

  constructor(
    private readonly items: readonly SlashIdCsvRow[],
    private readonly free: FreePositions,
  ) {
    this.#handles = new Array<string | undefined>(items.length);
  }

  #handlesOf(at: number): string {
    return (this.#handles[at] ??= JSON.stringify(
      [...HANDLE_COLUMNS.keys()].map((column) =>
        exactKey(column, this.items[at]![column as SlashIdColumn] ?? ""),
      ),
    ));
  }

  /** Whether all the items of `list` have the same handles (free or not: then the free ones have too). */
  all(list: readonly number[]): boolean {
    if (list.length === 1) return true;
    let all = this.#all.get(list);
    if (all === undefined) {
      const first = this.#handlesOf(list[0]!);
      all = list.every((at) => this.#handlesOf(at) === first);
      this.#all.set(list, all);
    }
    return all;
  }

  /** The first of `persons` (ascending) when all have the same handles, else a tie over them (none: none). */
  one(persons: readonly number[]): number | Tie | undefined {
    const [first] = persons;
    if (first === undefined) return undefined;
    const handles = this.#handlesOf(first);
    if (persons.every((at) => this.#handlesOf(at) === handles)) return first;
    return { lists: [persons], count: persons.length, key: `echo:${digest(persons.map(String))}` };
  }

  /** {@link one} of the free items of `list` that hold a handle of the list `rarest`. */
  among(list: readonly number[], rarest: readonly number[]): number | Tie | undefined {
    return this.weighed(list, rarest, "", () =>
      this.one([...this.free.all(list)].filter((at) => holds(rarest, at))),
    );
  }

  /**
   * `weigh()`, which weighs the free items of `list` for a row by the list of its rarest handle, `rarest`,
   * and its other cells, `others`; answered again to such rows while no item of `list` has been placed
   * since: rows that many persons echo alike, all tied, do not walk them one by one.
   */
  weighed(
    list: readonly number[],
    rarest: readonly number[],
    others: string,
    weigh: () => number | Tie | undefined,
  ): number | Tie | undefined {
    this.free.count(list);
    let answers = this.#answers.get(list);
    if (
      answers === undefined ||
      answers.free !== this.free.freeIn(list) ||
      answers.rarest !== rarest
    ) {
      answers = { free: this.free.freeIn(list), rarest, by: new Map() };
      this.#answers.set(list, answers);
    }
    if (answers.by.has(others)) return answers.by.get(others);
    const answer = weigh();
    answers.by.set(others, answer);
    return answer;
  }
}
