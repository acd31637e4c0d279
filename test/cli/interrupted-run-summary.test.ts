// Ctrl-C after the whole input was read: the summary must not claim the input was left unread, and it says
// how the run is resumed (the journal), or that without one it cannot be.
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import {
  CREDS,
  FAST_POLL,
  fakeIo,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-interrupted-");
const serve = useServedSimulators();

/** `sim`, whose first job status poll aborts the run: by then every record has been read. */
function abortingAtFirstPoll(sim: VendorSimulator, controller: AbortController): VendorSimulator {
  return {
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle: (request) => {
      if (request.method === "GET") controller.abort();
      return sim.handle(request);
    },
  };
}

async function interrupted(journal: readonly string[]) {
  const users = fullStoryUsers(4, "int");
  const input = file(`int-${journal.length}.ndjson`, ndjson(users));
  const io = fakeIo();
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(abortingAtFirstPoll(sim, io.controller));
  const code = await run(
    [
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
      ...journal,
    ],
    io.io,
  );
  return { code, stdout: io.stdout.text };
}

describe("import: the summary of a run stopped by Ctrl-C", () => {
  it("does not say the input was left unread when every record was read, and names the journal to resume with", async () => {
    const journal = file("int.journal");
    const { code, stdout } = await interrupted(["--journal", journal]);

    expect(code).toBe(1);
    expect(stdout).toContain("fullstory: 4 records: 0 imported, 4 failed");
    expect(stdout).not.toContain("before the input was read");
    expect(stdout).toContain("aborted: the run stopped before its end");
    expect(stdout).toContain(`run the same command again: --journal ${journal}`);
  });

  it("without --journal, says a re-run sends every record again", async () => {
    const { stdout } = await interrupted([]);

    expect(stdout).toContain("no --journal: a re-run sends every record again");
  });
});

describe("import: the report file of a run stopped by Ctrl-C part-way through its input", () => {
  it("ends with its summary line, aborted, whose counts are those of its outcome lines", async () => {
    const io = fakeIo();
    const sim = createFullStorySimulator({ processingPolls: 0 });
    let creates = 0;
    // Ctrl-C as the third chunk goes out: the reading, a chunk or so ahead at most, stops short of the end.
    const { url } = await serve({
      vendor: sim.vendor,
      stats: () => sim.stats(),
      setFaults: (faults) => sim.setFaults(faults),
      handle: (request) => {
        if (request.method === "POST" && ++creates === 3) io.controller.abort();
        return sim.handle(request);
      },
    });
    const input = file("part-way.ndjson", ndjson(fullStoryUsers(50, "pw")));
    const reportFile = file("part-way-report.ndjson");

    const code = await run(
      [
        "import",
        "fullstory",
        input,
        ...["--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL, "--chunk-size", "5"],
        ...["--report", reportFile],
      ],
      io.io,
    );

    expect(code).toBe(1);
    const report = await readReportFile(reportFile);
    expect(report.aborted).toBe(true);
    expect(report.total).toBeLessThan(50);
    expectEveryRecordOnce(report);
    expect(outcomesWith(report, "failed").every((o) => o.code === "aborted")).toBe(true);
    // Chunks out at the stop are at the vendor: never reported imported, their failures say so.
    const stored = new Set(sim.users().map((u) => u.uid));
    expect(outcomesWith(report, "imported").every((o) => stored.has(o.key))).toBe(true);
    const held = outcomesWith(report, "failed").filter((o) => stored.has(o.key));
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((o) => o.vendorMayHold === true)).toBe(true);
  });
});
