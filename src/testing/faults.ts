// The faults every simulator injects and the scripts tests drive it with. The random sequence depends only
// on the seed and the order of requests (soak runs and benchmarks repeat runs by it): every request the
// faults do not spare and every new record verdict draws exactly one number, whatever a script decides.
import { setTimeout as sleep } from "node:timers/promises";
import { durationOption, functionOption, show, wholeNumberOption } from "../core/options.js";
import { gatewayPage } from "./kit/answers.js";
import { DropConnection } from "./simulator.js";

/** A fault a simulator injects in place of, or after, the vendor's answer (see {@link FaultOptions}). */
export type FaultKind = "429" | "5xx" | "drop" | "slow" | "lost_answer";
/** Each kind with the option giving its share of requests; each takes the next band of one roll. */
const BANDS = [
  ["429", "rate429"],
  ["5xx", "rate5xx"],
  ["drop", "rateDrop"],
  ["slow", "rateSlow"],
  ["lost_answer", "rateLostAnswer"],
] as const satisfies readonly (readonly [FaultKind, keyof FaultOptions])[];
const KINDS: readonly FaultKind[] = BANDS.map(([kind]) => kind);

/** One call of a simulator operation, as a script sees it. */
export interface FaultCall {
  /** The operation's `operationId` in the vendor's spec (e.g. `createBatchImport`), or `unknown`. */
  readonly operation: string;
  /** 1 for the first call of this operation since the simulator was created, 2 for the next, … */
  readonly attempt: number;
  /** The path parameters of the spec's path template, by name (e.g. `job_id`); empty for `unknown`. */
  readonly params: Readonly<Record<string, string>>;
  /** A copy of the request, whose body the script may read. */
  readonly request: Request;
}

/**
 * A fault kind; `{ answer }`, in place of the vendor's (nothing is processed); or `{ after }`, which lets the
 * vendor process the request, then replaces or rewrites its answer (throw {@link DropConnection} from it to
 * drop the connection after the vendor acted). Scripted answers are exempt from the response check.
 */
export type ScriptAction =
  | FaultKind
  | {
      /**
       * The answer to send (a copy each call), or a function making it, in place of the vendor's: nothing
       * is processed.
       */
      readonly answer: Response | (() => Response | Promise<Response>);
    }
  | {
      /** Called with the vendor's answer once the request is processed; what it returns is sent instead. */
      readonly after: (answer: Response) => Response | Promise<Response>;
    };

/**
 * Faults a simulator injects; each `rate…` is a share of requests (0 to 1, all five adding up to at most 1,
 * else a RangeError), default 0.
 */
export interface FaultOptions {
  /** Answered 429 with `Retry-After: retryAfterSeconds` (default 1). */
  rate429?: number | undefined;
  /**
   * The `Retry-After` an injected 429 carries, in whole seconds (0 or more).
   * @default 1
   */
  retryAfterSeconds?: number | undefined;
  /** Answered 500 or 503, alternately. */
  rate5xx?: number | undefined;
  /** Connection dropped before any response. */
  rateDrop?: number | undefined;
  /** Answered only after `slowMs` (default 5000); a caller that gives up meanwhile is never processed. */
  rateSlow?: number | undefined;
  /**
   * How long a `slow` fault holds the request before the vendor processes it, in ms.
   * @default 5000
   */
  slowMs?: number | undefined;
  /**
   * Writes processed in full, then the answer is lost: odd-numbered losses drop the connection, even ones
   * get an HTML gateway page (504, then 502). A read has nothing to lose, so it is answered normally.
   */
  rateLostAnswer?: number | undefined;
  /** Share of records the vendor refuses (in its own way), decided once per record key. */
  rejectRate?: number | undefined;
  /** Seed of the fault sequence. Default 1. */
  seed?: number | undefined;
  /** Records refused whatever `rejectRate` rolls, by the key the simulator documents. */
  reject?: ((key: string) => boolean) | undefined;
  /**
   * Decides a call instead of the roll (still drawn); undefined leaves it to the roll. A scripted
   * `lost_answer` applies to reads too.
   */
  script?:
    ((call: FaultCall) => ScriptAction | undefined | Promise<ScriptAction | undefined>) | undefined;
}

/** A vendor's answer about a record, the same every time the record is sent. */
export interface RecordVerdict {
  readonly refused: boolean;
  /** Decided before: a refusal is not counted twice. */
  readonly again: boolean;
}

const INJECTED = new WeakSet<Response>();
const SCRIPTED = new WeakSet<Response>();

/** Whether an answer came from a test's script rather than from the simulated vendor. */
export const isScriptedAnswer = (response: Response): boolean => SCRIPTED.has(response);

