// The line after an import's summary that says how the rest is sent: only where a re-run with the same
// journal can resume. A Ctrl-C that follows a fatal answer (whose run reads its input to the end) leaves the
// fatal answer's cause to fix first.
import { describe, expect, it } from "vitest";
import { howItResumes } from "../../src/cli/import-command.js";

describe("howItResumes", () => {
  it("a run stopped by Ctrl-C alone resumes as it was", () => {
    expect(howItResumes({ aborted: true })).toBe("as it was");
  });

  it.each([
    [401, undefined],
    [403, undefined],
    [400, "invalid_client"],
    [400, "unauthorized_client"],
    [400, "invalid_grant"],
  ] as const)(
    "a run whose credentials got a %i (OAuth2 error %s) resumes once they are fixed",
    (status, code) => {
      const fatal = {
        fatal: "refused",
        fatalStatus: status,
        ...(code === undefined ? {} : { fatalOAuthError: code }),
      };
      expect(howItResumes({ ...fatal, aborted: false })).toBe("once fixed");
      expect(howItResumes({ ...fatal, aborted: true })).toBe("once fixed");
    },
  );

  it.each([
    ["a redirect", { fatal: "redirected", fatalStatus: 307 }],
    ["a token URL that answers 404", { fatal: "no token", fatalStatus: 404 }],
    // No credential would change these: a host that is no token endpoint, a token request's form refused.
    ["a token URL that answers 400 with no OAuth2 error", { fatal: "no token", fatalStatus: 400 }],
    [
      "a token request refused as invalid_request",
      { fatal: "no token", fatalStatus: 400, fatalOAuthError: "invalid_request" as const },
    ],
    ["no token for no stated reason", { fatal: "no token", fatalStatus: "auth" as const }],
    ["a journal the run could not write", { fatal: "journal gone" }],
  ])("%s, Ctrl-C'd after it or not: no line", (_, fatal) => {
    expect(howItResumes({ ...fatal, aborted: false })).toBeUndefined();
    expect(howItResumes({ ...fatal, aborted: true })).toBeUndefined();
  });

  it("a run that ended whole: no line", () => {
    expect(howItResumes({ aborted: false })).toBeUndefined();
  });
});
