// What the tests know of one vendor beyond what its module (src/<vendor>/module.ts), its spec and its adapter
// say: each vendor's test folder holds one (`test/<vendor>/profile.ts`), and test/support/vendor-profiles.ts
// lists them by vendor name, so a vendor of src/vendors.ts without one does not compile.
import type fc from "fast-check";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import type { VendorHarness } from "../contract/harness.js";
import type { Guard } from "./spec-guard.js";
import type { Rec, Stored } from "./stored-values.js";

/** Each key of `T` spelled out: a key added to the interface, or dropped, and the record does not compile. */
export type Keys<T> = Record<keyof T, true>;

/** What the report-truth scenario runner (test/support/report-truth.ts) knows of the vendor. */
export interface TruthProfile {
  /** The operations its adapter calls, by spec operationId: a scenario scripts faults on each. */
  readonly operations: readonly string[];
  /** Whether a failure `code` says the vendor refused the record for good (so it must not be stored). */
  readonly certain: (code: string) => boolean;
  /** Most chunks a generated scenario sends at once. */
  readonly maxConcurrency: number;
  /** What its simulator stores. */
  readonly stored: (sim: VendorSimulator) => Stored;
  /** Whether its simulator refuses the fault key `key` when the records keyed as in `refused` are to be. */
  readonly refuses: (key: string, refused: ReadonlySet<string>) => boolean;
  /** Its simulator's options in a scenario's `variant` (`hard`: TRUTH_HARD's vendor limits), `{}` if none. */
  readonly variantOptions: (variant: number, hard: boolean) => object;
}

/**
 * What the data-fidelity properties (test/property/data-fidelity.test.ts) know of the vendor. The key its
 * report gives a record is its adapter's `keyOf`, read there.
 */
export interface FidelityProfile {
  /** Records of awkward values (test/support/awkward-values.ts): valid ones, and some its rules reject. */
  readonly records: fc.Arbitrary<Rec>;
  /** The record's user as its simulator holds it: the record's fields and the vendor's id, or no fields. */
  readonly stored: (sim: VendorSimulator, record: Rec) => { fields: Rec; id?: string | number };
  /**
   * Every text at once, where the vendor takes any: the seed's records hold a few of them (FullStory's stored
   * none in NFD, so a client normalizing to NFC passed), and this example, run first, holds them all.
   */
  readonly everyText: Rec;
  /** A simulator whose jobs end at their first poll. */
  readonly simulator: () => VendorSimulator;
}

/** One vendor's test profile. */
export interface VendorTestProfile {
  /** The vendor's name as README writes it: its rows in README's tables, its lists of options. */
  readonly title: string;
  /**
   * Its client's own options (beyond `CommonClientOptions`) and its adapter's, each key of their interfaces
   * (`satisfies Keys<…>`): README's "Client options" and the options of `importUsers` must name each.
   */
  readonly options: { readonly client: object; readonly adapter: object };
  readonly truth: TruthProfile;
  readonly fidelity: FidelityProfile;
  /** How the contract tests (test/contract/) drive its client: its `test/<vendor>/contract-harness.ts`. */
  readonly contract: VendorHarness;
  /**
   * What its validator reads of the record schemas, and a probe at each limit, for
   * test/spec-keywords-read.test.ts: its `test/<vendor>/spec-guard.ts`.
   */
  readonly guard: Guard;
}
