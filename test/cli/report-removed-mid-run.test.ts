// A report file removed while the run writes it (its folder deleted, the file moved away or replaced): the
// lines the run writes go to a file no name leads to, so the report the summary points at is not there, or is
// another file. The run says so, as for a report that could not be written to its end, and exits 1. So does a
// report another process wrote to meanwhile (a writer that ignores the report's lock), though the name still
// leads to the file the run opened. A second run given the same --report finds the first's lock
// (`<report>.lock`), and is refused before it sends anything.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  realpathSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { readReportFile } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import {
  CREDS,
  cli,
  fakeIo,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-removed-");
const serve = useServedSimulators();

/**
 * FullStory's simulator that calls `act` once, as the `at`th batch import request reaches it (the first: the
 * report is open by then), after `until` holds.
 */
function actingAtRequest(
  act: () => void | Promise<void>,
  { at = 1, until = () => true }: { at?: number; until?: () => boolean } = {},
): VendorSimulator {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  let batches = 0;
  return {
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle: async (request) => {
      if (request.method === "POST" && ++batches === at) {
        while (!until()) await sleep(5);
        await act();
      }
      return sim.handle(request);
    },
  };
}

const importInto = (url: string, input: string, report: string, ...more: string[]) =>
  cli(["import", "fullstory", input, ...fullStoryFlags(url, "--report", report, ...more)]);

/**
 * Imports 2,000 users, 500 a chunk one at a time, into the report `<name>.ndjson`; `write` acts on that file
 * as the third batch request arrives, once this run's first lines are in it.
 */
async function importWhileWritten(name: string, write: (report: string) => void) {
  const report = file(`${name}.ndjson`);
  const input = file(`${name}-users.ndjson`, ndjson(fullStoryUsers(2000, name)));
  const { url } = await serve(
    actingAtRequest(() => write(report), { at: 3, until: () => statSync(report).size > 0 }),
  );
  const result = await importInto(url, input, report, "--chunk-size", "500", "--concurrency", "1");
  return { report, result };
}

describe("--report removed while the run writes it", () => {
  it("its folder deleted: every user imported, the summary printed, then that the report is gone; exit 1", async () => {
    const folder = file("reports");
    mkdirSync(folder);
    const report = path.join(folder, "report.ndjson");
    const input = file("users.ndjson", ndjson(fullStoryUsers(3, "gone")));
    const { url } = await serve(actingAtRequest(() => rmSync(folder, { recursive: true })));

    const result = await importInto(url, input, report);

    expect(existsSync(report)).toBe(false);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(result.stderr).toContain(`cannot write the report ${report}: it was removed`);
    expect(result.stderr).toContain("the report file is incomplete");
    expect(result.code).toBe(1);
  });

  it("its folder deleted, the report named with the key given (a line run together): the error holds no key", async () => {
    const folder = file("reports-named");
    mkdirSync(folder);
    const report = path.join(folder, `report ${CREDS.apiKey}.ndjson`);
    const input = file("named-users.ndjson", ndjson(fullStoryUsers(3, "named")));
    const { url } = await serve(actingAtRequest(() => rmSync(folder, { recursive: true })));

    const result = await importInto(url, input, report);

    expect(result.stderr).toContain(
      `cannot write the report ${path.join(folder, "report [REDACTED].ndjson")}: it was removed`,
    );
    expect(result.all).not.toContain(CREDS.apiKey);
    expect(result.code).toBe(1);
  });

  it("replaced by another file: the other file is left as it is, and the run says the report is not there; exit 1", async () => {
    const report = file("replaced.ndjson");
    const input = file("replaced-users.ndjson", ndjson(fullStoryUsers(3, "replaced")));
    const { url } = await serve(
      actingAtRequest(() => {
        renameSync(report, file("moved-away.ndjson"));
        writeFileSync(report, "another file\n");
      }),
    );

    const result = await importInto(url, input, report);

    expect(result.stdout).toMatch(/^fullstory: 3 records: 3 imported/);
    expect(readFileSync(report, "utf8")).toBe("another file\n");
    expect(result.stderr).toContain(`cannot write the report ${report}: it was replaced`);
    expect(result.code).toBe(1);
  });

  it("written over by another run given the same --report (the file truncated and written from its start): exit 1", async () => {
    // The other run truncates it in place, as it opens it, and writes its own header where this run's was;
    // this run's later lines go on at their own offsets.
    const { report, result } = await importWhileWritten("shared", (written) =>
      writeFileSync(written, '{"kind":"header","input":"other"}\n'),
    );

    expect(result.stdout).toMatch(/^fullstory: 2000 records: 2000 imported, 0 failed, 0 rejected/);
    expect(result.stderr).toContain(
      `cannot write the report ${report}: another process wrote to it while the run wrote it`,
    );
    expect(result.stderr).toContain("the report file is incomplete");
    expect(result.code).toBe(1);
  });

  it("appended to by another writer, past this run's last line: exit 1, the summary no longer last", async () => {
    // More than the rest of this run's lines: they go on at their own offsets, over the start of the
    // other's, and the file ends in the other writer's lines, the summary no longer last.
    const other = '{"kind":"outcome","index":0,"key":"other","outcome":"imported"}\n'.repeat(
      20_000,
    );
    const { report, result } = await importWhileWritten("appended", (written) =>
      appendFileSync(written, other),
    );

    expect(statSync(report).size).toBeGreaterThan(other.length);
    expect(result.stderr).toContain(
      `cannot write the report ${report}: another process wrote to it while the run wrote it`,
    );
    expect(result.code).toBe(1);
  });

  it("written over by another run of the same input to the same CSV --report, its first lines alike: exit 1", async () => {
    const report = file("shared.csv");
    const input = file("shared-csv-users.ndjson", ndjson(fullStoryUsers(6000, "shared")));
    // A CSV report's header row is every run's, and another run of the same input writes the same first rows:
    // what it wrote matches this run's first 64 KiB. Where it stopped, short of this run's offset, the file
    // holds no line at all (a hole of NULs) up to this run's next lines.
    const { url } = await serve(
      actingAtRequest(
        () => {
          const lines = readFileSync(report);
          writeFileSync(report, lines.subarray(0, lines.length - 100));
        },
        { at: 8, until: () => statSync(report).size > 2 * 64 * 1024 },
      ),
    );

    const result = await importInto(
      url,
      input,
      report,
      "--chunk-size",
      "500",
      "--concurrency",
      "1",
    );

    expect(result.stdout).toMatch(/^fullstory: 6000 records: 6000 imported, 0 failed, 0 rejected/);
    expect(readFileSync(report)).toContain(0);
    expect(result.stderr).toContain(
      `cannot write the report ${report}: another process wrote to it while the run wrote it`,
    );
    expect(result.code).toBe(1);
  });
});

