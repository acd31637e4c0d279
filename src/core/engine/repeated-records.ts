import type { ImportAdapter } from "./adapter.js";
import type { KeyIndex } from "./key-index.js";

/** A record whose user an earlier record of the input already is. */
export interface Repeat {
  /** The earlier record's index in the input. */
  readonly earlier: number;
  /** The two share an identity (`ImportAdapter.identitiesOf`), not their key. */
  readonly sharesIdentity: boolean;
}

/**
 * The earlier record of the input that is the same user as this valid one, remembering this one's key (and
 * identities) in `seenKeys`; undefined for a first. An import and its dry run both ask it, so a dry run warns
 * of the repeats the import would.
 */
export function repeatOf<Wire>(
  seenKeys: KeyIndex,
  adapter: Pick<ImportAdapter<unknown, Wire>, "identitiesOf">,
  key: string,
  item: Wire,
  index: number,
): Repeat | undefined {
  // Every key is remembered, the one an adapter makes up for a record without one (`#<index>`) too: made-up
  // keys never repeat among themselves, and a real key may read alike (a Userpilot user_id "#5" of record 5),
  // whose later repeat is a duplicate like any other.
  const sameKey = seenKeys.seen(key, index);
  // Where the vendor knows a user by its identities, they alone say who is the same user: a key is text for
  // people, which two different identities may share (SlashID: a username equal to an email).
  const earlier =
    adapter.identitiesOf === undefined
      ? sameKey
      : sharedIdentity(seenKeys, adapter.identitiesOf(item), index);
  return earlier === undefined ? undefined : { earlier, sharesIdentity: sameKey !== earlier };
}

/** The warning an imported record that repeats an earlier one's user carries. */
export function repeatWarning(vendor: string, repeat: Repeat, key: string): string {
  const same = repeat.sharesIdentity
    ? `is the same user at ${vendor} (they share an identity)`
    : `has the same key (${key})`;
  return `record ${repeat.earlier} of the input ${same}: where both are written, ${vendor} keeps one user, with the values written last`;
}

/**
 * The first earlier record that has one of `identities`. Every identity is remembered, even once one matched:
 * a later record may share any of them.
 */
function sharedIdentity(
  seenKeys: KeyIndex,
  identities: Iterable<string>,
  recordIndex: number,
): number | undefined {
  let shared: number | undefined;
  for (const identity of identities) {
    const first = seenKeys.seen(`${IDENTITY}${identity}`, recordIndex);
    if (first !== undefined && first !== recordIndex) shared ??= first;
  }
  return shared;
}

/** Puts identities apart from keys in the key index: a key is not the identity of the same text. */
const IDENTITY = "\u0000";
