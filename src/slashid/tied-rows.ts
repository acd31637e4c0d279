import { afterLostSend } from "../core/engine/chunk-outcomes.js";
import { ALREADY_EXISTS, NO_REASON, type FailedRow } from "./failed-rows.js";
import type { FreePositions } from "./free-positions.js";
import { SLASHID_REJECTED, SLASHID_UNCONFIRMED, type Outcome } from "./failure-codes.js";

/**
 * The persons a failed row shares its most handles with, equally: the free positions of `lists`, `count` of
 * them. Rows with the same `key` (the same handles held by free persons) are tied over the same persons.
 */
export interface Tie {
  readonly lists: readonly (readonly number[])[];
  readonly count: number;
  readonly key: string;
}

/**
 * Settles the persons of rows each tied over several persons (see outcomesOf): no row is placed on one of
 * them, as SlashID did not say which one it refused. The answer is how many failures the rows stand for, as
 * each is one SlashID counted: as many as the rows can be given persons of their own, each one it is tied
 * over (a row beyond that lists one of them again). A person that every such giving gives a row (so does
 * it each of persons no more in number than the rows tied over just them), or any when `allFailed` (SlashID
 * counted every person of the file failed), is refused, quoting the reasons of the rows tied over it, of
 * which SlashID did not say which is its own. Any other fails {@link SLASHID_UNCONFIRMED}. On an upload
 * sent before, a row saying its person exists leaves the persons it is tied over unconfirmed: the lost
 * upload may have imported the one it speaks of (see outcomesOf).
 */
export function settleTies(
  ties: readonly (readonly [FailedRow, Tie])[],
  free: FreePositions,
  allFailed: boolean,
  uploadedBefore: boolean,
): number {
  // Rows over the same persons (of one key) are given persons together: their persons are walked once.
  const byKey = new Map<string, TieGroup>();
  for (const [row, tie] of ties) {
    const group = byKey.get(tie.key);
    if (group === undefined) byKey.set(tie.key, { rows: [row], tie, persons: [] });
    else group.rows.push(row);
  }
  const groups = [...byKey.values()];
  // The groups whose rows each person is tied over.
  const groupsOf = new Map<number, number[]>();
  groups.forEach((group, g) => {
    const seen = new Set<number>();
    for (const list of group.tie.lists)
      for (const at of free.all(list)) {
        if (seen.has(at)) continue;
        seen.add(at);
        group.persons.push(at);
        const of = groupsOf.get(at);
        if (of === undefined) groupsOf.set(at, [g]);
        else of.push(g);
      }
  });
  const takenBy = matchRows(groups);
  const refused = refusedByRows(groups, groupsOf, takenBy);
  // The refusal of the persons refused, by the groups tied over them and how it is told (by rows or counts):
  // one outcome for those alike; undefined: they stay unconfirmed.
  const refusals = new Map<string, Outcome | undefined>();
  const refusalOf = (at: number): Outcome | undefined => {
    const byRows = refused.has(at);
    if (!byRows && !allFailed) return undefined;
    const over = groupsOf.get(at)!;
    const key = `${byRows}:${over.join(",")}`;
    if (refusals.has(key)) return refusals.get(key);
    const rows = over.flatMap((g) => groups[g]!.rows);
    let outcome: Outcome | undefined;
    if (!uploadedBefore) {
      outcome = { ok: false, code: SLASHID_REJECTED, reason: refusedReason(rows, byRows) };
    } else if (!rows.some((row) => ALREADY_EXISTS.test(row.reason))) {
      outcome = afterLostSend({
        ok: false,
        code: SLASHID_REJECTED,
        reason: refusedReason(rows, byRows),
      });
    }
    refusals.set(key, outcome);
    return outcome;
  };
  // A person also in the tie of rows over other persons is settled by the first rows only (their reasons).
  for (const { rows, tie, persons } of groups) {
    const unconfirmed: Outcome = {
      ok: false,
      code: SLASHID_UNCONFIRMED,
      reason: tiedReason(rows, tie.count),
      vendorMayHold: true,
    };
    for (const at of persons) if (free.isFree(at)) free.settle(at, refusalOf(at) ?? unconfirmed);
  }
  return takenBy.size;
}

/** The rows tied over the same persons (see {@link settleTies}), and those persons, free when settled. */
interface TieGroup {
  readonly rows: FailedRow[];
  readonly tie: Tie;
  readonly persons: number[];
}

/**
 * As many rows of `groups` as can be given persons of their own, each one of the persons its group is tied
 * over (a maximum matching, made by augmenting paths): which group's row takes each person so given. The
 * rows of a group are alike, so a group is walked once per path however many of its rows it holds, and one
 * that finds no path is not walked again (a row that finds no path finds none later either).
 */
