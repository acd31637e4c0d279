// How many items a body fixture makes, checked against the range its spec gives.
import { wholeNumberOption } from "../../core/options.js";

/**
 * `n` when it is a whole number from `min` to `max` (the spec's `maxItems`, if it states one): a body of no
 * items, or of more than the vendor takes, is not the documented body.
 * @throws RangeError `n: expected a whole number from <min> to <max>, got <n>` (`≥ <min>` when there is no
 * `max`).
 */
export function itemCount(n: number, max: number | undefined, min = 1): number {
  const count = wholeNumberOption("n", n, undefined, max === undefined ? { min } : { min, max });
  // No fixture has a default count: left out, it would make a body of no items.
  if (count === undefined)
    throw new RangeError("n: expected a whole number of items, got undefined");
  return count;
}
