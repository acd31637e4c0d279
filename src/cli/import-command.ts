import { constants, type Stats } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  hasQueryOrFragment,
  hasUserinfo,
  isHttpUrl,
  sendsInClearText,
} from "../core/client/base-url.js";
import type { CommonClientOptions } from "../core/client/options.js";
import type { ImportAdapter, Rejection } from "../core/engine/adapter.js";
import { runImport, type ImportOptions } from "../core/engine/engine.js";
import { JournalError, lossWords } from "../core/engine/journal.js";
import { JournalLock } from "../core/engine/journal-lock.js";
import { FileLock } from "../core/file-lock.js";
import { KeyIndex } from "../core/engine/key-index.js";
import { repeatOf, repeatWarning } from "../core/engine/repeated-records.js";
import type { ImportReport } from "../core/engine/report.js";
import { errorCode } from "../core/errors/error-code.js";
import { durationFlag, formatFlag, wholeFlag, type Flags } from "./flag-values.js";
import { ProblemSample } from "./problem-sample.js";
import { createProgressDisplay } from "./progress.js";
import {
  CsvRow,
  UNNAMED_COLUMN,
  UnreadableRecord,
  forbiddenHeader,
  formatOf,
  readCsvHeader,
  readRecords,
  recordFromCsvRow,
  spreadsheetValue,
  type ReadCounter,
} from "./read-records.js";
import { RecordLines } from "./record-lines.js";
import { ReportWriter } from "./report-file.js";
import { reportOnStderr, reportTarget } from "./report-target.js";
import { quotedFile, quotedName } from "./run-together.js";
import { refuseSameFiles, type NamedFile } from "./same-file.js";
import { formatSummary, refusedCredentials } from "./summary.js";
import { forTerminal } from "./terminal-text.js";
import { untilAborted } from "./until-aborted.js";
import { pipedAgain } from "./piped-again.js";
import { namedSecretsScrub, readingErrorScrub, scrubbedOutcome } from "./named-secrets.js";
import { CellError, type VendorModule } from "../vendor-module.js";
import {
  ConfigError,
  VENDOR_NAMES,
  VENDORS,
  refuseOtherVendorsFlags,
  givenSecrets,
  settingsFromFlags,
  vendorNamed,
  type JobTuning,
} from "./vendors.js";

export interface ImportFlags {
  vendor: string;
  /** The input file, or `-` for {@link stdin}. */
  file: string;
  flags: Record<string, string | boolean | undefined>;
  /** Taken only for `-`: process.stdin is made when first used, a handle a run of a file has no use for. */
  stdin: () => Stdin;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal: AbortSignal;
  /** Takes the secrets the CLI was given out of a text it prints or writes to the report. */
  scrub: (text: string) => string;
}

/**
 * Exit codes: 0 all imported, 1 some failed or rejected or the run was stopped (or the report file could not
 * be written to its end), 2 usage or configuration, a broken input or a journal the run cannot use, 3 could
 * not run (see {@link exitCodeOf}).
 */
export const EXIT = { ok: 0, partial: 1, usage: 2, couldNotRun: 3 } as const;

/** The stream `import <vendor> -` reads: process.stdin, or a test's. */
export type Stdin = Readable & { readonly isTTY?: boolean; readonly fd?: number };

/**
 * How the report's header, the summary and the reading's errors name stdin (`import <vendor> -`): `-` alone
 * would read as a broken message (`-: line 3 …`).
 */
export const STDIN_NAME = "(stdin)";

export async function importCommand(args: ImportFlags): Promise<number> {
  const stdin = args.file === "-" ? args.stdin() : undefined;
  try {
    return await importInput(args, stdin);
  } finally {
    // Whatever the run read of it: after a Ctrl-C, a producer that stalls would keep the process alive, the
    // summary printed, until it wrote again or ended.
    stdin?.destroy();
  }
}

