import type { ChunkResult, ItemOutcome } from "./adapter.js";

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
