import { gatewayPage } from "./kit/answers.js";
import { DropConnection } from "./simulator.js";

export type FaultKind = "429" | "5xx" | "drop" | "slow" | "lost_answer";

/** One call of a simulator operation, as a script sees it. */
export interface FaultCall {
  /** The operation's `operationId` in the vendor's spec (e.g. `createBatchImport`), or `unknown`. */
  readonly operation: string;
  /** 1 for the first call of this operation since the simulator was created, 2 for the next, … */
  readonly attempt: number;
  /** The path parameters of the call (`{ job_id: "…" }`). */
  readonly params: Readonly<Record<string, string>>;
  /** A copy of the request, whose body the script may read. */
  readonly request: Request;
}

/**
 * What a script makes of a call: a fault kind; `{ answer }`, an answer in place of the vendor's (nothing is
 * processed: a gateway that turned the request away, a hostile server); or `{ after }`, which lets the vendor
 * process the request and then replaces or rewrites its answer (throw {@link DropConnection} from it to drop
 * the connection after the vendor acted). Scripted answers are exempt from the response check: they may break
 * the spec on purpose.
 */
export type ScriptAction =
  | FaultKind
  | { readonly answer: Response | (() => Response | Promise<Response>) }
  | { readonly after: (answer: Response) => Response | Promise<Response> };

/** Faults a simulator injects, each as a share of requests (0 to 1); all default to 0. */
export interface FaultOptions {
  /** Share of requests answered 429 with `Retry-After: retryAfterSeconds`. */
  rate429?: number;
  retryAfterSeconds?: number;
  /** Share answered 500 or 503 (alternately). */
  rate5xx?: number;
  /** Share whose connection is dropped before any response. */
  rateDrop?: number;
  /** Share answered only after `slowMs` (longer than a client's timeout makes a timeout). */
  rateSlow?: number;
  slowMs?: number;
  /**
   * Share of writing requests (POST) that are processed in full (users stored, jobs created), after which
   * the answer is lost: odd-numbered lost answers drop the connection, even-numbered ones are replaced by
   * an HTML gateway error (504, then 502, alternately). A read changes nothing the client could lose, so a
   * roll in this range on a GET answers normally.
   */
  rateLostAnswer?: number;
  /** Share of records the vendor refuses (per-record failures, in the vendor's own way). */
  rejectRate?: number;
  /** Seed of the fault sequence, so a run can be repeated exactly. Default 1. */
  seed?: number;
  /**
   * Records the vendor refuses whatever `rejectRate` rolls, by the key the simulator decides on (its
   * documentation names it), e.g. `(key) => key.endsWith("@refused.example")`.
   */
  reject?: (key: string) => boolean;
  /**
   * Decides a given call: a fault, or an answer of the script's own (see {@link ScriptAction}). Its answer
   * wins over the random roll (which is still drawn, so the random sequence does not depend on the script);
   * undefined leaves the roll to decide. `lost_answer` is applied to reads too when scripted.
   */
  script?: (call: FaultCall) => ScriptAction | undefined | Promise<ScriptAction | undefined>;
}

const INJECTED = new WeakSet<Response>();
const SCRIPTED = new WeakSet<Response>();

function injected(response: Response): Response {
  INJECTED.add(response);
  return response;
}

/** Whether an answer came from a test's script rather than from the simulated vendor. */
export function isScriptedAnswer(response: Response): boolean {
  return SCRIPTED.has(response);
}

/**
 * Whether a simulator's answer is an injected 429/5xx fault. Such a status may be one the vendor's spec does
 * not list (the fault then exercises a client's handling of undocumented statuses).
 */
export function isInjectedFault(response: Response): boolean {
  return INJECTED.has(response);
}

/** mulberry32: a tiny seeded PRNG, good enough to spread faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a request is, for the injector: its operation, its path parameters and whether it writes. */
export interface FaultTarget {
  readonly operation: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly writes: boolean;
}

/** A vendor's answer to a record it was asked to store, decided once per record. */
export interface RecordVerdict {
  readonly refused: boolean;
  /** The record was decided on before (sent again): a refusal is not counted twice. */
  readonly again: boolean;
}

