// A journal whose name holds a secret the CLI was given (a command line run together after a blank) that
// the run's client does not hold (another vendor's variable). A journal removed mid-run stops the import
// with an error naming the journal, which the report's fatal error and the reasons of the records not
// settled quote. The reasons were scrubbed of it; the fatal error kept it, in the report file too.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createUserpilotSimulator } from "../../src/testing/index.js";
import { interceptRoute } from "../support/intercept-route.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  ndjson,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir("bui-journal-name-");
const serve = useServedSimulators();
const SECRET = "cs_4d5e6f7a8b9c";

describe("a journal named with another vendor's secret, removed mid-run", () => {
  it("is named without the secret in every reason, the report file and the output", async () => {
    const sim = createUserpilotSimulator();
    const journal = file(`run ${SECRET}.journal`);
    const { url } = await serve(
      interceptRoute(sim, "POST /v1/users/bulk_identify", (seen) => {
        if (seen === 2) rmSync(journal);
      }),
    );
    const reportFile = file("report.ndjson");

    const run = await cli(
      [
        ...["import", "userpilot", file("users.ndjson", ndjson(userpilotUsers(30, "jn")))],
        ...[...FAST_POLL, "--base-url", url, "--api-key", CREDS.apiKey],
        ...["--journal", journal, "--chunk-size", "10", "--report", reportFile],
      ],
      { env: { PROPELLER_CLIENT_SECRET: SECRET } },
    );

    expect(run.code).toBe(3);
    const report = await readReportFile(reportFile);
    const named = `journal ${join(dirname(journal), "run [REDACTED].journal")}`;
    const quoting = report.outcomes.filter(
      (o) => o.outcome !== "imported" && o.reason.includes(named),
    );
    expect(quoting.length).toBeGreaterThan(0);
    expect(report.fatal).toContain(named);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(run.all).not.toContain(SECRET);
  });
});
