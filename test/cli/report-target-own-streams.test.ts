// Where `--report` leads, told by the run's own stdout and stderr (their file descriptors): the report's path
// is one of them only when it is the very same file. Taken for stdout, a report file of its own was never
// written (its lines went to stdout) and the summary moved to stderr; `--report /dev/null > /dev/null` moved
// the summary too; a file that is both stdout and stderr (`> out.txt 2>&1`) was taken for stdout, and the
// report written amid the run's progress, warnings and errors. A device takes no lock (a regular file does).
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseReport } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  CollectingStream,
  cli,
  fakeIo,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-target-");
const serve = useServedSimulators();

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) closeSync(fd);
});

/** A stream collecting what the run writes, as a process's stdout or stderr on the file `path` is. */
function streamOn(path: string): CollectingStream {
  const fd = openSync(path, "a");
  opened.push(fd);
  return Object.assign(new CollectingStream(false), { fd });
}

/** The import of three users with `--report report`, stdout and stderr as given. */
async function importWith(report: string, stdout: CollectingStream, stderr: CollectingStream) {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  const input = file(`users-${opened.length}.ndjson`, ndjson(fullStoryUsers(3, "rt")));
  const { io } = fakeIo();
  const code = await run(
    ["import", "fullstory", input, "--report", report, ...fullStoryFlags(url)],
    {
      ...io,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
    },
  );
  return { code, sim };
}

describe("--report to a file beside the run's stdout, which is a file", () => {
  it("is a file of its own: the report is written there, the summary to stdout", async () => {
    const stdout = streamOn(file("stdout.txt", ""));
    const stderr = new CollectingStream(false);
    // There already (an earlier run's), on the same file system as stdout's file: a file all the same.
    const report = file("report.ndjson", "");

    const { code } = await importWith(report, stdout, stderr);

    expect(code).toBe(0);
    expect(parseReport(readFileSync(report, "utf8"), report)).toMatchObject({ imported: 3 });
    expect(stdout.text).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(stderr.text).not.toMatch(/3 records/);
  });
});

describe.skipIf(!existsSync("/dev/null"))("--report /dev/null > /dev/null", () => {
  it("the report is thrown away, the summary goes to stdout as ever", async () => {
    const stdout = streamOn("/dev/null");
    const stderr = new CollectingStream(false);

    const { code } = await importWith("/dev/null", stdout, stderr);

    expect(code).toBe(0);
    expect(stdout.text).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(stderr.text).not.toMatch(/3 records/);
  });

  // A device keeps nothing for a lock to guard: two runs (two cron jobs) may each throw their reports away.
  it("two runs at once, each with --report /dev/null, both run", async () => {
    const second = createFullStorySimulator({ processingPolls: 0 });
    const { url: secondUrl } = await serve(second);
    const other = file("second-users.ndjson", ndjson(fullStoryUsers(2, "second")));
    let during: { code: number; stderr: string } | undefined;
    const first = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve({
      vendor: first.vendor,
      stats: () => first.stats(),
      setFaults: (faults) => first.setFaults(faults),
      handle: async (request) => {
        // While the first run writes its report (it has begun sending), the second runs.
        if (request.method === "POST" && during === undefined)
          during = await cli([
            ...["import", "fullstory", other, "--report", "/dev/null"],
            ...fullStoryFlags(secondUrl),
          ]);
        return first.handle(request);
      },
    });
    const input = file("first-users.ndjson", ndjson(fullStoryUsers(2, "first")));

    const ran = await cli([
      ...["import", "fullstory", input, "--report", "/dev/null"],
      ...fullStoryFlags(url),
    ]);

    expect(ran.code).toBe(0);
    expect(during?.stderr).not.toContain("in use");
    expect(during?.code).toBe(0);
  });
});

describe("--report to the file that is both stdout and stderr (`> out.txt 2>&1`)", () => {
  it("is refused as the run's stderr (exit 2) before anything is sent", async () => {
    const out = file("out.txt", "");
    const stdout = streamOn(out);
    const stderr = streamOn(out);

    const { code, sim } = await importWith(out, stdout, stderr);

    expect(code).toBe(2);
    expect(stderr.text).toContain(`--report ${out} is this run's stderr`);
    expect(totalRequests(sim)).toBe(0);
  });
});

describe("demo --report to the file that is both stdout and stderr (`> out.txt 2>&1`)", () => {
  it("is refused as the run's stderr (exit 2) before any import runs", async () => {
    const out = file("demo-out.txt", "");
    const stdout = streamOn(out);
    const stderr = streamOn(out);
    const { io } = fakeIo();

    const code = await run(["demo", "--users", "3", "--report", out], {
      ...io,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
    });

    expect(code).toBe(2);
    expect(stderr.text).toContain(`--report ${out} is this run's stderr`);
    // No import ran: none of the demo's per-vendor headings was written.
    expect(stdout.text).not.toContain("users into the simulator");
    expect(readFileSync(out, "utf8")).toBe("");
  });
});