async function importInput(args: ImportFlags, stdin: Stdin | undefined): Promise<number> {
  const vendor = vendorNamed(args.vendor);
  if (vendor === undefined)
    throw new ConfigError(
      `unknown vendor ${quotedName(args.vendor)}: use one of ${VENDOR_NAMES.join(", ")}`,
    );
  const fromStdin = stdin !== undefined;
  const format = formatFlag(args.flags) ?? (fromStdin ? undefined : formatOf(args.file));
  if (format === undefined)
    throw new ConfigError(
      fromStdin
        ? "- reads the users from stdin, whose format no name tells: give --format ndjson, json or csv"
        : `${quotedFile(args.file)}: use a .ndjson, .jsonl, .json or .csv file, or state its format with --format`,
    );
  // A terminal would wait for users typed in, unprompted, which looks like a run that hangs.
  if (stdin?.isTTY === true)
    throw new ConfigError(
      "- reads the users from stdin, but no input is piped to it (it is a terminal): pipe them in " +
        "(… | bulk-user-import import <vendor> - --format ndjson), or name a file",
    );
  const input = fromStdin ? STDIN_NAME : args.file;
  const { size, regular } = fromStdin ? { size: 0, regular: false } : await inputStats(args.file);
  const reportFile = typeof args.flags["report"] === "string" ? args.flags["report"] : undefined;
  const target =
    reportFile === undefined ? undefined : reportTarget(reportFile, args.stdout, args.stderr);
  await refuseSameFiles(filesNamed(args, stdin, target === "file"));
  // Only a regular file can be read twice: a look at a named pipe's header would take rows the reading after
  // it never sees. The reader refuses such a header as well, before any row (exit 2, nothing sent).
  if (format === "csv" && regular) await refuseForbiddenHeader(args.file);
  const read: ReadCounter = { bytes: 0 };
  let readToEnd = false;
  const records = asRecords(
    readRecords(
      input,
      format,
      read,
      stdin === undefined ? undefined : () => stdin,
      vendor.fromCsvRow === undefined,
    ),
    format === "csv" ? (vendor.fromCsvRow ?? csvRecordsOf(vendor.csvFields)) : undefined,
    () => {
      readToEnd = true;
    },
  );

  const dry = args.flags["dry-run"] === true;
  const { adapter, options } = configure(vendor, args, dry);
  const baseUrl = args.flags["base-url"];
  // Not refused: a plain-http proxy on a trusted network is a real setup. A dry run says it as well, since it
  // tells what the import would do.
  if (typeof baseUrl === "string" && sendsInClearText(baseUrl))
    args.stderr.write(
      `bulk-user-import: warning: --base-url is plain http to ${forTerminal(args.scrub(new URL(baseUrl).host))}: ` +
        `the vendor's credentials would cross the network unencrypted; use https unless the network is trusted\n`,
    );
  if (dry) {
    // A dry run sends nothing, so it has no outcomes to report: an empty or partial report file would pass
    // for an import's.
    if (args.flags["report"] !== undefined)
      throw new ConfigError(
        "--report writes an import's outcomes, and a dry run has none; drop --report, or --dry-run",
      );
    // The statement is checked against the journal, which a dry run does not open (nor would it have the new
    // credential whose account the journal is checked for: it needs none). Taken without a word, the dry run
    // would pass for a check that the resume is accepted. The value is not repeated: it may be a credential.
    if (args.flags["journal-account-was"] !== undefined)
      throw new ConfigError(
        "--journal-account-was is checked against the journal, which a dry run does not open; " +
          "drop --journal-account-was, or --dry-run",
      );
    return dryRun(adapter, records, args);
  }

  const { flags } = args;
  let writer: ReportWriter | undefined;
  if (reportFile !== undefined) {
    if (target === "stderr")
      throw reportOnStderr(
        reportFile,
        args.stdout,
        args.stderr,
        ", or /dev/stdout (the summary then goes to stderr)",
      );
    writer = await ReportWriter.open(
      reportFile,
      {
        vendor: vendor.name,
        input: args.scrub(input),
        startedAt: new Date().toISOString(),
      },
      // A second run given the same file is refused before it sends anything. The run's stdout is the
      // shell's to share, and is written after what it holds (the summary then goes to stderr).
      {
        lock: target === "file",
        stdout: target === "stdout" ? args.stdout : undefined,
      },
    );
  }
  const names = [
    args.file,
    reportFile,
    typeof flags["journal"] === "string" ? flags["journal"] : undefined,
  ];
  const ownSecrets = namedSecretsScrub(givenSecrets(flags, args.env), names);
  const sample = new ProblemSample();
  const progress = createProgressDisplay(args.stderr, `${vendor.name} import`, 5000, {
    // A pipe's size says nothing of what is still to come: its records read are all that is known.
    readFraction: () =>
      !regular ? (readToEnd ? 1 : undefined) : size === 0 ? 1 : Math.min(1, read.bytes / size),
  });
  let report: ImportReport;
  let journalStop: JournalError | undefined;
  let reportStoppedReading = false;
  const lines = new RecordLines(read);
  const source = lines.numbered(
    writer === undefined
      ? records
      : paced(records, writer, () => {
          reportStoppedReading = true;
        }),
  );
  try {
    report = await runImport(adapter, source, {
      signal: args.signal,
      onProgress: progress.update,
      // Outcomes go to the report file and the sample as they are known; none are kept for the end.
      keepOutcomes: "none",
      onOutcome: (given) => {
        const outcome = ownSecrets === undefined ? given : scrubbedOutcome(given, ownSecrets);
        sample.add(outcome);
        const line = lines.take(outcome.index);
        writer?.outcome(outcome, line);
      },
      precheck: (record: unknown) =>
        record instanceof UnreadableRecord ? unreadable(record) : undefined,
      ...options,
    });
  } catch (error) {
    // A journal that stopped the run after it sent chunks: their users are at the vendor, so the report file
    // and the summary say what became of them, and the error follows.
    if (error instanceof JournalError && error.report !== undefined) {
      report = error.report;
      journalStop = error;
    } else {
      // Refused before it sent anything (a journal of another run): the earlier report stays as it was.
      if (error instanceof JournalError) writer?.withdraw();
      else writer?.abandon();
      throw error;
    }
  } finally {
    // However the run ends: a bar left mid-line on a terminal would have the error printed on its line.
    progress.done();
  }
  if (reportStoppedReading) {
    // Not an input that broke off: the report's error says why the reading stopped.
    const { inputError: _, ...rest } = report;
    report = { ...rest, aborted: true };
  }
  // The reading's error names the file, whose name may hold a secret given (a line run together), and may
  // quote the input (a CSV header): see readingErrorScrub.
  const readingError = readingErrorScrub(givenSecrets(flags, args.env), names);
  if (report.inputError !== undefined && readingError !== undefined)
    report = { ...report, inputError: readingError(report.inputError) };
  // A fatal error may name a file too (a journal removed mid-run), as the reasons quoting it do.
  if (report.fatal !== undefined && ownSecrets !== undefined)
    report = { ...report, fatal: ownSecrets(report.fatal) };
  const reportError = await finishReport(writer, report);
  // The users are at the vendor whatever became of the report file: the summary says what happened to them.
  const shownReport = reportFile === undefined ? undefined : args.scrub(reportFile);
  // Written to the report's own file, the summary would land amid the report's lines (or, from stdout's own
  // offset, over its first ones).
  const out = target === "stdout" ? args.stderr : args.stdout;
  out.write(formatSummary({ ...report, outcomes: sample.outcomes() }, 10, shownReport, vendor));
  // The same journal would stop a re-run alike: the error says what to do instead.
  const resumes = journalStop === undefined ? howItResumes(report) : undefined;
  const journal = flags["journal"];
  // Removed or replaced while the run used it (what stopped the run, maybe): "keeps what was settled" would
  // be false, and after any stop the operator is to know that a re-run sends what this run imported too. The
  // credentials are still to be fixed first.
  if (typeof journal === "string" && report.journalLost !== undefined) {
    if (resumes === "once fixed") out.write("  once that is fixed, run the command again\n");
    out.write(lostJournalHint(journal, args.scrub, report.journalLost, resumes, fromStdin));
  } else if (resumes !== undefined) out.write(resumeHint(journal, args.scrub, resumes, fromStdin));
  if (journalStop !== undefined)
    args.stderr.write(`bulk-user-import: ${forTerminal(args.scrub(journalStop.message))}\n`);
  if (report.inputError !== undefined)
    args.stderr.write(`bulk-user-import: ${forTerminal(report.inputError)}\n`);
  if (reportError !== undefined) {
    args.stderr.write(
      `bulk-user-import: ${forTerminal(args.scrub(reportError))}; the report file is incomplete; the summary above says what was imported\n`,
    );
  }
  // A journal the run cannot use is the command line's to fix, whatever the run sent before it.
  if (journalStop !== undefined) return EXIT.usage;
  const code = exitCodeOf(report, sample);
  return reportError !== undefined && code === EXIT.ok ? EXIT.partial : code;
}

