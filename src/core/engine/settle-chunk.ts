import type { ItemOutcome } from "./adapter.js";
import type { EngineFailureCode } from "./failure-codes.js";
import { NO_OUTCOME } from "./outcomes.js";
import type { PendingChunk } from "./pending-chunk.js";
import type { ReportBuilder } from "./report-builder.js";
import { repeatWarning } from "./repeated-records.js";

/**
 * Records each item's outcome in the report, with what the reader learnt about it (a duplicate key, a
 * validation warning) joined into an imported record's warning. An item the vendor gave no outcome fails.
 */
export function settleChunk<Code extends string>(
  report: ReportBuilder<Code | EngineFailureCode>,
  vendor: string,
  chunk: PendingChunk<unknown>,
  outcomes: readonly ItemOutcome<Code>[],
): void {
  // A plain loop that builds each outcome in one literal: this runs once per record of the import.
  const { indexes, keys, duplicateOf, sharesIdentity, alikeOf, warnings } = chunk;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    const key = keys[i] ?? "";
    const outcome = outcomes[i] ?? NO_OUTCOME;
    if (!outcome.ok) {
      report.record(
        outcome.vendorMayHold === true
          ? {
              index,
              key,
              outcome: "failed",
              code: outcome.code,
              reason: outcome.reason,
              vendorMayHold: true,
            }
          : { index, key, outcome: "failed", code: outcome.code, reason: outcome.reason },
      );
      continue;
    }
    const earlier = duplicateOf?.get(i);
    const alike = alikeOf?.get(i);
    const warned = warnings?.get(i);
    const warning =
      earlier === undefined && alike === undefined && warned === undefined
        ? outcome.note
        : [
            earlier === undefined
              ? undefined
              : repeatWarning(
                  vendor,
                  { earlier, sharesIdentity: sharesIdentity?.has(i) === true },
                  key,
                ),
            alike === undefined
              ? undefined
              : repeatWarning(
                  vendor,
                  { earlier: alike, sharesIdentity: sharesIdentity?.has(i) === true, alike: true },
                  key,
                ),
            warned,
            outcome.note,
          ]
            .filter((part) => part !== undefined)
            .join("; ");
    report.record(
      outcome.id === undefined
        ? warning === undefined
          ? { index, key, outcome: "imported" }
          : { index, key, outcome: "imported", warning }
        : warning === undefined
          ? { index, key, outcome: "imported", id: outcome.id }
          : { index, key, outcome: "imported", id: outcome.id, warning },
    );
  }
}
