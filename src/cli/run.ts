import { parseArgs } from "node:util";
import { JournalError } from "../core/engine/journal.js";
import { SecretSet } from "../core/errors/secrets.js";
import { VERSION } from "../core/version.js";
import { demoCommand, type DemoFixtures } from "./demo-command.js";
import { wholeFlag } from "./flag-values.js";
import { EXIT, importCommand, type Stdin } from "./import-command.js";
import { simulateCommand } from "./simulate-command.js";
import { flagRunTogether, quotedName } from "./run-together.js";
import { forTerminal } from "./terminal-text.js";
import { unknownOptionMessage } from "./unknown-option.js";
import { ConfigError, VENDOR_NAMES, VENDORS, givenSecrets } from "./vendors.js";

/** What follows a usage error's message. */
export const USAGE_HINT = "(bulk-user-import --help lists every command and option)\n";

export const USAGE = `Usage:
  bulk-user-import import <vendor> <file> [options]   import users from .ndjson/.jsonl, .json or .csv
  bulk-user-import simulate <vendor> [--port N]        serve a vendor simulator on 127.0.0.1
  bulk-user-import demo [--users N] [--report FILE]     import faker users into every simulator
  bulk-user-import --version                           print the version
  bulk-user-import --help                              print this help (also -h)

Vendors: ${VENDOR_NAMES.join(", ")}

Import options:
  --base-url <url>         send to this host instead of the vendor's (a simulator, a proxy)
  --api-key <key>          FullStory, SlashID, Userpilot (or FULLSTORY_API_KEY, SLASHID_API_KEY, USERPILOT_API_KEY)
  --org-id <id>            SlashID (or SLASHID_ORG_ID)
  --client-id <id>         Propeller (or PROPELLER_CLIENT_ID)
  --client-secret <secret> Propeller (or PROPELLER_CLIENT_SECRET)
  --environment <name>     SlashID production|sandbox, Userpilot analytex|analytex-eu (or SLASHID_ENVIRONMENT,
                           USERPILOT_ENVIRONMENT)
  --format <format>        the input's format, whatever its name: ndjson (or jsonl), json or csv; needed
                           when <file> is -, which reads the users from stdin (a pipe, not a terminal)
  --dry-run                validate only; nothing is sent
  --report <file>          write the import report as it runs (NDJSON, CSV for a .csv name; see Reports)
  --journal <file>         record progress; re-run with the same journal to resume
  --journal-account-was <account>
                           where the journal's runs used another credential for the same account (rotated
                           since, or one the vendor refused, such as a key typed wrong): the account the
                           journal names (key:…, client:…, as its refusal shows it); once the vendor
                           accepts this run's credential, the journal names its account, and later runs
                           need no statement; refused with --dry-run, which opens no journal
  --concurrency <n>        requests in flight; above the adapter's limit is an error
  --chunk-size <n>         records per request; above the adapter's limit is an error
  --chunk-attempts <n>     sends of a chunk within the run after lost answers, the first included (default 5)
  --request-timeout <d>    time one request may take (default 30s)
  --retries <n>            retries of a failed request, 0 for none (default 4)
  --max-retry-after <d>    longest wait a vendor's Retry-After may ask for (default 2m)
  --poll-interval <d>      FullStory, Userpilot: first wait between job status polls (default 2s, 5s)
  --max-poll-interval <d>  FullStory, Userpilot: longest wait between polls (default 15s, 1m)
  --job-timeout <d>        FullStory, Userpilot: how long one job may run (default 1h, 6h)
  --sole-importer          Userpilot: no other process imports into the account meanwhile, so the job
                           found for a lost request is this run's, not warned as maybe another's
  Durations <d> take a unit: ms, s, m or h (500ms, 2s, 10m, 1h).

Reports (--report): NDJSON, written as the import runs: a {"kind":"header"} line, one {"kind":"outcome"}
  line per record as its outcome is known, and a {"kind":"summary"} line last (the counts; absent if the
  run did not end); index counts records from 0, line is the input line (.ndjson, .csv) the record is on.
  A name ending in .csv gets CSV: a header row, index,key,outcome,id,code,rule,reason,vendorMayHold,
  warning,line, then a row per record; a cell starting with =, +, - or @ (after blanks too)
  starts with ' (no formula runs), and one starting with ' with one more. A report another run is writing
  (its <file>.lock) is refused; --report /dev/stdout gets the report alone, the summary going to stderr.

CSV: headers are field names (dotted for nested fields); a cell is a string unless its header names a type:
  properties.seats:number, active:boolean, tags:json (or :string). SlashID reads its slashid:* columns.

Simulator options: --port N, --fault-429 R, --fault-5xx R, --fault-drop R, --fault-slow R,
  --fault-lost-answer R (a write processed, then its answer lost), --slow-ms MS, --retry-after S,
  --reject R (R: a share of requests, or of records (Userpilot: jobs), 0 to 1)

Exit codes: 0 all imported, 1 some records failed or were rejected, the report is incomplete, or the run
  was stopped (Ctrl-C, SIGTERM), 2 usage or configuration error, or a broken input file (records before it
  are imported; with --journal, those of an unfinished last chunk wait unsent for a re-run),
  3 the import could not run (credentials refused: the summary names the flags and variables they come
  from; vendor unreachable).
  demo: 0 when each simulator holds what its report says (the records that fail are those it refused on
  purpose), 1 when they disagree, its report was not written or the demo was interrupted.
`;

