// The Node.js versions README.md promises: the Quick start's "with Node.js X or later" for `npm ci`, the
// demo and the tests, and package.json's `engines` for an integrator's install. Each must be one that every
// package installed for it admits by its own `engines` (npm refuses it with engine-strict, and a tool may
// not run): every package of the lock for the first; the dependencies for the second, and an optional peer
// that asks for more must be named in README's Install with the version it asks for.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const readme = read("README.md");
const pkg = JSON.parse(read("package.json")) as {
  engines: { node: string };
  peerDependencies: Record<string, string>;
};
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
};

type Version = [number, number, number];

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `version` is in a semver range of the forms package.json `engines` use; throws on another. */
function admits(range: string, version: Version): boolean {
  return range.split("||").some((set) => {
    const comparators = set
      .trim()
      .replace(/([<>=^~]+)\s+/g, "$1")
      .split(/\s+/);
    return comparators.every((comparator) => {
      const match = /^([<>]=?|[=^~])?v?(\d+|[x*])(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?$/.exec(
        comparator,
      );
      if (!match) throw new Error(`engines range not understood: ${range}`);
      const [, op = "", ...parts] = match;
      const given = parts.filter((part) => part !== undefined && /^\d+$/.test(part)).map(Number);
      if (given.length === 0) return true;
      const low: Version = [given[0] ?? 0, given[1] ?? 0, given[2] ?? 0];
      // Where the versions a partial (`20`, `20.x`), `^` or `~` version covers end: the part bumped.
      const bumped =
        op === "^"
          ? low.findIndex((n, i) => n > 0 || i === 2)
          : op === "~"
            ? Math.min(given.length - 1, 1)
            : given.length - 1;
      const next = low.map((n, i) => (i < bumped ? n : i === bumped ? n + 1 : 0)) as Version;
      const partial = given.length < 3;
      if (op === ">=") return compare(version, low) >= 0;
      if (op === ">") return partial ? compare(version, next) >= 0 : compare(version, low) > 0;
      if (op === "<") return compare(version, low) < 0;
      if (op === "<=") return partial ? compare(version, next) < 0 : compare(version, low) <= 0;
      return compare(version, low) >= 0 && compare(version, next) < 0;
    });
  });
}

function versionOf(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split(".").map(Number);
  return [major, minor, patch];
}

const enginesOf = (entry: { engines?: { node?: string } | string[] }) =>
  Array.isArray(entry.engines) ? undefined : entry.engines?.node;

describe("the engines range reader", () => {
  it.each([
    ["^20.19.0 || >=22.12.0", "20.18.3", false],
    ["^20.19.0 || >=22.12.0", "20.19.0", true],
    ["^20.19.0 || >=22.12.0", "21.0.0", false],
    [">=22.12.0 || >=20.19.0 <21.0.0", "20.20.1", true],
    ["18 || 20 || >=22", "20.3.0", true],
    ["18 || 20 || >=22", "21.7.0", false],
    ["10.* || >= 12.*", "20.3.0", true],
    [">= 18", "20.3.0", true],
    ["^13.7 || >=15.0.1", "14.0.0", false],
    [">=20.3", "20.2.9", false],
  ] as const)("%s admits %s: %s", (range, version, expected) => {
    expect(admits(range, versionOf(version))).toBe(expected);
  });
});

describe("README's Node.js versions", () => {
  const quickStart = /## Quick start\n[^]*?with Node\.js (\d+\.\d+) or later/.exec(readme)?.[1];
  const engines = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1];

  it("are stated", () => {
    expect(quickStart).toBeDefined();
    expect(engines).toBeDefined();
  });

  const installed = Object.entries(lock.packages)
    .filter(([where, entry]) => where !== "" && enginesOf(entry) !== undefined)
    .map(([where, entry]) => ({
      name: where.replace(/^.*node_modules\//, ""),
      dev: entry.dev === true,
      range: enginesOf(entry) ?? "",
    }));

  it("the Quick start's is one every package of the lock admits", () => {
    const refusing = installed
      .filter(({ range }) => !admits(range, versionOf(quickStart ?? "0")))
      .map(({ name, range }) => `${name} (${range})`);
    expect([...new Set(refusing)]).toEqual([]);
  });

  it("package.json's engines is one every dependency admits", () => {
    const refusing = installed
      .filter(({ dev, range }) => !dev && !admits(range, versionOf(engines ?? "0")))
      .map(({ name, range }) => `${name} (${range})`);
    expect(refusing).toEqual([]);
  });

  const install = /\n## Install\n[^]*?(?=\n## )/.exec(readme)?.[0] ?? "";
  const peers = installed.filter(({ name }) => name in pkg.peerDependencies);

  it("finds the peers in the lock", () => {
    expect(new Set(peers.map(({ name }) => name)).size).toBeGreaterThan(0);
  });

  it.each(peers.map(({ name, range }) => ({ name, range })))(
    "Install names the Node.js version the peer $name ($range) asks for, when engines' is not enough",
    ({ name, range }) => {
      if (admits(range, versionOf(engines ?? "0"))) return;
      const lowest = /\^?(20\.\d+)/.exec(range)?.[1] ?? range;
      expect(install).toMatch(
        new RegExp(`\`${name}\`[^.]*Node\\.js ${lowest.replace(".", "\\.")}`),
      );
    },
  );
});