/**
 * Decides, per request, whether to inject a fault. `errorBody(status)` gives the vendor's own body for
 * 429/5xx so clients see what the real vendor sends.
 */
export class FaultInjector {
  readonly counts: Record<string, number> = {};
  #options: FaultOptions;
  #random: () => number;
  #fiveHundreds = 0;
  #lostAnswers = 0;
  #rejected = 0;
  readonly #attempts = new Map<string, number>();
  readonly #verdicts = new Map<string, boolean>();

  constructor(options: FaultOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /**
   * New options from now on: the random sequence restarts from their seed; fault counts, attempt numbers
   * and per-record verdicts are kept.
   */
  setOptions(options: FaultOptions): void {
    this.#options = options;
    this.#random = seededRandom(options.seed ?? 1);
  }

  get retryAfterSeconds(): number {
    return this.#options.retryAfterSeconds ?? 1;
  }

  /** Records refused by {@link verdict}, each counted once however often it was sent. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Runs one request: a fault answers in place of `process`, or `process` runs and its answer may then be
   * lost (thrown as DropConnection, or replaced by a gateway error page). A request whose caller gave up
   * while a slow fault held it is never processed.
   */
  async run(
    target: FaultTarget,
    errorBody: (status: number) => unknown,
    request: Request,
    process: () => Promise<Response>,
  ): Promise<Response> {
    const attempt = (this.#attempts.get(target.operation) ?? 0) + 1;
    this.#attempts.set(target.operation, attempt);
    const rolled = this.#roll(target.writes);
    const script = this.#options.script;
    const scripted =
      script === undefined
        ? undefined
        : await script({
            operation: target.operation,
            attempt,
            params: target.params ?? {},
            request: request.clone(),
          });
    const kind = scripted ?? rolled;
    if (typeof kind === "object") {
      this.#count("scripted");
      const answer =
        "answer" in kind
          ? typeof kind.answer === "function"
            ? await kind.answer()
            : kind.answer
          : await kind.after(await process());
      SCRIPTED.add(answer);
      return answer;
    }
    switch (kind) {
      case "429":
        this.#count(kind);
        return injected(
          json(errorBody(429), 429, { "Retry-After": String(this.retryAfterSeconds) }),
        );
      case "5xx": {
        this.#count(kind);
        const status = this.#fiveHundreds++ % 2 === 0 ? 500 : 503;
        return injected(json(errorBody(status), status));
      }
      case "drop":
        this.#count(kind);
        throw new DropConnection();
      case "slow":
        this.#count(kind);
        await this.#sleep(request.signal);
        if (request.signal.aborted) throw new DropConnection();
        return process();
      case "lost_answer": {
        await process();
        this.#count(kind);
        const n = this.#lostAnswers++;
        if (n % 2 === 0) throw new DropConnection();
        return gatewayPage(n % 4 === 1 ? 504 : 502);
      }
      case undefined:
        return process();
    }
  }

  /**
   * Whether the vendor refuses the record known by `key` (the `rejectRate` fault). The answer is the
   * vendor's about the record, not about one request: the same key gets the same verdict every time it is
   * sent, so a replayed request neither refuses a stored record nor stores a refused one.
   */
  verdict(key: string): RecordVerdict {
    const known = this.#verdicts.get(key);
    if (known !== undefined) return { refused: known, again: true };
    const rolled = this.#random() < (this.#options.rejectRate ?? 0);
    const refused = rolled || this.#options.reject?.(key) === true;
    this.#verdicts.set(key, refused);
    if (refused) this.#rejected += 1;
    return { refused, again: false };
  }

  #roll(writes: boolean): FaultKind | undefined {
    const roll = this.#random();
    const o = this.#options;
    let bound = 0;
    const bands: [FaultKind, number | undefined][] = [
      ["429", o.rate429],
      ["5xx", o.rate5xx],
      ["drop", o.rateDrop],
      ["slow", o.rateSlow],
      ["lost_answer", o.rateLostAnswer],
    ];
    for (const [kind, rate] of bands) {
      bound += rate ?? 0;
      if (roll < bound) return kind === "lost_answer" && !writes ? undefined : kind;
    }
    return undefined;
  }

  #sleep(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#options.slowMs ?? 5000);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #count(kind: FaultKind | "scripted"): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
