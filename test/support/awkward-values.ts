// The awkward values the data-fidelity properties (test/property/data-fidelity.test.ts) import: leading
// zeros, text that reads as a number, a boolean or null, blanks at either end, NFC and NFD, astral and bidi
// characters, U+FEFF, a NUL, -0, 0.1, the largest safe integer, a string past a spec's limit. Each vendor's
// test profile (its `fidelity`) builds its records of them.
import fc from "fast-check";

/** Every awkward text, each once. */
export const TEXT = [
  "007",
  " padded ",
  "true",
  "null",
  "",
  "e\u0301",
  "\u00e9",
  "\u{1F600}",
  "\u200f\u05e9\u05dc\u05d5\u05dd",
  "1e21",
  "-0",
  "2024-02-29T12:00:00.000Z",
  'a "quoted", comma',
  "two\nlines",
  "\t",
  "\u0000",
  "\u2028",
  "\uFEFFbom",
  "x\uFEFFy",
  "x".repeat(300),
];
/** One awkward text. */
export const text = fc.constantFrom(...TEXT);
/** One awkward number. */
export const number = fc.constantFrom(0, -0, 0.1, 1e-7, 123.456, 2 ** 53 - 1, -(2 ** 53 - 1), 1e21);
/** One awkward text, number, boolean or null. */
export const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
/** A field name of a vendor's open properties. */
export const name = fc.constantFrom("plan", "seats", "Note_1", "x");
/** An email, some padded or with accents in NFC or NFD. */
export const handle = fc.constantFrom(
  "a@example.com",
  " B@example.com ",
  "\u00e9@example.com",
  "e\u0301@x.io",
);
/** Every awkward text as one object's values, named `t0`, `t1`, …. */
export const TEXTS_BY_NAME = Object.fromEntries(TEXT.map((t, i) => [`t${i}`, t]));