describe("--report given to a second run while the first writes it", () => {
  it("the second is refused (exit 2) before it sends anything, naming --report and its lock; the first's report is whole", async () => {
    const report = file("locked.ndjson");
    const input = file("locked-users.ndjson", ndjson(fullStoryUsers(3, "first")));
    const other = file("locked-other.ndjson", ndjson(fullStoryUsers(3, "second")));
    const second = createFullStorySimulator({ processingPolls: 0 });
    const { url: secondUrl } = await serve(second);
    let refusals: Awaited<ReturnType<typeof cli>>[] = [];
    // Once the first run has sent its first request: it holds the report, and has begun writing it. The second
    // run goes through a symbolic link as well, which names the same file.
    const link = file("locked-link.ndjson");
    const { url } = await serve(
      actingAtRequest(async () => {
        symlinkSync(report, link);
        // Before the request is answered: the first run still holds the report, whatever the machine's load.
        refusals = await Promise.all([
          importInto(secondUrl, other, report),
          importInto(secondUrl, other, link),
        ]);
      }),
    );

    const first = await importInto(url, input, report);
    const [byName, byLink] = refusals;

    for (const [refused, named] of [
      [byName!, report],
      [byLink!, link],
    ] as const) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `--report ${named} is in use by pid ${process.pid} on ${hostname()} (its lock file ${realpathSync(report)}.lock): ` +
          "wait for that run to end or use another report file",
      );
    }
    expect(totalRequests(second)).toBe(0);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain("cannot write the report");
    const whole = await readReportFile(report);
    expect(whole.imported).toBe(3);
    expect(whole.outcomes.map((o) => o.key)).toEqual(["first-0", "first-1", "first-2"]);
    // Given up at the end: the next run takes the report.
    expect(existsSync(`${report}.lock`)).toBe(false);
    expect((await importInto(secondUrl, other, report)).code).toBe(0);
    expect(existsSync(`${report}.lock`)).toBe(false);
  });

  it("a run stopped by Ctrl-C, or refused by a journal in use, gives the report's lock up", async () => {
    const report = file("stopped.ndjson");
    const input = file("stopped-users.ndjson", ndjson(fullStoryUsers(3, "stopped")));
    const stopped = fakeIo();
    const { url } = await serve(actingAtRequest(() => stopped.controller.abort()));

    const code = await run(
      ["import", "fullstory", input, ...fullStoryFlags(url, "--report", report)],
      stopped.io,
    );

    expect(code).toBe(1);
    expect(stopped.stdout.text).toContain("aborted");
    expect(existsSync(`${report}.lock`)).toBe(false);
    const journal = file("busy.journal");
    writeFileSync(
      `${journal}.lock`,
      `${JSON.stringify({ pid: process.ppid, host: hostname() })}\n`,
    );
    const refused = await importInto(url, input, report, "--journal", journal);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`journal ${journal} is in use`);
    expect(existsSync(`${report}.lock`)).toBe(false);
  });
});
