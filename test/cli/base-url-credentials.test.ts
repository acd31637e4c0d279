// A `--base-url` with a user name or password (a proxy's basic auth) is a usage error before anything is sent
// or written: otherwise fetch refuses every request with a message quoting the URL, and the password reaches
// every record's reason, the report file and the journal (whose destination names the base URL).
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { USAGE_HINT } from "../../src/cli/run.js";
import { createSimulator } from "../../src/cli/simulate-command.js";
import { vendorNamed } from "../../src/cli/vendors.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import {
  cli,
  everyVendor,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-base-url-");
const serve = useServedSimulators();
const password = seededFaker("base url credentials").string.alphanumeric({ length: 20 });

describe("--base-url with userinfo: exit 2, the password nowhere, nothing sent or written", () => {
  for (const c of everyVendor(2)) {
    it(c.vendor, async () => {
      const sim = await createSimulator(vendorNamed(c.vendor)!, {});
      const { url } = await serve(sim);
      const report = file(`${c.vendor}.report.ndjson`);
      const journal = file(`${c.vendor}.journal`);
      const result = await cli([
        "import",
        c.vendor,
        file(`${c.vendor}.ndjson`, ndjson(c.records)),
        "--base-url",
        url.replace("http://", `http://proxyuser:${password}@`),
        "--report",
        report,
        "--journal",
        journal,
        ...c.flags,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        "bulk-user-import: --base-url must not contain a user name or password (user:password@); " +
          `give the vendor's credentials with their own flags\n${USAGE_HINT}`,
      );
      expect(result.all).not.toContain(password);
      expect(totalRequests(sim)).toBe(0);
      expect(existsSync(report)).toBe(false);
      expect(existsSync(journal)).toBe(false);
    });
  }
});
