// A report file removed while the run writes it (its folder deleted, the file moved away or replaced): the
// lines the run writes go to a file no name leads to, so the report the summary points at is not there, or is
// another file. The run says so, as for a report that could not be written to its end, and exits 1. So does a
// report another process wrote to meanwhile (a second run given the same --report), though the name still
// leads to the file the run opened.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
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
  act: () => void,
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
        act();
      }
      return sim.handle(request);
    },
  };
}

const importInto = (url: string, input: string, report: string, ...more: string[]) =>
  cli(["import", "fullstory", input, ...fullStoryFlags(url, "--report", report, ...more)]);

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
    const report = file("shared.ndjson");
    const input = file("shared-users.ndjson", ndjson(fullStoryUsers(2000, "shared")));
    // Once this run's first lines are in the file: the other run truncates it in place, as it opens it, and
    // writes its own header where this run's was; this run's later lines go on at their own offsets.
    const { url } = await serve(
      actingAtRequest(() => writeFileSync(report, '{"kind":"header","input":"other"}\n'), {
        at: 3,
        until: () => statSync(report).size > 0,
      }),
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

    expect(result.stdout).toMatch(/^fullstory: 2000 records: 2000 imported, 0 failed, 0 rejected/);
    expect(result.stderr).toContain(
      `cannot write the report ${report}: another process wrote to it while the run wrote it`,
    );
    expect(result.stderr).toContain("the report file is incomplete");
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
