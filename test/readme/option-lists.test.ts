// README lists the options of the clients ("Client options") and of `importUsers` (the engine's and each
// adapter's). Each interface's keys are spelled out below as a record keyed by them (a key added to the
// interface, or dropped, and this file does not compile), and each README list must name exactly those. A
// vendor's own options are in its test profile (test/<vendor>/profile.ts, which the compiler asks for).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { ImportOptions } from "../../src/core/engine/engine.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";
import type { Keys } from "../support/vendor-profile.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8").replace(/\s+/g, " ");

const keys = (record: object) => Object.keys(record).sort();

const COMMON: Keys<CommonClientOptions> = {
  baseUrl: true,
  fetch: true,
  timeoutMs: true,
  maxRetries: true,
  retryBaseDelayMs: true,
  retryMaxDelayMs: true,
  maxRetryAfterMs: true,
  maxResponseBytes: true,
  rateLimit: true,
  signal: true,
  userAgent: true,
  onRetry: true,
  sleep: true,
};
const ENGINE: Keys<ImportOptions> = {
  chunkRecords: true,
  concurrency: true,
  journal: true,
  journalAccountWas: true,
  signal: true,
  onProgress: true,
  onOutcome: true,
  keepOutcomes: true,
  progressEvery: true,
  progressHeartbeatMs: true,
  precheck: true,
  chunkAttempts: true,
  replayDelayMs: true,
  maxReplayDelayMs: true,
  sleep: true,
};
/** Each vendor's own options (its test profile's), by the name README's lists call it. */
const vendors = Object.values(VENDOR_PROFILES).map(({ title, options }) => ({ title, ...options }));

/** README's text from `start` up to `end`, both exclusive. */
function between(start: string, end: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end, from + start.length);
  if (from < 0 || to < 0) throw new Error(`README does not say "${start}" … "${end}"`);
  return readme.slice(from + start.length, to);
}
/** The identifiers in backticks, leaving out what parentheses say of each (`rateLimit`'s settings). */
const named = (text: string) =>
  [...text.replace(/\([^()]*\)/g, "").matchAll(/`(\w+)`/g)].map((m) => m[1]!).sort();

describe("README's lists of options", () => {
  it("Client options: every factory's", () => {
    expect(named(between("Every factory takes", "Each option's default"))).toEqual(keys(COMMON));
  });

  it.each(vendors)("Client options: $title's own", ({ title, client }) => {
    const line = between(`- ${title}: `, " - ");
    for (const option of keys(client)) expect(line).toContain(`\`${option}\``);
  });

  it("importUsers: the engine's", () => {
    expect(named(between("(`ImportOptions`:", ") and the vendor adapter's"))).toEqual(keys(ENGINE));
  });

  it("importUsers: each adapter's", () => {
    const listed: Record<string, string[]> = {};
    const text = between("(`<Vendor>AdapterOptions`:", ", our ceiling on");
    for (const part of text.split(";")) {
      for (const [, vendor] of part.matchAll(/(\w+)'s/g))
        (listed[vendor!] ??= []).push(...named(part));
    }
    for (const { title, adapter } of vendors)
      expect([title, ...(listed[title] ?? []).sort()]).toEqual([title, ...keys(adapter)]);
  });
});