export interface Io {
  /** What `import <vendor> -` reads; process.stdin when not given. */
  stdin?: Stdin;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Loads the demo's faker fixtures; tests replace it to see the demo without faker installed. */
  loadDemoFixtures?: () => Promise<DemoFixtures>;
}

/** Every vendor's settings (credentials, environment) as string flags, as the vendor modules declare them. */
const SETTING_FLAGS = Object.fromEntries(
  VENDORS.flatMap((vendor) => vendor.settings).map(({ flag }) => [
    flag,
    { type: "string" } as const,
  ]),
);

export const OPTIONS = {
  ...SETTING_FLAGS,
  "base-url": { type: "string" },
  format: { type: "string" },
  "dry-run": { type: "boolean" },
  report: { type: "string" },
  journal: { type: "string" },
  "journal-account-was": { type: "string" },
  concurrency: { type: "string" },
  "chunk-size": { type: "string" },
  "chunk-attempts": { type: "string" },
  "request-timeout": { type: "string" },
  retries: { type: "string" },
  "max-retry-after": { type: "string" },
  "poll-interval": { type: "string" },
  "max-poll-interval": { type: "string" },
  "job-timeout": { type: "string" },
  "sole-importer": { type: "boolean" },
  port: { type: "string" },
  users: { type: "string" },
  "fault-429": { type: "string" },
  "fault-5xx": { type: "string" },
  "fault-drop": { type: "string" },
  "fault-slow": { type: "string" },
  "fault-lost-answer": { type: "string" },
  "slow-ms": { type: "string" },
  "retry-after": { type: "string" },
  reject: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type Flag = keyof typeof OPTIONS;

/** The CLI's flags as written on a command line: `--name`, and `-x` for those with a short form. */
const FLAG_WORDS: ReadonlySet<string> = new Set(
  Object.entries(OPTIONS).flatMap(([name, option]) => [
    `--${name}`,
    ...("short" in option ? [`-${option.short}`] : []),
  ]),
);

/** The long flags that take a value: one may be run into it (`--api-key$KEY`). */
const VALUE_FLAGS: ReadonlySet<string> = new Set(
  Object.entries(OPTIONS).flatMap(([name, option]) =>
    option.type === "string" ? [`--${name}`] : [],
  ),
);

const SIMULATOR_FLAGS: readonly Flag[] = [
  "port",
  "fault-429",
  "fault-5xx",
  "fault-drop",
  "fault-slow",
  "fault-lost-answer",
  "slow-ms",
  "retry-after",
  "reject",
];

/**
 * The flags each command reads. Another command's flag would be ignored without a word (`demo --journal`,
 * `import --port`, `simulate --api-key`), leaving the operator believing it took effect.
 */
const COMMAND_FLAGS: Readonly<Record<string, ReadonlySet<string>>> = {
  import: new Set(
    Object.keys(OPTIONS).filter(
      (flag) => !SIMULATOR_FLAGS.includes(flag as Flag) && flag !== "users",
    ),
  ),
  simulate: new Set(SIMULATOR_FLAGS),
  demo: new Set<Flag>(["users", "report"]),
};

/** The flags `command` takes; undefined for a word that is no command (`constructor` is none either). */
const commandFlags = (command: string): ReadonlySet<string> | undefined =>
  Object.hasOwn(COMMAND_FLAGS, command) ? COMMAND_FLAGS[command] : undefined;

function refuseOtherCommandsFlags(command: string, values: Record<string, unknown>): void {
  const own = commandFlags(command);
  if (own === undefined) return;
  const other = Object.keys(values).find((flag) => values[flag] !== undefined && !own.has(flag));
  if (other === undefined) return;
  const takers = Object.keys(COMMAND_FLAGS).filter((name) => COMMAND_FLAGS[name]!.has(other));
  throw new ConfigError(`--${other} is an option of ${takers.join(" and ")}, not of ${command}`);
}

const NOT_REPEATED =
  "flags run together in one argument? pass each flag as an argument of its own; the argument is not " +
  "repeated here, as it may hold a credential";

/**
 * Refuses an argument that holds another flag after a blank. Taken as it is, the rest of the line, a
 * credential with it, became a flag's value (sent as the path of --base-url, written to the journal as the
 * destination, made the name of the report file) while the run went on with the environment's key, or was
 * quoted whole by the error that refuses a vendor, a command or a file name.
 */
function refuseRunTogether(
  values: Record<string, unknown>,
  tokens: readonly { kind: string; index: number; value?: string | undefined }[],
): void {
  for (const [flag, value] of Object.entries(values)) {
    const other = typeof value === "string" ? flagRunTogether(value, FLAG_WORDS) : undefined;
    if (other !== undefined)
      throw new ConfigError(`--${flag}'s value holds ${other} after a blank (${NOT_REPEATED})`);
  }
  // Numbered as the shell numbers them ($4), flags counted: the unknown option's message counts so too.
  for (const { kind, index, value } of tokens) {
    const other = kind === "positional" ? flagRunTogether(value ?? "", FLAG_WORDS) : undefined;
    if (other !== undefined)
      throw new ConfigError(`argument ${index + 1} holds ${other} after a blank (${NOT_REPEATED})`);
  }
}

/**
 * The flags that say where the run sends or writes: the host the credentials go to, the journal a re-run
 * resumes from (and the account it is stated to name), the file a report replaces. Given twice (a script's
 * default and one typed after it), the last one was used without a word: a resume started over under another
 * journal, a key sent to the other host.
 */
const PLACE_FLAGS: ReadonlySet<string> = new Set<Flag>([
  "base-url",
  "journal",
  "journal-account-was",
  "report",
]);

/**
 * Refuses a vendor setting given twice (`--api-key A … --api-key B`): the last one would be used without a
 * word, the other one a credential the operator may have meant, of another account; and so a flag of
 * {@link PLACE_FLAGS}. Neither value is quoted.
 */
function refuseRepeatedSettings(tokens: readonly { kind: string; name?: string }[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (
      token.kind !== "option" ||
      token.name === undefined ||
      !(Object.hasOwn(SETTING_FLAGS, token.name) || PLACE_FLAGS.has(token.name))
    )
      continue;
    if (seen.has(token.name))
      throw new ConfigError(`--${token.name} is given more than once: give it once`);
    seen.add(token.name);
  }
}

/**
 * Refuses a file flag given blank (`--journal "$JOURNAL"` with `JOURNAL` unset): its error named no file
 * (`cannot write the report : ENOENT`), and did not say which flag was empty; and one given `-`. So is a
 * blank statement of a journal's account, and one given without a journal, which nothing would check
 * (neither value is quoted).
 */
function refuseBlankFiles(values: Record<string, unknown>): void {
  for (const flag of ["report", "journal"] as const) {
    const value = values[flag];
    if (typeof value === "string" && value.trim() === "")
      throw new ConfigError(`--${flag} was given blank: pass a file name or leave the flag out`);
    // Many tools read `-` as stdout; taken as a file name, it left the report in a file named `-`, unseen.
    if (value === "-")
      throw new ConfigError(
        `--${flag} - would write a file named "-"; give it a file name` +
          (flag === "report" ? ", or /dev/stdout for the report on stdout" : ""),
      );
  }
  const accountWas = values["journal-account-was"];
  if (typeof accountWas === "string" && accountWas.trim() === "")
    throw new ConfigError(
      "--journal-account-was was given blank: pass the account the journal's refusal names, or leave it out",
    );
  if (accountWas !== undefined && values["journal"] === undefined)
    throw new ConfigError(
      "--journal-account-was is given without --journal: it states the account of the journal a run resumes",
    );
}

/** Runs the CLI and returns its exit code; never exits the process itself (so it can be tested). */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  ignoreWriteErrors(io.stdout);
  ignoreWriteErrors(io.stderr);
  // What the CLI prints may quote an argument (a file name) that holds a secret it was given, the rest of a
  // command line run together after a blank: scrubbed of those, as the clients scrub their errors.
  const secrets = new SecretSet();
  secrets.add(...givenSecrets({}, io.env));
  const scrub = (text: string) => secrets.scrub(text);
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    secrets.add(...givenSecrets(values, io.env));
    refuseRepeatedSettings(tokens);
    const [command, ...rest] = positionals;
    if (values.version === true) {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (values.help === true || command === undefined || command === "help") {
      io.stdout.write(USAGE);
      return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
    }
    refuseRunTogether(values, tokens);
    refuseOtherCommandsFlags(command, values);
    refuseBlankFiles(values);
    switch (command) {
      case "import": {
        const [vendor, file, ...extra] = rest;
        if (vendor === undefined || file === undefined || extra.length > 0) {
          throw new ConfigError(
            "import takes a vendor and a file: bulk-user-import import <vendor> <file>",
          );
        }
        return await importCommand({
          vendor,
          file,
          flags: values,
          stdin: () => io.stdin ?? process.stdin,
          env: io.env,
          stdout: io.stdout,
          stderr: io.stderr,
          signal: io.signal,
          scrub,
        });
      }
      case "simulate": {
        const [vendor, ...extra] = rest;
        if (vendor === undefined || extra.length > 0)
          throw new ConfigError("simulate takes a vendor: bulk-user-import simulate <vendor>");
        return await simulateCommand(vendor, values, io.stdout, io.signal);
      }
      case "demo": {
        // `demo 5000` would otherwise run the default 2000 users. The word is not repeated: it may be the
        // rest of a line run together into one argument, a credential with it.
        if (rest.length > 0)
          throw new ConfigError("demo takes no arguments: give the number of users as --users N");
        const users = wholeFlag(values, "users") ?? 2000;
        return await demoCommand(
          users,
          io.stdout,
          io.stderr,
          typeof values.report === "string" ? values.report : undefined,
          io.loadDemoFixtures,
          io.signal,
          scrub,
        );
      }
      default:
        throw new ConfigError(`unknown command ${quotedName(command)}`);
    }
  } catch (error) {
    if (error instanceof ConfigError || isParseArgsError(error)) {
      // parseArgs's own line breaks stay (it writes several lines; an argument it quotes holds none, see
      // unknownOptionMessage, but for a short option of one character, `-\n`, which leaves nothing of the
      // argument to follow the break); ours are none, so a line break of an argument (a file name) cannot
      // print a line of its own that reads as the tool's.
      const message = scrub(
        unknownOptionMessage(error, argv, { all: FLAG_WORDS, valued: VALUE_FLAGS, commandFlags }),
      );
      const lines =
        error instanceof ConfigError
          ? forTerminal(message)
          : message.split("\n").map(forTerminal).join("\n");
      // The message alone, with where the usage is: forty lines of it after one would bury the one.
      io.stderr.write(`bulk-user-import: ${lines}\n${USAGE_HINT}`);
      return EXIT.usage;
    }
    // A journal the run cannot use is the command line's to fix (another --journal, the run's settings).
    if (error instanceof JournalError) {
      io.stderr.write(`bulk-user-import: ${forTerminal(scrub(error.message))}\n`);
      return EXIT.usage;
    }
    io.stderr.write(
      `bulk-user-import: ${forTerminal(scrub(error instanceof Error ? error.message : String(error)))}\n`,
    );
    return EXIT.couldNotRun;
  }
}

const ignoring = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader of stdout or stderr that went away (`| head -1`, a pager quit early: EPIPE) must not end the
 * import: the users are sent whether or not anyone reads the progress or the summary, and the report file,
 * the journal and the exit code still say what became of them. Without a listener the stream's error would
 * be thrown from the event loop, killing the run mid-import with its report cut short.
 */
function ignoreWriteErrors(stream: NodeJS.WriteStream): void {
  if (ignoring.has(stream)) return;
  ignoring.add(stream);
  stream.on("error", () => {});
}

function isParseArgsError(error: unknown): error is Error {
  return (
    error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")
  );
}