/** The input file's size and whether it is a regular file (a named pipe can be read only once). */
async function inputStats(file: string): Promise<{ size: number; regular: boolean }> {
  let stats: Stats;
  try {
    await access(file, constants.R_OK);
    stats = await stat(file);
  } catch (error) {
    throw new ConfigError(`cannot read ${quotedFile(file)}: ${whyUnreadable(error)}`);
  }
  // A directory passes access(): reading it would fail with an EISDIR naming no file (a crash, for a CSV).
  if (stats.isDirectory())
    throw new ConfigError(`cannot read ${quotedFile(file)}: it is a directory`);
  return { size: stats.size, regular: stats.isFile() };
}

/**
 * Why an input cannot be read, in words for the common causes: a bare "cannot read" leaves a person
 * guessing.
 */
function whyUnreadable(error: unknown): string {
  const code = errorCode(error);
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a folder on its path is a file";
  return code ?? "unreadable";
}

/**
 * How a run that ended short is resumed: as it was (Ctrl-C), or once the credentials the vendor refused are
 * fixed (a key revoked mid-run: see refusedCredentials); undefined after any other stop, also one a Ctrl-C
 * followed (a fatal answer leaves the input read to its end): a journal the run could not write may be gone,
 * one written for a --base-url that redirects, or has no token endpoint (a 404, a 400 with no OAuth2 code),
 * is refused by a re-run with the right one, and a token request refused for its form (`invalid_request`,
 * `unsupported_grant_type`, `invalid_scope`) meets the same answer whatever credentials a re-run gives.
 */
