import type { ImportAdapter } from "./adapter.js";
import type { KeyIndex } from "./key-index.js";

/** A record whose user an earlier record of the input already is, or may be. */
export interface Repeat {
  /** The earlier record's index in the input. */
  readonly earlier: number;
  /** The two share an identity (`ImportAdapter.identitiesOf`), not their key. */
  readonly sharesIdentity: boolean;
  /**
   * The two share no key nor identity, but one differs from the other's only in letter case, blanks,
   * invisible characters or Unicode form (see {@link lookalike}): whether the vendor tells such apart is
   * undocumented.
   */
  readonly alike?: true;
}

/**
 * The earlier record of the input that is the same user as this valid one, or may be (`alike`), remembering
 * this one's key (and identities) in `seenKeys`; undefined for a first. An import and its dry run both ask
 * it, so a dry run warns of the repeats the import would.
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
  if (adapter.identitiesOf === undefined) {
    if (sameKey !== undefined) return { earlier: sameKey, sharesIdentity: false };
    const alike = alikeOf(seenKeys, key, "", index);
    return alike === undefined ? undefined : { earlier: alike, sharesIdentity: false, alike: true };
  }
  // Where the vendor knows a user by its identities, they alone say who is the same user: a key is text for
  // people, which two different identities may share (SlashID: a username equal to an email).
  const identities = [...adapter.identitiesOf(item)];
  const earlier = sharedIdentity(seenKeys, identities, index);
  let alike: number | undefined;
  // Every identity's look-alike is remembered, even once one matched: a later record may share any of them.
  for (const identity of identities) {
    const found = alikeOf(seenKeys, identity, IDENTITY, index);
    if (found !== undefined && (alike === undefined || found < alike)) alike = found;
  }
  if (earlier !== undefined) return { earlier, sharesIdentity: sameKey !== earlier };
  return alike === undefined ? undefined : { earlier: alike, sharesIdentity: true, alike: true };
}

/** The warning an imported record that repeats an earlier one's user, or may, carries. */
export function repeatWarning(vendor: string, repeat: Repeat, key: string): string {
  if (repeat.alike === true) {
    const what = repeat.sharesIdentity
      ? `an identity that differs from one of this record's`
      : `a key that differs from this one's (${key})`;
    return `record ${repeat.earlier} of the input has ${what} only in letter case, blanks, invisible characters or Unicode form: whether ${vendor} takes the two for one user is not documented; if it does, where both are written, it holds one user, presumably with the values it got last`;
  }
  const same = repeat.sharesIdentity
    ? `is the same user at ${vendor} (they share an identity)`
    : `has the same key (${key})`;
  return `record ${repeat.earlier} of the input ${same}: where both are written, ${vendor} keeps one user, presumably with the values written last`;
}

/**
 * `text` as compared for a look-alike: in NFKC form (full-width digits, ligatures and the like as their plain
 * forms), without blanks or invisible (default-ignorable) characters, in lower case. Two texts with one such
 * form differ only in ways a vendor may or may not ignore, which no vendor here documents.
 */
export function lookalike(text: string): string {
  // Printable ASCII without blanks, the common key: only its case can differ.
  if (PLAIN.test(text)) return text.toLowerCase();
  // Folded once, a text may fold further (an invisible character gone from between a letter and its accent
  // lets NFKC join them): it is folded until it stays, so texts that look alike have one look-alike,
  // whichever comes first. A few rounds do (a bound keeps a text that never settled from holding the import).
  let folded = text;
  for (let round = 0; round < FOLD_ROUNDS; round++) {
    const next = folded.normalize("NFKC").replace(INVISIBLE, "").toLowerCase();
    if (next === folded) break;
    folded = next;
  }
  return folded;
}

const FOLD_ROUNDS = 8;

const PLAIN = /^[\x21-\x7e]*$/;
const INVISIBLE = /[\s\p{Default_Ignorable_Code_Point}]/gu;

/**
 * The first earlier record whose text in `space` (keys, or identities) differs from `text` yet looks alike,
 * remembering this one. A text that is its own look-alike is found where it is remembered as written, so
 * only the others are remembered again, in the index's second one (an input of keys in plain lower-case ASCII
 * makes none).
 */
function alikeOf(
  seenKeys: KeyIndex,
  text: string,
  space: string,
  index: number,
): number | undefined {
  const folded = lookalike(text);
  // Written as its look-alike, it is remembered so already: only a text written otherwise may look like it.
  if (folded === text) return earlierOf(seenKeys.other(false)?.find(`${space}${folded}`), index);
  const writtenSo = earlierOf(seenKeys.find(`${space}${folded}`), index);
  const otherwise = earlierOf(seenKeys.other(true).seen(`${space}${folded}`, index), index);
  if (writtenSo === undefined) return otherwise;
  return otherwise === undefined ? writtenSo : Math.min(writtenSo, otherwise);
}

/**
 * `found`, unless it is the record itself: one record's own handles may look alike (usernames `Bo` and `BO`),
 * which says nothing of another record.
 */
function earlierOf(found: number | undefined, index: number): number | undefined {
  return found === index ? undefined : found;
}

/**
 * The earlier record that has the first of `identities`, in their order, that an earlier record has (not
 * always the earliest such record). Every identity is remembered, even once one matched: a later record may
 * share any of them.
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
