import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import type { CommonClientOptions } from "../core/client/options.js";
import type { ImportReport } from "../core/engine/report.js";
import { createProgressDisplay } from "./progress.js";
import {
  CsvRow,
  UnreadableRecord,
  forbiddenHeader,
  formatOf,
  readCsvHeader,
  readRecords,
} from "./read-records.js";
import { formatSummary } from "./summary.js";
import { ConfigError, VENDORS, type Credentials, type VendorBinding } from "./vendors.js";

export interface ImportFlags {
  vendor: string;
  file: string;
  flags: Record<string, string | boolean | undefined>;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal: AbortSignal;
}

/** Exit codes: 0 all imported, 1 some failed or rejected, 2 usage or configuration, 3 could not run. */
export const EXIT = { ok: 0, partial: 1, usage: 2, couldNotRun: 3 } as const;

export async function importCommand(args: ImportFlags): Promise<number> {
  const vendor = VENDORS[args.vendor as keyof typeof VENDORS] as VendorBinding | undefined;
  if (vendor === undefined)
    throw new ConfigError(
      `unknown vendor ${args.vendor}: use one of ${Object.keys(VENDORS).join(", ")}`,
    );
  const format = formatOf(args.file);
  if (format === undefined)
    throw new ConfigError(`${args.file}: use a .ndjson, .jsonl, .json or .csv file`);
  try {
    await access(args.file, constants.R_OK);
  } catch {
    throw new ConfigError(`cannot read ${args.file}`);
  }
  if (format === "csv") await refuseForbiddenHeader(args.file);
  const records = asRecords(
    readRecords(args.file, format),
    format === "csv" ? vendor.fromCsvRow : undefined,
  );

  if (args.flags["dry-run"] === true) return dryRun(vendor, records, args);

  const credentials = credentialsFrom(args.flags, args.env);
  const common: CommonClientOptions = {
    ...(typeof args.flags["base-url"] === "string" && { baseUrl: args.flags["base-url"] }),
    signal: args.signal,
    userAgent: "bulk-user-import-cli",
  };
  const progress = createProgressDisplay(args.stderr, `${vendor.name} import`);
  const report = await vendor.run(credentials, common, records, {
    signal: args.signal,
    onProgress: progress.update,
    precheck: (record: unknown) =>
      record instanceof UnreadableRecord ? unreadable(record) : undefined,
    ...numberFlag(args.flags, "concurrency"),
    ...numberFlag(args.flags, "chunk-size", "chunkRecords"),
    ...numberFlag(args.flags, "chunk-attempts", "chunkAttempts"),
    ...(typeof args.flags["journal"] === "string" && { journal: args.flags["journal"] }),
  });
  progress.done();
  if (typeof args.flags["report"] === "string") {
    await writeFile(args.flags["report"], `${JSON.stringify(report, null, 2)}\n`);
  }
  args.stdout.write(formatSummary(report));
  if (report.inputError !== undefined)
    args.stderr.write(`bulk-user-import: ${report.inputError}\n`);
  return exitCodeOf(report);
}

export function exitCodeOf(report: ImportReport): number {
  if (report.fatal !== undefined) return EXIT.couldNotRun;
  const unreachable =
    report.imported === 0 &&
    report.failed > 0 &&
    report.outcomes.every((o) => o.outcome !== "failed" || ["network", "timeout"].includes(o.code));
  if (unreachable) return EXIT.couldNotRun;
  const complete = !report.aborted && report.inputError === undefined;
  return report.failed + report.rejected === 0 && complete ? EXIT.ok : EXIT.partial;
}

async function dryRun(
  vendor: VendorBinding,
  records: AsyncIterable<unknown>,
  args: ImportFlags,
): Promise<number> {
  let total = 0;
  let rejected = 0;
  let broken: string | undefined;
  try {
    for await (const record of records) {
      const index = total++;
      const problems =
        record instanceof UnreadableRecord ? [unreadable(record)] : vendor.validate(record);
      if (problems.length === 0) continue;
      rejected += 1;
      const key = vendor.keyOf(record, index);
      for (const p of problems)
        args.stdout.write(`record ${index} (${key}): [${p.rule}] ${p.message}\n`);
    }
  } catch (error) {
    // As in an import: broken input ends the reading, and every record read before it is still reported.
    broken = error instanceof Error ? error.message : String(error);
  }
  args.stdout.write(
    `dry run: ${total} records, ${total - rejected} valid, ${rejected} rejected; nothing was sent\n`,
  );
  if (broken !== undefined) args.stderr.write(`bulk-user-import: ${broken}\n`);
  return rejected === 0 && broken === undefined ? EXIT.ok : EXIT.partial;
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
): AsyncGenerator<unknown> {
  for await (const raw of source) {
    yield fromCsvRow !== undefined && raw instanceof CsvRow ? recordOfRow(raw, fromCsvRow) : raw;
  }
}

function recordOfRow(row: CsvRow, fromCsvRow: (row: Record<string, string>) => unknown): unknown {
  try {
    return fromCsvRow(row.cells);
  } catch (error) {
    return new UnreadableRecord(
      `line ${row.line}`,
      error instanceof Error ? error.message : String(error),
    );
  }
}

function unreadable(record: UnreadableRecord) {
  return { rule: record.rule, message: `${record.where}: ${record.problem}` };
}

function credentialsFrom(flags: ImportFlags["flags"], env: NodeJS.ProcessEnv): Credentials {
  const get = (flag: string, name: string) => {
    const value = flags[flag];
    return typeof value === "string" && value !== "" ? value : env[name] || undefined;
  };
  return {
    get,
    require: (flag, name) => {
      const value = get(flag, name);
      if (value === undefined)
        throw new ConfigError(`missing credential: pass --${flag} or set ${name}`);
      return value;
    },
  };
}

function numberFlag(
  flags: ImportFlags["flags"],
  flag: string,
  option = flag,
): Record<string, number> {
  const value = flags[flag];
  if (value === undefined) return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`--${flag} takes a whole number ≥ 1, not ${String(value)}`);
  return { [option]: n };
}
