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

/**
 * A journal this run cannot use: a file that is not a journal of bulk-user-import, or one written by a run
 * with another vendor, other settings, another destination or other input. Nothing was sent because of it;
 * the caller fixes the command line (another journal file, or the run's own settings).
 */
export class JournalError extends Error {
  override readonly name = "JournalError";
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

  /**
   * Opens `file`, reading what earlier runs recorded, or creates it. A file that is not a journal is left
   * as it is: nothing is cut off or appended before every line was read as a journal's.
   *
   * @throws JournalError naming the file (and the line) when it is not a journal, or not one of this run.
   */
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
      const line = parseLine(file, n + 1, text);
      if (!sawHeader && line.kind !== "header")
        throw notAJournal(file, n + 1, `a ${line.kind} line before the header line`);
      sawHeader = true;
      journal.#read(line, header);
    }
    if (whole < content.length) {
      const torn = content.subarray(whole).toString("utf8");
      if (!isStartOfLine(torn)) throw notAJournal(file, lines.length, "it is not a journal line");
      truncateSync(file, whole);
    }
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
        throw new JournalError(
          `journal ${this.file} was written by a ${line.vendor} import in chunks of ${line.chunkRecords}; ` +
            `this run is ${expected.vendor} in chunks of ${expected.chunkRecords}: use the same settings or a new journal`,
        );
      }
      if (line.destination !== expected.destination) {
        throw new JournalError(
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

function notAJournal(file: string, line: number, problem: string): JournalError {
  return new JournalError(
    `journal ${file}: not a journal of bulk-user-import: line ${line}: ${problem}`,
  );
}

/** Every line of a journal starts so; a torn last line, with (a part of) this. */
const LINE_START = '{"kind":"';

function isStartOfLine(text: string): boolean {
  return text.startsWith(LINE_START) || LINE_START.startsWith(text);
}

/** One complete line, checked to have the shape of its kind: a journal is never trusted blindly. */
function parseLine(file: string, n: number, text: string): Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notAJournal(file, n, "it is not JSON");
  }
  const problem = shapeProblem(value);
  if (problem !== undefined) throw notAJournal(file, n, problem);
  return value as Line;
}

/** What is wrong with a parsed line, or undefined when it has the shape of a header, state or done line. */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "it is not a JSON object";
  switch (value["kind"]) {
    case "header":
      if (typeof value["vendor"] !== "string") return "a header without a vendor";
      if (!isCount(value["chunkRecords"])) return "a header without chunkRecords";
      if (value["maxBytes"] !== null && !isCount(value["maxBytes"]))
        return "a header whose maxBytes is not a number or null";
      if (value["destination"] !== undefined && typeof value["destination"] !== "string")
        return "a header whose destination is not a string";
      return undefined;
    case "state":
      return (
        chunkProblem(value) ??
        (isObject(value["state"]) && Object.values(value["state"]).every(isString)
          ? undefined
          : "a state line whose state is not an object of strings")
      );
    case "done":
      return (
        chunkProblem(value) ??
        (Array.isArray(value["outcomes"]) && value["outcomes"].every(isCompactOutcome)
          ? undefined
          : "a done line whose outcomes are not a list of outcomes")
      );
    default:
      return `its kind is ${shown(value["kind"])}, not header, state or done`;
  }
}

function chunkProblem(value: Record<string, unknown>): string | undefined {
  if (!Number.isSafeInteger(value["seq"]) || (value["seq"] as number) < 0)
    return `a ${String(value["kind"])} line without a chunk number (seq)`;
  if (typeof value["fingerprint"] !== "string")
    return `a ${String(value["kind"])} line without a fingerprint`;
  return undefined;
}

function isCompactOutcome(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  const [ok, first, second] = value as unknown[];
  if (ok === 0) return value.length === 3 && isString(first) && isString(second);
  if (ok !== 1 || value.length > 3) return false;
  return (
    (value.length < 2 || first === null || isString(first)) &&
    (value.length < 3 || isString(second))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** A value of a foreign file, short and on one line, for a message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? "missing";
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
