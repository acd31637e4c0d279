// README "The report file" names the fields of the header line and of the summary line, which scripts read
// (`tail -n 1 report.ndjson`). Each line's type is spelled out whole below (every field, none more, or this
// file does not compile), so a field added to the report, or dropped, fails here until the README says so.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ReportHeader, ReportSummary } from "../../src/cli/report-file.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

const header: Required<ReportHeader> = {
  kind: "header",
  format: "bulk-user-import.report",
  version: 1,
  tool: "",
  vendor: "",
  input: "",
  startedAt: "",
};

const summary: Required<ReportSummary> = {
  kind: "summary",
  vendor: "",
  total: 0,
  imported: 0,
  warned: 0,
  failed: 0,
  vendorMayHold: 0,
  rejected: 0,
  chunks: { sent: 0, resumed: 0, replayed: 0 },
  events: {},
  aborted: false,
  fatal: "",
  fatalStatus: 0,
  fatalOAuthError: "invalid_client",
  inputError: "",
  journalLost: "removed",
  startedAt: "",
  durationMs: 0,
};

describe("README's report lines", () => {
  it("the header line names every field of the header", () => {
    const line = /^1\. `(\{"kind":"header".*\})`$/m.exec(readme)?.[1] ?? "";
    const named = [...line.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(named).toEqual(Object.keys(header));
  });

  it("the summary line names every field of the summary", () => {
    const text = /^3\. `\{"kind":"summary",…\}` last: [^(]*\(([^)]*)\)/m.exec(readme)?.[1] ?? "";
    const named = [...text.matchAll(/`(\w+)\??`/g)].map((m) => m[1]);
    expect(["kind", ...named].sort()).toEqual(Object.keys(summary).sort());
  });
});
