// An unknown option in the CLI's words. parseArgs quotes it whole, and the whole may hold a credential no
// scrub knows yet: the rest of a line run together into one argument, or a key run into its flag.

/** The CLI's flags, as {@link unknownOptionMessage} weighs an unknown option against them. */
export interface KnownFlags {
  /** Every flag as written on a command line: `--name`, and `-x` for those with a short form. */
  readonly all: ReadonlySet<string>;
  /** The long flags that take a value. */
  readonly valued: ReadonlySet<string>;
  /** The flags (without `--`) a command takes; undefined for a word that is no command. */
  readonly commandFlags: (command: string) => ReadonlySet<string> | undefined;
}

const NOT_REPEATED = "the rest is not repeated here, as it may hold a credential";

/**
 * An unknown option in the CLI's words, with the flag it most likely meant. An argument holding several flags
 * run together (a quoted "$OPTS", one string of a CI job's argument list) is named by its first word only,
 * and one run into its value (alone, or as that first word) by the flag's start alone, or by its place on
 * the command line when no start of it is a flag's.
 */
export function unknownOptionMessage(
  error: Error,
  argv: readonly string[],
  flags: KnownFlags,
): string {
  if (!("code" in error) || error.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return error.message;
  const arg = argv.find(
    (a) =>
      a.startsWith("-") && /\s/.test(a.split("=")[0]!) && error.message.includes(a.split("=")[0]!),
  );
  const commandFlags = flags.commandFlags(argv[0] ?? "");
  if (arg !== undefined) {
    // Its first word may be a flag run into its value too (`"--api-key$KEY --dry-run"`).
    const first = arg.split(/[\s=]/)[0]!;
    return (
      runIntoValue(
        first,
        nearestFlag(first, flags.all, commandFlags),
        flags,
        commandFlags,
        argv.indexOf(arg),
      ) ??
      `unknown option ${first} followed by more words in the same argument (flags run ` +
        `together in one argument? pass each flag as an argument of its own; ${NOT_REPEATED})`
    );
  }
  const name = /^Unknown option '(.*)'\. To specify/s.exec(error.message)?.[1];
  if (name === undefined) return error.message;
  const near = nearestFlag(name, flags.all, commandFlags);
  // parseArgs names an option given a value with `=` by the part before it.
  const at = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  return (
    runIntoValue(name, near, flags, commandFlags, at) ??
    `unknown option ${name}${near === undefined ? "" : ` (did you mean ${near}?)`}`
  );
}

/**
 * The message for an unknown option `name` that is a flag taking a value run into it, naming the flag's
 * start alone, or argument `at` (an index of argv) when no start is safe to show; undefined for another, or
 * for one `near` a flag as a whole, which is that flag mistyped. A flag offered (`write --flag=<value>`, a
 * mistyped one) is one of the `command`'s when the command is known.
 */
function runIntoValue(
  name: string,
  near: string | undefined,
  flags: KnownFlags,
  command: ReadonlySet<string> | undefined,
  at: number,
): string | undefined {
  // `--api-key$KEY` with no blank or `=`: parseArgs quotes it whole, the key too, which no scrub knows yet;
  // and so a flag spelled as nearestFlag forgives (`--api_key$KEY`, `--ApiKey$KEY`). Only a flag that takes
  // a value: `--dry-runs` is a switch mistyped, which `write --dry-run=<value>` would misread.
  const fused = [...flags.valued]
    .map((flag) => ({ flag, length: looselyStartsWith(name, flag) }))
    .filter(({ length }) => length !== undefined && length < name.length && name[length] !== "-")
    .sort((a, b) => b.flag.length - a.flag.length)[0]?.flag;
  if (fused !== undefined) {
    // Another command's flag (`--users`, the demo's, in `import … --users500`) hides what follows all the
    // same, a key maybe; but it is not offered, as the did-you-mean is not: the command would refuse it next.
    if (command !== undefined && !command.has(fused.slice(2)))
      return `unknown option ${fused}… (another command's flag, run into a value? ${NOT_REPEATED})`;
    return (
      `unknown option ${fused}… (a flag run into its value? write ${fused}=<value> or ${fused} <value>; ` +
      `${NOT_REPEATED})`
    );
  }
  if (near !== undefined) return undefined;
  const mistyped = mistypedStart(name, flags, command);
  if (mistyped === undefined) {
    const start = credentialWordStart(name);
    if (start !== undefined)
      return `unknown option ${start}… (a value run into it? ${NOT_REPEATED})`;
    if (flagShaped(name)) return undefined;
    // No start of it can be shown: a key's first characters may be letters that read as words (`sk_live_`,
    // `ghp_`), run into the letters of the name the operator typed (`--authsk_live_…`). Its place is safe,
    // counted as the shell counts its arguments ($4), argv being the arguments after the program's name.
    const where = at < 0 ? "" : ` in argument ${at + 1}`;
    // The argument, not "the rest" as when a start of it is shown: none is.
    return (
      `unknown option --…${where} (a flag run into its value? write --<flag>=<value> or --<flag> <value>; ` +
      `the argument is not repeated here, as it may hold a credential)`
    );
  }
  return (
    `unknown option ${mistyped.start}… (did you mean ${mistyped.flag}, run into its value? write ` +
    `${mistyped.flag}=<value> or ${mistyped.flag} <value>; ${NOT_REPEATED})`
  );
}

const SEPARATOR = /[-_]/;

/** What an operator may guess a credential's flag is called: `--token`, `--secret`, `--fullstory-api-key`. */
const CREDENTIAL_WORD = /key|token|secret|password/i;

/**
 * The start of `name` to its first credential word, when more follows that word (`--token$TOKEN`,
 * `--fullstory-api-key$KEY`: no flag is near, yet what follows may be the credential). Words after a
 * separator (`--api-key-file`) or the word's plural (`--keys`, `--secrets-file`) are a flag's name guessed,
 * and quoted whole: a lone `s` is no credential. A start not shaped as a flag's name is none: the word is
 * then the key's letters (`--authna1.x9KeyQ…`), and the start before it the key's first characters; and so
 * is a word followed by a separator and more than words (`--auth` then `key-3ax6…`).
 */
function credentialWordStart(name: string): string | undefined {
  const word = CREDENTIAL_WORD.exec(name);
  if (word === null) return undefined;
  const end = word.index + word[0].length;
  const rest = name.slice(end);
  const start = name.slice(0, end);
  if (/^s?(?:[-_][a-z]+)*$/i.test(rest) || !flagShaped(start)) return undefined;
  // A separator, then more than words: the word is the key's own prefix (Mailgun's `key-`), not the name's.
  return SEPARATOR.test(rest[0] ?? "") ? undefined : start;
}

// A word's letters in a case words are written in: lower, upper, camelCase of humps of 3 letters or more but
// a last one (`--userId`), an acronym starting or ending it (`--XMLOutput`, `--useHTTP`). A key's letters
// mix their cases at random: 1.7% of base64url keys of 24 have no digit, and 1 in 50 of those reads so.
const WORD = /^(?:[A-Z]+|[A-Z]{0,4}[a-z]+(?:[A-Z][a-z]{2,})*(?:[A-Z][a-z]|[A-Z]{0,4}))\d{0,2}$/;

/**
 * Whether `name` is shaped as a flag's name an operator may guess, made of words: `--` then a few words of
 * letters (in a word's cases: `--dryRun`) separated by one `-` or `_`, a word maybe ending in a digit or two
 * (`--ipv6`, `--http2`) or a number (`--fault-500`). A key run into a name is not: it puts digits inside a
 * word (`--authabc123XYZ`), or `.`, `/`, `+`, `:`, `=`, a run of letters too long, or cases no word has
 * (`--pwShafy-hIIepDCu`).
 */
function flagShaped(name: string): boolean {
  // parseArgs names a short option by its one character alone, whatever the argument goes on to.
  if (!name.startsWith("--")) return true;
  const words = name.slice(2).split(SEPARATOR);
  // The bounds are a guessed name's, the tightest that hold one; a secret past them is shown nowhere.
  // 20 letters a word: English's long ones (`internationalization`), a camelCase guess
  // (`--journalAccountWas`, 17); 3% of random keys of letters and digits have no digit in their first 20.
  // Two digits end a word (`ipv6`, `utf16`): more are a PIN's or a year's (`--passSummer2024`), and three
  // a number alone. 40 in all and 6 words: a guess of our longest flag with words around it
  // (`--fullstory-journal-account-was`, 31, 4 words), where a passphrase of words (`--pw` run into
  // 1Password's or diceware's) goes past one of them.
  return (
    name.length <= 40 &&
    words.length <= 6 &&
    words.every((word) => word.length <= 20 && (WORD.test(word) || /^\d{1,3}$/.test(word)))
  );
}

/** A flag's letters alone, in lower case: `--Api_Key` and `--api-key` are both `apikey`. */
const bare = (flag: string) => flag.replace(/^-+/, "").toLowerCase().replace(/[-_]/g, "");

/** The length of the start of `name` that is a long `flag` in any case, each `-` of it also `_` or none. */
function looselyStartsWith(name: string, flag: string): number | undefined {
  if (!flag.startsWith("--")) return undefined;
  // A flag's words are letters and digits: nothing in them needs escaping in a pattern.
  const pattern = new RegExp(`^--${flag.slice(2).split("-").join("[-_]?")}`, "i");
  return pattern.exec(name)?.[0].length;
}

/**
 * The long flag a mistyped `name` most likely meant: the same but for case and separators, or 2 edits off;
 * one of the `command`'s flags when the command is known, as another's would be refused next.
 */
function nearestFlag(
  name: string,
  all: ReadonlySet<string>,
  command: ReadonlySet<string> | undefined,
): string | undefined {
  const typed = bare(name);
  let best: { flag: string; distance: number } | undefined;
  for (const flag of all) {
    if (!flag.startsWith("--") || (command !== undefined && !command.has(flag.slice(2)))) continue;
    const distance = typed === bare(flag) ? 0 : editDistance(typed, bare(flag));
    if (distance <= 2 && typed.length > 3 && (best === undefined || distance < best.distance))
      best = { flag, distance };
  }
  return best?.flag;
}

/**
 * A value flag mistyped and run into its value (`--api-kye$KEY`, `--client-secert$SECRET`): the shortest
 * start of `name` a letter or two off such a flag (two for a long one) is quoted, the rest, a key maybe, is
 * not. A name that goes on from a flag after a separator (`--retry-after-ms`) is another flag's, not this.
 */
function mistypedStart(
  name: string,
  flags: KnownFlags,
  command: ReadonlySet<string> | undefined,
): { start: string; flag: string } | undefined {
  const goesOnFrom = (flag: string) => {
    const length = looselyStartsWith(name, flag);
    return length !== undefined && /^(?:[-_][a-z]+)+$/i.test(name.slice(length));
  };
  if ([...flags.all].some(goesOnFrom)) return undefined;
  const longest = Math.max(...[...flags.valued].map((flag) => bare(flag).length));
  for (let end = 3; end < name.length && bare(name.slice(0, end)).length <= longest + 2; end++) {
    // A start that ends a word before a separator is that of a longer name guessed (`--clinet-id-file`), not
    // a flag a value was run into; one that ends on the separator would be shown with a dangling dash.
    if (SEPARATOR.test(name[end - 1]!) || SEPARATOR.test(name[end]!)) continue;
    const start = name.slice(0, end);
    for (const flag of flags.valued) {
      // Another command's flag (`--users`, the demo's, for an import's `--userAgent`) is no flag meant here.
      if (command !== undefined && !command.has(flag.slice(2))) continue;
      const letters = bare(flag);
      if (letters.length < 5) continue;
      if (editDistance(bare(start), letters) <= (letters.length >= 10 ? 2 : 1))
        return { start, flag };
    }
  }
  return undefined;
}

/**
 * The fewest one-character inserts, deletes, changes and swaps of two neighbours from `a` to `b`: a swap
 * (`--cleint-id`, `--ogr-id`) is the commonest slip, and as two changes it put a short flag out of reach.
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        next[j] = Math.min(next[j]!, before[j - 2]! + 1);
    }
    before = row;
    row = next;
  }
  return row[b.length]!;
}
