// Property: an unknown option with a credential run into its name (`--auth$KEY`, `--pat$KEY`,
// `--api-kye$KEY`, `--token$KEY`), alone, as the first word of an argument of several, or before the vendor,
// is a usage error (exit 2) that sends nothing and shows none of the key: parseArgs quotes such an option
// whole, and the CLI's message (src/cli/unknown-option.ts) is all that keeps it from a terminal or a CI log.
// Shown: no run of 4 of the key's random characters, and the name as typed at most 2 characters into the
// key (a flag meant, `--org-i` then `d…` as `--org-id…`), so never a vendor's public prefix (`sk_live_`)
// the name does not hold: it says what the rest is a key to.
// Not covered, as no rule of shape tells them apart: a key whose random part spells a credential word after
// letters that read as a word's (`--auth` then `Key9…` or `abcdKey9…`, about 1 base62 key in 20,000) is
// named to it, as `--apiKey$KEY` is; another seed may meet one.
// Knobs (environment): OPTION_KEY_RUNS (default 2000), OPTION_KEY_SEED.
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { OPTIONS } from "../../src/cli/run.js";
import { cli } from "../cli/helpers.js";

const RUNS = Number(process.env.OPTION_KEY_RUNS ?? 2000);
const SEED = Number(process.env.OPTION_KEY_SEED ?? 20261206);

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";

/** The CLI's own long flags, without `--`: a flag added to run.ts is typed here too. */
const FLAG_NAMES = Object.keys(OPTIONS);

/** Words an operator may guess a credential's flag holds. */
const CREDENTIAL_WORDS = [
  ...["auth", "pat", "pw", "pass", "bearer", "cred", "token", "key", "secret", "password"],
  ...["apikey", "access", "sig", "jwt"],
];

