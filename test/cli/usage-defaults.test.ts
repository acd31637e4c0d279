// `--help` states each tuning flag's default ("--retries <n> … (default 4)"), which an operator leaves out
// on its word. Each must be the default the library applies when the CLI passes nothing: the engine's and the
// transport's constants, and each polling adapter's `@default` (held against its code by
// test/core/option-defaults.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { USAGE } from "../../src/cli/run.js";
import { DEFAULT_REPLAY } from "../../src/core/engine/follow-chunk.js";
import { DEFAULT_RETRY } from "../../src/core/http/retry-policy.js";
import { DEFAULT_TIMEOUT_MS } from "../../src/core/http/transport.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The defaults `--<flag>`'s line of the usage gives, in ms for a duration (`2s, 5s` → [2000, 5000]). */
function statedDefaults(flag: string): number[] {
  const line = USAGE.split("\n").find((l) => l.trimStart().startsWith(`--${flag} `)) ?? "";
  const stated = /\(default ([^)]*)\)/.exec(line)?.[1];
  if (stated === undefined) throw new Error(`--${flag}: the usage states no default`);
  return stated.split(", ").map((value) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h)?$/.exec(value) ?? [];
    return Number(n) * (unit === undefined ? 1 : UNIT_MS[unit]!);
  });
}

/** The `@default` of the adapter option `option` in `file`. */
function adapterDefault(file: string, option: string): number {
  const source = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
  const doc = new RegExp(`@default (\\d+)[^/]*\\*/\\s*${option}\\?:`).exec(source)?.[1];
  if (doc === undefined) throw new Error(`${file}: no @default for ${option}`);
  return Number(doc);
}

describe("the defaults --help states", () => {
  it.each([
    ["chunk-attempts", DEFAULT_REPLAY.chunkAttempts],
    ["request-timeout", DEFAULT_TIMEOUT_MS],
    ["retries", DEFAULT_RETRY.maxRetries],
    ["max-retry-after", DEFAULT_RETRY.maxRetryAfterMs],
  ])("--%s: the library's default, %s", (flag, value) => {
    expect(statedDefaults(flag)).toEqual([value]);
  });

  it.each([
    ["poll-interval", "pollIntervalMs"],
    ["max-poll-interval", "maxPollIntervalMs"],
    ["job-timeout", "jobTimeoutMs"],
  ])("--%s: FullStory's, then Userpilot's %s", (flag, option) => {
    expect(USAGE).toMatch(new RegExp(`--${flag} <d> +FullStory, Userpilot:`));
    expect(statedDefaults(flag)).toEqual([
      adapterDefault("src/fullstory/adapter.ts", option),
      adapterDefault("src/userpilot/adapter.ts", option),
    ]);
  });
});
