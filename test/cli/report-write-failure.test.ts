// A report file that fails while it is written (a full disk, here /dev/full, which answers every write with
// ENOSPC): the users the import sent are at the vendor, so the summary still says what became of them, the
// report's error follows it on stderr, and the exit code is 1 (the import ran; the report is incomplete).
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-failure-");
const serve = useServedSimulators();

const FULL_DISK = "/dev/full";

/** `import fullstory <input>` into the simulator at `url`, with `flags` after the common ones. */
const importInto = (url: string, input: string, ...flags: string[]) =>
  cli(["import", "fullstory", input, ...fullStoryFlags(url, ...flags)]);
/** Small chunks, one at a time: the run writes many report lines while chunks are still to go. */
const SMALL_CHUNKS = ["--chunk-size", "100", "--concurrency", "1"];

describe.skipIf(!existsSync(FULL_DISK))("--report on a full disk", () => {
  it("failing at the end: every user imported, the summary printed, then the report's error; exit 1", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("full.ndjson", ndjson(fullStoryUsers(3, "full")));

    const result = await importInto(url, input, "--report", FULL_DISK);

    expect(sim.users()).toHaveLength(3);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(result.stderr).toContain(`cannot write the report ${FULL_DISK}: ENOSPC`);
    expect(result.stderr).toContain("the report file is incomplete");
    expect(result.code).toBe(1);
  });

  it("failing part-way (more lines than one write): the summary counts what reached the vendor; exit 1", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("full-many.ndjson", ndjson(fullStoryUsers(3000, "many")));

    const result = await importInto(url, input, ...SMALL_CHUNKS, "--report", FULL_DISK);

    const imported = Number(/^fullstory: \d+ records: (\d+) imported/.exec(result.stdout)?.[1]);
    expect(imported).toBe(sim.users().length);
    expect(imported).toBeGreaterThan(0);
    expect(result.stderr).toContain(`cannot write the report ${FULL_DISK}: ENOSPC`);
    // Not an input that broke off (2), nor an import that could not run (3).
    expect(result.stdout).not.toContain("input broken off");
    expect(result.code).toBe(1);
  });

  it("failing part-way with --journal: a re-run with the journal and a writable report resumes", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("full-journal.ndjson", ndjson(fullStoryUsers(3000, "journal")));
    const journal = file("full.journal");
    const run = (report: string) =>
      importInto(url, input, ...SMALL_CHUNKS, "--journal", journal, "--report", report);

    const cut = await run(FULL_DISK);
    expect(cut.code).toBe(1);
    const resumed = await run(file("resumed.ndjson"));

    expect(resumed.stderr).not.toContain("bulk-user-import:");
    expect(resumed.stdout).toMatch(/^fullstory: 3000 records: 3000 imported, 0 failed, 0 rejected/);
    expect(resumed.code).toBe(0);
    expect(sim.users()).toHaveLength(3000);
  });
});
