// `import <vendor> --base-url` pointed at a hostile server on 127.0.0.1: it redirects one call of each
// operation to another origin, or never answers. The exit code is the README's (3: the import could not run),
// the report file holds every record once, and no credential reaches stdout, stderr, the report, the journal
// or the other origin.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { cli, ndjson, useTempDir } from "../cli/helpers.js";
import { expectNoSecret } from "./leaks.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  redirect,
  serveElsewhere,
  serveHostile,
  useHostileServers,
  type Hostile,
} from "./proxy-server.js";
import { proxiedOperations, expectNoCredentialIn } from "./vendors-behind-proxy.js";

useMswServer();
const file = useTempDir("bui-hostile-cli-");
const running = useHostileServers();

const cases = proxiedOperations();

async function importThrough(
  vendor: (typeof cases)[number]["vendor"],
  hostile: Hostile,
  name: string,
  extra: readonly string[] = [],
) {
  const input = file(`${name}.ndjson`, ndjson(vendor.records(3)));
  const report = file(`${name}.report`);
  const journal = file(`${name}.journal`);
  const result = await cli([
    ...["import", vendor.name, input, "--base-url", hostile.url, ...vendor.flags],
    ...["--report", report, "--journal", journal, "--retries", "0", "--chunk-attempts", "2"],
    ...extra,
  ]);
  const written = await readReportFile(report);
  const outputs = [result.all, readFileSync(report, "utf8")];
  if (existsSync(journal)) outputs.push(readFileSync(journal, "utf8"));
  for (const text of outputs) expectNoSecret(text, vendor.secrets);
  expectEveryRecordOnce(written, 3);
  return { ...result, written };
}

describe.each(cases)("$vendor.name $operation", ({ vendor, operation }) => {
  it("redirected to another origin: exit 3, nothing sent there, no record imported", async () => {
    const elsewhere = await serveElsewhere();
    running.push(elsewhere);
    const hostile = await serveHostile(vendor.simulator(), (request) =>
      vendor.operations[operation]?.(request)
        ? redirect(302, `${elsewhere.url}/capture?${request.url}`)
        : undefined,
    );
    running.push(hostile);

    const { code, written, stderr, stdout } = await importThrough(
      vendor,
      hostile,
      `r-${operation}`,
    );

    expect(code, stderr).toBe(3);
    expect(stdout).toMatch(/redirect/);
    expect(elsewhere.seen).toEqual([]);
    expectNoCredentialIn(vendor, elsewhere.seen);
    expect(written.imported).toBe(operation === "getBatchImportErrors" ? 3 : 0);
  });

  it("never answered: the run ends on its timeouts, exit 3, no record imported", async () => {
    const hostile = await serveHostile(vendor.simulator(), (request) =>
      vendor.operations[operation]?.(request) ? { kind: "hang" } : undefined,
    );
    running.push(hostile);

    const { code, written } = await importThrough(vendor, hostile, `h-${operation}`, [
      ...["--request-timeout", "200ms"],
      ...(vendor.name === "fullstory" || vendor.name === "userpilot"
        ? ["--job-timeout", "3s"]
        : []),
    ]);

    expect(written.imported).toBe(0);
    expect(written.failed).toBe(3);
    expect(code).toBe(3);
  }, 20_000);
});
