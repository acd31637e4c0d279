import { DropConnection } from "./simulator.js";

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
  /** Share of records the vendor refuses (per-record failures, in the vendor's own way). */
  rejectRate?: number;
  /** Seed of the fault sequence, so a run can be repeated exactly. Default 1. */
  seed?: number;
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

export type FaultKind = "429" | "5xx" | "drop" | "slow";

/**
 * Decides, per request, whether to inject a fault. `respond(kind)` gives the vendor's own body for 429/5xx
 * so clients see what the real vendor sends.
 */
export class FaultInjector {
  readonly counts: Record<string, number> = {};
  readonly #random: () => number;
  #fiveHundreds = 0;

  constructor(private readonly options: FaultOptions) {
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** A fault response for this request, or undefined to answer normally; may throw DropConnection. */
  async maybeFault(
    errorBody: (status: number) => unknown,
    signal?: AbortSignal,
  ): Promise<Response | undefined> {
    const roll = this.#random();
    const { rate429 = 0, rate5xx = 0, rateDrop = 0, rateSlow = 0 } = this.options;
    if (roll < rate429) {
      this.#count("429");
      return json(errorBody(429), 429, {
        "Retry-After": String(this.options.retryAfterSeconds ?? 1),
      });
    }
    if (roll < rate429 + rate5xx) {
      this.#count("5xx");
      const status = this.#fiveHundreds++ % 2 === 0 ? 500 : 503;
      return json(errorBody(status), status);
    }
    if (roll < rate429 + rate5xx + rateDrop) {
      this.#count("drop");
      throw new DropConnection();
    }
    if (roll < rate429 + rate5xx + rateDrop + rateSlow) {
      this.#count("slow");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.slowMs ?? 5000);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return undefined;
  }

  /** Whether the vendor refuses this record (the `rejectRate` fault). */
  rejectsRecord(): boolean {
    return this.#random() < (this.options.rejectRate ?? 0);
  }

  #count(kind: FaultKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