export function howItResumes(
  report: Pick<ImportReport, "aborted" | "fatal" | "fatalStatus" | "fatalOAuthError">,
): "as it was" | "once fixed" | undefined {
  if (refusedCredentials(report)) return "once fixed";
  return report.aborted && report.fatal === undefined ? "as it was" : undefined;
}

/**
 * What an interrupted run leaves to do: the journal resumes it; without one, nothing does. Credentials the
 * vendor refused are to be fixed first, and the command may then differ (a new key): where the journal
 * names the account by the credential (a FullStory or Userpilot key, a Propeller client id), it refuses the
 * new one unless --journal-account-was states the account it names.
 */
function resumeHint(
  journal: string | boolean | undefined,
  scrub: (text: string) => string,
  resumes: "as it was" | "once fixed",
  fromStdin: boolean,
): string {
  if (typeof journal !== "string")
    return "  no --journal: a re-run sends every record again; pass --journal to make a run resumable\n";
  // Scrubbed before it is made safe for a terminal: a break shown as `\n` would join a short secret after it
  // to a word, where it no longer stands alone to be redacted.
  const named = forTerminal(scrub(journal));
  const piped = pipedAgain(fromStdin);
  return resumes === "once fixed"
    ? `  once that is fixed, run the command again with --journal ${named}${piped}: it keeps what was settled; ` +
        "a new credential may need --journal-account-was (the journal's refusal names the account)\n"
    : `  to resume, run the same command again${piped}: --journal ${named} keeps what was settled\n`;
}

