/**
 * A flag after a blank inside one argument (`users.csv --api-key …`): several flags passed as one argument
 * (a quoted "$OPTS", one string of a CI job's argument list), so that the rest of the line, a credential
 * with it, is taken as this argument's text. Only the CLI's own flags count: a file name may hold a word
 * that starts with a dash (`Q3 users --final.csv`, `Plan -A users.csv`).
 */
const FLAG_AFTER_BLANK = /\s(--[A-Za-z][\w-]*|-[A-Za-z])(?=[\s=]|$)/g;

/** The first of the CLI's flags (`--name` or `-x`, in `known`) run together into `text` after a blank. */
export function flagRunTogether(text: string, known: ReadonlySet<string>): string | undefined {
  for (const [, flag] of text.matchAll(FLAG_AFTER_BLANK)) if (known.has(flag!)) return flag;
  return undefined;
}

const STARTING_WITH_DASH =
  "starting with - (an option after --, taken as an argument; not repeated: it may hold a credential)";

/**
 * A name that never holds a blank (a vendor's, a command's) as an error may quote it: its first word. The
 * words after it are one argument with it, the rest of a line run together, which may hold a credential.
 * Nor does such a name start with a dash: one that does is a flag after `--` (`import -- --api-key$KEY`),
 * which the CLI takes as an argument, its value with it; it is not quoted at all.
 */
export function quotedName(text: string): string {
  // `-` alone, stdin's name, is no option, and holds nothing to hide.
  if (text.startsWith("-") && text !== "-") return STARTING_WITH_DASH;
  const first = text.trim().split(/\s/, 1)[0] ?? "";
  if (first === text) return text;
  return `${first} (followed by more words in the same argument, not repeated: they may hold a credential)`;
}

/**
 * The input file's name as an error may quote it before the file is found. One starting with a dash is, as
 * likely as not, a flag after `--` (`import fullstory -- --api-key=$KEY`) taken as the file, value and all.
 */
export function quotedFile(file: string): string {
  return file.startsWith("-") ? `the file ${STARTING_WITH_DASH}` : file;
}
