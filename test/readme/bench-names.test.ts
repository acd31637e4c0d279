// README "Benchmarks and fault soak": "`npm run bench -- --only <names>` picks benchmarks", listing the names.
// Each benchmark a full run makes (the README's table has a row for it) must be among them, or its row cannot
// be run alone: the official SDK row is made only when `--only` names `sdk`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const main = readFileSync(path.join(root, "scripts/bench/main.ts"), "utf8");

describe("README's list of benchmark names", () => {
  const listed = /npm run bench -- --only ([a-z0-9,-]+)`/.exec(readme)?.[1]?.split(",") ?? [];
  const inFullRun = [
    ...new Set([...main.matchAll(/\bwanted\("([a-z0-9-]+)"\)/g)].map((m) => m[1]!)),
  ];

  it("is there", () => {
    expect(listed.length).toBeGreaterThan(0);
    expect(inFullRun.length).toBeGreaterThan(0);
  });

  it.each(inFullRun)("names %s, a benchmark of the full run", (name) => {
    expect(listed).toContain(name);
  });

  it.each(listed)("names %s, which the bench knows", (name) => {
    expect(inFullRun).toContain(name);
  });

  // `--only` refuses a name its NAMES does not hold: a benchmark left out of it could not be run alone.
  it("every benchmark main.ts runs is among the names --only takes", () => {
    const names = /const NAMES = \[([\s\S]*?)\];/.exec(main)?.[1] ?? "";
    const known = [...names.matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]);
    const run = [...main.matchAll(/\b(?:wanted|named)\("([a-z0-9-]+)"\)/g)].map((m) => m[1]);
    expect(known.length).toBeGreaterThan(0);
    expect(run.filter((name) => !known.includes(name))).toEqual([]);
  });
});