/**
 * What a re-run with `journal` does, once the file at its path is no longer the one the run recorded in. One
 * replaced may be a copy (an editor's save), which a re-run resumes from as from the journal: it matches
 * piped records by their order, and names the account a new credential may need --journal-account-was for
 * (see resumeHint). A new journal, where one was removed, needs neither.
 */
function lostJournalHint(
  journal: string,
  scrub: (text: string) => string,
  lost: NonNullable<ImportReport["journalLost"]>,
  resumes: "as it was" | "once fixed" | undefined,
  fromStdin: boolean,
): string {
  const named = forTerminal(scrub(journal));
  if (lost === "removed")
    return `  --journal ${named} no longer exists: a re-run with it starts a new journal, which sends every record again\n`;
  const piped = fromStdin ? `${pipedAgain(true)},` : "";
  const account =
    resumes === "once fixed"
      ? " (a copy of this journal still names its account: a new credential may need --journal-account-was)"
      : "";
  return (
    `  --journal ${named} was ${lossWords("replaced")} while this run used it: a re-run with ` +
    `it${piped} reads the file now there${account}, which may hold nothing of this run: every record that file ` +
    "does not hold is sent again\n"
  );
}

/**
 * The adapter and the import's options from the command line, checked as a real run checks them, so a dry
 * run refuses the same command lines (exit 2). A dry run needs no credentials: a missing one stands in as a
 * placeholder, as its client never sends.
 */
function configure(
  vendor: VendorModule,
  args: ImportFlags,
  dry: boolean,
): { adapter: ImportAdapter<unknown, unknown>; options: ImportOptions<unknown> } {
  const { flags } = args;
  refuseOtherVendorsFlags(vendor, flags);
  const chunkRecords = wholeFlag(flags, "chunk-size");
  const concurrency = wholeFlag(flags, "concurrency");
  const chunkAttempts = wholeFlag(flags, "chunk-attempts");
  const settings = settingsFromFlags(vendor, flags, args.env);
  const adapter = vendor.createAdapter(
    vendor.createClient(
      dry ? { ...settings, require: (flag) => settings.get(flag) ?? "dry-run" } : settings,
      clientOptions(flags, args.signal),
    ),
    jobTuning(vendor, flags),
  );
  const { maxRecords, maxConcurrency } = adapter.limits;
  if (chunkRecords !== undefined && chunkRecords > maxRecords)
    throw new ConfigError(
      `--chunk-size ${chunkRecords} is above the ${vendor.name} adapter's limit of ${maxRecords} records per request`,
    );
  if (concurrency !== undefined && maxConcurrency !== undefined && concurrency > maxConcurrency)
    throw new ConfigError(
      `--concurrency ${concurrency} is above the ${vendor.name} adapter's limit of ${maxConcurrency} requests in flight`,
    );
  return {
    adapter,
    options: {
      ...(chunkRecords !== undefined && { chunkRecords }),
      ...(concurrency !== undefined && { concurrency }),
      ...(chunkAttempts !== undefined && { chunkAttempts }),
      ...(typeof flags["journal"] === "string" && { journal: flags["journal"] }),
      ...(typeof flags["journal-account-was"] === "string" && {
        journalAccountWas: flags["journal-account-was"],
      }),
    },
  };
}

