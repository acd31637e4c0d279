// CONTRIBUTING.md, "Adding a vendor", step 6: "What the compiler then asks for. Each of these is keyed by the
// vendor's name, so a missing entry is a type error", followed by the list. A contributor follows that list:
// every table keyed by vendor name outside the vendor's own folder (a record of `VendorName` keys) must be on it,
// or the new vendor's first `tsc` (or test run) fails in a file the guide never named.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VENDOR_NAMES } from "../../src/vendors.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const contributing = readFileSync(path.join(root, "CONTRIBUTING.md"), "utf8");

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(path.join(root, file)).isDirectory() ? filesUnder(file) : [file];
  });
}

/**
 * A table every vendor must have an entry in (typed by, or checked against, a record of vendor names), or a
 * `switch` over the vendors whose `default` holds the name to `never`: step 6 says tsc names each of both.
 */
const KEYED_BY_VENDOR = /Record<\s*(?:VendorName|Vendor)\s*,|satisfies\s+never\b/;

describe("CONTRIBUTING.md's checklist for adding a vendor", () => {
  const keyed = ["test", "scripts"]
    .flatMap(filesUnder)
    .filter((file) => /\.(ts|mjs)$/.test(file))
    .filter((file) => KEYED_BY_VENDOR.test(readFileSync(path.join(root, file), "utf8")));

  it("finds the tables keyed by vendor name", () => {
    expect(keyed.length).toBeGreaterThan(0);
  });

  it.each(keyed)("names %s, which holds a table or switch keyed by vendor name", (file) => {
    expect(contributing).toContain(`\`${file.split(path.sep).join("/")}\``);
  });
});

// Steps 1 and 7 are edits by hand that no compiler asks for: a spec left out of `lint:specs` is never linted,
// an entry point left out of check-package's list is never checked to import without the optional peers, and
// a vendor entry without client options in declaration-probes stops `npm run check` a minute in.
describe("CONTRIBUTING.md's steps that no compiler checks", () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    exports: Record<string, unknown>;
  };

  it.each(readdirSync(path.join(root, "specs")).filter((name) => name.endsWith(".yaml")))(
    "npm run lint:specs lints specs/%s",
    (name) => {
      expect(pkg.scripts["lint:specs"]?.split(" ")).toContain(`specs/${name}`);
    },
  );

  const checkPackage = readFileSync(path.join(root, "scripts/check-package.mjs"), "utf8");
  const entryPoints = Object.keys(pkg.exports)
    .filter((key) => key !== "." && key !== "./package.json" && !key.includes("*"))
    .map((key) => key.slice(1));

  // Steps 4 and 7 for each vendor of src/vendors.ts: read from the list, so a vendor added there without
  // them fails here (the entries above come from package.json, which a missing export leaves unchecked).
  const library = readFileSync(path.join(root, "src/index.ts"), "utf8");
  const simulators = readFileSync(path.join(root, "src/testing/index.ts"), "utf8");
  describe.each(VENDOR_NAMES)("%s", (name) => {
    it(`package.json exports ./${name}, with its types and code under import`, () => {
      expect(pkg.exports[`./${name}`]).toEqual({
        import: {
          types: `./dist/src/${name}/index.d.ts`,
          default: `./dist/src/${name}/index.js`,
        },
      });
    });

    it(`src/index.ts exports it as ${name}`, () => {
      expect(library).toContain(`export * as ${name} from "./${name}/index.js";`);
    });

    it("src/testing/index.ts exports its simulator", () => {
      expect(simulators).toContain(`export * from "./${name}.js";`);
    });
  });

  it.each(entryPoints)("scripts/check-package.mjs loads the entry point %s", (entry) => {
    expect(checkPackage).toContain(`"${entry}"`);
  });

  // check-package probes each vendor entry's declarations with a client made from these options.
  const probes = readFileSync(path.join(root, "scripts/declaration-probes.mjs"), "utf8");
  const clientOptions = /^const CLIENT_OPTIONS = \{\n([^]*?)^\};/m.exec(probes)?.[1] ?? "";
  const vendorEntries = entryPoints.filter((entry) => !entry.startsWith("/testing"));

  it.each(vendorEntries)(
    "scripts/declaration-probes.mjs has client options for the entry point %s",
    (entry) => {
      expect(clientOptions).toMatch(new RegExp(`^  ${entry.slice(1)}: \\{`, "m"));
    },
  );
});

// The promise of src/vendors.ts: the CLI, demo, simulate, the soak and the tests read that one list. A
// list of every vendor's name written out again elsewhere does not grow with it: a vendor added there is
// left out of what that copy feeds (a test that never runs on it), and nothing says so.
describe("the list of vendors in src/vendors.ts", () => {
  const NAME_LISTS = /\[(?:\s*(["'`])[\w-]+\1\s*,)*\s*(["'`])[\w-]+\2\s*,?\s*\]/g;
  const quoted = (name: string) => new RegExp(`["'\`]${name}["'\`]`);
  // Facts pinned of these four specs' answers (each declares a number non-negative): no rule for every spec.
  const PINNED: ReadonlyMap<string, number> = new Map([["test/spec-facts.test.ts", 1]]);
  const copies = ["src", "scripts", "test"]
    .flatMap(filesUnder)
    .filter((file) => /\.(ts|mts|mjs|js)$/.test(file))
    .flatMap((file) => {
      // A bracketed list of quoted names only: a table of per-vendor data is another matter.
      const lists = readFileSync(path.join(root, file), "utf8").match(NAME_LISTS) ?? [];
      const named = lists.filter((list) => VENDOR_NAMES.every((name) => quoted(name).test(list)));
      const at = file.split(path.sep).join("/");
      return named.length > (PINNED.get(at) ?? 0) ? [`${at}: ${named.join(" ")}`] : [];
    });

  it("is not written out again in src/, scripts/ or test/", () => {
    expect(copies).toEqual([]);
  });
});
