// Text with a long run of what a pattern strips at its end, or splits at, before a character that ends the
// run: a base URL's slashes, a credential's HTTP blanks, a Retry-After header's spaces. Each pattern ran
// through the run from every character of it (`/\/+$/`, `/[\t\n\r ]+$/`, `/\s*,\s*/`), quadratic: 256 KiB
// took about a minute. Each is read at once now, to the same result.
import { describe, expect, it } from "vitest";
import {
  asSentInHeader,
  destinationOf,
  keyFingerprint,
} from "../../src/core/client/destination.js";
import { leavingBaseUrl } from "../../src/core/client/origin-guard.js";
import { parseRetryAfter } from "../../src/core/http/retry-policy.js";

const RUN = 256 * 1024;

describe("a run of 256 Ki characters", () => {
  it("of slashes inside a base URL: kept, and only the slashes that end it dropped", () => {
    const base = `https://gateway.example/${"/".repeat(RUN)}tenant-a`;
    expect(destinationOf(`${base}///`, "key:1") === `${base} key:1`).toBe(true);
    expect(leavingBaseUrl(`${base}/`)(`${base}/v1/users`)).toBeUndefined();
  });

  it("of blanks inside a credential: sent as they are, only those at its edges dropped", () => {
    const key = `k${" \t".repeat(RUN / 2)}k`;
    expect(asSentInHeader(`\r\n ${key} \n`) === key).toBe(true);
    expect(keyFingerprint(`${key}\n`)).toBe(keyFingerprint(key));
  });

  it("of spaces inside a Retry-After header: unreadable, so the client backs off", () => {
    expect(parseRetryAfter(`1${" ".repeat(RUN)}1`)).toBeUndefined();
    expect(parseRetryAfter(`7${" ".repeat(RUN)},${" ".repeat(RUN)}9`)).toBe(9_000);
  });

  it("of parts of a Retry-After header: the longest delay is kept (it threw RangeError past ~125,000)", () => {
    expect(parseRetryAfter(`${"1,".repeat(RUN)}3`)).toBe(3_000);
  });

  it("reads short texts as before", () => {
    expect(destinationOf("https://h.example//", "a")).toBe("https://h.example a");
    expect(destinationOf("https://h.example/a//b", "a")).toBe("https://h.example/a//b a");
    expect(asSentInHeader(" \tk e y\r\n")).toBe("k e y");
    expect(asSentInHeader(" \t\r\n")).toBe("");
    expect(asSentInHeader("\u00a0k\u00a0")).toBe("\u00a0k\u00a0");
    expect(parseRetryAfter("7 ,\t9", 0)).toBe(9_000);
  });
});