/** Writes the report's summary line and closes it; the error when the file failed, at any time in the run. */
async function finishReport(
  writer: ReportWriter | undefined,
  report: ImportReport,
): Promise<string | undefined> {
  try {
    await writer?.finish(report);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The exit code of an import: 3 when it could not run (a fatal answer, or every failure without any answer
 * and nothing imported), 2 when the input broke off (a usage error: the file must be fixed), 1 when records
 * failed or were rejected or the run was aborted, else 0.
 */
export function exitCodeOf(
  report: ImportReport,
  sample: Pick<ProblemSample, "answeredFailures">,
): number {
  if (report.fatal !== undefined) return EXIT.couldNotRun;
  if (report.imported === 0 && report.failed > 0 && sample.answeredFailures === 0)
    return EXIT.couldNotRun;
  if (report.inputError !== undefined) return EXIT.usage;
  return report.failed + report.rejected === 0 && !report.aborted ? EXIT.ok : EXIT.partial;
}

/** The input and the files the run writes (the report's lock when `reportLocked`), none of them another. */
function filesNamed(
  { file, flags }: ImportFlags,
  stdin: Stdin | undefined,
  reportLocked: boolean,
): NamedFile[] {
  const files: NamedFile[] = [];
  // stdin has no path, but may be a file all the same (`< users.ndjson`), which a report given its name
  // would empty before it is read: it is compared by its descriptor, when it has one.
  if (stdin === undefined) files.push({ name: "the input", file, input: true });
  else if (stdin.fd !== undefined)
    files.push({ name: "the input", file: STDIN_NAME, fd: stdin.fd, input: true });
  for (const flag of ["report", "journal"] as const) {
    const value = flags[flag];
    if (typeof value === "string") files.push({ name: `--${flag}`, file: value });
  }
  // The run takes the journal's lock file too: a report written over it would be refused as "in use", and
  // that message tells the user to delete the file.
  const journal = flags["journal"];
  if (typeof journal === "string") {
    const file = JournalLock.fileOf(journal);
    files.push({ name: "--journal's lock file", file, changedBy: "--journal" });
  }
  const report = flags["report"];
  if (reportLocked && typeof report === "string")
    files.push({
      name: "--report's lock file",
      file: FileLock.fileOf(report),
      changedBy: "--report",
    });
  return files;
}

/**
 * The records, read only while the report file keeps up, so its lines never pile up in memory. A file that
 * fails (a full disk) ends the reading, not the import: what was read is still sent, and the summary says so.
 * It ends it as a broken input does, not as the input's end, so that with a journal a chunk it cut short
 * waits for the re-run rather than be sent unlike the whole input's.
 */
async function* paced<T>(
  records: AsyncIterable<T>,
  writer: ReportWriter,
  onReportFailed: () => void,
): AsyncGenerator<T> {
  for await (const record of records) {
    // runImport reads its first record only once its journal accepted the run.
    writer.start();
    try {
      await writer.ready();
    } catch (error) {
      onReportFailed();
      throw new Error(
        `the report file failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    yield record;
  }
}

/** The client options the flags set: `--base-url`, `--request-timeout`, `--max-retry-after`, `--retries`. */
export function clientOptions(flags: Flags, signal: AbortSignal): CommonClientOptions {
  const timeoutMs = durationFlag(flags, "request-timeout");
  const maxRetryAfterMs = durationFlag(flags, "max-retry-after");
  const maxRetries = wholeFlag(flags, "retries", 0);
  const baseUrl = flags["base-url"];
  if (typeof baseUrl === "string" && hasUserinfo(baseUrl)) {
    throw new ConfigError(
      "--base-url must not contain a user name or password (user:password@); give the vendor's credentials with their own flags",
    );
  }
  if (typeof baseUrl === "string" && !isHttpUrl(baseUrl)) {
    throw new ConfigError(
      "--base-url takes an absolute http or https URL, such as http://127.0.0.1:4010",
    );
  }
  if (typeof baseUrl === "string" && hasQueryOrFragment(baseUrl)) {
    throw new ConfigError(
      "--base-url must not contain a query or fragment (? or #): each request's path is appended to it",
    );
  }
  return {
    ...(typeof baseUrl === "string" && { baseUrl }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(maxRetryAfterMs !== undefined && { maxRetryAfterMs }),
    ...(maxRetries !== undefined && { maxRetries }),
    signal,
    userAgent: "bulk-user-import-cli",
  };
}

const JOB_FLAGS = ["poll-interval", "max-poll-interval", "job-timeout"] as const;

/**
 * How jobs are polled, from `--poll-interval`, `--max-poll-interval`, `--job-timeout` (refused for vendors
 * without jobs), and `--sole-importer` (refused for vendors that never match a job list).
 */
export function jobTuning(vendor: VendorModule, flags: Flags): JobTuning {
  const given = JOB_FLAGS.filter((flag) => flags[flag] !== undefined);
  if (given.length > 0 && !vendor.polls) {
    const polling = VENDORS.filter((v) => v.polls)
      .map((v) => v.name)
      .join(" and ");
    throw new ConfigError(
      `--${given[0]} applies to ${polling}, whose imports run as jobs; ${vendor.name} answers each request at once`,
    );
  }
  if (flags["sole-importer"] !== undefined && vendor.matchesLostJobs !== true) {
    const matching = VENDORS.filter((v) => v.matchesLostJobs === true)
      .map((v) => v.name)
      .join(" and ");
    throw new ConfigError(
      `--sole-importer applies to ${matching}, whose lost requests' jobs are found in its job list; ${vendor.name} needs no such guess`,
    );
  }
  const pollIntervalMs = durationFlag(flags, "poll-interval");
  const maxPollIntervalMs = durationFlag(flags, "max-poll-interval");
  const jobTimeoutMs = durationFlag(flags, "job-timeout");
  return {
    ...(pollIntervalMs !== undefined && { pollIntervalMs }),
    ...(maxPollIntervalMs !== undefined && { maxPollIntervalMs }),
    ...(jobTimeoutMs !== undefined && { jobTimeoutMs }),
    ...(flags["sole-importer"] === true && { soleImporter: true }),
  };
}

async function dryRun(
  adapter: ImportAdapter<unknown, unknown>,
  records: AsyncIterable<unknown>,
  args: ImportFlags,
): Promise<number> {
  let total = 0;
  let rejected = 0;
  let warned = 0;
  let broken: string | undefined;
  let stopped = false;
  // Ctrl-C stops a dry run as it stops an import: the rest of a large file, or a pipe that stalls, is not
  // waited for.
  const read = untilAborted(records, args.signal, () => {
    stopped = true;
  });
  // As in an import: a record that repeats an earlier one's user is sent with a warning that says so.
  const seenKeys = new KeyIndex();
  try {
    for await (const record of read) {
      const index = total++;
      const checked =
        record instanceof UnreadableRecord
          ? { problems: [unreadable(record)], warnings: [] }
          : asImported(adapter, record);
      const { problems } = checked;
      const key = adapter.keyOf(record, index);
      const repeat =
        checked.item === undefined
          ? undefined
          : repeatOf(seenKeys, adapter, key, checked.item, index);
      const warnings =
        repeat === undefined
          ? checked.warnings
          : [repeatWarning(adapter.vendor, repeat, key), ...checked.warnings];
      if (problems.length === 0 && warnings.length === 0) continue;
      const say = (line: string) =>
        args.stdout.write(forTerminal(`record ${index} (${key}): ${line}`) + "\n");
      if (problems.length > 0) {
        rejected += 1;
        for (const p of problems) say(`[${p.rule}] ${p.message}`);
      } else {
        // What an import would send, its outcome warning of an unconfirmed rule it may break or of a record
        // that repeats an earlier one's user.
        warned += 1;
        for (const warning of warnings) say(`warning: ${warning}`);
      }
    }
  } catch (error) {
    // As in an import: broken input ends the reading, and every record read before it is still reported.
    const message = error instanceof Error ? error.message : String(error);
    // As an import's is: no client scrubs it here, of the run's own key (a CSV header may quote it) either.
    broken =
      readingErrorScrub(givenSecrets(args.flags, args.env), [args.file])?.(message) ?? message;
  }
  const withWarnings = warned === 0 ? "" : ` (${warned} with a warning)`;
  const counts = `${total} records, ${total - rejected} valid${withWarnings}, ${rejected} rejected`;
  args.stdout.write(
    stopped
      ? `dry run stopped before the input's end: ${counts}; the rest was not checked; nothing was sent\n`
      : `dry run: ${counts}; nothing was sent\n`,
  );
  // A dry run before a resume says nothing of whether the journal takes this input (its chunk size, the
  // records an earlier run settled): an "all valid" alone reads as a resume that will go through.
  if (args.flags["journal"] !== undefined)
    args.stdout.write(
      "  --journal was not opened: only an import checks whether it fits (vendor, input, chunk size, destination)\n",
    );
  if (broken !== undefined) args.stderr.write(`bulk-user-import: ${forTerminal(broken)}\n`);
  if (broken !== undefined) return EXIT.usage;
  // As a stopped import: the input was not checked to its end, so it is not vouched for.
  return rejected === 0 && !stopped ? EXIT.ok : EXIT.partial;
}

/**
 * What an import rejects a record for, as the engine checks it: the adapter's rules, then the one request
 * limit a record can break alone, its body's bytes (Userpilot's 50 MiB), which the vendor's rules do not see.
 */
function asImported(
  adapter: ImportAdapter<unknown, unknown>,
  record: unknown,
): { problems: readonly Rejection[]; warnings: readonly string[]; item?: unknown } {
  const checked = adapter.validate(record);
  if (!checked.ok) return { problems: checked.problems, warnings: [] };
  const sent = { problems: [], warnings: checked.warnings ?? [], item: checked.item };
  const { maxBytes, framing } = adapter.limits;
  if (maxBytes === undefined || adapter.serialize === undefined) return sent;
  const bytes = (framing?.envelope ?? 0) + Buffer.byteLength(adapter.serialize(checked.item));
  if (bytes <= maxBytes) return sent;
  return {
    problems: [
      {
        rule: `${adapter.vendor}.payload_size`,
        message: `request body: ${bytes} bytes with this record alone, more than the ${maxBytes} a request may hold`,
      },
    ],
    warnings: [],
  };
}

/**
 * A header that would reach a prototype (`__proto__.baseUrl`) is a usage error, before anything is read or
 * sent: every row would carry it.
 */
async function refuseForbiddenHeader(file: string): Promise<void> {
  const header = forbiddenHeader((await readCsvHeader(file)) ?? []);
  if (header !== undefined) {
    throw new ConfigError(
      `${file}: the CSV header ${header} is refused [input.forbidden_key]: no header may name __proto__, constructor or prototype`,
    );
  }
}

/** CSV rows become the vendor's records; unreadable input stays an UnreadableRecord for the validator. */
async function* asRecords(
  source: AsyncIterable<unknown>,
  fromCsvRow: ((row: Record<string, string>) => unknown) | undefined,
  onEnd: () => void,
): AsyncGenerator<unknown> {
  for await (const raw of source) {
    yield fromCsvRow !== undefined && raw instanceof CsvRow ? recordOfRow(raw, fromCsvRow) : raw;
  }
  onEnd();
}

function csvRecordsOf(
  fields: readonly string[] | undefined,
): (row: Record<string, string>) => Record<string, unknown> {
  if (fields === undefined) return (row) => recordFromCsvRow(row);
  const known = new Set(fields);
  return (row) => recordFromCsvRow(row, known);
}

function recordOfRow(row: CsvRow, fromCsvRow: (row: Record<string, string>) => unknown): unknown {
  // Whatever a vendor makes of a row (SlashID reads its own columns), a filled cell under a column without a
  // name has no field: the row is rejected as the file's mistake, as recordFromCsvRow rejects it.
  const unnamed = row.cells[""];
  if (unnamed !== undefined && unnamed !== "")
    return new UnreadableRecord(`line ${row.line}`, UNNAMED_COLUMN, "input.unnamed_column");
  for (const [header, cell] of Object.entries(row.cells)) {
    const mangled = spreadsheetValue(header, cell);
    if (mangled !== undefined)
      return new UnreadableRecord(`line ${row.line}`, mangled, "input.spreadsheet_value");
  }
  try {
    return fromCsvRow(row.cells);
  } catch (error) {
    return new UnreadableRecord(
      `line ${row.line}`,
      error instanceof Error ? error.message : String(error),
      error instanceof CellError ? error.rule : "input.parse",
    );
  }
}

function unreadable(record: UnreadableRecord) {
  return { rule: record.rule, message: `${record.where}: ${record.problem}` };
}
