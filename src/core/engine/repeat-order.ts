// Which chunks out hold the users a later chunk repeats, so that the vendor gets a user's records in input
// order and keeps the input's last one: a repeat sent while an earlier record's chunk is out could reach the
// vendor first (a replay, a retry, two requests racing).
import type { ItemOutcome } from "./adapter.js";
import { withNote } from "./chunk-outcomes.js";
import type { PendingChunk } from "./pending-chunk.js";

/** A chunk out: the input indexes of its first and last record (they ascend), its keys and identities. */
export interface OutChunk {
  readonly first: number;
  readonly last: number;
  /** Its records' keys, as a set built when first asked for (only a chunk repeating a key asks). */
  readonly keys: () => ReadonlySet<string>;
  /**
   * Its records' identities, where they say who is the same user (`identitiesOf`), taken when it goes out:
   * the items are released once sent.
   */
  readonly identities: ReadonlySet<string>;
}

const OVERTAKEN =
  "an earlier record of this user was sent again in this run, after this one reached the vendor in an earlier run: the vendor may hold that record's values";

const LANDS_LATE =
  "an earlier record of this user went in a request that got no answer, which the vendor may still act on after this one: the vendor may hold that record's values";

export class RepeatOrder<Wire> {
  // Each chunk out (sent, or waiting to be), by the task that settles with it.
  readonly #out = new Map<Promise<void>, OutChunk>();
  // The first and last input index of each chunk sent in this run, in the order sent (a chunk that waited for
  // an earlier one goes after later chunks).
  readonly #sentRanges: (readonly [number, number])[] = [];
  // The chunks settled in this run whose request got no answer, and may yet be acted on (see `mayLandLate`).
  readonly #mayLandLate: OutChunk[] = [];

  constructor(private readonly identitiesOf: ((item: Wire) => Iterable<string>) | undefined) {}

  /** What a later chunk repeating one of `pending`'s users looks it up by (read before its items go). */
  outOf(pending: PendingChunk<Wire>): OutChunk {
    const identities = new Set<string>();
    if (this.identitiesOf !== undefined)
      for (const item of pending.items)
        for (const identity of this.identitiesOf(item)) identities.add(identity);
    let keys: Set<string> | undefined;
    return {
      first: pending.indexes[0] ?? 0,
      last: pending.indexes.at(-1) ?? 0,
      // `keys` stays whole when the chunk's items are released.
      keys: () => (keys ??= new Set(pending.keys)),
      identities,
    };
  }

  /** The chunk `out` is sent in this run. */
  sent(out: OutChunk): void {
    this.#sentRanges.push([out.first, out.last]);
  }

  /** The chunk `out` is out until `task` settles (see {@link release}). */
  hold(task: Promise<void>, out: OutChunk): void {
    this.#out.set(task, out);
  }

  release(task: Promise<void>): void {
    this.#out.delete(task);
  }

  /**
   * The chunks out holding an earlier record of one of `pending`'s repeated users (the one `repeated` names,
   * the first record with that key or identity; or any with the same key or, where identities say who is the
   * same user, any shared identity: a later repeat may be out too), and the positions in `pending` of those
   * users.
   */
  holding(
    pending: PendingChunk<Wire>,
    repeated: ReadonlyMap<number, number> | undefined,
  ): { readonly tasks: Promise<void>[]; readonly positions: ReadonlySet<number> } {
    const tasks = new Set<Promise<void>>();
    const positions = new Set<number>();
    if (repeated === undefined) return { tasks: [], positions };
    const holds = this.#holdsEarlier(pending, repeated);
    for (const [task, out] of this.#out) {
      for (const position of holds(out)) {
        tasks.add(task);
        positions.add(position);
      }
    }
    return { tasks: [...tasks], positions };
  }

  /** The chunk `out` settled, but a request of it that got no answer may yet reach the vendor. */
  mayLandLate(out: OutChunk): void {
    this.#mayLandLate.push(out);
  }

