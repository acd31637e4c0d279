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
  const named = secrets.filter((secret) => {
    const one = new SecretSet();
    one.add(secret);
    return names.some((name) => name !== undefined && one.scrub(name) !== name);
  });
  if (named.length === 0) return undefined;
  const set = new SecretSet();
  set.add(...named);
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
