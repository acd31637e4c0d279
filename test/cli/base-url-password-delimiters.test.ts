// A proxy password holding `/`, `#` or `?` (common in generated passwords) makes a base URL unparseable;
// it must still be refused, not quoted into every reason, the report and the journal.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSimulator } from "../../src/cli/simulate-command.js";
import { vendorNamed } from "../../src/cli/vendors.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import {
  CREDS,
  cli,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "../cli/helpers.js";

const file = useTempDir("bui-base-url-password-");
const serve = useServedSimulators();
const passwords = ["Pa/ss7Word9xyz", "Pa#ss7Word9xyz", "Pa?ss7Word9xyz"];

describe("--base-url whose password holds a URL delimiter: exit 2, the password nowhere", () => {
  for (const password of passwords) {
    it(password, async () => {
      const sim = await createSimulator(vendorNamed("fullstory")!, {});
      const { url } = await serve(sim);
      const report = file("r.ndjson");
      const journal = file(`${passwords.indexOf(password)}.journal`);
      const result = await cli([
        "import",
        "fullstory",
        file("u.ndjson", ndjson(fullStoryUsers(2))),
        "--base-url",
        url.replace("http://", `http://proxyuser:${password}@`),
        "--report",
        report,
        "--journal",
        journal,
        "--api-key",
        CREDS.apiKey,
      ]);
      expect(result.all).not.toContain(password);
      if (existsSync(report)) expect(readFileSync(report, "utf8")).not.toContain(password);
      if (existsSync(journal)) expect(readFileSync(journal, "utf8")).not.toContain(password);
      expect(result.code).toBe(2);
      expect(totalRequests(sim)).toBe(0);
    });
  }
});

describe("the library refuses such a base URL when the client is created", () => {
  for (const password of passwords) {
    it(password, () => {
      const baseUrl = `https://proxyuser:${password}@proxy.example`;
      expect(() => createFullStoryClient({ apiKey: "na1.abcdefghijkl", baseUrl })).toThrow(
        /must not contain a user name or password/,
      );
      expect(() =>
        createPropellerClient({ clientId: "c", clientSecret: "abcdefghijkl", baseUrl }),
      ).toThrow(/must not contain a user name or password/);
    });
  }
});
