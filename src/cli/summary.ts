import type { ImportReport } from "../core/engine/report.js";
import { refusesCredentials } from "../core/errors/api-error.js";
import { isCredential, type VendorModule } from "../vendor-module.js";
import { forTerminal } from "./terminal-text.js";
import { listed } from "./vendors.js";

/**
 * The end-of-run summary for a person: counts, then the first problems with their reasons. `report.outcomes`
 * may hold only the first problems and warnings (a `ProblemSample`'s); `report.warned` says how many imports
 * had a warning in all. Keys, reasons, warnings and errors come from input or from a vendor: every
 * line is shown through {@link forTerminal}, so none of them can drive the terminal or forge a line.
 */
export function formatSummary(
  report: ImportReport,
  maxProblems = 10,
  reportFile?: string,
  vendor?: Pick<VendorModule, "settings">,
): string {
  // Where the outcomes left out are: a report file, if the run writes one.
  const rest = reportFile === undefined ? "--report FILE keeps every outcome" : `see ${reportFile}`;
  // The failures to look up at the vendor before anyone counts them missing or sends them elsewhere.
  const mayHold =
    report.vendorMayHold > 0 ? ` (${report.vendorMayHold} of them ${report.vendor} may hold)` : "";
  // `chunks.sent` counts a chunk an earlier run sent whose job this run only followed: "sent" alone claimed a
  // request this run never made.
  const lines = [
    `${report.vendor}: ${report.total} records: ${report.imported} imported, ${report.failed} failed${mayHold}, ${report.rejected} rejected` +
      ` (${report.chunks.sent} chunks sent or followed up, ${report.chunks.replayed} replayed, ${report.chunks.resumed} resumed, ${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  const events = Object.entries(report.events);
  if (events.length > 0)
    lines.push(`  along the way: ${events.map(([name, n]) => `${name} ${n}`).join(", ")}`);
  if (report.fatal !== undefined) lines.push(`  stopped: ${report.fatal}`);
  const refused = vendor === undefined ? undefined : credentialsRefused(report, vendor);
  if (refused !== undefined) lines.push(`  ${refused}`);
  // Set by the signal at any point, also after the whole input was read: the line claims no more than that.
  if (report.aborted)
    lines.push(
      "  aborted: the run stopped before its end; records it had not settled failed [aborted]",
    );
  if (report.inputError !== undefined) lines.push(`  input broken off: ${report.inputError}`);
  const problems = report.outcomes.filter((o) => o.outcome !== "imported");
  for (const o of problems.slice(0, maxProblems)) {
    if (o.outcome === "failed")
      lines.push(`  failed   #${o.index} ${o.key}: [${o.code}] ${o.reason}`);
    // A rejection's reason already names the record: `record <index> (<key>): …`.
    if (o.outcome === "rejected") lines.push(`  rejected [${o.rule}] ${o.reason}`);
  }
  const problemTotal = report.failed + report.rejected;
  if (problemTotal > maxProblems)
    lines.push(`  … and ${problemTotal - maxProblems} more (${rest})`);
  const warned = report.outcomes.filter((o) => o.outcome === "imported" && o.warning !== undefined);
  for (const o of warned.slice(0, maxProblems)) {
    if (o.outcome === "imported") lines.push(`  warning  #${o.index} ${o.key}: ${o.warning}`);
  }
  const warnings = report.warned;
  if (warnings > maxProblems)
    lines.push(`  … and ${warnings - maxProblems} more imported with a warning (${rest})`);
  return `${lines.map(forTerminal).join("\n")}\n`;
}

/**
 * Whether the vendor's answer that stopped the run refused the credentials (401), their permissions (403), or
 * an access token for them: a token endpoint's 400 whose OAuth2 error refused the client. A 400 with another
 * code refused the token request as it was made, and one with none may come from a host that is no token
 * endpoint: neither is the credentials' fault as far as the answer says.
 */
export function refusedCredentials(
  report: Pick<ImportReport, "fatalStatus" | "fatalOAuthError">,
): boolean {
  if (report.fatalStatus === 401 || report.fatalStatus === 403) return true;
  return (
    report.fatalStatus === 400 &&
    report.fatalOAuthError !== undefined &&
    refusesCredentials(report.fatalOAuthError)
  );
}

/**
 * When the vendor's answer that stopped the run refused the credentials, what to check: the flags and
 * environment variables they come from, as the vendor's module declares them (never a value). A 403 may be a
 * valid key without the permission: the line says so. A token endpoint's 400 that refused the request with
 * another OAuth2 error gets a line naming that code alone. Undefined for any other stop.
 */
function credentialsRefused(
  report: Pick<ImportReport, "vendor" | "fatalStatus" | "fatalOAuthError">,
  vendor: Pick<VendorModule, "settings">,
): string | undefined {
  if (!refusedCredentials(report)) {
    // The code alone, checked to be one: the endpoint's own words are the `stopped` line's, scrubbed.
    return report.fatalStatus === 400 && report.fatalOAuthError !== undefined
      ? `${report.vendor}'s token endpoint refused the token request: OAuth2 error ${report.fatalOAuthError}`
      : undefined;
  }
  const refused =
    report.fatalStatus === 401
      ? "refused the credentials"
      : report.fatalStatus === 403
        ? "refused the credentials or their permissions"
        : "gave no access token for the credentials";
  const named = ({ flag, env }: { flag: string; env: string }) => `--${flag} (or ${env})`;
  const credentials = vendor.settings.filter(isCredential).map(named);
  // Each environment is a host of its own, whose keys another's does not know (a sandbox key in production).
  const choices = vendor.settings.filter((setting) => !isCredential(setting)).map(named);
  const where = choices.length === 0 ? "" : `, and that ${listed(choices)} names theirs`;
  return `${report.vendor} ${refused}: check ${listed(credentials)}${where}`;
}
