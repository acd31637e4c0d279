import type { OAuthErrorCode } from "../errors/api-error.js";
import { choiceOption } from "../options.js";
import { monotonicNow } from "../time.js";
import type { ImportProgress, ImportReport, RecordOutcome } from "./report.js";

/** Which per-record outcomes the report keeps: `all`, `problems` (failed and rejected), `none`. */
export type KeepOutcomes = "all" | "problems" | "none";

// A union of its own rather than `(typeof KEEP_OUTCOMES)[number]`: the type is public, the list is not.
const KEEP_OUTCOMES = ["all", "problems", "none"] as const satisfies readonly KeepOutcomes[];

/**
 * `value` when it is one of {@link KeepOutcomes}, `"all"` when it is undefined. Another value (a typo, a
 * JavaScript caller's guess) would keep no outcome at all, failures included, so it is refused.
 * @throws RangeError `keepOutcomes: expected one of "all", "problems", "none", got <value>`.
 */
export function keepOutcomesOption(value: KeepOutcomes | undefined): KeepOutcomes {
  return choiceOption("keepOutcomes", value, KEEP_OUTCOMES, "all");
}

/** Collects outcomes and counts; every record read is counted exactly once, whatever became of it. */
export class ReportBuilder<Code extends string = string> {
  readonly #kept: RecordOutcome<Code>[] = [];
  readonly #startedAt = new Date();
  // The run's duration is not the wall clock's difference, which a clock set back mid-run makes negative.
  readonly #startedMs = monotonicNow();
  #validated = 0;
  #sent = 0;
  #imported = 0;
  #warned = 0;
  #failed = 0;
  #mayHold = 0;
  #rejected = 0;
  #resumed = 0;
  #recorded = 0;
  readonly #events: Record<string, number> = {};

  constructor(
    private readonly keep: KeepOutcomes,
    private readonly onOutcome: ((outcome: RecordOutcome<Code>) => void) | undefined,
  ) {}

  validated(): void {
    this.#validated += 1;
  }

  sent(count: number): void {
    this.#sent += count;
  }

  /** Records counted by {@link sent} whose chunk's request never left after all. */
  unsent(count: number): void {
    this.#sent -= count;
  }

  /** `count` records whose outcomes an earlier run's journal holds, about to be recorded from it. */
  resumed(count: number): void {
    this.#resumed += count;
  }

  record(outcome: RecordOutcome<Code>): void {
    this.#recorded += 1;
    if (outcome.outcome === "imported") {
      this.#imported += 1;
      if (outcome.warning !== undefined) this.#warned += 1;
    } else if (outcome.outcome === "failed") {
      this.#failed += 1;
      // The outcome's mark decides, never its reason's words (which may quote a vendor's).
      if (outcome.vendorMayHold === true) this.#mayHold += 1;
    } else this.#rejected += 1;
    if (this.keep === "all" || (this.keep === "problems" && outcome.outcome !== "imported")) {
      this.#kept.push(outcome);
      // The caller's own copy: a JavaScript callback that changes it must not change the report.
      this.onOutcome?.({ ...outcome });
    } else this.onOutcome?.(outcome);
  }

  count(event: string, n = 1): void {
    this.#events[event] = (this.#events[event] ?? 0) + n;
  }

  /** The counts of a progress event; what the chunks wait on is the run's to add. */
  progress(): Omit<
    ImportProgress,
    "waitingOnVendor" | "waitingToRetry" | "waitingToRetryRequest" | "unchangedForMs"
  > {
    return {
      validated: this.#validated,
      rejected: this.#rejected,
      sent: this.#sent,
      confirmed: this.#imported + this.#failed + this.#rejected,
      resumed: this.#resumed,
      imported: this.#imported,
      warned: this.#warned,
      failed: this.#failed,
      vendorMayHold: this.#mayHold,
    };
  }

  build(
    vendor: string,
    extra: {
      aborted: boolean;
      fatal?: string;
      fatalStatus?: number | "auth";
      fatalOAuthError?: OAuthErrorCode;
      inputError?: string;
      journalLost?: ImportReport["journalLost"];
      chunks: ImportReport["chunks"];
    },
  ): ImportReport<Code> {
    if (this.#recorded !== this.#validated) {
      throw new Error(
        `internal: ${this.#validated} records read but ${this.#recorded} outcomes recorded`,
      );
    }
    return {
      vendor,
      total: this.#validated,
      imported: this.#imported,
      warned: this.#warned,
      failed: this.#failed,
      vendorMayHold: this.#mayHold,
      rejected: this.#rejected,
      outcomes: this.#kept.sort((a, b) => a.index - b.index),
      chunks: extra.chunks,
      events: { ...this.#events },
      aborted: extra.aborted,
      ...(extra.fatal === undefined ? {} : { fatal: extra.fatal }),
      ...(extra.fatalStatus === undefined ? {} : { fatalStatus: extra.fatalStatus }),
      ...(extra.fatalOAuthError === undefined ? {} : { fatalOAuthError: extra.fatalOAuthError }),
      ...(extra.inputError === undefined ? {} : { inputError: extra.inputError }),
      ...(extra.journalLost === undefined ? {} : { journalLost: extra.journalLost }),
      startedAt: this.#startedAt.toISOString(),
      durationMs: Math.round(monotonicNow() - this.#startedMs),
    };
  }
}
