// The bulk identify requests of all imports through one client whose answers have not come (yet or ever): a
// job of another import's such request looks, in the job list, just like a lost request's own.
import { createHash } from "node:crypto";

/** A request of another import that may have made a job no answer named: what it carried, and when. */
export interface UnansweredSend {
  readonly rows: number;
  readonly bytes: number;
  /** When it went out (ms, wall clock, as the job list's times are read). */
  readonly sentMs: number;
  /** When its call ended without an answer that names its job or says it made none; undefined: still out. */
  readonly endedMs: number | undefined;
}

interface Entry extends Omit<UnansweredSend, "endedMs" | "bytes"> {
  endedMs: number | undefined;
  /** Measured once asked for: every send is recorded, few are ever looked at, and bodies run to megabytes. */
  bytes: number | undefined;
  /**
   * The import run that sent it, not held: a lost request is kept long after its run ended (a long-lived
   * client's), and a run's state (its job queue, the time spent on each job) is freed with the run.
   */
  readonly run: WeakRef<object>;
  /** The body while the request is out; once its answer was lost, its digest only. */
  body: string | undefined;
  digest: string | undefined;
}

/** How many lost requests are kept per client: they are rare, and each is a few numbers and a digest. */
const KEPT = 1000;

const digestOf = (body: string) => createHash("sha256").update(body).digest("base64");

/**
 * The requests sent through one client that no answer settled: out, or lost (the vendor may have made a job
 * of them). Shared by every import through the client, each marking its own.
 */
export class UnansweredSends {
  readonly #entries: Entry[] = [];

  /**
   * Records a request of `run` going out now, carrying `body` of `rows` users. `answered()` when an answer
   * named its job or said it made none; `lost()` otherwise (it may have made a job no answer named).
   */
  send(run: object, body: string, rows: number): { answered(): void; lost(): void } {
    const entry: Entry = {
      run: new WeakRef(run),
      rows,
      bytes: undefined,
      sentMs: Date.now(),
      endedMs: undefined,
      body,
      digest: undefined,
    };
    this.#entries.push(entry);
    let settled = false;
    return {
      answered: () => {
        if (settled) return;
        settled = true;
        const at = this.#entries.indexOf(entry);
        if (at >= 0) this.#entries.splice(at, 1);
      },
      lost: () => {
        if (settled) return;
        settled = true;
        entry.endedMs = Date.now();
        entry.bytes = Buffer.byteLength(entry.body ?? "");
        entry.digest = digestOf(entry.body ?? "");
        // A lost request's body is not kept: only whether another body is the same.
        entry.body = undefined;
        const lost = this.#entries.filter((e) => e.endedMs !== undefined);
        if (lost.length > KEPT) this.#entries.splice(this.#entries.indexOf(lost[0] as Entry), 1);
      },
    };
  }

  /**
   * The unsettled requests of runs other than `run` whose body is not `body`: a job one of them made holds
   * other users (or other values), and is never this body's. One of the same body made a job of the same
   * users and values, which imports them as this body's would have.
   */
  othersThan(run: object, body: string): UnansweredSend[] {
    let digest: string | undefined;
    const bytes = Buffer.byteLength(body);
    return this.#entries
      .filter((e) => {
        // A run that was freed is another import's.
        const own = e.run.deref() === run;
        e.bytes ??= Buffer.byteLength(e.body ?? "");
        if (own || e.bytes !== bytes) return !own;
        if (e.body !== undefined) return e.body !== body;
        digest ??= digestOf(body);
        return e.digest !== digest;
      })
      .map(({ rows, bytes, sentMs, endedMs }) => ({ rows, bytes: bytes ?? 0, sentMs, endedMs }));
  }
}
