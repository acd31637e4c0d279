// What the scrubber guarantees for any secret and any text around its echo, found by random search: the echo
// goes in each form it comes back in (as given, upper- or lower-cased, percent- or JSON-escaped, base64, a
// run of it cut short), the text around it stays as it was, and no half of a character is left behind.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretSet, base64Forms } from "../../src/core/errors/secrets.js";

/** Characters whose case folds longer (ß, İ, ΐ, ŉ, ligatures), or by context (Σ), or beyond U+FFFF. */
const ODD = [
  ..."ßẞİıiIΣσςﬀﬁΐŉǅKſéÉ\u0301\u0307ᾼᾳ",
  // 😀 and 💡 share their first half, 😀 and 🈀 their second; 𐐀 lower-cases to 𐐨.
  ..."😀💡🈀𐐀𐐨",
];
const character = fc.oneof(
  { arbitrary: fc.constantFrom(...ODD), weight: 3 },
  { arbitrary: fc.constantFrom(..."abcdefXYZ0123-_/+.=% "), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 },
);
const textOf = (minLength: number, maxLength: number) =>
  fc.array(character, { minLength, maxLength }).map((characters) => characters.join(""));
/** What may stand around an echo: no ASCII letter or digit, so a short secret stands alone beside it. */
const AROUND = [..."~ :;!,()<>\"'\t\n", ...ODD, ..."Ωж中𝒳🙂"];
const LONE_SURROGATE = /\p{Cs}/u;
const ONE_KIND = /^(?:\p{L}+|\p{Nd}+)$/u;
const NOT_ASCII = /[^\0-\x7f]/;
/** The scrubber's own folding: two texts matched in any case fold alike. */
const fold = (text: string) =>
  NOT_ASCII.test(text)
    ? text.toLowerCase().toUpperCase().toLowerCase().replaceAll("ς", "σ")
    : text.toLowerCase();
const SCRUBS = {
  scrub: (set: SecretSet, text: string) => set.scrub(text),
  scrubRuns: (set: SecretSet, text: string) => set.scrubRuns(text),
  scrubChosenRuns: (set: SecretSet, text: string) => set.scrubChosenRuns(text),
  clip: (set: SecretSet, text: string) => set.clip(text, 1_000_000),
  scrubDeep: (set: SecretSet, text: string) => set.scrubDeep({ text }).text,
};
const ECHOES = ["given", "upper", "lower", "uri", "json", "base64", "run", "withPieces"] as const;

describe("SecretSet, for any secret and any text around its echo", () => {
  it("redacts the echo, keeps what stands around it, and leaves no lone surrogate", () => {
    fc.assert(
      fc.property(
        textOf(1, 20),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(...ECHOES),
        fc.constantFrom(...(Object.keys(SCRUBS) as (keyof typeof SCRUBS)[])),
        (secret, chosen, before, after, how, scrub) => {
          fc.pre(secret.trim() === secret && secret !== "" && !LONE_SURROGATE.test(secret));
          // Around the echo, only characters that fold to none of the secret's, in none of its forms.
          const its = new Set(fold(secret + encodeURIComponent(secret) + JSON.stringify(secret)));
          const around = AROUND.filter(
            (c) => ![...fold(c)].some((unit) => its.has(unit)) && !/[a-z0-9+/_=-]/.test(fold(c)),
          );
          fc.pre(around.length > 0);
          const prefix = before.map((n) => around[n % around.length]).join("");
          const suffix = after.map((n) => around[n % around.length]).join("");
          const set = new SecretSet({ chosen });
          set.add(secret);
          // A short secret, or a word a person chose, is matched as given only (see SecretSet).
          const anyCase =
            secret.length >= 6 && !(chosen && secret.length < 16 && /^\p{L}+$/u.test(secret));
          const characters = [...secret];
          const echo = {
            given: secret,
            upper: secret.toUpperCase(),
            lower: secret.toLowerCase(),
            uri: encodeURIComponent(secret),
            json: JSON.stringify(secret).slice(1, -1),
            base64: Buffer.from(secret).toString("base64"),
            // Cut short and upper-cased, as a message quoting a few characters of it might.
            run: characters.slice(1, -1).join("").toUpperCase(),
            withPieces: secret,
          }[how];
          if (how === "upper" || how === "lower") fc.pre(anyCase);
          if (how === "base64") fc.pre(Buffer.byteLength(secret) >= 12);
          if (how === "run")
            fc.pre(anyCase && scrub !== "scrub" && echo.length >= 6 && echo.trim() === echo);
          // Secrets that are pieces of each other: the longest goes whole, and no piece is left.
          if (how === "withPieces")
            set.add(characters.slice(1).join(""), characters.slice(0, -1).join(""));
          const text = prefix + echo + suffix;
          const out = SCRUBS[scrub](set, text);
          const seen = JSON.stringify({ secret, chosen, text, out });
          expect(LONE_SURROGATE.test(out), seen).toBe(false);
          if (how === "base64") {
            // The characters a neighbouring byte shares with the secret's may stay: no more than those.
            expect(out.startsWith(prefix) && out.endsWith(suffix), seen).toBe(true);
            for (const stretch of base64Forms(secret))
              if (stretch.length >= 8) expect(fold(out).includes(fold(stretch)), seen).toBe(false);
          } else if (!(how === "run" && scrub === "scrubChosenRuns" && ONE_KIND.test(echo))) {
            expect(out, seen).toBe(`${prefix}[REDACTED]${suffix}`);
          }
        },
      ),
      { seed: 1, numRuns: 2500 },
    );
  });

  it("cuts the very span it found far into a text, past characters that fold longer, of any secret", () => {
    const fillers = ["ß", "İ", "ΐ", "ﬀ", "~", "😀", "Σ"];
    fc.assert(
      fc.property(
        textOf(6, 30),
        fc.constantFrom(...fillers),
        fc.integer({ min: 8_000, max: 9_000 }),
        fc.boolean(),
        (core, filler, n, long) => {
          // A secret of 8,192 characters or more is searched for outside the pattern (see PLAIN_FROM).
          const secret = long ? core + filler.repeat(n) + core : core;
          const its = new Set(fold(secret));
          const pads = fillers.filter((c) => ![...fold(c)].some((unit) => its.has(unit)));
          fc.pre(core.trim() === core && !LONE_SURROGATE.test(core) && pads.length > 0);
          const pad = (pads[n % pads.length] ?? "").repeat(n);
          const set = new SecretSet();
          set.add(secret);
          const text = `${pad}«${secret.toUpperCase()}»${pad}|${secret.toLowerCase()}|`;
          expect(set.scrub(text)).toBe(`${pad}«[REDACTED]»${pad}|[REDACTED]|`);
        },
      ),
      { seed: 2, numRuns: 40 },
    );
  });
});
