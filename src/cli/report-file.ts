import { constants, type Stats, type WriteStream } from "node:fs";
import {
  access,
  lstat,
  open,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
} from "node:fs/promises";
import path from "node:path";
import type { ImportReport, RecordOutcome } from "../core/engine/report.js";
import { VERSION } from "../core/version.js";

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
export type ReportOutcomeLine = { readonly kind: "outcome" } & RecordOutcome;

/** The last line: the report without its outcomes. A file without it is from a run that did not end. */
export type ReportSummary = { readonly kind: "summary" } & Omit<ImportReport, "outcomes">;

/** Lines are gathered to about this size before they are handed to the file. */
const BATCH_CHARS = 64 * 1024;

/**
 * Writes a report as NDJSON while the import runs: the header, one line per outcome as it is known, then the
 * summary. Memory holds at most one batch of lines plus the stream's buffer: call {@link ready} between
 * records so reading the input waits while the disk catches up.
 *
 * The lines go to a temporary file beside the report ({@link partial}, `.<name>.<pid>.partial`), which
 * replaces the report when the run ends ({@link finish}, {@link abandon}); a run refused ({@link discard})
 * leaves an earlier report as it was. A report that is not a regular file (a device, a pipe) is written
 * directly, as it cannot be replaced.
 */
export class ReportWriter {
  #pending = "";
  #failure: Error | undefined;
  #outcomes = false;
  #ended = false;
  readonly #closed: Promise<void>;

  private constructor(
    readonly file: string,
    /** The temporary file the lines go to, or undefined when they go to {@link file} itself. */
    readonly partial: string | undefined,
    /** The regular file {@link partial} replaces: {@link file} with its symbolic links followed. */
    private readonly target: string,
    private readonly stream: WriteStream,
  ) {
    stream.on("error", (error) => {
      this.#failure ??= error;
    });
    this.#closed = new Promise((resolve) => stream.once("close", resolve));
  }

  /**
   * Creates the temporary file beside `file` (or opens `file` when it is not a regular file) and writes the
   * header; an existing report is left as it is until the run ends.
   *
   * @throws Error naming the file when it cannot be written: its folder is missing or read-only, it is
   *   read-only or a directory.
   */
  static async open(
    file: string,
    header: Omit<ReportHeader, "kind" | "format" | "version" | "tool">,
  ): Promise<ReportWriter> {
    let writer: ReportWriter;
    try {
      const { target, stats } = await destination(file);
      if (stats?.isDirectory() === true)
        throw Object.assign(new Error("a directory"), { code: "EISDIR" });
      if (stats !== undefined && !stats.isFile()) {
        const handle = await open(file, "w");
        writer = new ReportWriter(file, undefined, file, handle.createWriteStream());
      } else {
        // Replacing a read-only report would bypass what its mode asks.
        if (stats !== undefined) await access(target, constants.W_OK);
        const { partial, handle } = await createPartial(target);
        writer = new ReportWriter(file, partial, target, handle.createWriteStream());
      }
    } catch (error) {
      throw new Error(`cannot write the report ${file}: ${codeOf(error)}`, { cause: error });
    }
    const line: ReportHeader = {
      kind: "header",
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      tool: `bulk-user-import ${VERSION}`,
      ...header,
    };
    writer.#line(line);
    return writer;
  }

  outcome(outcome: RecordOutcome): void {
    this.#outcomes = true;
    this.#line({ kind: "outcome", ...outcome });
  }

  /** Resolves once the file has room for more (at once when it has); rejects after a write error. */
  async ready(): Promise<void> {
    this.#throwIfFailed();
    if (!this.stream.writableNeedDrain) return;
    await this.#either("drain");
    this.#throwIfFailed();
  }

  /**
   * Writes the summary line, closes the file and puts it in the report's place. After a write error the
   * file still replaces the report, as what this run sent is in it, and this rejects.
   */
  async finish(report: ImportReport): Promise<void> {
    const { outcomes: _outcomes, ...summary } = report;
    this.#line({ kind: "summary", ...summary });
    await this.#close(true);
    await this.#replace();
    this.#throwIfFailed();
  }

