// README "Command line": "`bulk-user-import --help` lists every option", and the README names the flags an
// operator reaches for. A flag renamed or added in the CLI alone leaves one of them wrong: a README flag the
// CLI refuses, or an option neither --help nor the README mentions. The benchmarks' and CI tools' flags
// (`npm run bench -- --only`, `attw --profile`) are not the CLI's: their sections are left out.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPTIONS, USAGE } from "../../src/cli/run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

/** Sections whose flags belong to other programs (the bench, the soak, tsc, attw, publint). */
const NOT_THE_CLI = ["Benchmarks and fault soak", "After a spec change"];

const aboutTheCli = readme
  .split(/^(?=## )/m)
  .filter((section) => !NOT_THE_CLI.some((title) => section.startsWith(`## ${title}\n`)))
  .join("");

const flagsIn = (text: string) =>
  new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));

const cliFlags = Object.keys(OPTIONS);
const readmeFlags = [...flagsIn(aboutTheCli)];
const helpFlags = flagsIn(USAGE);

describe("the CLI's flags in README.md and --help", () => {
  it("finds flags to compare", () => {
    expect(readmeFlags.length).toBeGreaterThan(10);
    expect(NOT_THE_CLI.every((title) => readme.includes(`\n## ${title}\n`))).toBe(true);
  });

  it.each(readmeFlags)("README's --%s is a flag the CLI takes", (flag) => {
    expect(cliFlags).toContain(flag);
  });

  it.each(cliFlags)("--%s is listed by --help", (flag) => {
    expect([...helpFlags]).toContain(flag);
  });

  it.each(cliFlags)("--%s is named in README.md", (flag) => {
    expect(readmeFlags).toContain(flag);
  });
});
