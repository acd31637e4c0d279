// Shared helpers for the CLI tests: fake stdio streams that collect text, temp input files, and simulators
// served on loopback that are closed after each test.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { afterEach } from "vitest";
import { run, type Io } from "../../src/cli/run.js";
import type { Stdin } from "../../src/cli/import-command.js";
import { SIMULATOR_CREDENTIALS } from "../../src/cli/simulate-command.js";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { serveSimulator, type RunningSimulator } from "../../src/testing/serve.js";
import type { SimulatorStats, VendorSimulator } from "../../src/testing/simulator.js";
import { VENDORS } from "../../src/vendors.js";
import {
  CsvRow,
  UnreadableRecord,
  readRecords,
  type InputFormat,
} from "../../src/cli/read-records.js";
import { tempDir } from "../support/temp-dir.js";

export const CREDS = SIMULATOR_CREDENTIALS;

/**
 * Every vendor's credentials as their environment variables give them, with the values a served simulator
 * accepts: read from src/vendors.ts, so a vendor added there is given its own.
 */
export const SIMULATOR_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  VENDORS.flatMap((vendor) =>
    vendor.settings.flatMap(({ env, simulator }) =>
      simulator === undefined ? [] : [[env, simulator] as const],
    ),
  ),
);

/** Flags that make a FullStory or Userpilot import poll its jobs at once instead of after seconds. */
export const FAST_POLL = ["--poll-interval", "1ms", "--max-poll-interval", "1ms"] as const;

/** A writable that keeps everything written to it, standing in for process.stdout / stderr. */
export class CollectingStream extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    this.text += String(chunk);
    callback();
  }
}

export interface FakeIo {
  readonly io: Io;
  readonly stdout: CollectingStream;
  readonly stderr: CollectingStream;
  readonly controller: AbortController;
  /** stdout + stderr, for "never printed anywhere" checks. */
  all(): string;
}

/** What a test's CLI run is given: its environment, whether stderr is a terminal, and its stdin. */
export interface FakeIoOptions {
  env?: NodeJS.ProcessEnv;
  tty?: boolean;
  /** What `import <vendor> -` reads (see {@link stdinOf}); none given, the run would take process.stdin. */
  stdin?: Stdin;
}

export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const stdout = new CollectingStream(false);
  const stderr = new CollectingStream(options.tty ?? false);
  const controller = new AbortController();
  return {
    io: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      env: options.env ?? {},
      signal: controller.signal,
      ...(options.stdin !== undefined && { stdin: options.stdin }),
    },
    stdout,
    stderr,
    controller,
    all: () => stdout.text + stderr.text,
  };
}

/** Runs the CLI with fake stdio; returns the exit code and the collected output. */
export async function cli(argv: readonly string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await run(argv, fake.io);
  return { code, stdout: fake.stdout.text, stderr: fake.stderr.text, all: fake.all() };
}

/**
 * A stdin that gives `text` (a Buffer's bytes as they are) in chunks of `chunkBytes`, as a pipe hands out
 * what was written so far, and ends; a terminal's when `tty`.
 */
export function stdinOf(
  text: string | Buffer,
  options: { tty?: boolean; chunkBytes?: number } = {},
): Stdin {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  const size = options.chunkBytes ?? 64 * 1024;
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
  return Object.assign(Readable.from(chunks, { objectMode: false }), {
    isTTY: options.tty ?? false,
  });
}

/** A temp dir for this test file, removed after it. */
export function useTempDir(prefix = "bui-cli-"): (name: string, content?: string) => string {
  const dir = tempDir(prefix);
  return (name, content) => {
    const file = path.join(dir, name);
    if (content !== undefined) writeFileSync(file, content);
    return file;
  };
}

/** Serves simulators on 127.0.0.1 and closes them after each test. */
export function useServedSimulators(): (sim: VendorSimulator) => Promise<RunningSimulator> {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  return async (sim) => {
    const served = await serveSimulator(sim);
    running.push(served);
    return served;
  };
}

/**
 * A FullStory simulator whose jobs end at their first poll, served for the current test, and the flags that
 * import into it.
 */
