import type { RecordOutcome } from "../core/engine/report.js";

/**
 * Failure codes of a request that never got an answer: when every failure has one, the vendor was
 * unreachable.
 */
const NO_ANSWER = new Set(["network", "timeout"]);

/**
 * What the end-of-run summary needs of the outcomes, in memory that does not grow with the input: the
 * `max` problems (failed, rejected) and the `max` warned imports with the lowest indexes, and counts.
 */
export class ProblemSample {
  /** Lowest-index failed and rejected outcomes, in input order. */
  readonly problems: RecordOutcome[] = [];
  /** Lowest-index outcomes imported with a warning, in input order. */
  readonly warned: RecordOutcome[] = [];
  /**
   * Failures of any code but `network` and `timeout`, the vendor's or the engine's (`aborted`,
   * `chunk_failed`, …): with one of them, a run that imported nothing did not only find the vendor
   * unreachable.
   */
  answeredFailures = 0;

  constructor(readonly max = 10) {}

  add(outcome: RecordOutcome): void {
    if (outcome.outcome === "imported") {
      if (outcome.warning === undefined) return;
      this.#keep(this.warned, outcome);
      return;
    }
    if (outcome.outcome === "failed" && !NO_ANSWER.has(outcome.code)) this.answeredFailures += 1;
    this.#keep(this.problems, outcome);
  }

  /** Both lists in input order, as a report's `outcomes` for the summary. */
  outcomes(): RecordOutcome[] {
    return [...this.problems, ...this.warned].sort((a, b) => a.index - b.index);
  }

  #keep(list: RecordOutcome[], outcome: RecordOutcome): void {
    if (list.length === this.max && list[list.length - 1]!.index < outcome.index) return;
    let at = list.length;
    while (at > 0 && list[at - 1]!.index > outcome.index) at -= 1;
    list.splice(at, 0, outcome);
    if (list.length > this.max) list.pop();
  }
}
