// README "Command line": "`bulk-user-import --help` lists every option", and the README names the flags an
// operator reaches for. A flag renamed or added in the CLI alone leaves one of them wrong: a README flag the
// CLI refuses, or an option neither --help nor the README mentions. The benchmarks' and CI tools' flags
// (`npm run bench -- --only`, `attw --profile`) are not the CLI's: their sections are left out.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPTIONS, USAGE } from "../../src/cli/run.js";
import { VENDORS } from "../../src/vendors.js";

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

// Each vendor's settings come from its module in src/vendors.ts, each a flag or an environment variable: a
// vendor added there that shares a flag (`--api-key`) still brings a variable of its own, which --help (on
// the flag's line, with the vendors it serves) and README's "Command line" must name.
describe("each vendor setting's environment variable in --help and README.md", () => {
  // The section alone: a variable named only in a later one (the soak's) is not where an operator looks.
  const commandLine =
    readme.split(/^(?=## )/m).find((section) => section.startsWith("## Command line\n")) ?? "";
  const settings = VENDORS.flatMap((vendor) =>
    vendor.settings.map(({ flag, env }) => [vendor.name, env, flag] as const),
  );

  it.each(settings)("%s: --help names it and %s on the line of --%s", (vendor, env, flag) => {
    // A flag's entry runs on over the lines indented under it.
    const entry = USAGE.split(/\n(?= {2}--)/).find((text) => text.startsWith(`  --${flag} `));
    expect(entry, `--help has no line for --${flag}`).toBeDefined();
    expect(entry).toContain(env);
    // It names the vendors the flag serves (`SlashID`), not only in their variables (`SLASHID_ORG_ID`).
    const prose = (entry ?? "").replace(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g, "").toLowerCase();
    expect(prose, `--${flag}'s line in --help names ${vendor}`).toContain(vendor);
  });

  it.each(settings)("%s: README's Command line names %s", (_, env) => {
    expect(commandLine.includes(`\`${env}\``), `${env} in README's "Command line"`).toBe(true);
  });
});