export async function servedFullStory(
  serve: (sim: VendorSimulator) => Promise<RunningSimulator>,
): Promise<{ sim: ReturnType<typeof createFullStorySimulator>; base: string[] }> {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  return { sim, base: ["--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL] };
}

export const ndjson = (records: readonly unknown[]) =>
  records.map((r) => JSON.stringify(r)).join("\n") + "\n";

/**
 * A Userpilot simulator clock that jumps an hour per reading, so a job has ended by its first status poll,
 * starting at the wall clock (less `behindMs`, for a Userpilot whose clock is behind ours) as the clock is
 * made. The adapter stamps each send with the wall clock and takes for a lost answer's job one that started
 * after the send (less `clockSkewMs`, 10 s): from a fixed date, every job would start months before the sends
 * once the wall clock passed it, and a lost-answer test pass or fail by the date it runs on.
 */
export function steppingClock(behindMs = 0): { now: () => number; stepMs: number } {
  let t = Date.now() - behindMs;
  return { now: () => (t += 3_600_000), stepMs: 1 };
}

/** Sum of a simulator's requests whose `METHOD /path` starts with `prefix`. */
export function requestsTo(sim: VendorSimulator, prefix: string): number {
  return Object.entries(sim.stats().requests)
    .filter(([name]) => name.startsWith(prefix))
    .reduce((n, [, count]) => n + count, 0);
}

export const totalRequests = (sim: VendorSimulator) =>
  Object.values(sim.stats().requests).reduce((n, c) => n + c, 0);

export type { ImportReport };

// Record builders: valid, uniquely keyed records per vendor.
export const fullStoryUsers = (n: number, prefix = "fs") =>
  Array.from({ length: n }, (_, i) => ({
    uid: `${prefix}-${i}`,
    email: `${prefix}.${i}@example.com`,
    display_name: `User ${i}`,
    properties: { plan: i % 2 === 0 ? "pro" : "free", seats: i },
  }));

export const slashIdPersons = (n: number, prefix = "sid") =>
  Array.from({ length: n }, (_, i) => ({
    emails: [`${prefix}.${i}@example.com`],
    region: "europe-belgium",
  }));

/** FullStory's flags for the simulator at `url`, jobs polled at once, then `more`. */
export const fullStoryFlags = (url: string, ...more: string[]) => [
  "--base-url",
  url,
  "--api-key",
  CREDS.apiKey,
  ...FAST_POLL,
  ...more,
];

/** A Propeller import's flags for the simulator at `url`, and `more`. */
export const propellerFlags = (url: string, ...more: string[]) => [
  "--base-url",
  url,
  "--client-id",
  CREDS.clientId,
  "--client-secret",
  CREDS.clientSecret,
  ...more,
];

export const propellerUsers = (n: number, prefix = "pp") =>
  Array.from({ length: n }, (_, i) => ({
    source: "crm",
    sourceId: `${prefix}-${i}`,
    email: `${prefix}.${i}@example.com`,
    firstName: "Ada",
  }));

export const userpilotUsers = (n: number, prefix = "up") =>
  Array.from({ length: n }, (_, i) => ({
    user_id: `${prefix}-${i}`,
    metadata: { plan: "pro", seats: i },
  }));

/** Each vendor's credential flags, with the values a served simulator accepts. */
export const CREDENTIAL_FLAGS = {
  fullstory: ["--api-key", CREDS.apiKey],
  slashid: ["--api-key", CREDS.apiKey, "--org-id", CREDS.orgId],
  propeller: ["--client-id", CREDS.clientId, "--client-secret", CREDS.clientSecret],
  userpilot: ["--api-key", CREDS.apiKey],
} as const;

/** Each vendor with `n` valid records of its own and its {@link CREDENTIAL_FLAGS}. */
export const everyVendor = (n: number) =>
  [
    { vendor: "fullstory", records: fullStoryUsers(n), flags: CREDENTIAL_FLAGS.fullstory },
    { vendor: "slashid", records: slashIdPersons(n), flags: CREDENTIAL_FLAGS.slashid },
    { vendor: "propeller", records: propellerUsers(n), flags: CREDENTIAL_FLAGS.propeller },
    { vendor: "userpilot", records: userpilotUsers(n), flags: CREDENTIAL_FLAGS.userpilot },
  ] as const;

/** What the reader yields for `path`, as plain objects: a row's line and cells, a rejection's fields. */
export async function readPlain(path: string, format: InputFormat): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const record of readRecords(path, format))
    out.push(
      record instanceof CsvRow
        ? { line: record.line, ...record.cells }
        : record instanceof UnreadableRecord
          ? { where: record.where, rule: record.rule, problem: record.problem }
          : record,
    );
  return out;
}

/**
 * The records read from the JSON array file at `path` until it broke, and the message of the error that ended
 * the reading; a file read to its end fails the test.
 */
export async function readJsonUntilBreak(path: string): Promise<[unknown[], string]> {
  const records: unknown[] = [];
  try {
    for await (const record of readRecords(path, "json")) records.push(record);
  } catch (error) {
    return [records, (error as Error).message];
  }
  throw new Error("read to its end");
}

/**
 * `simulate …` started in the background, once it prints the URL it listens on: that URL, the import line it
 * prints (`hint`), and the run, which ends when `fake.controller` aborts. Throws (the run stopped) when it
 * ends or waits 2 s without a URL.
 */
export async function simulate(
  argv: readonly string[],
): Promise<{ fake: FakeIo; url: string; hint: string; done: Promise<number> }> {
  const fake = fakeIo();
  const done = run(argv, fake.io);
  let settled = false;
  void done.finally(() => (settled = true));
  const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/;
  for (let i = 0; i < 400 && !settled && !listening.test(fake.stdout.text); i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const url = listening.exec(fake.stdout.text)?.[1];
  if (url === undefined) {
    fake.controller.abort();
    throw new Error(`simulate printed no URL: ${fake.all()}`);
  }
  const hint = /import into it: (.*)\n/.exec(fake.stdout.text)?.[1] ?? "";
  return { fake, url, hint, done };
}

/** The stats a stopped `simulate` printed last, as JSON. */
export const printedStats = (fake: FakeIo) =>
  JSON.parse(fake.stdout.text.trimEnd().split("\n").at(-1) ?? "{}") as SimulatorStats;
