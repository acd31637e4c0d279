// The input, --report and --journal are three different files: a report opened on the input empties it before
// a byte is read, and a report written over a journal leaves nothing to resume. The same file under another
// name (a symbolic link, a hard link, a linked directory) is the same file. The journal's and the report's lock
// files are two more.
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import {
  cli,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  servedFullStory,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-files-apart-");
const serve = useServedSimulators();

const fullStory = () => servedFullStory(serve);

const csvOf = (n: number) =>
  "uid,email\n" +
  Array.from({ length: n }, () => `${faker.string.uuid()},${faker.internet.email()}`).join("\n") +
  "\n";

describe("import: two of the input, --report and --journal naming the same file", () => {
  for (const [name, text] of [
    ["same.ndjson", ndjson(fullStoryUsers(3, "same"))],
    ["same.csv", csvOf(3)],
  ] as const) {
    it(`--report equal to the input (${name}): refused (exit 2), the input kept, nothing sent`, async () => {
      const { sim, base } = await fullStory();
      const input = file(name, text);

      const result = await cli(["import", "fullstory", input, ...base, "--report", input]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `the input ${input} and --report ${input} are the same file, which the import would overwrite ` +
          "before it is read",
      );
      expect(readFileSync(input, "utf8")).toBe(text);
      expect(totalRequests(sim)).toBe(0);
    });
  }

  it("--report through a symbolic link or a hard link to the input: refused, the input kept", async () => {
    const { sim, base } = await fullStory();
    const text = ndjson(fullStoryUsers(3, "link"));
    const input = file("linked.ndjson", text);
    const symlink = file("symlink.ndjson");
    symlinkSync(input, symlink);
    const hardLink = file("hardlink.ndjson");
    linkSync(input, hardLink);

    for (const report of [symlink, hardLink, `${path.dirname(input)}/./linked.ndjson`]) {
      const result = await cli(["import", "fullstory", input, ...base, "--report", report]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--report ${report} are the same file`);
    }
    expect(readFileSync(input, "utf8")).toBe(text);
    expect(totalRequests(sim)).toBe(0);
  });

  it("--journal equal to the input: refused before the file is read as a journal", async () => {
    const { sim, base } = await fullStory();
    const text = ndjson(fullStoryUsers(3, "ji"));
    const input = file("journal-input.ndjson", text);

    const result = await cli(["import", "fullstory", input, ...base, "--journal", input]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the input ${input} and --journal ${input} are the same file`);
    expect(readFileSync(input, "utf8")).toBe(text);
    expect(totalRequests(sim)).toBe(0);
  });

  it("--report and --journal naming one file not yet there, through a linked directory or a dangling link: refused, not created", async () => {
    const { sim, base } = await fullStory();
    const input = file("rj.ndjson", ndjson(fullStoryUsers(3, "rj")));
    const dir = file("out");
    mkdirSync(dir);
    const linkedDir = file("out-link");
    symlinkSync(dir, linkedDir);
    const target = path.join(dir, "run.out");
    // Its target relative to its own folder, as a link's is, not to the working directory.
    const dangling = path.join(file("links"), "run.out");
    mkdirSync(path.dirname(dangling));
    symlinkSync(path.join("..", path.basename(dir), "run.out"), dangling);

    for (const report of [target, path.join(linkedDir, "run.out"), dangling]) {
      const result = await cli([
        "import",
        "fullstory",
        input,
        ...base,
        "--journal",
        target,
        "--report",
        report,
      ]);
      expect(result.code).toBe(2);
      // Neither exists yet: nothing would be overwritten before it is read.
      expect(result.stderr).toContain(
        `--report ${report} and --journal ${target} are the same file, which the import would write ` +
          "as both; give --journal a file of its own",
      );
    }
    expect(existsSync(target)).toBe(false);
    expect(totalRequests(sim)).toBe(0);
  });

  it("--report on the journal's lock file, or an input linked to it: refused, the files kept, nothing sent", async () => {
    const { sim, base } = await fullStory();
    const input = file("lock-input.ndjson", ndjson(fullStoryUsers(3, "lk")));
    const journal = file("lk.journal");
    const lock = `${journal}.lock`;

    const report = await cli([
      "import",
      "fullstory",
      input,
      ...base,
      "--journal",
      journal,
      "--report",
      lock,
    ]);
    expect(report.code).toBe(2);
    expect(report.stderr).toContain(
      `--report ${lock} and --journal's lock file ${lock} are the same file`,
    );
    expect(existsSync(lock)).toBe(false);

    const text = ndjson(fullStoryUsers(3, "lk-in"));
    const linked = file("linked-lock.ndjson");
    symlinkSync(file("lk2.journal.lock", text), linked);
    const linkedInput = await cli([
      "import",
      "fullstory",
      linked,
      ...base,
      "--journal",
      file("lk2.journal"),
    ]);
    expect(linkedInput.code).toBe(2);
    expect(linkedInput.stderr).toMatch(
      /the input .* and --journal's lock file .* are the same file.*give --journal a file of its own/,
    );
    expect(readFileSync(linked, "utf8")).toBe(text);
    expect(totalRequests(sim)).toBe(0);
  });

  it("--report on the lock file beside the journal a --journal link names: refused, nothing sent", async () => {
    const { sim, base } = await fullStory();
    const input = file("link-lock-input.ndjson", ndjson(fullStoryUsers(3, "ll")));
    const journal = file("ll.journal");
    const folder = file("journal-links");
    mkdirSync(folder);
    const link = path.join(folder, "ll.journal");
    symlinkSync(journal, link);
    const lock = `${journal}.lock`;

    const result = await cli([
      "import",
      "fullstory",
      input,
      ...base,
      "--journal",
      link,
      "--report",
      lock,
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--report ${lock} and --journal's lock file `);
    expect(result.stderr).toContain("are the same file");
    expect(existsSync(lock)).toBe(false);
    expect(totalRequests(sim)).toBe(0);
  });

  it("--journal on the report's lock file, or an input linked to it: refused, the files kept, nothing sent", async () => {
    const { sim, base } = await fullStory();
    const input = file("report-lock-input.ndjson", ndjson(fullStoryUsers(3, "rl")));
    const report = file("rl.report");
    const lock = `${report}.lock`;

    const journal = await cli([
      "import",
      "fullstory",
      input,
      ...base,
      "--report",
      report,
      "--journal",
      lock,
    ]);
    expect(journal.code).toBe(2);
    expect(journal.stderr).toContain(
      `--journal ${lock} and --report's lock file ${lock} are the same file, which the import would ` +
        "write as both; give --report a file of its own",
    );
    expect(existsSync(lock)).toBe(false);

    const text = ndjson(fullStoryUsers(3, "rl-in"));
    const linked = file("linked-report-lock.ndjson");
    symlinkSync(file("rl2.report.lock", text), linked);
    const linkedInput = await cli([
      "import",
      "fullstory",
      linked,
      ...base,
      "--report",
      file("rl2.report"),
    ]);
    expect(linkedInput.code).toBe(2);
    expect(linkedInput.stderr).toMatch(
      /the input .* and --report's lock file .* are the same file.*give --report a file of its own/,
    );
    expect(readFileSync(linked, "utf8")).toBe(text);
    expect(totalRequests(sim)).toBe(0);
  });

  it("three different files: the import runs, and a re-run resumes from the journal", async () => {
    const { sim, base } = await fullStory();
    const input = file("apart.ndjson", ndjson(fullStoryUsers(3, "apart")));
    const argv = ["import", "fullstory", input, ...base, "--journal", file("apart.journal")];

    const first = await cli([...argv, "--report", file("apart.report")]);
    const again = await cli(argv);

    expect(first.code).toBe(0);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/3 records: 3 imported.*1 resumed/);
    expect(sim.stats().jobs).toBe(1);
  });
});