/** Whether an answer is an injected 429/5xx, whose status the vendor's spec may not list. */
export const isInjectedFault = (response: Response): boolean => INJECTED.has(response);

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
    this.#options = checkedRates(options);
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** New options from now on, the sequence restarted from their seed; counts and verdicts are kept. */
  setOptions(options: FaultOptions): void {
    this.#options = checkedRates(options);
    this.#random = seededRandom(options.seed ?? 1);
  }

  get retryAfterSeconds(): number {
    return this.#options.retryAfterSeconds ?? 1;
  }

  /** Records refused by {@link verdict}, each counted once. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Runs one request: a fault answers instead of `process`, or `process` runs and its answer may be lost. */
  async run(
    target: { operation: string; params: Readonly<Record<string, string>>; writes: boolean },
    errorBody: (status: number) => unknown,
    request: Request,
    process: () => Promise<Response>,
  ): Promise<Response> {
    const { operation, params, writes } = target;
    const attempt = (this.#attempts.get(operation) ?? 0) + 1;
    this.#attempts.set(operation, attempt);
    const rolled = this.#roll(writes);
    const script = this.#options.script;
    const call = () => ({ operation, attempt, params, request: request.clone() });
    const kind = (script === undefined ? undefined : await script(call())) ?? rolled;
    if (typeof kind === "object") {
      this.#count("scripted");
      const answer =
        "after" in kind
          ? await kind.after(await process())
          : typeof kind.answer === "function"
            ? await kind.answer()
            : // A copy, so that one answer given for every call is sent whole each time.
              kind.answer instanceof Response && !kind.answer.bodyUsed
              ? kind.answer.clone()
              : kind.answer;
      if (!(answer instanceof Response)) throw scriptError("a Response from the action", answer);
      // Its body read, it would reach a served client cut off, and crash msw's interceptor.
      if (answer.bodyUsed) throw new TypeError(`faults.script: ${USED}`);
      SCRIPTED.add(answer);
      return answer;
    }
    // An unknown kind would answer nothing: msw would send the request on to the real vendor.
    if (kind !== undefined && !KINDS.includes(kind)) throw scriptError(KIND_OR_ACTION, kind);
    if (kind !== undefined && kind !== "lost_answer") this.#count(kind);
    switch (kind) {
      case "429":
        return injected(errorBody(429), 429, { "Retry-After": String(this.retryAfterSeconds) });
      case "5xx": {
        const status = this.#fiveHundreds++ % 2 === 0 ? 500 : 503;
        return injected(errorBody(status), status);
      }
      case "drop":
        throw new DropConnection();
      case "slow": {
        const ms = this.#options.slowMs ?? 5000;
        await sleep(ms, undefined, { signal: request.signal }).catch(() => undefined);
        if (request.signal.aborted) throw new DropConnection();
        return process();
      }
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

  /** Whether the vendor refuses the record known by `key`: the same key gets the same verdict every time. */
  verdict(key: string): RecordVerdict {
    const known = this.#verdicts.get(key);
    if (known !== undefined) return { refused: known, again: true };
    const rolled = this.#random() < (this.#options.rejectRate ?? 0);
    const refused = rolled || this.#options.reject?.(key) === true;
    this.#verdicts.set(key, refused);
    if (refused) this.#rejected += 1;
    return { refused, again: false };
  }

  /**
   * Forgets the verdict on `key`: the next record under it is judged anew (a simulator's bounded memory).
   * `unsaid`: the refusal never reached the client (its request was undone), so it is not counted either.
   */
  forgetVerdict(key: string, unsaid = false): void {
    if (unsaid && this.#verdicts.get(key) === true) this.#rejected -= 1;
    this.#verdicts.delete(key);
  }

  #roll(writes: boolean): FaultKind | undefined {
    const roll = this.#random();
    let bound = 0;
    for (const [kind, rate] of BANDS) {
      bound += this.#options[rate] ?? 0;
      if (roll < bound) return kind === "lost_answer" && !writes ? undefined : kind;
    }
    return undefined;
  }

  #count(kind: FaultKind | "scripted"): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

const REQUEST_RATES = BANDS.map(([, rate]) => rate);
const RATES = [...REQUEST_RATES, "rejectRate"] as const;

/** The options, once each rate is a share from 0 to 1: NaN (an unset variable) would silence later bands. */
function checkedRates(options: FaultOptions): FaultOptions {
  for (const name of RATES) {
    const rate = options[name];
    if (rate !== undefined && !(typeof rate === "number" && rate >= 0 && rate <= 1))
      throw new RangeError(`faults.${name}: expected a share from 0 to 1, got ${show(rate)}`);
  }
  // Past 1 in all, the later bands would get less than they say, or nothing; 0.33 + 0.56 + 0.11 is 1 too.
  const sum = REQUEST_RATES.reduce((total, name) => total + (options[name] ?? 0), 0);
  if (sum > 1 + 1e-9)
    throw new RangeError(
      `faults: ${REQUEST_RATES.join(" + ")}: expected a sum of at most 1 (shares of the same requests), got ${sum}`,
    );
  wholeNumberOption("faults.retryAfterSeconds", options.retryAfterSeconds, undefined, { min: 0 });
  durationOption("faults.slowMs", options.slowMs, undefined, { min: 0 });
  for (const name of ["script", "reject"] as const) functionOption(`faults.${name}`, options[name]);
  return options;
}

const USED =
  "the action's Response was read or sent before; give a new one per call (`() => new Response(…)`)";
const KIND_OR_ACTION = `a fault kind (${KINDS.join(", ")}) or an action ({ answer } or { after })`;
const scriptError = (expected: string, got: unknown) =>
  new TypeError(`faults.script: expected ${expected}, got ${show(got)}`);

function injected(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  const response = json(body, status, headers);
  INJECTED.add(response);
  return response;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
