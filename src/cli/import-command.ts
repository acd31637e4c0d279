import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import type { CommonClientOptions } from "../core/client/options.js";
import type { ImportReport } from "../core/engine/report.js";
import { createProgressDisplay } from "./progress.js";
import { UnreadableRecord, formatOf, readRecords } from "./read-records.js";
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
  args.stdout.write(
    `dry run: ${total} records, ${total - rejected} valid, ${rejected} rejected; nothing was sent\n`,
  );
  return rejected === 0 ? EXIT.ok : EXIT.partial;
}

/** CSV rows become the vendor's records; unreadable input stays an UnreadableRecord for the validator. */
async function* asRecords(
  source: AsyncIterable<unknown>,
  fromCsvRow: ((row: Record<string, string>) => unknown) | undefined,
): AsyncGenerator<unknown> {
  let row = 0;
  for await (const raw of source) {
    row += 1;
    if (fromCsvRow === undefined || raw instanceof UnreadableRecord) {
      yield raw;
      continue;
    }
    try {
      yield fromCsvRow(raw as Record<string, string>);
    } catch (error) {
      yield new UnreadableRecord(
        `row ${row}`,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
}

function unreadable(record: UnreadableRecord) {
  return { rule: "input.parse", message: `${record.where}: ${record.problem}` };
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
