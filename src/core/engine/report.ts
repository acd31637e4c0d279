/** What became of one input record. */
export type RecordOutcome =
  | {
      readonly index: number;
      readonly key: string;
      readonly outcome: "imported";
      /** The vendor's id for the record, where the vendor reports one. */
      readonly id?: string;
    }
  | {
      readonly index: number;
      readonly key: string;
      readonly outcome: "failed";
      /** The vendor's error code, or ours: `chunk_failed`, `aborted`, `fatal`, `no_outcome`. */
      readonly code: string;
      /** The vendor's reason, or why the chunk could not be sent. */
      readonly reason: string;
    }
  | {
      readonly index: number;
      readonly key: string;
      readonly outcome: "rejected";
      /** The rule the record breaks, e.g. `fullstory.property_name`. */
      readonly rule: string;
      readonly reason: string;
    };

/** Counts at a moment of an import; a progress bar shows `confirmed` of the input's size. */
export interface ImportProgress {
  /** Records read and validated. */
  readonly validated: number;
  /** Records refused by validation. */
  readonly rejected: number;
  /** Records in chunks handed to the vendor. */
  readonly sent: number;
  /** Records whose outcome is known: imported + failed (+ rejected). */
  readonly confirmed: number;
  readonly imported: number;
  readonly failed: number;
}

export interface ImportReport {
  readonly vendor: string;
  /** Records read from the input. Always imported + failed + rejected. */
  readonly total: number;
  readonly imported: number;
  readonly failed: number;
  readonly rejected: number;
  /** Per-record outcomes in input order (only failures and rejections when `keepOutcomes` is `problems`). */
  readonly outcomes: readonly RecordOutcome[];
  readonly chunks: { readonly sent: number; readonly resumed: number };
  /** True when the caller's signal stopped the import before the input was read to its end. */
  readonly aborted: boolean;
  /** Set when a vendor answer stopped the import (bad credentials, no permission): the cause, scrubbed. */
  readonly fatal?: string;
  /** Set when reading the input failed part-way (a truncated file): the records before it are reported. */
  readonly inputError?: string;
  readonly startedAt: string;
  readonly durationMs: number;
}
