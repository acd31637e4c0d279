// Retry-After as vendors and proxies send it: what the client waits, or undefined for the backoff instead.
import { afterEach, describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/core/http/retry-policy.js";

const NOW = Date.parse("1994-11-06T08:49:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds, decimals too", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter("1.5", NOW)).toBe(1_500);
  });

  it("gives whole ms, whatever a decimal's binary arithmetic makes of it", () => {
    // 1.015 s is 1014.9999999999999 ms in floating point: the wait a retry is told of is 1015 ms.
    expect(parseRetryAfter("1.015", NOW)).toBe(1_015);
    expect(parseRetryAfter("0.0004", NOW)).toBe(0);
  });

  it("reads each form of an HTTP-date as the time until then (none before now)", () => {
    for (const date of [
      "Sun, 06 Nov 1994 08:49:37 GMT",
      "Sunday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov  6 08:49:37 1994",
    ])
      expect(parseRetryAfter(date, NOW)).toBe(37_000);
    expect(parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", NOW)).toBe(0);
  });

  it("a header sent twice, joined by fetch: the longest of its delays", () => {
    expect(parseRetryAfter("7, 7", NOW)).toBe(7_000);
    expect(parseRetryAfter("3,9", NOW)).toBe(9_000);
  });

  it("a header sent twice, one unreadable (a proxy's): the vendor's readable delay, not the backoff", () => {
    expect(parseRetryAfter("5, -1", NOW)).toBe(5_000);
    expect(parseRetryAfter("garbage, 5", NOW)).toBe(5_000);
    expect(parseRetryAfter("1e9, Sun, 06 Nov 1994 08:49:37 GMT, 5.5.5", NOW)).toBe(37_000);
    expect(parseRetryAfter("-5, garbage", NOW)).toBeUndefined();
  });

  it("text that is neither is unreadable, however Date.parse would take it", () => {
    for (const text of [
      "-5",
      "+5",
      "1.",
      "5.5.5",
      "1 2",
      "1e9",
      "garbage",
      "2026-12-01",
      "Infinity",
    ])
      expect(parseRetryAfter(text, NOW), text).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter("  ", NOW)).toBeUndefined();
  });
});

describe("an asctime Retry-After, on a client whose time zone is not UTC", () => {
  const zone = process.env["TZ"];
  afterEach(() => {
    if (zone === undefined) delete process.env["TZ"];
    else process.env["TZ"] = zone;
  });

  it("is GMT, as HTTP says: waited 37 s, not 0 east of Greenwich nor hours (the ceiling) west of it", () => {
    for (const place of ["Asia/Tokyo", "America/Los_Angeles"]) {
      process.env["TZ"] = place;
      expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", NOW), place).toBe(37_000);
    }
  });
});