  /**
   * The positions in `pending` of repeated users an earlier record of whom went in a chunk that
   * {@link mayLandLate}. Read before `pending` is sent (its items go then); a chunk holding such a record
   * settled before, as `pending` waited for it.
   */
  afterUnanswered(
    pending: PendingChunk<Wire>,
    repeated: ReadonlyMap<number, number> | undefined,
  ): ReadonlySet<number> {
    const positions = new Set<number>();
    if (repeated === undefined || this.#mayLandLate.length === 0) return positions;
    const holds = this.#holdsEarlier(pending, repeated);
    for (const out of this.#mayLandLate) for (const position of holds(out)) positions.add(position);
    return positions;
  }

  /**
   * The outcomes with the imported ones at `positions` (see {@link afterUnanswered}) saying that waiting for
   * the earlier record's chunk did not keep the input's order: the vendor may act on its unanswered request
   * after this one.
   */
  static landsLate<Code extends string>(
    outcomes: readonly ItemOutcome<Code>[],
    positions: ReadonlySet<number>,
  ): readonly ItemOutcome<Code>[] {
    if (positions.size === 0) return outcomes;
    return outcomes.map((outcome, position) =>
      outcome.ok && positions.has(position) ? withNote(outcome, LANDS_LATE) : outcome,
    );
  }

  /**
   * For a chunk `out`, the positions in `pending` of repeated users of whom it holds an earlier record: the
   * one `repeated` names, or any with the same key or, where identities say who is the same user, a shared
   * identity (a later repeat may be out too).
   */
  #holdsEarlier(
    pending: PendingChunk<Wire>,
    repeated: ReadonlyMap<number, number>,
  ): (out: OutChunk) => number[] {
    const identities = new Map<number, readonly string[]>();
    if (this.identitiesOf !== undefined)
      for (const position of repeated.keys()) {
        const item = pending.items[position];
        if (item !== undefined) identities.set(position, [...this.identitiesOf(item)]);
      }
    const first = pending.indexes[0] ?? 0;
    return (out) => {
      // Once `pending` is out itself (its outcomes looked over by `overtaken`), its own keys and those of a
      // later chunk waiting for it match too, and neither holds an earlier record.
      if (out.first >= first) return [];
      const positions: number[] = [];
      for (const [position, earlier] of repeated) {
        const key = pending.keys[position];
        if (
          (earlier >= out.first && earlier <= out.last) ||
          (key !== undefined && out.keys().has(key)) ||
          identities.get(position)?.some((identity) => out.identities.has(identity)) === true
        )
          positions.push(position);
      }
      return positions;
    };
  }

  /**
   * The outcomes of a chunk an earlier run settled or sent (resumed, or answered with that send's job), where
   * an earlier chunk sent in this run (an earlier run left it unfinished) holds one of its users: that chunk
   * went again after this one's record reached the vendor, so the vendor may keep the earlier record's
   * values, and an imported record says so. Sending this chunk again too would not set it right at every
   * vendor (a refusal as already existing, a second job for the same users).
   */
  overtaken<Code extends string>(
    pending: PendingChunk<Wire>,
    repeated: ReadonlyMap<number, number> | undefined,
    outcomes: readonly ItemOutcome<Code>[],
  ): readonly ItemOutcome<Code>[] {
    if (repeated === undefined) return outcomes;
    const positions = new Set(this.holding(pending, repeated).positions);
    // Or sent earlier in this run, and settled since (one chunk at a time).
    for (const [position, earlier] of repeated)
      if (this.#sentRanges.some(([first, last]) => earlier >= first && earlier <= last))
        positions.add(position);
    if (positions.size === 0) return outcomes;
    return outcomes.map((outcome, position) =>
      outcome.ok && positions.has(position) ? withNote(outcome, OVERTAKEN) : outcome,
    );
  }
}
