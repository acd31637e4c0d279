// Under a base URL with a path (a gateway's tenant), a request's path is checked as a chain of servers may read
// it, each decoding `%25` once: `%252e` is `.` to the second. The path was decoded pass after pass until it
// settled, a pass per `25`: a job id of 64,000 of them (a vendor's answer, polled) took 6 s to check at each
// request, quadratic. It is decoded in one pass to what the passes settle on, which these texts hold it to.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodedForGood, leavingBaseUrl } from "../../src/core/client/origin-guard.js";

/** The passes as they were: each decodes every `%25`, `%2e`, `%2f` and `%5c`, until one changes nothing. */
function passAfterPass(path: string): string {
  let decoded = path;
  for (let before = ""; before !== decoded;) {
    before = decoded;
    decoded = decoded.replace(/%(25|2e|2f|5c)/gi, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
  return decoded;
}

const units = fc.constantFrom("%", "2", "5", "e", "E", "f", "F", "c", "C", "4", "1", "/", ".", "a");

describe("decodedForGood", () => {
  it("decodes as pass after pass does", () => {
    fc.assert(
      fc.property(fc.array(units, { maxLength: 16 }), (chars) => {
        const path = chars.join("");
        expect(decodedForGood(path)).toBe(passAfterPass(path));
      }),
      { numRuns: 50_000 },
    );
    for (const path of ["%252e", "%25%2e", "%252%2e", "%2525e", "%%2E", "%25", "%5C%2F", "a%41b"])
      expect(decodedForGood(path)).toBe(passAfterPass(path));
  });

  it("a job id escaped 150,000 times, under a gateway's tenant: read at once as the dot it ends as", () => {
    const left = leavingBaseUrl("https://gateway.example/tenant-a/");
    const id = (end: string) => encodeURIComponent(`%${"25".repeat(150_000)}${end}`);
    const job = (segment: string) =>
      left(`https://gateway.example/tenant-a/v1/background_jobs/${segment}`);
    expect(job(id("2e"))).toBeUndefined();
    expect(job(`${id("2e")}%2e%2f..%2f..%2f..`)).toMatch(/leaves the client's base URL's path/);
  });
});
