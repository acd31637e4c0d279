// What a vendor's simulator stores of a record, for the report-truth scenario runner: each vendor's profile
// (test/<vendor>/profile.ts) says where its simulator keeps a record and compares the values with these.

/** A record, as sent or as stored. */
export type Rec = Record<string, unknown>;

const plain = (value: unknown): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value));

/** What a vendor's simulator holds of the records sent to it. */
export interface Stored {
  /** The stored values for a record, or undefined when the vendor does not hold it. */
  find(record: Rec): Rec | undefined;
  /**
   * What of `record` the vendor holds differently, as messages; `over` an earlier record with its key, whose
   * values the vendor merged with it (objects key by key, SlashID's handles and groups as sets).
   */
  differences(record: Rec, stored: Rec, over?: boolean): string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(plain(a)) === JSON.stringify(plain(b));

/** Whether `got` holds `want` written over an earlier value: objects merged, sets united, others replaced. */
function holds(want: unknown, got: unknown, set: boolean): boolean {
  if (set && Array.isArray(want))
    return Array.isArray(got) && want.every((v) => got.some((g) => same(g, v)));
  if (want === null || typeof want !== "object" || Array.isArray(want)) return same(want, got);
  const held = got as Rec | null | undefined;
  return Object.entries(want).every(([k, v]) => holds(v, held?.[k], false));
}

/**
 * Each `[name, sent, stored]` whose stored value differs from the sent one, as a message (`over`: written
 * over an earlier record's values, the fields named in `sets` united as sets).
 */
export function diff(
  pairs: [string, unknown, unknown][],
  over = false,
  sets: string[] = [],
): string[] {
  return pairs.flatMap(([name, want, got]) =>
    want === undefined || (over ? holds(want, got, sets.includes(name)) : same(want, got))
      ? []
      : [`${name}: sent ${JSON.stringify(want)}, stored ${JSON.stringify(got)}`],
  );
}
