// denotes reads decimal text as digits, a point, digits and an exponent. Its pattern, `(\d*)\.?(\d*)`, could
// split a run of digits between its two groups every way before a stray character refused the text: time
// growing as the square of the run (32 Ki digits and an `x` took 1.5 s; the 256 Ki here, some 100 s, five
// times the tests' 20 s timeout). Its callers hand it only text it matches at once, so none of them was slow;
// the reading must stay the same for every text, decimal or not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { denotes } from "../../src/core/json-text.js";

/** denotes as it was, with the pattern that split digit runs. */
function denotedBefore(text: string, n: number): boolean {
  const [, sign = "", whole = "", fraction = "", exponent = "0"] =
    /^([-+]?)(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?$/.exec(text) ?? [];
  const all = whole + fraction;
  const digits = all.replace(/^0+/, "").replace(/0+$/, "");
  const trailing = all.length - all.replace(/0+$/, "").length;
  const power = Number(exponent) - fraction.length + trailing;
  if (digits === "") return n === 0;
  if (power < 0 || digits.length + power > 16) return false;
  const value = BigInt(digits + "0".repeat(power));
  return (sign === "-" ? -value : value) === BigInt(n);
}

describe("whether decimal text denotes an integer", () => {
  it("reads every text as before", () => {
    const text = fc.string({ unit: fc.constantFrom(..."0012.eE-+x"), maxLength: 14 });
    const n = fc.oneof(fc.constantFrom(0, 1, 10, 12, -12, 100, 120, 1200), fc.integer());
    fc.assert(
      fc.property(text, n, (t, i) => {
        expect(denotes(t, i)).toBe(denotedBefore(t, i));
        const written = String(i);
        expect(denotes(written, i)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("refuses a run of 256 Ki digits and a stray character at once", () => {
    const run = "1".repeat(256 * 1024);
    expect(denotes(`${run}x`, 1)).toBe(false);
    expect(denotes(`1.${run}x`, 1)).toBe(false);
  });
});
