import { SecretSet } from "../core/errors/secrets.js";
import type { RecordOutcome } from "../core/engine/report.js";

/**
 * A scrub of the secrets given to the CLI that one of the names it was given holds (the input file's, with
 * the rest of a command line run together after a blank), or undefined when none does. An outcome's reason
 * may quote such a name (a chunk a broken input cut short quotes the reading's error, which names the file),
 * and the client scrubs its own credentials only, not another vendor's variable. Only those secrets: all of
 * them would redact, in every reason, the ordinary word a short one may be (a placeholder `test` or `record`
 * in a variable of a vendor the run does not use).
 */
export function namedSecretsScrub(
  secrets: readonly string[],
  names: readonly (string | undefined)[],
): ((text: string) => string) | undefined {
  return scrubOf(secrets.filter((secret) => heldByName(secret, names)));
}

/**
 * A scrub of the reading's error: of every secret given, but for one an ordinary word or number may be
 * (letters only, or digits only, and short: a placeholder `record`), which it is scrubbed of only where a
 * name holds it. The error quotes more than the file's name (a CSV header: "names the column … twice"), and
 * in a dry run no client scrubs it of the run's own key; each is one text, scrubbed once.
 */
export function readingErrorScrub(
  secrets: readonly string[],
  names: readonly (string | undefined)[],
): ((text: string) => string) | undefined {
  return scrubOf(secrets.filter((secret) => !wordLike(secret) || heldByName(secret, names)));
}

/** Below this length a secret of letters only or digits only may be a word or number of a message. */
const WORD_BELOW = 16;
const ONE_KIND = /^(?:\p{L}+|\p{Nd}+)$/u;

function wordLike(secret: string): boolean {
  return secret.length < WORD_BELOW && ONE_KIND.test(secret);
}

function heldByName(secret: string, names: readonly (string | undefined)[]): boolean {
  const one = new SecretSet();
  one.add(secret);
  return names.some((name) => name !== undefined && one.scrub(name) !== name);
}

function scrubOf(secrets: readonly string[]): ((text: string) => string) | undefined {
  if (secrets.length === 0) return undefined;
  const set = new SecretSet();
  set.add(...secrets);
  return (text) => set.scrub(text);
}

/** `outcome` with its texts that may quote a name (its reason and warning) scrubbed. */
export function scrubbedOutcome(
  outcome: RecordOutcome,
  scrub: (text: string) => string,
): RecordOutcome {
  if (outcome.outcome !== "imported") return { ...outcome, reason: scrub(outcome.reason) };
  return outcome.warning === undefined ? outcome : { ...outcome, warning: scrub(outcome.warning) };
}
