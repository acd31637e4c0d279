// A journal that cannot be written part-way through a run (a full disk: here a stand-in for the file system
// that answers every append to the journal with ENOSPC; the journal stays the file the run opened). The
// write that fails may be the one recording a job the vendor just accepted: the users of that job are at the
// vendor, so the report must not call them plainly failed, and the run must stop (as it does when a chunk's
// outcomes cannot be recorded) rather than go on failing chunk after chunk.
import { interceptRoute } from "../support/intercept-route.js";
import { describe, expect, it, vi } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  ndjson,
  requestsTo,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const disk = vi.hoisted(() => ({ full: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  return fullDisk(await importOriginal(), (file) => (file === disk.full ? 0 : undefined));
});

const file = useTempDir();
const serve = useServedSimulators();

describe("--journal on a disk that fills up mid-run", () => {
  it("userpilot: the users of the job accepted as the journal filled are not called plainly failed, and the run stops", async () => {
    const sim = createUserpilotSimulator();
    const users = userpilotUsers(50, "full");
    const journal = file("full.journal");
    // The disk fills while the 2nd chunk's request is out: Userpilot accepts its job, and the journal
    // cannot record the job id.
    const { url } = await serve(
      interceptRoute(sim, "POST /v1/users/bulk_identify", (seen) => {
        if (seen === 2) disk.full = journal;
      }),
    );
    const reportFile = file("full-report.ndjson");
    const argv = [
      "import",
      "userpilot",
      file("full.ndjson", ndjson(users)),
      ...FAST_POLL,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--journal",
      journal,
      "--chunk-size",
      "10",
    ];

    const first = await cli([...argv, "--report", reportFile]);
    disk.full = "";

    // Userpilot accepted the 2nd chunk's job: it holds (or will hold) those users.
    expect(sim.stats().jobs).toBe(2);
    const report = await readReportFile(reportFile);
    const ofSecondChunk = report.outcomes.filter((o) => o.index >= 10 && o.index < 20);
    expect(ofSecondChunk).toHaveLength(10);
    for (const outcome of ofSecondChunk) {
      if (outcome.outcome === "imported") continue;
      expect(outcome.outcome).toBe("failed");
      expect(outcome.outcome === "failed" && outcome.reason).toMatch(
        /userpilot may hold this record/i,
      );
    }
    // The run stopped at the journal's failure, as it does when a chunk's outcomes cannot be recorded:
    // nothing more was sent, and the exit code says the import could not run (3), not that some failed (1).
    expect(requestsTo(sim, "POST /v1/users/bulk_identify")).toBe(2);
    expect(report.fatal).toMatch(/ENOSPC/);
    expect(first.code).toBe(3);

    // The re-run with the journal (the disk has room again) settles everyone, without a second job of them.
    const second = await cli(argv);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^userpilot: 50 records: 50 imported, 0 failed, 0 rejected/);
    expect(sim.stats().duplicateWrites).toBe(0);
    expect(sim.stats().jobs).toBe(5);
  });
});