  /**
   * Closes the file without a summary line (the import threw): once any record's outcome is in it, it
   * replaces the report, and readers see a report that did not end; before that, as {@link discard}.
   */
  async abandon(): Promise<void> {
    if (!this.#outcomes) return this.discard();
    await this.#close(true);
    await this.#replace();
  }

  /** The run was refused: the temporary file is removed, and an earlier report is left as it was. */
  async discard(): Promise<void> {
    this.#pending = "";
    await this.#close(false);
    // A temporary file that cannot be removed is only clutter: the refusal is what the caller must hear of.
    if (this.partial !== undefined) await rm(this.partial, { force: true }).catch(() => undefined);
  }

  async #close(flush: boolean): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    if (flush) this.#flush();
    this.stream.end();
    await this.#closed;
  }

  async #replace(): Promise<void> {
    if (this.partial === undefined) return;
    try {
      await rename(this.partial, this.target);
    } catch (error) {
      this.#failure ??= new Error(`${codeOf(error)}; this run's report is ${this.partial}`);
    }
  }

  /** Resolves on `event` or an error, whichever comes first, leaving no listener behind. */
  #either(event: "drain"): Promise<void> {
    const stream = this.stream;
    if (this.#failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        stream.off(event, done);
        stream.off("error", done);
        resolve();
      };
      stream.on(event, done);
      stream.on("error", done);
    });
  }

  #line(value: object): void {
    // After a write error nothing reaches the file: lines kept for it would only pile up in memory.
    if (this.#failure !== undefined || this.#ended) return;
    this.#pending += `${JSON.stringify(value)}\n`;
    if (this.#pending.length >= BATCH_CHARS) this.#flush();
  }

  #flush(): void {
    if (this.#pending === "" || this.#failure !== undefined) return;
    this.stream.write(this.#pending);
    this.#pending = "";
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined)
      throw new Error(`cannot write the report ${this.file}: ${codeOf(this.#failure)}`);
  }
}

/** Symbolic links followed at most this many times for a report that does not exist yet (as the OS's ELOOP). */
const MAX_LINKS = 40;

/**
 * Where the report is: the regular file a link names, so that replacing it keeps the link; the file's
 * stats when it exists.
 */
async function destination(file: string, links = 0): Promise<{ target: string; stats?: Stats }> {
  const stats = await stat(file).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw error;
  });
  if (stats !== undefined) return { target: stats.isFile() ? await realpath(file) : file, stats };
  // Not there yet: a dangling link is where the file will be created, so follow it.
  const link = await lstat(file).catch(() => undefined);
  if (link?.isSymbolicLink() === true && links < MAX_LINKS)
    return destination(path.resolve(path.dirname(file), await readlink(file)), links + 1);
  return { target: file };
}

/** Attempts at a free temporary name: another file by the same name is never overwritten. */
const PARTIAL_ATTEMPTS = 100;

/** A new file beside `target`, created exclusively: `.<name>.<pid>.partial`, or `.<name>.<pid>-<n>.partial`. */
async function createPartial(target: string) {
  const directory = path.dirname(target);
  const name = path.basename(target);
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? `${process.pid}` : `${process.pid}-${attempt}`;
    const partial = path.join(directory, `.${name}.${suffix}.partial`);
    try {
      return { partial, handle: await open(partial, "wx") };
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST" || attempt + 1 >= PARTIAL_ATTEMPTS)
        throw error;
    }
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}

/** How far from the end {@link readReportSummary} looks for the summary line at first (it looks further if need be). */
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
 * A whole report file as an {@link ImportReport} (outcomes in input order): for tests and small reports, as it
 * holds every outcome in memory.
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
    const { kind: _kind, ...outcome } = line as ReportOutcomeLine;
    return outcome;
  });
  const { kind: _kind, ...report } = summary as ReportSummary;
  return {
    ...report,
    outcomes: outcomes.sort((a, b) => a.index - b.index),
    header: header as ReportHeader,
  };
}
