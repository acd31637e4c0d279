import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, truncateSync } from "node:fs";
import type { ItemOutcome } from "./adapter.js";

/** What the journal knows of one chunk from earlier runs. */
export interface JournaledChunk {
  readonly fingerprint: string;
  readonly state: Readonly<Record<string, string>>;
  readonly outcomes?: readonly ItemOutcome[];
}

/** The settings that decide chunk boundaries: a journal only fits a run that cuts the input the same way. */
export interface JournalHeader {
  readonly vendor: string;
  readonly chunkRecords: number;
  readonly maxBytes: number | null;
  /**
   * Where the import sends (base URL and account, never a secret): a journal's outcomes say what one
   * destination holds, and are never trusted for another.
   */
  readonly destination?: string;
}

type Line =
  | ({ kind: "header" } & JournalHeader)
  | { kind: "state"; seq: number; fingerprint: string; state: Record<string, string> }
  | { kind: "done"; seq: number; fingerprint: string; outcomes: CompactOutcome[] };
type CompactOutcome = [1] | [1, string | null] | [1, string | null, string] | [0, string, string];

/**
 * An append-only NDJSON file recording each chunk's progress: its fingerprint, the adapter's checkpoints
 * (idempotency key, job id) and, once known, its outcomes. Lines are appended synchronously, so a process
 * killed at any moment leaves every earlier line on disk; a torn last line (the write a crash cut short) is
 * cut off before anything is appended, so the next line starts on a line of its own.
 */
export class Journal {
  readonly #chunks = new Map<number, JournaledChunk>();

  private constructor(private readonly file: string) {}

  static open(file: string, header: JournalHeader): Journal {
    const journal = new Journal(file);
    if (!existsSync(file)) {
      journal.#append({ kind: "header", ...header });
      return journal;
    }
    const content = readFileSync(file);
    // Everything after the last newline is a write a crash cut short: a complete line always ends in one.
    const whole = content.lastIndexOf(0x0a) + 1;
    const lines = content.subarray(0, whole).toString("utf8").split("\n");
    let sawHeader = false;
    for (const [n, text] of lines.entries()) {
      if (text.trim() === "") continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        throw new Error(`journal ${file}: line ${n + 1} is not JSON`);
      }
      if (line.kind === "header") sawHeader = true;
      journal.#read(line, header);
    }
    if (whole < content.length) truncateSync(file, whole);
    if (!sawHeader) journal.#append({ kind: "header", ...header });
    return journal;
  }

  static fingerprint(parts: readonly string[]): string {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part).update("\u0000");
    return hash.digest("hex").slice(0, 32);
  }

  lookup(seq: number): JournaledChunk | undefined {
    return this.#chunks.get(seq);
  }

  /** The values saved under keys starting with `prefix`, by every chunk. */
  values(prefix: string): string[] {
    const values: string[] = [];
    for (const { state } of this.#chunks.values()) {
      for (const [key, value] of Object.entries(state))
        if (key.startsWith(prefix)) values.push(value);
    }
    return values;
  }

  checkpoint(seq: number, fingerprint: string, state: Record<string, string>): void {
    const merged = { ...this.#chunks.get(seq)?.state, ...state };
    this.#chunks.set(seq, { fingerprint, state: merged });
    this.#append({ kind: "state", seq, fingerprint, state: merged });
  }

  done(seq: number, fingerprint: string, outcomes: readonly ItemOutcome[]): void {
    const previous = this.#chunks.get(seq);
    this.#chunks.set(seq, { fingerprint, state: previous?.state ?? {}, outcomes });
    this.#append({ kind: "done", seq, fingerprint, outcomes: outcomes.map(compact) });
  }

  #read(line: Line, expected: JournalHeader): void {
    if (line.kind === "header") {
      const same =
        line.vendor === expected.vendor &&
        line.chunkRecords === expected.chunkRecords &&
        line.maxBytes === expected.maxBytes;
      if (!same) {
        throw new Error(
          `journal ${this.file} was written by a ${line.vendor} import in chunks of ${line.chunkRecords}; ` +
            `this run is ${expected.vendor} in chunks of ${expected.chunkRecords}: use the same settings or a new journal`,
        );
      }
      if (line.destination !== expected.destination) {
        throw new Error(
          `journal ${this.file} was written by an import to ${line.destination ?? "an unrecorded destination"}; ` +
            `this run sends to ${expected.destination ?? "an unrecorded destination"}: ` +
            "its outcomes say nothing about this destination, so start a new journal",
        );
      }
    } else if (line.kind === "state") {
      this.#chunks.set(line.seq, { fingerprint: line.fingerprint, state: line.state });
    } else {
      const state = this.#chunks.get(line.seq)?.state ?? {};
      this.#chunks.set(line.seq, {
        fingerprint: line.fingerprint,
        state,
        outcomes: line.outcomes.map(expand),
      });
    }
  }

  #append(line: Line): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}

function compact(outcome: ItemOutcome): CompactOutcome {
  if (!outcome.ok) return [0, outcome.code, outcome.reason];
  if (outcome.note !== undefined) return [1, outcome.id ?? null, outcome.note];
  return outcome.id === undefined ? [1] : [1, outcome.id];
}

function expand(outcome: CompactOutcome): ItemOutcome {
  if (outcome[0] === 0) return { ok: false, code: outcome[1], reason: outcome[2] };
  const [, id, note] = outcome;
  return {
    ok: true,
    ...(id === undefined || id === null ? {} : { id }),
    ...(note === undefined ? {} : { note }),
  };
}
