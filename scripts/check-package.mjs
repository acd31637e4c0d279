// `npm run check:package`: builds, packs the tarball npm would publish into a temp dir and checks it as a
// consumer would get it: every source map's sources are in the tarball, the types resolve for ESM
// consumers (@arethetypeswrong/cli, esm-only profile) and package.json agrees with the files (publint).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: root, stdio: "inherit", ...options });

run("npm", ["run", "--silent", "build"]);
const temp = mkdtempSync(path.join(tmpdir(), "bulk-user-import-pack-"));
try {
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", temp], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const tarball = path.join(temp, packed[0].filename);
  const files = new Set(packed[0].files.map((file) => file.path));
  run("tar", ["-xzf", tarball, "-C", temp]);
  const unpacked = path.join(temp, "package");

  const missing = [];
  for (const file of files) {
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(path.join(unpacked, file), "utf8"));
    for (const source of map.sources) {
      const resolved = path.posix.join(path.posix.dirname(file), map.sourceRoot ?? "", source);
      if (!files.has(resolved) || !existsSync(path.join(unpacked, resolved))) {
        missing.push(`${file} -> ${resolved}`);
      }
    }
  }
  if (missing.length > 0) {
    console.error(`source maps whose sources are not in the tarball:\n  ${missing.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `source maps: every source of ${[...files].filter((f) => f.endsWith(".map")).length} maps is packed`,
    );
  }

  // attw does not expand a wildcard export: each fixture module is named as an entry point of its own.
  const fixtures = [...files]
    .filter((file) => /^dist\/src\/testing\/fixtures\/[^/]+\.js$/.test(file))
    .map((file) => `./testing/fixtures/${path.posix.basename(file, ".js")}`);
  run(bin("attw"), [
    ...["--profile", "esm-only", "--format", "table-flipped", "--no-color"],
    ...["--include-entrypoints", ...fixtures, "--", tarball],
  ]);
  run(bin("publint"), ["run", "--strict", tarball]);

  // A consumer's view: the tarball under node_modules, its dependencies taken from this repo's.
  const consumer = path.join(temp, "consumer");
  mkdirSync(path.join(consumer, "node_modules"), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(unpacked, "node_modules"), "dir");
  symlinkSync(unpacked, path.join(consumer, "node_modules", "bulk-user-import"), "dir");
  const entries = ["", "/fullstory", "/slashid", "/propeller", "/userpilot", "/testing"];
  const imports = entries.map((entry) => `await import("bulk-user-import${entry}");`).join("");
  run("node", ["--input-type=module", "--eval", imports], { cwd: consumer });
  const required = spawnSync("node", ["--eval", 'require("bulk-user-import/fullstory")'], {
    cwd: consumer,
    encoding: "utf8",
  });
  if (required.status === 0 || !required.stderr.includes("ERR_PACKAGE_PATH_NOT_EXPORTED")) {
    console.error(`require() should fail with ERR_PACKAGE_PATH_NOT_EXPORTED:\n${required.stderr}`);
    process.exitCode = 1;
  } else {
    console.log(
      "ESM only: every entry point imports; require() fails with ERR_PACKAGE_PATH_NOT_EXPORTED",
    );
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
