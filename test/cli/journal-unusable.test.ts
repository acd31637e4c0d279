// A --journal the run cannot open, or one another run is using, is a usage error (exit 2) naming the journal,
// before anything is sent: two runs on one journal would both send every chunk, and a path that is a
// directory or lies in a missing folder is the command line's to fix, not the vendor's.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  cli,
  fullStoryUsers,
  ndjson,
  servedFullStory,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-journal-unusable-");
const serve = useServedSimulators();

describe("import --journal that cannot be used", () => {
  it("a journal another run is using: exit 2 naming it, nothing sent, its lock left in place", async () => {
    const { sim, base } = await servedFullStory(serve);
    const input = file("busy.ndjson", ndjson(fullStoryUsers(3, "busy")));
    const journal = file("busy.journal");
    // The lock of a run that is alive on this host (the process that started this test).
    const lock = `${JSON.stringify({ pid: process.ppid, host: hostname() })}\n`;
    writeFileSync(`${journal}.lock`, lock);

    const result = await cli(["import", "fullstory", input, ...base, "--journal", journal]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`journal ${journal} is in use by pid ${process.ppid}`);
    expect(totalRequests(sim)).toBe(0);
    expect(readFileSync(`${journal}.lock`, "utf8")).toBe(lock);
    expect(existsSync(journal)).toBe(false);
  });

  it("a directory, or a file in a folder that does not exist: exit 2 naming it, nothing sent", async () => {
    const { sim, base } = await servedFullStory(serve);
    const input = file("dir.ndjson", ndjson(fullStoryUsers(3, "dir")));
    const dir = file("a-directory");
    mkdirSync(dir);

    for (const journal of [dir, path.join(dir, "missing", "import.journal")]) {
      const result = await cli(["import", "fullstory", input, ...base, "--journal", journal]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`journal ${journal}`);
    }
    // Said in words: ENOENT's own text names the lock file, not the folder the path lacks.
    const inMissing = path.join(dir, "missing", "import.journal");
    expect(
      (await cli(["import", "fullstory", input, ...base, "--journal", inMissing])).stderr,
    ).toContain(`journal ${inMissing}: its folder ${path.join(dir, "missing")} does not exist`);
    expect(totalRequests(sim)).toBe(0);
  });

  it("a run that ended gives the journal up: the next run with it resumes", async () => {
    const { base } = await servedFullStory(serve);
    const input = file("again.ndjson", ndjson(fullStoryUsers(3, "again")));
    const journal = file("again.journal");

    expect((await cli(["import", "fullstory", input, ...base, "--journal", journal])).code).toBe(0);
    expect(existsSync(`${journal}.lock`)).toBe(false);
    const again = await cli(["import", "fullstory", input, ...base, "--journal", journal]);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/3 imported/);
  });
});