/** A flag's name mistyped: a letter dropped, added, changed, or two neighbours swapped, once or twice. */
const mistyped = fc
  .tuple(
    fc.constantFrom(...FLAG_NAMES),
    fc.array(
      fc.record({
        kind: fc.constantFrom("drop", "add", "change", "swap"),
        at: fc.nat(),
        letter: fc.constantFrom(...LOWER),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  )
  .map(([name, edits]) =>
    edits.reduce((word, { kind, at, letter }) => {
      const i = at % Math.max(word.length, 1);
      if (kind === "drop") return word.length > 2 ? word.slice(0, i) + word.slice(i + 1) : word;
      if (kind === "add") return word.slice(0, i) + letter + word.slice(i);
      if (kind === "change") return word.slice(0, i) + letter + word.slice(i + 1);
      return i + 1 < word.length
        ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
        : word;
    }, name),
  );

const word = fc.oneof(
  fc.constantFrom(...FLAG_NAMES),
  mistyped,
  fc.constantFrom(...CREDENTIAL_WORDS),
  fc.string({ unit: fc.constantFrom(...LOWER), minLength: 2, maxLength: 10 }),
);

/** `--` and one to three words, joined by `-`, `_`, camelCase or nothing (`--apikey`). */
const prefix = fc
  .tuple(word, fc.array(fc.tuple(fc.constantFrom("-", "_", "camel", ""), word), { maxLength: 2 }))
  .map(
    ([first, more]) =>
      "--" +
      more.reduce(
        (name, [join, next]) =>
          join === "camel" ? name + next[0]!.toUpperCase() + next.slice(1) : name + join + next,
        first,
      ),
  );

const BASE62 = LOWER + UPPER + DIGITS;
const ALPHABETS = {
  base62: BASE62,
  hex: DIGITS + "abcdef",
  HEX: DIGITS + "ABCDEF",
  base64: BASE62 + "+/",
  base64url: BASE62 + "-_",
  // A JWT's or FullStory's dotted parts.
  dotted: BASE62 + "-_.",
} as const;

/** Public prefixes vendors put before a key's random part: no secret, yet no word the operator typed. */
const VENDOR_PREFIXES = ["", "sk_live_", "ghp_", "xoxb-", "glpat-", "na1.", "key-"];

interface Key {
  readonly vendor: string;
  /** The key's random part: no run of 4 of its characters may be shown. */
  readonly random: string;
}

const key: fc.Arbitrary<Key> = fc
  .record({
    vendor: fc.constantFrom(...VENDOR_PREFIXES),
    alphabet: fc.constantFrom(...(Object.keys(ALPHABETS) as (keyof typeof ALPHABETS)[])),
    chars: fc.array(fc.nat(), { minLength: 24, maxLength: 64 }),
    padding: fc.constantFrom("", "=", "=="),
    // A credential word the key's characters spell by chance (about 1 key of 32 in 1,000 holds `key` in
    // some case), given here to 1 key in 6, so that the rule for `--token$KEY` meets keys that hold one.
    // Only after a digit or a `.`, `/`, `+`: after letters (`--auth` then `abcdKey9…`) it reads as
    // `--fullstoryKey$KEY` does, a name guessed then its key, and the letters before it are shown.
    spelled: fc.option(
      fc.tuple(
        fc.constantFrom("key", "Key", "KEY", "token", "Token", "secret", "password"),
        fc.nat(),
      ),
    ),
  })
  .map(({ vendor, alphabet, chars, padding, spelled }) => {
    const letters = ALPHABETS[alphabet];
    let random = chars.map((n) => letters[n % letters.length]).join("");
    const after = [...random].flatMap((c, i) => (/[\d./+]/.test(c) ? [i + 1] : []));
    if (spelled !== null && after.length > 0) {
      const at = after[spelled[1] % after.length]!;
      random = random.slice(0, at) + spelled[0] + random.slice(at);
    }
    return { vendor, random: alphabet === "base64" ? random + padding : random, alphabet };
  })
  // A short key of letters and digits alone holds a digit: an all-letter string of 24 is words run
  // together as far as any rule can tell (the rules are of shape, not of a dictionary), and 1.5% of random
  // 24-character base62 keys have none, far fewer of 32. The others have separators or are long.
  .filter(
    ({ random, alphabet }) =>
      !["base62", "hex", "HEX"].includes(alphabet) || random.length >= 32 || /\d/.test(random),
  )
  .map(({ vendor, random }) => ({ vendor, random }));

/**
 * The same key with each letter and digit moved 13 letters or 5 digits on, case and separators kept: what the
 * same command line prints with it in place of the key is the message's and the operator's own words.
 */
const moved = (text: string) =>
  text
    .replace(/[a-z]/gi, (c) => {
      const base = c <= "Z" ? 65 : 97;
      return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
    })
    .replace(/\d/g, (d) => String((Number(d) + 5) % 10));

/** Where the name with its key goes: alone, as an argument's first word, before the vendor. */
const PLACES = {
  alone: (option: string) => ["import", "fullstory", "users.ndjson", option],
  "first word": (option: string) => ["import", "fullstory", "users.ndjson", `${option} --dry-run`],
  "before the vendor": (option: string) => ["import", option, "fullstory", "users.ndjson"],
} as const;

describe("an unknown option with a key run into its name shows none of the key", () => {
  let sent: MockInstance<typeof fetch>;
  beforeEach(() => {
    sent = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("nothing may be sent"));
  });
  afterEach(() => sent.mockRestore());

  it("exit 2, nothing sent, no 4 random characters of the key, no 3 after the name", async () => {
    await fc.assert(
      fc.asyncProperty(
        prefix,
        key,
        fc.constantFrom(...(Object.keys(PLACES) as (keyof typeof PLACES)[])),
        async (name, { vendor, random }, place) => {
          const argv = PLACES[place];
          const result = await cli(argv(`${name}${vendor}${random}`));
          expect(result.code).toBe(2);
          expect(sent).not.toHaveBeenCalled();
          const runs = Array.from({ length: random.length - 3 }, (_, i) => random.slice(i, i + 4));
          const met = runs.filter((run) => result.all.includes(run));
          // A run of 4 of the key's random characters that the same command line prints with another key
          // in its place is the message's own words or the operator's, met in the key by chance.
          if (met.length > 0) {
            const control = await cli(argv(`${name}${vendor}${moved(random)}`));
            expect(met.filter((run) => !control.all.includes(run))).toEqual([]);
          }
          // The name as typed is shown at most a letter or two into the key (the flag a mistyped start
          // meant, `--org-i` then `d…` as `--org-id…`): the vendor's public prefix is the key's, not a
          // word the operator typed, and showing it says what the rest is a key to.
          expect(result.all).not.toContain(`${name}${vendor}${random}`.slice(0, name.length + 3));
        },
      ),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
  });
});
