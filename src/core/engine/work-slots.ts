import { whenAborted } from "../when-aborted.js";

/**
 * What a vendor lets one account have in progress at once (jobs, and the records they hold), shared by every
 * import through one client: a chunk takes a slot before its request goes out and gives it back once its work
 * ended, so imports running together wait for one another instead of sending requests the vendor would turn
 * away (a 429 while a job of minutes runs, which retries at seconds do not outlast). Slots are given in the
 * order asked for. A slot given back while its job still runs at the vendor (its chunk aborted, or given up
 * at its time) is counted free here though not there: the next job may meet the vendor's refusal.
 */
export class WorkSlots {
  #jobs = 0;
  #records = 0;
  readonly #queue: { readonly records: number; readonly start: () => void }[] = [];

  /**
   * @param maxJobs most jobs in progress at once.
   * @param maxRecords a job is started only while the records in progress are fewer than this.
   */
  constructor(
    private readonly maxJobs: number,
    private readonly maxRecords: number,
  ) {}

  /**
   * Waits for a slot for a job of `records` records, then holds it until the function returned is called
   * (again calls do nothing). Once `signal` aborts it waits no more: the caller goes on without a slot, to
   * meet the abort where it sends.
   */
  async take(records: number, signal: AbortSignal): Promise<() => void> {
    let held = false;
    const hold = () => {
      held = true;
      this.#jobs += 1;
      this.#records += records;
    };
    if (this.#queue.length === 0 && this.#fits()) hold();
    else if (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const entry = {
          records,
          start: () => {
            letGo();
            hold();
            resolve();
          },
        };
        this.#queue.push(entry);
        // Through whenAborted: the chunks waiting here share their run's signal, and a listener each passed
        // Node's limit of 10 and printed a MaxListenersExceededWarning on the integrator's console.
        const letGo = whenAborted(signal, () => {
          const at = this.#queue.indexOf(entry);
          if (at >= 0) this.#queue.splice(at, 1);
          resolve();
          this.#next();
        });
      });
    }
    let given = false;
    return () => {
      if (!held || given) return;
      given = true;
      this.#jobs -= 1;
      this.#records -= records;
      this.#next();
    };
  }

  #fits(): boolean {
    return this.#jobs < this.maxJobs && this.#records < this.maxRecords;
  }

  /** Starts the waiting jobs, first come first, while they fit. */
  #next(): void {
    while (this.#queue.length > 0 && this.#fits()) this.#queue.shift()?.start();
  }
}
