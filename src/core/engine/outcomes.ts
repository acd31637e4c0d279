import type { ChunkResult, ItemOutcome } from "./adapter.js";
import type { EngineFailureCode } from "./failure-codes.js";

/** One outcome for each of `size` items: the same (immutable) outcome object, shared. */
export function sameOutcomes<Code extends string>(
  size: number,
  outcome: ItemOutcome<Code>,
): ItemOutcome<Code>[] {
  return new Array<ItemOutcome<Code>>(size).fill(outcome);
}

/** A chunk whose every item came to `outcome` (a vendor that reports per job, a request refused whole). */
export function everyItem<Code extends string>(
  size: number,
  outcome: ItemOutcome<Code>,
): ChunkResult<Code> {
  return { kind: "done", outcomes: sameOutcomes(size, outcome) };
}

/**
 * Added to a failure of a request that only follows up on a job the vendor accepted for the record (its
 * status, its result lists): the job may have imported it. Said of a record an adapter gave no outcome for
 * too.
 */
export const UNSETTLED_JOB_NOTE =
  "; whether it was imported is unknown: the vendor may hold this record";

/**
 * The outcome of an item the adapter gave none for: its request may have gone out, and nothing said what
 * became of the record there.
 */
export const NO_OUTCOME: ItemOutcome<EngineFailureCode> = {
  ok: false,
  code: "no_outcome",
  reason: `the vendor reported no outcome${UNSETTLED_JOB_NOTE}`,
  vendorMayHold: true,
  jobMayHold: true,
};

/**
 * One outcome for each of `size` items, as an adapter's answer should be: a missing one (or a hole, or
 * `undefined` from a JavaScript adapter) fails `no_outcome`, one past the end is dropped. So the journal
 * records as many as the chunk has records, and a re-run can tell a done line changed by hand from one it
 * wrote.
 */
export function oneEach<Code extends string>(
  outcomes: readonly (ItemOutcome<Code> | undefined)[],
  size: number,
): ItemOutcome<Code | EngineFailureCode>[] {
  return Array.from({ length: size }, (_, i) => outcomes[i] ?? NO_OUTCOME);
}