function matchRows(groups: readonly TieGroup[]): Map<number, number> {
  const takenBy = new Map<number, number>();
  const taken = groups.map(() => 0);
  // First each person to the first row free to take it: most ties take no path longer than that.
  groups.forEach((group, g) => {
    for (const at of group.persons) {
      if (taken[g] === group.rows.length) break;
      if (takenBy.has(at)) continue;
      takenBy.set(at, g);
      taken[g]! += 1;
    }
  });
  // A row of `root` takes a person free of rows, through persons passed from row to row (a path walked
  // depth first, kept on a stack, not in calls, which a long path would run out of).
  const augment = (root: number): boolean => {
    const seenGroups = new Set([root]);
    const seen = new Set<number>();
    // Each group on the path, how far its persons are walked, and the person it was reached through.
    const path: { group: number; next: number; through: number | undefined }[] = [
      { group: root, next: 0, through: undefined },
    ];
    while (path.length > 0) {
      const step = path[path.length - 1]!;
      const persons = groups[step.group]!.persons;
      if (step.next === persons.length) {
        path.pop();
        continue;
      }
      const at = persons[step.next++]!;
      if (seen.has(at)) continue;
      seen.add(at);
      const holder = takenBy.get(at);
      if (holder === undefined) {
        // Each group on the path takes the person that reached the next one; the last, this free one.
        let person: number | undefined = at;
        for (let k = path.length - 1; k >= 0 && person !== undefined; k--) {
          takenBy.set(person, path[k]!.group);
          person = path[k]!.through;
        }
        return true;
      }
      if (seenGroups.has(holder)) continue;
      seenGroups.add(holder);
      path.push({ group: holder, next: 0, through: at });
    }
    return false;
  };
  groups.forEach((group, g) => {
    while (taken[g]! < group.rows.length && augment(g)) taken[g]! += 1;
  });
  return takenBy;
}

/**
 * The persons of `groups` that every maximum matching of their rows (`takenBy` is one) gives a row: those it
 * gives one that no path alternating between rows and persons reaches from a person it leaves free (along
 * such a path, each row could take the person before it instead, and free the one it holds).
 */
function refusedByRows(
  groups: readonly TieGroup[],
  groupsOf: ReadonlyMap<number, readonly number[]>,
  takenBy: ReadonlyMap<number, number>,
): Set<number> {
  const heldBy = groups.map((): number[] => []);
  for (const [at, g] of takenBy) heldBy[g]!.push(at);
  const freed = new Set<number>();
  for (const at of groupsOf.keys()) if (!takenBy.has(at)) freed.add(at);
  const reached = new Set<number>();
  for (const at of freed)
    for (const g of groupsOf.get(at)!) {
      if (reached.has(g)) continue;
      reached.add(g);
      // A row of this group could take `at`, freeing whom it holds (iterating a set visits what is added).
      for (const held of heldBy[g]!) freed.add(held);
    }
  return new Set([...takenBy.keys()].filter((at) => !freed.has(at)));
}

/** How many of the reasons of rows tied over the same persons a tied person's reason quotes, at most. */
const QUOTED_REASONS = 3;

/** The reasons of `rows` quoted, and how the rows are spoken of: `rowsSay` and a verb that agrees. */
function quoted(rows: readonly FailedRow[]): { reasons: string; rowsSay: string } {
  const reasons = [...new Set(rows.map((row) => row.reason))];
  const quoted = reasons.slice(0, QUOTED_REASONS);
  if (reasons.length > quoted.length)
    quoted.push(`${reasons.length - quoted.length} other reason(s)`);
  // A row without a reason has none that "this reason" could name.
  const these =
    reasons.length > 1
      ? "with these reasons"
      : reasons[0] === NO_REASON
        ? "without a reason"
        : "with this reason";
  return {
    reasons: quoted.join("; "),
    rowsSay:
      rows.length === 1
        ? `the failed row SlashID lists ${these} matches`
        : `the ${rows.length} failed rows SlashID lists ${these} each match`,
  };
}

/** The reason of a person that `rows`, each tied over the same `persons` persons, name. */
function tiedReason(rows: readonly FailedRow[], persons: number): string {
  const { reasons, rowsSay } = quoted(rows);
  const same = rows.length === 1 ? "" : " the same";
  return (
    `${reasons}: ${rowsSay}${same} ${persons} persons of this file equally, this person among them, ` +
    "so which of them it refused, and whether this person was imported, is unknown"
  );
}

/**
 * The reason of a refused person that `rows` are tied over (with others), whom the rows refuse (`byRows`),
 * or SlashID's counts, which call every person failed.
 */
function refusedReason(rows: readonly FailedRow[], byRows: boolean): string {
  const { reasons, rowsSay } = quoted(rows);
  return byRows
    ? `${reasons}: ${rowsSay} this person and other persons of this file equally, and as each failed row ` +
        "is a person SlashID refused, the failed rows that match persons equally, given one person each as " +
        "far as they go, cannot leave this person out: SlashID refused this person, but did not say with " +
        "which row"
    : `${reasons}: ${rowsSay} this person and other persons of this file equally, and SlashID counted ` +
        "every person of this file failed, none imported: SlashID refused this person, but did not say " +
        "whether with one of these rows, or with which";
}
