import {
  closeSync,
  constants as fsConstants,
  createWriteStream,
  fstatSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  type Stats,
} from "node:fs";
import { access, constants, open, readFile, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { extname } from "node:path";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import { errorCode, missingFolder } from "../core/errors/error-code.js";
import { FileLock, folderRefusedLock } from "../core/file-lock.js";
import { isJournalHeader } from "../core/engine/journal.js";
import type { ImportReport, RecordOutcome } from "../core/engine/report.js";
import { VERSION } from "../core/version.js";
import { ConfigError } from "../vendor-module.js";
import { isPipeOrSocket, streamFd } from "./report-target.js";

/** `format` of a report file's header line; `version` changes when the lines change incompatibly. */
export const REPORT_FORMAT = "bulk-user-import.report";
export const REPORT_VERSION = 1;

/** The first line of a report file. */
export interface ReportHeader {
  readonly kind: "header";
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly tool: string;
  readonly vendor: string;
  readonly input: string;
  readonly startedAt: string;
}

/** One line per record, in the order outcomes became known (not input order): `index` says which record. */
export type ReportOutcomeLine = {
  readonly kind: "outcome";
  /**
   * The input line the record came from, from 1, as the reader's errors name it: an `.ndjson` record's line,
   * the line a CSV row ends on. Absent for a `.json` array, whose element `index` is the record.
   */
  readonly line?: number;
} & RecordOutcome;

/** The last line: the report without its outcomes. A file without it is from a run that did not end. */
export type ReportSummary = { readonly kind: "summary" } & Omit<ImportReport, "outcomes">;

/** Lines are gathered to about this size before they are handed to the file. */
const BATCH_CHARS = 64 * 1024;

/** How a report is opened: see {@link ReportWriter.open}. */
export interface ReportOpening {
  /**
   * Take the report's lock, `<report>.lock`, until the run ends, so that a second run given the same report
   * is refused before it sends anything: for a regular file of its own.
   */
  readonly lock?: boolean;
  /**
   * The run's stdout, when the file is it (`--report /dev/stdout > out.txt`, `>>`, a pipe): lines go after
   * what it holds instead of replacing it. A regular file is written through its descriptor, whose offset the
   * shell shares: a file opened anew would leave that offset behind, and the shell's next writer
   * (`{ run; echo done; } > out.txt`) would write over the report's first lines. A pipe or a socket is
   * written through the stream itself (see {@link ReportWriter.open}).
   */
  readonly stdout?: Writable | undefined;
}

/** How many of the first and last bytes written a report keeps, to find them in the file at the end. */
const KEPT_BYTES = 64 * 1024;

/** How many of the last bytes of each batch handed to the file a report keeps, to find them at the end. */
const BATCH_END_BYTES = 16;

/** Every field an outcome line carries, whichever the outcome, but its kind. */
type OutcomeField =
  (RecordOutcome extends infer O ? (O extends unknown ? keyof O : never) : never) | "line";

/**
 * A CSV report's columns, in order. Typed to hold every field of an outcome and no other: a field added to
 * {@link RecordOutcome} must be given its column here, or CSV reports would leave it out without a word.
 * `line` came after the others, last, so a reader taking the columns by position still reads them.
 */
const COLUMNS: { readonly [F in OutcomeField]: F } = {
  index: "index",
  key: "key",
  outcome: "outcome",
  id: "id",
  code: "code",
  rule: "rule",
  reason: "reason",
  vendorMayHold: "vendorMayHold",
  warning: "warning",
  line: "line",
};

/** A CSV report's header row: `index,key,outcome,id,code,rule,reason,vendorMayHold,warning,line`. */
const REPORT_CSV_COLUMNS: readonly OutcomeField[] = Object.values(COLUMNS);

/**
 * A cell csv-stringify's formula quoting lets through: blanks (a space, a tab, a line break, a no-break
 * space) before =, +, - or @, which a spreadsheet that trims a cell as it imports it (LibreOffice's "trim
 * spaces", an import that drops leading blanks) runs as a formula; or a NUL first, which OWASP's ASVS lists
 * with them.
 */
const FORMULA_AFTER_BLANKS = /^(?:[\s\0]+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|\0)/u;

const CSV_OPTIONS = {
  columns: [...REPORT_CSV_COLUMNS],
  // A key is the input's and a reason the vendor's: a cell starting with =, +, - or @ (a tab, a CR, their
  // full-width forms) would run as a formula in the spreadsheet that opens the file (OWASP's CSV injection).
  // Such a cell starts with a single quote, which spreadsheets take as "text follows".
  escape_formulas: true,
  cast: {
    // As the NDJSON report writes it, not csv-stringify's default "1".
    boolean: (value: boolean) => String(value),
    // A cell that starts with ' gets one more, so that a reader drops the first ' of any cell starting with
    // one: a key `'=1` written as it was would read back as `=1`, the key whose formula quote it looks like.
    string: (value: string) =>
      value.startsWith("'") || FORMULA_AFTER_BLANKS.test(value) ? `'${value}` : value,
  },
};

/** How a report's lines are written: NDJSON, or CSV rows of the outcomes for a file named `.csv`. */
interface LineFormat {
  header(header: ReportHeader): string;
  outcome(outcome: RecordOutcome, line: number | undefined): string;
  summary(summary: ReportSummary): string;
}

/**
 * Characters JSON.stringify leaves raw that some readers take for line ends: Python's `str.splitlines()`
 * (U+0085 as well), and JavaScript's JSON of before ES2019 (U+2028, U+2029).
 */
const LINE_END_LOOKALIKES = /[\u0085\u2028\u2029]/g;

/**
 * `value` as one NDJSON line: JSON.stringify's text, with the characters a reader may split a line at
 * escaped (`\u2028`), so a key or reason holding one does not break its line in two.
 */
function jsonLine(value: unknown): string {
  const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return `${JSON.stringify(value).replace(LINE_END_LOOKALIKES, escaped)}\n`;
}

const NDJSON_LINES: LineFormat = {
  header: (header) => jsonLine(header),
  // The line next to the index, which both say where the record is.
  outcome: ({ index, ...outcome }, line) =>
    jsonLine({ kind: "outcome", index, ...(line !== undefined && { line }), ...outcome }),
  summary: (summary) => jsonLine(summary),
};

/**
 * A table of outcomes, one row each under a header row, as spreadsheets and CSV readers take it: the header
 * and summary lines have other fields, and rows of their own would break the table. The summary printed at
 * the end, and the exit code, say how the run ended.
 */
const CSV_LINES: LineFormat = {
  header: () => stringify([], { ...CSV_OPTIONS, header: true }),
  outcome: (outcome, line) => stringify([{ ...outcome, line }], CSV_OPTIONS),
  summary: () => "",
};

/** Whether a report named `file` is written as CSV (a `.csv` name, in any case) rather than NDJSON. */
export function reportIsCsv(file: string): boolean {
  return extname(file).toLowerCase() === ".csv";
}

/**
 * Writes a report as NDJSON while the import runs: the header, one line per outcome as it is known, then the
 * summary; or, to a file named `.csv`, a CSV header row and one row per outcome. Memory holds at most one
 * batch of lines plus the stream's buffer: call {@link ready} between records so reading the input waits
 * while the disk catches up.
 *
 * The file is only replaced once the run has begun ({@link start}, or the first outcome, or the end): a run
 * refused before it began ({@link withdraw}) leaves an earlier report as it was.
 */
export class ReportWriter {
  #pending = "";
  readonly #lines: LineFormat;
  #failure: Error | undefined;
  #stream: Writable | undefined;
  /**
   * The run's stdout stream, when the report is that pipe or socket: it is written, never ended, and the run
   * goes on using it.
   */
  readonly #through: Writable | undefined;
  /** The last write to {@link #through}: it has reached the pipe once this settles. */
  #lastWrite: Promise<void> = Promise.resolve();
  /**
   * Keeps a write's error: each write's callback is given it (see {@link writeTo}), so the run's
   * stdout needs no "error" listener of the report's.
   */
  readonly #failed = (error: Error) => {
    this.#failure ??= error;
  };
  /** The report's lock, while the run holds it. */
  #lock: FileLock | undefined;
  /** Where this run's lines start in the file: its length when it is the run's stdout, else 0. */
  #base = 0;
  /**
   * Device and inode of the file the stream opened, to tell at the end whether the name still leads to it.
   */
  #opened: { readonly dev: number; readonly ino: number; readonly regular: boolean } | undefined;
  /** The bytes handed to the file, and the first and last of them, to tell at the end if it holds them. */
  #written = 0;
  #head = Buffer.alloc(0);
  /**
   * The last two batches handed to the file (kept, not copied): every batch but the last is at least
   * {@link BATCH_CHARS} UTF-16 units, so as many bytes or more, and these two hold the file's last
   * {@link KEPT_BYTES}.
   */
  #lastBatches: readonly Buffer[] = [];
  /**
   * Where each batch ended, and its last bytes. Another writer that stopped short of this run's offset leaves
   * a hole of NULs up to this run's next lines, ending where one of this run's batches ended: a CSV report's
   * first rows are every run's of the same input alike, so its first and last bytes alone would not show it.
   */
  #batchEnds: { readonly at: number; readonly bytes: Buffer }[] = [];
  /** A pipe's descriptor, opened by {@link open} while its reader was there, for {@link start} to write. */
  #pipe: number | undefined;

  private constructor(
    readonly file: string,
    /** Whether {@link open} made the file, so that {@link withdraw} removes it again. */
    private readonly created: boolean,
    private readonly stdout: number | undefined,
    through: Writable | undefined,
  ) {
    this.#lines = reportIsCsv(file) ? CSV_LINES : NDJSON_LINES;
    this.#through = through;
  }

  /**
   * Checks that `file` can be written (creating it when it does not exist, leaving it as it is otherwise),
   * takes its lock when asked to, and prepares the header; the file is truncated when the run begins (unless
   * it is the run's `stdout`). The lock is given up once the run ends ({@link finish}, {@link abandon},
   * {@link withdraw}).
   *
   * The run's `stdout` that is a pipe or a socket is written through its stream, as the run's other output
   * is: a socket's /dev/stdout cannot be opened anew (ENXIO: a Node parent's `stdio: "pipe"`, systemd's
   * stdout), and the stream's writes wait for a reader that lags, where the descriptor's own would fail
   * (Node makes it non-blocking: EAGAIN).
   *
   * @throws ConfigError naming the file when it cannot be opened for writing, is an import's journal, is a
   *   named pipe no process reads, or another run holds its lock.
   */
  static async open(
    file: string,
    header: Omit<ReportHeader, "kind" | "format" | "version" | "tool">,
    { lock = false, stdout }: ReportOpening = {},
  ): Promise<ReportWriter> {
    const fd = stdout === undefined ? undefined : streamFd(stdout);
    const through = fd !== undefined && isPipeOrSocket(fd) ? stdout : undefined;
    const created = through === undefined ? await checkWritable(file) : false;
    const writer = new ReportWriter(file, created, fd, through);
    if (through === undefined) writer.#pipe = await openReportPipe(file);
    if (lock) {
      try {
        writer.#lock = FileLock.acquire(file, {
          named: `--report ${file}`,
          one: "a report file",
          another: "another report file",
          error: (message, options) => new ConfigError(message, options),
        });
      } catch (error) {
        // A report this run may write in a folder it may not (a file made for it beforehand) was written
        // before reports had locks, and is still: the check at the end finds a second writer, after the fact.
        if (!folderRefusedLock(error)) {
          // The file another run writes is left to it; one this run made for nothing is removed.
          if (created) rmSync(file, { force: true });
          throw error;
        }
      }
    }
    const line: ReportHeader = {
      kind: "header",
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      tool: `bulk-user-import ${VERSION}`,
      ...header,
    };
    writer.#add(writer.#lines.header(line));
    return writer;
  }

  /** The run has begun: the file is truncated, and lines reach it from now on. Later calls do nothing. */
  start(): void {
    if (this.#stream !== undefined || this.#failure !== undefined) return;
    if (this.#through !== undefined) {
      this.#stream = this.#through;
      return;
    }
    // Not a terminal's descriptor (a pipe's goes through the stream, above), which has no offset to share.
    const shared = this.stdout !== undefined && isRegular(this.stdout) ? this.stdout : undefined;
    const pipe = this.#pipe;
    this.#pipe = undefined;
    let stream: Writable;
    if (pipe !== undefined) stream = pipeStream(pipe);
    else if (shared !== undefined)
      stream = createWriteStream(this.file, { fd: shared, autoClose: false });
    else {
      const opened = createWriteStream(this.file, { flags: this.stdout === undefined ? "w" : "a" });
      opened.once("open", (fd: number) => this.#openedAs(fd));
      stream = opened;
    }
    // A stream given its descriptor emits no "open".
    const given = pipe ?? shared;
    if (given !== undefined) this.#openedAs(given);
    stream.on("error", (error: Error) => {
      this.#failure ??= error;
    });
    this.#stream = stream;
  }

  #openedAs(fd: number): void {
    try {
      const stats = fstatSync(fd);
      this.#opened = { dev: stats.dev, ino: stats.ino, regular: stats.isFile() };
      // The shell's offset in a file its earlier writers wrote in turn: the file's end.
      if (this.stdout !== undefined && stats.isFile()) this.#base = stats.size;
    } catch {
      // Not known, not checked: the file's own errors still say when it cannot be written.
    }
  }

  /**
   * The run was refused before it began: a file {@link open} made is removed, an earlier one left as it was.
   */
  withdraw(): void {
    if (this.#stream !== undefined) {
      this.abandon();
      return;
    }
    this.#failure ??= new Error("the run was refused before it began");
    // The pipe's reader gets its end, with nothing before it, rather than wait for ever.
    if (this.#pipe !== undefined) closeSync(this.#pipe);
    this.#pipe = undefined;
    if (this.created) rmSync(this.file, { force: true });
    this.#lock?.release();
  }

  /** Writes the line of `outcome`, with the input `line` its record came from when the reader knows it. */
  outcome(outcome: RecordOutcome, line?: number): void {
    this.start();
    this.#add(this.#lines.outcome(outcome, line));
  }

  /** Resolves once the file has room for more (at once when it has); rejects after a write error. */
  async ready(): Promise<void> {
    this.#throwIfFailed();
    if (this.#stream?.writableNeedDrain !== true) return;
    await this.#either("drain");
    this.#throwIfFailed();
  }

  /**
   * Writes the summary line (a CSV report has none) and ends the file (not the run's stdout, which goes on),
   * then gives up the lock.
   * @throws Error naming the file when a write failed, the name no longer leads to the file written, or
   *   another process wrote to it meanwhile.
   */
  async finish(report: ImportReport): Promise<void> {
    try {
      await this.#finish(report);
    } finally {
      // After the check below: a run that took the lock as this one gave it up would be blamed on no one.
      this.#lock?.release();
    }
  }

  async #finish(report: ImportReport): Promise<void> {
    const { outcomes: _outcomes, ...summary } = report;
    this.start();
    this.#add(this.#lines.summary({ kind: "summary", ...summary }));
    this.#flush();
    if (this.#through === undefined) {
      this.#stream?.end();
      await this.#either("finish");
    } else {
      // The run's own stdout stays open: its last write having reached the pipe is the report's end.
      await untilWritten(this.#through, this.#lastWrite, this.#failed);
    }
    this.#throwIfFailed();
    // Lines written after the file was removed (its folder deleted) or put aside go where no name leads: the
    // report the summary points at is not there, or is another file, which is left as it is.
    const changed = this.#changed();
    if (changed !== undefined)
      throw new Error(
        `cannot write the report ${this.file}: it was ${changed} while the run wrote it`,
      );
    // Another writer of the same file (a second run given the same --report truncates it in place and writes
    // from its start, where this run's lines were, or appends) leaves the name leading to this file, but its
    // lines are no longer all this run's: a header of one run above the outcomes and summary of the other.
    // Only a regular file keeps what was written to it (not /dev/null, a pipe, a terminal).
    if (this.#opened?.regular === true && !this.#holdsWhatWasWritten())
      throw new Error(
        `cannot write the report ${this.file}: another process wrote to it while the run wrote it ` +
          "(two runs given the same --report?)",
      );
  }

  /**
   * Whether the file is as long as what this run wrote, and starts and ends with the bytes it wrote, as each
   * of its batches does.
   */
  #holdsWhatWasWritten(): boolean {
    let fd: number | undefined;
    try {
      fd = openSync(this.file, "r");
      if (fstatSync(fd).size !== this.#base + this.#written) return false;
      const at = (length: number, position: number) => {
        const buffer = Buffer.alloc(length);
        return buffer.subarray(0, readSync(fd!, buffer, 0, length, this.#base + position));
      };
      const tail = Buffer.concat(this.#lastBatches).subarray(-KEPT_BYTES);
      return (
        at(this.#head.length, 0).equals(this.#head) &&
        at(tail.length, this.#written - tail.length).equals(tail) &&
        this.#batchEnds.every(({ at: end, bytes }) => at(bytes.length, end).equals(bytes))
      );
    } catch {
      // Not readable now (its mode changed): not known, not claimed; its write errors were checked above.
      return true;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** How the file at the report's path is no longer the one the run wrote, if it is not. */
  #changed(): string | undefined {
    if (this.#opened === undefined) return undefined;
    let now: Stats | undefined;
    try {
      now = statSync(this.file, { throwIfNoEntry: false });
    } catch {
      // A folder on its path replaced by a file (ENOTDIR): no name leads to the report either.
      return "removed";
    }
    if (now === undefined) return "removed";
    return now.dev !== this.#opened.dev || now.ino !== this.#opened.ino ? "replaced" : undefined;
  }

  /** Closes the file without a summary line (the import threw): readers see a report that did not end. */
  abandon(): void {
    this.start();
    this.#flush();
    const stream = this.#stream;
    // The run's own stdout is not ended: the lines on their way reach it before the process exits.
    if (stream === this.#through) return;
    // Once the lines still on their way are in the file (or failed): another run may take it from then on.
    if (stream === undefined || stream.destroyed) this.#lock?.release();
    else stream.end(() => this.#lock?.release());
  }

  /**
   * Resolves on `event`, an error, or the file's end, whichever comes first, leaving no listener behind. A
   * stream that was ended emits no more `drain`: a reader waiting for room when the run ended the report
   * (an abort) would otherwise wait for ever, and never close its input.
   */
  #either(event: "drain" | "finish"): Promise<void> {
    const stream = this.#stream;
    if (this.#failure !== undefined || stream === undefined) return Promise.resolve();
    const events = [event, "finish", "close", "error"] as const;
    return new Promise((resolve) => {
      const done = () => {
        for (const name of events) stream.off(name, done);
        resolve();
      };
      for (const name of events) stream.on(name, done);
    });
  }

  #add(text: string): void {
    // After a write error nothing reaches the file: lines kept for it would only pile up in memory.
    if (this.#failure !== undefined) return;
    this.#pending += text;
    if (this.#pending.length >= BATCH_CHARS) this.#flush();
  }

  #flush(): void {
    // Before the run began, lines wait here: the header, and nothing else.
    if (this.#pending === "" || this.#failure !== undefined || this.#stream === undefined) return;
    const bytes = Buffer.from(this.#pending);
    this.#pending = "";
    this.#written += bytes.length;
    if (this.#head.length < KEPT_BYTES)
      this.#head = Buffer.concat([this.#head, bytes.subarray(0, KEPT_BYTES - this.#head.length)]);
    this.#lastBatches = [...this.#lastBatches.slice(-1), bytes];
    // A copy: a slice would keep the whole batch in memory.
    const end = Buffer.from(bytes.subarray(-BATCH_END_BYTES));
    this.#batchEnds.push({ at: this.#written - end.length, bytes: end });
    if (this.#stream === this.#through)
      this.#lastWrite = writeTo(this.#stream, bytes, this.#failed);
    else this.#stream.write(bytes);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined)
      throw new Error(`cannot write the report ${this.file}: ${codeOf(this.#failure)}`);
  }
}

/** Writes `chunk` to `stream`; resolves once it is written, or failed (`failed` is told why). */
export function writeTo(
  stream: Writable,
  chunk: string | Buffer,
  failed: (error: Error) => void,
): Promise<void> {
  return new Promise((resolve) =>
    stream.write(chunk, (error) => {
      if (error !== undefined && error !== null) failed(error);
      resolve();
    }),
  );
}

/**
 * Resolves once `written` ({@link writeTo}) has, or `stream` failed or closed before it: never waits for ever
 * on a stream that will write no more.
 */
export function untilWritten(
  stream: Writable,
  written: Promise<void>,
  failed: (error: Error) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const done = (error?: Error) => {
      stream.off("error", done);
      stream.off("close", closed);
      if (error !== undefined) failed(error);
      resolve();
    };
    const closed = () => done(new Error("the stream was closed"));
    stream.on("error", done);
    stream.on("close", closed);
    void written.then(() => done());
  });
}

/**
 * Checks that a report `file` can be written, creating it when it does not exist and leaving an earlier one
 * as it is (opened to append, unless it is a FIFO); says whether it created it.
 * @throws ConfigError naming the file when it cannot be opened for writing, or is an import's journal: the
 *   command line's mistake (exit 2), for an import and the demo alike.
 */
export async function checkWritable(file: string): Promise<boolean> {
  try {
    await (await open(file, "wx")).close();
    return true;
  } catch (error) {
    if (errorCode(error) !== "EEXIST") {
      const why = missingFolder(error, file) ?? codeOf(error);
      throw new ConfigError(`cannot write the report ${file}: ${why}`, { cause: error });
    }
  }
  let regular: boolean;
  try {
    const stats = await stat(file);
    regular = stats.isFile();
    // A pipe's reader takes the close of a probe for the report's end and goes: the report, opened next,
    // would wait for a reader forever. A FIFO is checked without opening it.
    if (stats.isFIFO()) await access(file, constants.W_OK);
    else await (await open(file, "a")).close();
  } catch (error) {
    throw new ConfigError(`cannot write the report ${file}: ${codeOf(error)}`, { cause: error });
  }
  // --report and --journal swapped by mistake: the journal of an interrupted run holds the idempotency
  // keys and job ids of the chunks it left out, without which a resume sends them again.
  if (regular && isJournalHeader(await firstLine(file)))
    throw new ConfigError(
      `cannot write the report ${file}: it is an import's journal, which a report would overwrite; ` +
        "give --report a file of its own",
    );
  return false;
}

/**
 * For a report `file` that is a pipe (a FIFO), a descriptor to write it through {@link pipeStream}; undefined
 * for any other file. Opened without waiting (O_NONBLOCK): opening a pipe to write otherwise waits for a
 * reader, out of reach of a stop signal (the open is pending in the thread pool), so one no process reads is
 * refused at once. This descriptor is the one written: a second open, to write the pipe blocking, would wait
 * for ever were its reader to go between the two.
 * @throws ConfigError naming `--report` when no process reads the pipe, or naming the file when it cannot be
 *   opened for writing.
 */
export async function openReportPipe(file: string): Promise<number | undefined> {
  try {
    if (!(await stat(file)).isFIFO()) return undefined;
    return openSync(file, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === "ENXIO")
      throw new ConfigError(
        `--report ${file} is a named pipe (FIFO) that no process reads, which the run would wait for ` +
          `before it could write the report: start its reader first (cat ${file} > report.ndjson &), ` +
          "or give --report a file",
        { cause: error },
      );
    throw new ConfigError(`cannot write the report ${file}: ${codeOf(error)}`, { cause: error });
  }
}

/**
 * A stream writing the pipe descriptor `fd` ({@link openReportPipe}), which it closes at its end: libuv's, as
 * process.stdout's on a pipe, which waits for room while the reader lags, where the descriptor's own writes
 * (it is non-blocking) would fail with EAGAIN.
 */
export function pipeStream(fd: number): Writable {
  return new Socket({ fd, readable: false, writable: true });
}

/**
 * The first line of `file` but for blank ones, or what of it {@link JOURNAL_HEADER_BYTES} hold; "" when it
 * cannot be read. A journal reads past blank lines to its header (one begun in a file holding a newline).
 */
async function firstLine(file: string): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return "";
  try {
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(JOURNAL_HEADER_BYTES),
      0,
      JOURNAL_HEADER_BYTES,
      0,
    );
    const lines = buffer.toString("utf8", 0, bytesRead).split("\n");
    return lines.find((line) => line.trim() !== "") ?? "";
  } finally {
    await handle.close();
  }
}

/** Room for a journal's header line, whose longest field is the destination (a base URL and an account). */
const JOURNAL_HEADER_BYTES = 64 * 1024;

function isRegular(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** A file error's code (`EACCES`), else its message. */
export function codeOf(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * How far from the end {@link readReportSummary} looks for the summary line at first (it looks further if
 * need be).
 */
const TAIL_BYTES = 64 * 1024;

/**
 * The summary line of a report file, read from the file's end (the outcomes before it are not read), or
 * undefined when the file has none: the run that wrote it did not end.
 */
export async function readReportSummary(file: string): Promise<ReportSummary | undefined> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    for (let tail = Math.min(size, TAIL_BYTES); ; tail = Math.min(size, tail * 4)) {
      const buffer = Buffer.alloc(tail);
      await handle.read(buffer, 0, tail, size - tail);
      const text = buffer.toString("utf8").replace(/\n$/, "");
      const start = text.lastIndexOf("\n");
      if (start !== -1 || tail === size) {
        const last = JSON.parse(text.slice(start + 1)) as { kind?: unknown };
        return last.kind === "summary" ? (last as ReportSummary) : undefined;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * A whole report file as an {@link ImportReport} (outcomes in input order): for tests and small reports, as
 * it holds every outcome in memory.
 *
 * @throws Error when the file has no header or no summary line.
 */
export async function readReportFile(
  file: string,
): Promise<ImportReport & { header: ReportHeader }> {
  return parseReport(await readFile(file, "utf8"), file);
}

/**
 * A report file's text as an {@link ImportReport} (outcomes in input order), as {@link readReportFile}.
 *
 * @throws Error naming `file` when the text has no header or no summary line.
 */
export function parseReport(text: string, file: string): ImportReport & { header: ReportHeader } {
  const lines = text.split("\n").filter((line) => line !== "");
  const parsed = lines.map((line) => JSON.parse(line) as { kind?: unknown });
  const header = parsed[0];
  const summary = parsed[parsed.length - 1];
  if (header?.kind !== "header" || summary?.kind !== "summary" || parsed.length < 2)
    throw new Error(`${file}: not a complete report (a header line first, a summary line last)`);
  const outcomes = parsed.slice(1, -1).map((line) => {
    if (line.kind !== "outcome") throw new Error(`${file}: a line of kind ${String(line.kind)}`);
    // An ImportReport's outcome, as the library gives it: the input's line is the report file's own.
    const { kind: _kind, line: _line, ...outcome } = line as ReportOutcomeLine;
    return outcome;
  });
  const { kind: _kind, ...report } = summary as ReportSummary;
  return {
    ...report,
    outcomes: outcomes.sort((a, b) => a.index - b.index),
    header: header as ReportHeader,
  };
}
