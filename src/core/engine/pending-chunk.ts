/** A chunk being filled by the reader, and then handed to the dispatcher: records in input order. */
export interface PendingChunk<Wire> {
  items: Wire[];
  serialized: string[];
  keys: string[];
  /** Each item's index in the input. */
  indexes: number[];
  /** The body's bytes so far, framing included (0 while empty); counted only when chunks are cut by bytes. */
  bytes: number;
  /** Position in the chunk → index of an earlier record of the input with the same key or identity. */
  duplicateOf?: Map<number, number>;
  /**
   * The positions of `duplicateOf` or `alikeOf` whose earlier record was found by an identity, not the key.
   */
  sharesIdentity?: Set<number>;
  /**
   * Position in the chunk → index of an earlier record whose key or identity differs from the item's only in
   * letter case, blanks, invisible characters or Unicode form (see `lookalike`): the vendor may take the two
   * for one user.
   */
  alikeOf?: Map<number, number>;
  /** Position in the chunk → what validation warned about the record (sent anyway). */
  warnings?: Map<number, string>;
}

export function emptyChunk<Wire>(): PendingChunk<Wire> {
  return { items: [], serialized: [], keys: [], indexes: [], bytes: 0 };
}
