// Seeded soak records per vendor. Record i carries the key `soak-<i>` (as uid, first email's local part,
// sourceId or user_id), so what a simulator stored can be matched back to the input by index; a few records
// break one of the vendor's rules on purpose, so the client's own rejections are exercised too.
import type { SampleRecords } from "../../src/vendor-module.js";

export type { VendorName } from "../../src/vendors.js";

/** Every `INVALID_EVERY`-th record breaks a rule of the vendor (0.2% of the input). */
export const INVALID_EVERY = 500;

export const keyOf = (index: number) => `soak-${index}`;

/** The index a stored key stands for, or undefined for a key the soak did not make. */
export function indexOf(key: string | undefined): number | undefined {
  const match = key === undefined ? null : /^soak-(\d+)$/.exec(key);
  return match === null ? undefined : Number(match[1]);
}

const invalid = (index: number) => index % INVALID_EVERY === INVALID_EVERY - 1;

/** `count` records of a vendor's `samples`, made as they are read. */
export function* soakRecords<Input>(
  samples: SampleRecords<Input>,
  count: number,
): Generator<unknown> {
  for (let i = 0; i < count; i++)
    yield invalid(i) ? samples.broken(keyOf(i)) : samples.record(keyOf(i));
}
