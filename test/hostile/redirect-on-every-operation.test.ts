// A vendor (or whatever answers in its place) that redirects any call of an import, not only the write: the
// job polls, the result pages, the job list, the token endpoint. Whatever the status (303 too) and wherever
// the Location points (another port of 127.0.0.1, which is another origin, or the same origin), nothing is
// sent there, the import stops with no record imported that the vendor did not confirm, and no credential
// appears anywhere.
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw.js";
import {
  redirect,
  serveElsewhere,
  serveHostile,
  type Action,
  useHostileServers,
} from "./proxy-server.js";
import {
  proxiedOperations,
  expectNoCredentialIn,
  expectSound,
  importInto,
} from "./vendors-behind-proxy.js";

useMswServer();
const running = useHostileServers();

const lostAnswer: Action = {
  kind: "rewrite",
  rewrite: () => ({
    status: 502,
    body: "<html>Bad Gateway</html>",
    headers: { "Content-Type": "text/html" },
  }),
};

const cases = proxiedOperations(true);

describe.each(cases)("$vendor.name $operation", ({ vendor, operation }) => {
  describe.each([301, 302, 303, 307, 308])("HTTP %i", (status) => {
    it.each(["another origin", "the same origin"])(
      "to %s: nothing follows it, nothing is imported, no credential leaks",
      async (where) => {
        const elsewhere = await serveElsewhere();
        running.push(elsewhere);
        const records = vendor.records(3);
        const hostile = await serveHostile(vendor.simulator(), (request) => {
          // Userpilot reads its job list only to find the job of a request whose answer was lost.
          if (
            operation === "listBackgroundJobs" &&
            (vendor.operations["bulkIdentifyUsers"] as (r: typeof request) => boolean)(request) &&
            hostile.seen.filter((r) => r.url === request.url).length === 1
          )
            return lostAnswer;
          if (!(vendor.operations[operation] as (r: typeof request) => boolean)(request))
            return undefined;
          const base = where === "another origin" ? elsewhere.url : "";
          return redirect(status, `${base}/capture?echo=${request.url}`);
        });
        running.push(hostile);

        const report = await importInto(vendor, hostile.url, records);

        expect(hostile.seen.some((r) => vendor.operations[operation]?.(r))).toBe(true);
        expect(elsewhere.seen).toEqual([]);
        expect(hostile.seen.filter((r) => r.url.startsWith("/capture"))).toEqual([]);
        expectSound(vendor, report, records.length);
        // FullStory's imports list, read in full beside the redirected errors list, confirms its users.
        expect(report.imported).toBe(operation === "getBatchImportErrors" ? records.length : 0);
        expect(report.fatal).toEqual(expect.stringMatching(/redirect/));
        expectNoCredentialIn(vendor, elsewhere.seen);
      },
    );
  });
});
