// The vendor acted on a write, then its 2xx answer arrived unreadable: a proxy's HTML page with status 200.
// That answer is as lost as one behind a 502 gateway page, so the chunk goes the vendor's replay path (the
// same Idempotency-Key, the upsert, the job list, the existing persons) and the report says what the vendor
// holds: every user imported, once, never "failed" for users the vendor stored.
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import type { FaultCall, FaultOptions } from "../../src/testing/faults.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import { vendorNamed } from "../../src/vendors.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

const htmlOk = () =>
  new Response("<html><body>Request accepted</body></html>", {
    status: 200,
    headers: { "Content-Type": "text/html" },
  });

/** The first write's answer, once the vendor acted on it, is a proxy's HTML page with status 200. */
const unreadableFirstWrite = (vendor: string): FaultOptions => {
  const writes = vendorNamed(vendor)?.writes ?? [];
  return {
    script: ({ operation, attempt }: FaultCall) =>
      writes.includes(operation) && attempt === 1 ? { after: htmlOk } : undefined,
  };
};

const cases = [
  {
    vendor: "fullstory",
    sim: () =>
      createFullStorySimulator({ processingPolls: 0, faults: unreadableFirstWrite("fullstory") }),
    records: fullStoryUsers(6),
    flags: ["--api-key", CREDS.apiKey, ...FAST_POLL],
  },
  {
    vendor: "slashid",
    sim: () =>
      createSlashIdSimulator({
        existingPersons: "upsert",
        faults: unreadableFirstWrite("slashid"),
      }),
    records: slashIdPersons(6),
    flags: ["--api-key", CREDS.apiKey, "--org-id", CREDS.orgId],
  },
  {
    vendor: "propeller",
    sim: () => createPropellerSimulator({ faults: unreadableFirstWrite("propeller") }),
    records: propellerUsers(6),
    flags: ["--client-id", CREDS.clientId, "--client-secret", CREDS.clientSecret],
  },
  {
    vendor: "userpilot",
    sim: () =>
      // On the real clock: the job list's start times must follow the send for the job to be found.
      createUserpilotSimulator({ stepMs: 0, faults: unreadableFirstWrite("userpilot") }),
    records: userpilotUsers(6),
    flags: ["--api-key", CREDS.apiKey, ...FAST_POLL],
  },
] as const;

describe("a write's 2xx answer arrives unreadable after the vendor acted", () => {
  for (const c of cases) {
    it(`${c.vendor}: the chunk is replayed, every user reported imported and stored once`, async () => {
      const sim = c.sim();
      const { url } = await serve(sim);
      const reportFile = file(`${c.vendor}-unreadable-report.json`);

      const result = await cli([
        "import",
        c.vendor,
        file(`${c.vendor}-unreadable.ndjson`, ndjson(c.records)),
        "--base-url",
        url,
        "--report",
        reportFile,
        ...c.flags,
      ]);

      expect(sim.stats().faults).toMatchObject({ scripted: 1 });
      const report = await readReportFile(reportFile);
      expect({ code: result.code, imported: report.imported, failed: report.failed }).toEqual({
        code: 0,
        imported: 6,
        failed: 0,
      });
      expect(result.stdout).toContain("1 replayed");
      expect(sim.stats()).toMatchObject({ users: 6, duplicates: 0 });
    });
  }
});
