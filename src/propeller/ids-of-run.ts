import type { ItemOutcome } from "../core/engine/adapter.js";
import { withNote } from "../core/engine/chunk-outcomes.js";
import { KeyIndex } from "../core/engine/key-index.js";

/**
 * The ids Propeller answered with in one import run, so that a user given an id another request of the run
 * gave a record of another key is warned, as users of one request are: which language field Propeller
 * matches on is UNCONFIRMED, so records of different keys may be one user there. Records of one key are
 * warned by the engine already, run-wide.
 *
 * An import may hold millions of users, so no key is kept: a {@link KeyIndex} keeps, per id, a 31-bit hash
 * of the key of the first record given it, in its slot for an input index (some 20 bytes a user, as much
 * again as the engine's index of the record keys). Two keys of one id sharing that hash (a chance of 2⁻³¹)
 * go unwarned; two ids sharing the index's 64-bit hash (about n²/2⁶⁵ at n ids) warn a user of an id it does
 * not share, which is why it is a warning. Ids answered in an earlier run that a journal resumes are not
 * known to this one. The adapter keeps one per run, by the run's signal.
 */
export class IdsOfRun {
  readonly #firstKeys = new KeyIndex();

  /**
   * Adds to the outcome of each user of a request (its chunk `positions`) imported under an id that another
   * request of the run gave a record of another key a warning saying Propeller holds one user for both. An id
   * first given in this request is not compared within it: the request's own check warns of those users.
   */
  note<Code extends string>(
    positions: readonly number[],
    outcomes: ItemOutcome<Code>[],
    keyOf: (position: number) => string,
  ): void {
    const firstHere = new Set<string>();
    for (const position of positions) {
      const outcome = outcomes[position];
      if (outcome?.ok !== true || outcome.id === undefined || firstHere.has(outcome.id)) continue;
      const own = keyHash(keyOf(position));
      const first = this.#firstKeys.seen(outcome.id, own);
      if (first === undefined) firstHere.add(outcome.id);
      else if (first !== own)
        outcomes[position] = withNote(
          outcome,
          `Propeller gave the same id (${outcome.id}) to a record of another key in another request of this import: it holds one user for them, with the values of the request it wrote last`,
        );
    }
  }
}

/** FNV-1a of `key`, to 31 bits: a {@link KeyIndex} keeps an index + 1 below 2³². */
function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 1;
}
